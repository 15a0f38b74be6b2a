// dfs_bench_dfc: the real `dfc` command-line client against a 4-server loopback TestCluster,
// beside `cp` and `ls -l` on the same disk. What a user sees: every figure is a whole process,
// from fork to exit, start-up, configuration and connections included.
//
// Once: a file of --size-mb MiB of pseudo-random bytes (fsynced). Then each of --runs runs:
//
//   1. cp        `cp FILE COPY` (the page cache: the ceiling for a write that needs no durability)
//      cp_sync   cp, then fsync of COPY (durable, which is what `dfc put` promises)
//   2. put       `dfc --config dfc.yaml put FILE /bench/big` (a new version each run)
//   3. get       drop every file under the servers' roots and FILE from the page cache
//                (fdatasync + POSIX_FADV_DONTNEED each), `dfc get /bench/big OUT`, then OUT is
//                compared with FILE byte for byte
//      cp_cold   drop FILE again, `cp FILE COPY`: the read ceiling under the same conditions
//
// and dfc's peak RSS for put and get (ru_maxrss from wait4). The ratios are ceiling time / dfc
// time, so 1.0 is as fast as cp; each run's ratio uses the ceiling measured beside it and the
// median of those is compared with the targets (this VM's disk swings several-fold from minute to
// minute). Then, unless --skip-ls, a directory of --ls-files small files is made through
// DfsClient (a few threads) and `dfc ls /many`, `dfc ls -l /many` and a local `ls -l` of as
// many files are timed --runs times, each output counted line by line and thrown away.
//
// With --tls the servers and dfc speak TLS (a throw-away CA and certificate are made in the
// bench directory): what TLS costs once sendfile and splice are out of the path.
//
// Output: "NAME VALUE UNIT" lines, then the targets. MB is 10^6 bytes, MiB 2^20. Everything lives
// in a fresh directory under --dir (default /var/tmp), removed at the end; the servers listen on
// 127.0.0.1 only. Exit 0 when every run completed (a missed target is a figure, not a failure),
// 1 on an error, 2 on bad options.
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
#include <utility>
#include <vector>

#include "bench/bench_support.h"
#include "bench/listing_files.h"
#include "client-core/dfs_client.h"
#include "common/error.h"
#include "common/remote_path.h"
#include "common/unique_fd.h"
#include "tests/support/client_fixture.h"
#include "tests/support/dfc_process.h"
#include "tests/support/test_certificates.h"
#include "tests/support/test_cluster.h"

namespace dfs::bench {
namespace {

namespace fs = std::filesystem;

constexpr double kPutTarget = 0.5;  // of cp: two copies on one disk, so half of local is the best
constexpr double kGetTarget = 0.8;  // of cp from a cold page cache
constexpr double kRssTargetMiB = 64;
constexpr auto kCommandTimeout = std::chrono::seconds(600);  // per command; a 1 GiB put on a slow disk
constexpr std::uint64_t kSeed = 20240611;
constexpr const char* kBigRemote = "/bench/big";
constexpr const char* kManyRemote = "/many";

fs::path default_dfc() {
#ifdef DFS_DFC_BINARY
  return DFS_DFC_BINARY;
#else
  return fs::read_symlink("/proc/self/exe").parent_path() / "dfc";
#endif
}

struct Options {
  std::uint64_t size_mb = 1024;
  int runs = 3;
  fs::path dir = "/var/tmp";
  int ls_files = 10000;
  bool skip_ls = false;
  bool tls = false;
  fs::path dfc = default_dfc();
};

// Everything a run needs: the tools, the cluster, and the files in the bench directory.
struct Setup {
  fs::path dfc, cp, ls;
  fs::path config;  // dfc.yaml
  fs::path dir;
  fs::path file;    // the source bytes
  std::uint64_t size = 0;
  testing::TestCluster* cluster = nullptr;

  fs::path stderr_file() const { return dir / "stderr.txt"; }
  std::vector<std::string> dfc_args(std::vector<std::string> command) const {
    std::vector<std::string> argv{dfc.string(), "--config", config.string()};
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
  }
  // `dfc --config dfc.yaml COMMAND...`, its stdout thrown away.
  Result<ProcessRun> run_dfc(std::vector<std::string> command) const {
    return run_process(dfc_args(std::move(command)), stderr_file(), Stdout::discard, kCommandTimeout);
  }
  Result<ProcessRun> run_cp(const fs::path& from, const fs::path& to) const {
    return run_process({cp.string(), from.string(), to.string()}, stderr_file(), Stdout::discard, kCommandTimeout);
  }
};

Result<double> timed_fsync(const fs::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Error::from_errno(errno, "open " + file.string() + " to fsync it");
  const auto start = Clock::now();
  if (::fsync(fd.get()) != 0) return Error::from_errno(errno, "fsync " + file.string());
  return seconds_since(start);
}

double servers_cpu(const testing::TestCluster& cluster) {
  double total = 0;
  for (int i = 0; i < cluster.size(); ++i) total += cpu_seconds(cluster.pid(i));
  return total;
}

Status evict_cluster_and(const Setup& s, const fs::path& file) {
  for (int i = 0; i < s.cluster->size(); ++i) {
    if (auto st = evict_tree_from_page_cache(s.cluster->root(i)); !st) return st;
  }
  return evict_from_page_cache(file);
}

struct RunFigures {
  double cp = 0, cp_sync = 0, put = 0, cp_cold = 0, get = 0;  // seconds
  double put_rss = 0, get_rss = 0;                            // MiB
};

Result<RunFigures> one_run(int run, const Setup& s) {
  RunFigures f;
  const fs::path copy = s.dir / "copy.bin";
  const fs::path out = s.dir / "out.bin";

  auto cp = s.run_cp(s.file, copy);
  if (!cp) return cp.error();
  auto fsync_seconds = timed_fsync(copy);
  if (!fsync_seconds) return fsync_seconds.error();
  fs::remove(copy);
  f.cp = cp->seconds;
  f.cp_sync = cp->seconds + *fsync_seconds;

  double cpu_before = servers_cpu(*s.cluster);
  auto put = s.run_dfc({"put", s.file.string(), kBigRemote});
  if (!put) return put.error();
  const double put_servers_cpu = servers_cpu(*s.cluster) - cpu_before;
  f.put = put->seconds;
  f.put_rss = put->peak_rss_mib;

  if (auto st = evict_cluster_and(s, s.file); !st) return st.error();
  cpu_before = servers_cpu(*s.cluster);
  auto get = s.run_dfc({"get", kBigRemote, out.string()});
  if (!get) return get.error();
  const double get_servers_cpu = servers_cpu(*s.cluster) - cpu_before;
  f.get = get->seconds;
  f.get_rss = get->peak_rss_mib;
  if (const auto difference = testing::difference_between(s.file, out); !difference.empty()) {
    return Error(Errc::corruption, "dfc get gave other bytes than were put: " + difference);
  }
  fs::remove(out);

  if (auto st = evict_from_page_cache(s.file); !st) return st.error();
  auto cp_cold = s.run_cp(s.file, copy);
  if (!cp_cold) return cp_cold.error();
  fs::remove(copy);
  f.cp_cold = cp_cold->seconds;

  std::printf("run %d cp %.2f s (%.1f MB/s)\n", run, f.cp, mb_per_s(s.size, f.cp));
  std::printf("run %d cp_sync %.2f s (%.1f MB/s; the fsync alone %.2f s)\n", run, f.cp_sync, mb_per_s(s.size, f.cp_sync),
              *fsync_seconds);
  std::printf("run %d put %.2f s (%.1f MB/s; dfc CPU %.2f s, servers' CPU %.2f s, dfc peak RSS %.1f MiB)\n", run, f.put,
              mb_per_s(s.size, f.put), put->cpu_seconds, put_servers_cpu, f.put_rss);
  std::printf("run %d get %.2f s (%.1f MB/s; dfc CPU %.2f s, servers' CPU %.2f s, dfc peak RSS %.1f MiB)\n", run, f.get,
              mb_per_s(s.size, f.get), get->cpu_seconds, get_servers_cpu, f.get_rss);
  std::printf("run %d cp_cold %.2f s (%.1f MB/s)\n", run, f.cp_cold, mb_per_s(s.size, f.cp_cold));
  std::printf("run %d put_vs_cp %.2f put_vs_cp_sync %.2f get_vs_cp_cold %.2f\n", run, f.cp / f.put, f.cp_sync / f.put,
              f.cp_cold / f.get);
  std::fflush(stdout);
  return f;
}

Result<ProcessRun> counted(const Setup& s, const std::vector<std::string>& argv, std::uint64_t expected_lines) {
  auto run = run_process(argv, s.stderr_file(), Stdout::count_lines, kCommandTimeout);
  if (!run) return run;
  if (run->stdout_lines != expected_lines) {
    return Error(Errc::corruption, fs::path(argv[0]).filename().string() + " printed " +
                                       std::to_string(run->stdout_lines) + " lines, expected " +
                                       std::to_string(expected_lines));
  }
  return run;
}

Status run_ls(const Options& options, const Setup& s) {
  const auto count = static_cast<std::uint64_t>(options.ls_files);
  auto remote_seconds = create_remote_files(*s.cluster, kManyRemote, options.ls_files);
  if (!remote_seconds) return remote_seconds.error().with_context("creating " + std::to_string(count) + " files");
  const fs::path local_dir = s.dir / "many";
  auto local_seconds = create_local_files(local_dir, options.ls_files);
  if (!local_seconds) return local_seconds.error();
  std::printf("create %d files through DfsClient (%d threads) %.2f s (%.0f files/s; local, no fsync: %.2f s)\n",
              options.ls_files, kCreateThreads, *remote_seconds, options.ls_files / *remote_seconds, *local_seconds);
  std::fflush(stdout);

  std::vector<double> dfc_ls, dfc_ls_long, local_ls, ratios;
  for (int run = 1; run <= options.runs; ++run) {
    const std::string context = "ls run " + std::to_string(run);
    const double cpu_before = servers_cpu(*s.cluster);
    auto shortlist = counted(s, s.dfc_args({"ls", kManyRemote}), count);
    if (!shortlist) return shortlist.error().with_context(context);
    const double ls_servers_cpu = servers_cpu(*s.cluster) - cpu_before;
    auto longlist = counted(s, s.dfc_args({"ls", "-l", kManyRemote}), count);
    if (!longlist) return longlist.error().with_context(context);
    auto local = counted(s, {s.ls.string(), "-l", local_dir.string()}, count + 1);  // + "total N"
    if (!local) return local.error().with_context(context);
    dfc_ls.push_back(shortlist->seconds);
    dfc_ls_long.push_back(longlist->seconds);
    local_ls.push_back(local->seconds);
    ratios.push_back(local->seconds / shortlist->seconds);
    std::printf("run %d dfc_ls %.1f ms (dfc CPU %.1f ms, servers' CPU %.1f ms, dfc peak RSS %.1f MiB) "
                "dfc_ls_long %.1f ms local_ls_l %.1f ms\n",
                run, shortlist->seconds * 1e3, shortlist->cpu_seconds * 1e3, ls_servers_cpu * 1e3,
                shortlist->peak_rss_mib, longlist->seconds * 1e3, local->seconds * 1e3);
    std::fflush(stdout);
  }
  std::printf("ls_files %d\n", options.ls_files);
  std::printf("dfc_ls %.1f ms\n", median(dfc_ls) * 1e3);
  std::printf("dfc_ls_long %.1f ms\n", median(dfc_ls_long) * 1e3);
  std::printf("local_ls_l %.1f ms\n", median(local_ls) * 1e3);
  std::printf("dfc_ls_vs_local_ls_l %.2f\n", median(ratios));
  return {};
}

int run_bench(const Options& options) {
  Setup s;
  s.dfc = options.dfc;
  if (std::error_code ec; !fs::is_regular_file(s.dfc, ec)) {
    std::fprintf(stderr, "dfs_bench_dfc: no dfc at %s (build the dfc target, or name one with --dfc)\n", s.dfc.c_str());
    return 1;
  }
  s.size = options.size_mb << 20;
  for (auto [tool, name] : {std::pair{&s.cp, "cp"}, std::pair{&s.ls, "ls"}}) {
    auto found = find_tool(name);
    if (!found) {
      std::fprintf(stderr, "dfs_bench_dfc: %s\n", found.error().message().c_str());
      return 1;
    }
    *tool = *found;
  }
  BenchDir dir(options.dir);  // first, so it goes last: after the cluster has stopped
  s.dir = dir.path();
  s.file = dir.path() / "source.bin";
  s.config = dir.path() / "dfc.yaml";
  std::printf("dir %s\ndfc %s\nsize %llu MiB\nruns %d\ncache_drop fdatasync+fadvise DONTNEED per file\nloadavg %s\n",
              s.dir.c_str(), s.dfc.c_str(), static_cast<unsigned long long>(options.size_mb), options.runs,
              loadavg().c_str());
  std::fflush(stdout);

  testing::write_pseudo_random_file(s.file, s.size, kSeed);
  if (auto synced = timed_fsync(s.file); !synced) {
    std::fprintf(stderr, "dfs_bench_dfc: %s\n", synced.error().message().c_str());
    return 1;
  }
  testing::TestClusterOptions cluster_options{.servers = 4, .verbose = false, .data_parent = dir.path()};
  std::optional<testing::TestCertificates> certificates;
  if (options.tls) {
    certificates.emplace(dir.path() / "certs");
    cluster_options.extra_yaml = certificates->server_yaml();
    cluster_options.client_tls = {true, certificates->ca_file.string()};
  }
  testing::TestCluster cluster(cluster_options);
  s.cluster = &cluster;
  testing::write_dfc_yaml(cluster, cluster.credentials(), s.config);

  std::vector<RunFigures> runs;
  for (int run = 1; run <= options.runs; ++run) {
    auto f = one_run(run, s);
    if (!f) {
      std::fprintf(stderr, "dfs_bench_dfc: run %d: %s\n", run, f.error().message().c_str());
      return 1;
    }
    runs.push_back(*f);
  }

  std::vector<double> cp, cp_sync, put, get, cp_cold, put_vs_cp, put_vs_cp_sync, get_vs_cp;
  double put_rss = 0, get_rss = 0;
  for (const auto& f : runs) {
    cp.push_back(mb_per_s(s.size, f.cp));
    cp_sync.push_back(mb_per_s(s.size, f.cp_sync));
    put.push_back(mb_per_s(s.size, f.put));
    cp_cold.push_back(mb_per_s(s.size, f.cp_cold));
    get.push_back(mb_per_s(s.size, f.get));
    put_vs_cp.push_back(f.cp / f.put);
    put_vs_cp_sync.push_back(f.cp_sync / f.put);
    get_vs_cp.push_back(f.cp_cold / f.get);
    put_rss = std::max(put_rss, f.put_rss);
    get_rss = std::max(get_rss, f.get_rss);
  }
  std::printf("cp %.1f MB/s\n", median(cp));
  std::printf("cp_sync %.1f MB/s\n", median(cp_sync));
  std::printf("put %.1f MB/s\n", median(put));
  std::printf("cp_cold %.1f MB/s\n", median(cp_cold));
  std::printf("get %.1f MB/s\n", median(get));
  std::printf("put_vs_cp %.2f\n", median(put_vs_cp));
  std::printf("put_vs_cp_sync %.2f\n", median(put_vs_cp_sync));
  std::printf("get_vs_cp_cold %.2f\n", median(get_vs_cp));
  std::printf("dfc_put_peak_rss %.1f MiB\n", put_rss);  // the largest of the runs
  std::printf("dfc_get_peak_rss %.1f MiB\n", get_rss);
  std::fflush(stdout);

  if (!options.skip_ls) {
    if (auto st = run_ls(options, s); !st) {
      std::fprintf(stderr, "dfs_bench_dfc: %s\n", st.error().message().c_str());
      return 1;
    }
  }

  const double rss = std::max(put_rss, get_rss);
  std::printf("target put_vs_cp >= %.2f %s\n", kPutTarget, verdict(median(put_vs_cp) >= kPutTarget));
  std::printf("target get_vs_cp_cold >= %.2f %s\n", kGetTarget, verdict(median(get_vs_cp) >= kGetTarget));
  std::printf("target dfc_peak_rss <= %.0f MiB %s\n", kRssTargetMiB, verdict(rss <= kRssTargetMiB));
  std::printf("loadavg %s\n", loadavg().c_str());
  return 0;
}

}  // namespace
}  // namespace dfs::bench

int main(int argc, char** argv) {
  dfs::bench::Options options;
  CLI::App app{"The dfc command-line client's put, get and ls against a 4-server loopback cluster, beside cp and ls -l"};
  app.add_option("--size-mb", options.size_mb, "size of the file put and got, in MiB")
      ->check(CLI::Range(1, 16384))
      ->capture_default_str();
  app.add_option("--runs", options.runs, "runs; the medians are reported")->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--dir", options.dir, "a fresh directory is made (and removed) under this one for all the data")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  app.add_option("--ls-files", options.ls_files, "files in the directory listed")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_flag("--skip-ls", options.skip_ls, "skip the directory listing");
  app.add_flag("--tls", options.tls, "servers and dfc speak TLS (certificates made for the run)");
  app.add_option("--dfc", options.dfc, "the dfc binary to measure")->check(CLI::ExistingFile)->capture_default_str();
  return dfs::bench::run_main(app, argc, argv, "dfs_bench_dfc", [&] { return dfs::bench::run_bench(options); });
}
