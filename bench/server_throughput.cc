// dfs_bench_server: one storage server's PUT and GET of one large part over loopback, beside the
// local-disk ceiling measured on the same directory with the same bytes. Each run:
//
//   1. ceiling_write  write() the bytes in 1 MiB chunks to a plain file, then fsync
//   2. put            ServerConnection::put_part to a 1-server TestCluster, body from memory,
//                     timed until put_part returns (the server fsyncs before answering)
//   3. ceiling_read   drop the file's cached pages, read() it back in 1 MiB chunks
//   4. get            drop the stored part file's cached pages, get_part into a counting sink
//                     (the client checks the part's XXH3 itself)
//
// and the server's peak RSS (VmHWM) after all runs. Medians are printed as "NAME VALUE UNIT",
// then the ratios and the targets of docs/performance.md. MB is 10^6 bytes, MiB 2^20.
//
// Everything lives in a fresh directory under --dir (default /var/tmp), removed at the end; the
// server listens on 127.0.0.1 only. Exit code 0 when every run completed (a missed target is a
// figure, not a failure), 1 on an error, 2 on bad options.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "client-core/server_connection.h"
#include "common/error.h"
#include "common/remote_path.h"
#include "common/unique_fd.h"
#include "common/version_id.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/test_cluster.h"

namespace dfs::bench {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunk = 1 << 20;
constexpr double kPutTarget = 0.8;  // of ceiling_write
constexpr double kGetTarget = 0.8;  // of ceiling_read
constexpr double kRssTargetMiB = 64;

struct Options {
  std::uint64_t size_mb = 1024;
  int runs = 3;
  fs::path dir = "/var/tmp";
  bool metrics = false;  // the server counts into its /metrics (admin_listen), to measure the cost
};

struct CeilingWrite {
  double seconds = 0;        // write() + fsync
  double fsync_seconds = 0;  // the fsync alone
};

Result<CeilingWrite> write_ceiling(const fs::path& file, const std::string& data) {
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return Error::from_errno(errno, "create " + file.string());
  const auto start = Clock::now();
  for (std::size_t done = 0; done < data.size();) {
    const std::size_t want = std::min(kChunk, data.size() - done);
    const ssize_t n = ::write(fd.get(), data.data() + done, want);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::from_errno(n < 0 ? errno : EIO, "write " + file.string());
    done += static_cast<std::size_t>(n);
  }
  const auto fsync_start = Clock::now();
  if (::fsync(fd.get()) != 0) return Error::from_errno(errno, "fsync " + file.string());
  return CeilingWrite{seconds_since(start), seconds_since(fsync_start)};
}

Result<double> read_ceiling(const fs::path& file, std::uint64_t size) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Error::from_errno(errno, "open " + file.string());
  std::vector<char> buffer(kChunk);
  const auto start = Clock::now();
  std::uint64_t total = 0;
  while (total < size) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno(errno, "read " + file.string());
    if (n == 0) return Error(Errc::io_error, file.string() + " ended after " + std::to_string(total) + " bytes");
    total += static_cast<std::uint64_t>(n);
  }
  return seconds_since(start);
}

struct PutTiming {
  double seconds = 0;       // until put_part returned
  double body_seconds = 0;  // until the source handed out the last byte
  double server_cpu = 0;    // server CPU seconds during the PUT
};

Result<PutTiming> timed_put(client::ServerConnection& connection, pid_t server, const RemotePath& path,
                            const protocol::PartDescriptor& descriptor, const std::string& data) {
  auto inner = testing::source_of(data);
  std::uint64_t handed = 0;
  Clock::time_point body_done{};
  client::BodySource source = [&](char* buffer, std::size_t size) -> Result<std::size_t> {
    auto n = inner(buffer, size);
    if (n) handed += *n;
    if (n && handed == data.size()) body_done = Clock::now();
    return n;
  };
  const double cpu_before = cpu_seconds(server);
  const auto start = Clock::now();
  if (auto st = connection.put_part(path, descriptor, source); !st) return st.error();
  PutTiming t;
  t.seconds = seconds_since(start);
  t.body_seconds = std::chrono::duration<double>(body_done - start).count();
  t.server_cpu = cpu_seconds(server) - cpu_before;
  return t;
}

struct GetTiming {
  double seconds = 0;
  double first_byte_seconds = 0;
  double server_cpu = 0;
};

Result<GetTiming> timed_get(client::ServerConnection& connection, pid_t server, const RemotePath& path,
                            const VersionId& version, std::uint64_t size) {
  std::uint64_t received = 0;
  std::optional<Clock::time_point> first_byte;
  const double cpu_before = cpu_seconds(server);
  const auto start = Clock::now();
  auto info = connection.get_part(path, 1, version, std::nullopt, [&](std::string_view bytes) -> Status {
    if (!first_byte) first_byte = Clock::now();
    received += bytes.size();
    return {};
  });
  if (!info) return info.error();
  GetTiming t;
  t.seconds = seconds_since(start);
  t.first_byte_seconds = first_byte ? std::chrono::duration<double>(*first_byte - start).count() : 0;
  t.server_cpu = cpu_seconds(server) - cpu_before;
  if (received != size) {
    return Error(Errc::corruption, "GET gave " + std::to_string(received) + " bytes of " + std::to_string(size));
  }
  return t;
}

// The one stored part file of `name` (the "<version>.p1" of a single-part file).
Result<fs::path> stored_part_file(const fs::path& server_root, std::string_view user, std::string_view name) {
  const fs::path folder = server_root / user / ".dfs" / name;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.path().extension() == ".p1") return entry.path();
  }
  return Error(Errc::not_found, "no .p1 file in " + folder.string() + (ec ? ": " + ec.message() : ""));
}

struct RunFigures {
  double ceiling_write = 0, put = 0, ceiling_read = 0, get = 0;  // MB/s
};

Result<RunFigures> one_run(int run, testing::TestCluster& cluster, client::ServerConnection& connection,
                           const fs::path& dir, const std::string& data) {
  const std::uint64_t size = data.size();
  const pid_t server = cluster.pid(0);
  RunFigures f;

  const fs::path ceiling_file = dir / "ceiling.bin";
  auto written = write_ceiling(ceiling_file, data);
  if (!written) return written.error();
  f.ceiling_write = mb_per_s(size, written->seconds);

  const std::string name = "bench-run-" + std::to_string(run) + ".bin";
  auto path = RemotePath::parse(name);
  if (!path) return path.error();
  const VersionId version{static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()), 1};
  const auto descriptor = testing::descriptor_for(data, version);  // hashes the bytes; outside the timing
  auto put = timed_put(connection, server, *path, descriptor, data);
  if (!put) return put.error();
  f.put = mb_per_s(size, put->seconds);
  if (auto st = connection.commit(*path, version); !st) return st.error();

  if (auto st = drop_cache(ceiling_file); !st) return st.error();
  auto read = read_ceiling(ceiling_file, size);
  if (!read) return read.error();
  f.ceiling_read = mb_per_s(size, *read);
  fs::remove(ceiling_file);

  auto part_file = stored_part_file(cluster.root(0), cluster.credentials().user, name);
  if (!part_file) return part_file.error();
  if (auto st = drop_cache(*part_file); !st) return st.error();
  auto got = timed_get(connection, server, *path, version, size);
  if (!got) return got.error();
  f.get = mb_per_s(size, got->seconds);
  fs::remove_all(part_file->parent_path());

  std::printf("run %d ceiling_write %.1f MB/s (%.2f s, of which fsync %.2f s)\n", run, f.ceiling_write, written->seconds,
              written->fsync_seconds);
  std::printf("run %d put %.1f MB/s (%.2f s: body handed out after %.2f s, then %.2f s to the answer; server CPU %.2f s)\n",
              run, f.put, put->seconds, put->body_seconds, put->seconds - put->body_seconds, put->server_cpu);
  std::printf("run %d ceiling_read %.1f MB/s (%.2f s)\n", run, f.ceiling_read, *read);
  std::printf("run %d get %.1f MB/s (%.2f s, first byte after %.3f s; server CPU %.2f s)\n", run, f.get, got->seconds,
              got->first_byte_seconds, got->server_cpu);
  std::fflush(stdout);
  return f;
}

int run_bench(const Options& options) {
  const std::uint64_t size = options.size_mb << 20;
  BenchDir dir(options.dir);
  std::printf("dir %s\nsize %llu MiB\nruns %d\ncache_drop %s\n", dir.path().c_str(),
              static_cast<unsigned long long>(options.size_mb), options.runs,
              can_drop_all_caches() ? "fadvise+drop_caches" : "fadvise only (drop_caches not writable)");
  std::fflush(stdout);

  const std::string data = testing::random_bytes(size, 20240611);
  std::printf("metrics %s\n", options.metrics ? "on" : "off");
  testing::TestCluster cluster({.servers = 1,
                                .extra_yaml = options.metrics ? "admin_listen: 127.0.0.1:0\n" : "",
                                .verbose = false,
                                .data_parent = dir.path()});
  // A 1 GiB fsync can outlast the default 30 s per-operation timeout on a slow disk.
  auto connection = cluster.connect(0, {.connect = std::chrono::seconds(2), .io = std::chrono::seconds(300)});

  std::vector<double> ceiling_write, put, ceiling_read, get;
  for (int run = 1; run <= options.runs; ++run) {
    auto f = one_run(run, cluster, connection, dir.path(), data);
    if (!f) {
      std::fprintf(stderr, "dfs_bench_server: run %d: %s\n", run, f.error().message().c_str());
      return 1;
    }
    ceiling_write.push_back(f->ceiling_write);
    put.push_back(f->put);
    ceiling_read.push_back(f->ceiling_read);
    get.push_back(f->get);
  }
  const auto rss = peak_rss_mib(cluster.pid(0));
  if (!rss) {
    std::fprintf(stderr, "dfs_bench_server: no VmHWM in /proc/%d/status\n", static_cast<int>(cluster.pid(0)));
    return 1;
  }

  // This VM's disk and page cache swing several-fold from minute to minute, so each run's figure
  // is compared with the ceiling measured right beside it, and the median of those ratios is taken.
  std::vector<double> put_ratios, get_ratios;
  for (std::size_t i = 0; i < put.size(); ++i) {
    put_ratios.push_back(put[i] / ceiling_write[i]);
    get_ratios.push_back(get[i] / ceiling_read[i]);
  }
  const double put_ratio = median(put_ratios);
  const double get_ratio = median(get_ratios);
  std::printf("ceiling_write %.1f MB/s\n", median(ceiling_write));
  std::printf("put %.1f MB/s\n", median(put));
  std::printf("ceiling_read %.1f MB/s\n", median(ceiling_read));
  std::printf("get %.1f MB/s\n", median(get));
  std::printf("put_vs_ceiling %.2f\n", put_ratio);
  std::printf("get_vs_ceiling %.2f\n", get_ratio);
  std::printf("server_peak_rss %.1f MiB\n", *rss);
  std::printf("target put_vs_ceiling >= %.2f %s\n", kPutTarget, verdict(put_ratio >= kPutTarget));
  std::printf("target get_vs_ceiling >= %.2f %s\n", kGetTarget, verdict(get_ratio >= kGetTarget));
  std::printf("target server_peak_rss <= %.0f MiB %s\n", kRssTargetMiB, verdict(*rss <= kRssTargetMiB));
  return 0;
}

}  // namespace
}  // namespace dfs::bench

int main(int argc, char** argv) {
  dfs::bench::Options options;
  CLI::App app{"One dfs-server's PUT and GET of one large part over loopback, beside the local-disk ceiling"};
  app.add_option("--size-mb", options.size_mb, "part and ceiling-file size in MiB")
      ->check(CLI::Range(1, 16384))
      ->capture_default_str();
  app.add_option("--runs", options.runs, "runs; the medians are reported")->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--dir", options.dir, "a fresh directory is made (and removed) under this one for the data")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  app.add_flag("--metrics", options.metrics, "turn the server's metrics on (admin_listen), to measure their cost");
  return dfs::bench::run_main(app, argc, argv, "dfs_bench_server", [&] { return dfs::bench::run_bench(options); });
}
