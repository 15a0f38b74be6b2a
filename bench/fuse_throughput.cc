// dfs_bench_fuse: the dfs-fuse mount over a 4-server loopback TestCluster, beside the local disk,
// on the peers' fixed workload (shared/bench/workload.sh), plus a listing of 10 000 entries and
// dfs-fuse's peak memory while a big file is copied. What a user of the mount sees: every figure
// is ordinary tools (cp, sync, cat, ls -l, cmp) on the mounted directory.
//
// Each of --runs runs, under the machine's benchmark lock (--lock):
//
//   1. dfs    workload.sh on MOUNT/wl-N with a REMOUNT_CMD that asks this process (RemountService)
//             to unmount dfs-fuse and mount it again (a new process: nothing cached survives):
//             seq_write_1file (cp of BIG_MB MiB + sync), seq_read_1file (remount, drop caches,
//             cat), small_create (cp of SMALL_N files of SMALL_KB KiB + sync), ls_l_SMALL_N
//             (after a remount), small_read (remount, drop caches, cat), rm_all.
//   2. local  the same script on DIR/local/wl-N (same disk as the servers' roots), REMOUNT_CMD ':'.
//
// Then, unless --ls-files is 0 or equals --small-n (the workload's listing is then that figure):
// --ls-files files are written through DfsClient into /many, as many into a local directory, and
// `ls -l` of each is timed --runs times, the mount remounted before each (output counted).
// Then, unless --rss-mb is 0: a fresh mount, `cp SRC MOUNT/rss.bin` of --rss-mb MiB and dfs-fuse's
// VmHWM; a remount, the servers' files and SRC dropped from the page cache, `cmp SRC MOUNT/rss.bin`
// (the cold read, checked byte for byte) and the new dfs-fuse's VmHWM.
//
// Output: per-run lines, then "median dfs|local NAME VALUE UNIT" and "ratio NAME X" (dfs / local,
// the median of per-run ratios: this VM's disk swings from minute to minute), a table, and the
// issue's targets with PASS or MISS. Exit 0 when everything ran (a missed target is a figure,
// not a failure), 1 on an error, 2 on bad options. Everything lives in a fresh directory under
// --dir, removed at the end (after the unmount); the servers listen on 127.0.0.1 only.
#include <sys/statvfs.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/bench_lock.h"
#include "bench/bench_support.h"
#include "bench/listing_files.h"
#include "bench/remount_service.h"
#include "bench/workload_script.h"
#include "common/error.h"
#include "tests/support/client_fixture.h"
#include "tests/support/dfc_process.h"
#include "tests/support/fuse_mount.h"
#include "tests/support/test_cluster.h"

namespace dfs::bench {
namespace {

namespace fs = std::filesystem;

// The targets.
constexpr double kWriteTarget = 0.45;      // × local cp: two copies on one disk
constexpr double kReadTarget = 0.8;        // × local cat, both cold
constexpr double kSmallCreateTargetS = 3;  // for 1000 files of 16 KiB
constexpr double kListingTargetS = 1;      // ls -l of 10 000 entries
constexpr double kRssTargetMiB = 64;
constexpr int kTargetSmallFiles = 1000;
constexpr int kTargetListing = 10000;

constexpr auto kCommandTimeout = std::chrono::seconds(3600);  // a 10 GiB copy on a slow disk
constexpr std::uint64_t kSeed = 20240611;
constexpr const char* kManyRemote = "/many";

fs::path default_workload() {
  return (fs::path(DFS_SOURCE_DIR) / ".." / "shared" / "bench" / "workload.sh").lexically_normal();
}

struct Options {
  int runs = 3;
  std::uint64_t big_mb = 1024;
  int small_n = 1000;
  int small_kb = 16;
  int ls_files = kTargetListing;
  std::uint64_t rss_mb = 10240;
  fs::path dir = "/var/tmp";
  fs::path workload = default_workload();
  fs::path fuse = DFS_FUSE_BINARY;
  fs::path lock = "/tmp/bench.lock";
  int lock_wait_s = 3600;
};

// The mount, remounted from two threads (the RemountService's, for the workload, and the main
// one, between workloads), so every change goes through one mutex.
class BenchMount {
 public:
  explicit BenchMount(testing::FuseMountOptions options) : options_(std::move(options)) {}

  Status remount() {
    const std::lock_guard lock(mutex_);
    if (mount_) {
      const Status unmounted = mount_->unmount();
      mount_.reset();
      if (!unmounted) return unmounted;
    }
    auto mounted = testing::FuseMount::mount(options_);
    if (!mounted) return mounted.error();
    mount_.emplace(std::move(*mounted));
    ++mounts_;
    return {};
  }
  int mounts() {
    const std::lock_guard lock(mutex_);
    return mounts_;
  }
  // dfs-fuse's VmHWM now.
  Result<double> peak_rss_mib() {
    const std::lock_guard lock(mutex_);
    const auto peak = mount_ ? bench::peak_rss_mib(mount_->pid()) : std::nullopt;
    if (!peak) return Error(Errc::not_found, "no VmHWM for dfs-fuse in /proc (is it running?)");
    return *peak;
  }
  const fs::path& mountpoint() const { return options_.mountpoint; }

 private:
  testing::FuseMountOptions options_;
  std::mutex mutex_;
  std::optional<testing::FuseMount> mount_;
  int mounts_ = 0;  // dfs-fuse processes started, to show the remounts happened
};

struct Tools {
  fs::path bash, ls, cp, cmp;
};

// What every phase needs.
struct Setup {
  const Options* options = nullptr;
  Tools tools;
  fs::path dir;
  testing::TestCluster* cluster = nullptr;
  BenchMount* mount = nullptr;
  RemountService* remount = nullptr;
  WorkloadSettings workload;

  fs::path stderr_file() const { return dir / "stderr.txt"; }
  Result<BenchLock> lock() const {
    return BenchLock::acquire(options->lock, std::chrono::seconds(options->lock_wait_s));
  }
};

// The workload's figures compared here, in the order printed.
struct Compared {
  std::string name;
  bool rate;  // a rate (higher is better) or a time (lower is better)
};

std::vector<Compared> compared_figures(int small_n) {
  return {{"seq_write_1file", true},        {"seq_read_1file", true}, {"small_create", true},
          {listing_figure(small_n), false}, {"small_read", true},     {"rm_all", false}};
}

struct RunFigures {
  Figures dfs, local;
};

Result<RunFigures> one_run(int run, const Setup& s) {
  auto lock = s.lock();
  if (!lock) return lock.error();
  const std::string name = "wl-" + std::to_string(run);
  std::error_code ec;
  const fs::path dfs_dir = s.mount->mountpoint() / name;
  if (!fs::create_directory(dfs_dir, ec)) return Error::from_errno(ec.value(), "mkdir " + dfs_dir.string());
  const fs::path local_dir = s.dir / "local" / name;
  if (!fs::create_directories(local_dir, ec)) return Error::from_errno(ec.value(), "mkdir " + local_dir.string());

  RunFigures f;
  auto dfs = run_workload(s.workload, dfs_dir, s.remount->command(), s.stderr_file());
  if (!dfs) return dfs.error();
  f.dfs = std::move(*dfs);
  auto local = run_workload(s.workload, local_dir, ":", s.stderr_file());
  if (!local) return local.error();
  f.local = std::move(*local);

  for (const auto& c : compared_figures(s.options->small_n)) {
    const Figure& d = f.dfs.at(c.name);
    const Figure& l = f.local.at(c.name);
    std::printf("run %d %s dfs %.1f %s local %.1f %s dfs/local %.2f\n", run, c.name.c_str(), d.value, d.unit.c_str(),
                l.value, l.unit.c_str(), l.value > 0 ? d.value / l.value : 0);
  }
  std::fflush(stdout);
  return f;
}

Result<ProcessRun> counted_ls(const Setup& s, const fs::path& dir, std::uint64_t files) {
  auto run =
      run_process({s.tools.ls.string(), "-l", dir.string()}, s.stderr_file(), Stdout::count_lines, kCommandTimeout);
  if (!run) return run;
  if (run->stdout_lines != files + 1) {  // + "total N"
    return Error(Errc::corruption, "ls -l " + dir.string() + " printed " + std::to_string(run->stdout_lines) +
                                       " lines, expected " + std::to_string(files + 1));
  }
  return run;
}

struct ListingFigures {
  double dfs_ms = 0, local_ms = 0;
};

// ls -l of --ls-files entries, the mount remounted before each run.
Result<ListingFigures> run_listing(const Setup& s) {
  const int count = s.options->ls_files;
  auto remote_seconds = create_remote_files(*s.cluster, kManyRemote, count);
  if (!remote_seconds) return remote_seconds.error().with_context("creating " + std::to_string(count) + " files");
  const fs::path local_dir = s.dir / "local" / "many";
  auto local_seconds = create_local_files(local_dir, count);
  if (!local_seconds) return local_seconds.error();
  std::printf("listing: %d files made through DfsClient (%d threads) in %.2f s, locally in %.2f s\n", count,
              kCreateThreads, *remote_seconds, *local_seconds);

  std::vector<double> dfs_ms, local_ms;
  for (int run = 1; run <= s.options->runs; ++run) {
    auto lock = s.lock();
    if (!lock) return lock.error();
    if (auto st = s.mount->remount(); !st) return st.error();
    auto dfs = counted_ls(s, s.mount->mountpoint() / (kManyRemote + 1), static_cast<std::uint64_t>(count));
    if (!dfs) return dfs.error();
    auto local = counted_ls(s, local_dir, static_cast<std::uint64_t>(count));
    if (!local) return local.error();
    dfs_ms.push_back(dfs->seconds * 1e3);
    local_ms.push_back(local->seconds * 1e3);
    std::printf("run %d ls_l_%d dfs %.1f ms (after a remount) local %.1f ms\n", run, count, dfs_ms.back(),
                local_ms.back());
    std::fflush(stdout);
  }
  return ListingFigures{median(dfs_ms), median(local_ms)};
}

struct RssFigures {
  double write_mib = 0, read_mib = 0;
};

Status check_free_space(const Setup& s, std::uint64_t bytes) {
  struct statvfs st {};
  if (::statvfs(s.dir.c_str(), &st) != 0) return Error::from_errno(errno, "statvfs " + s.dir.string());
  const auto free_bytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  // The source, the spool while the copy is sent, and two stored copies.
  const std::uint64_t needed = 4 * bytes + (1ULL << 30);
  if (free_bytes < needed) {
    return Error(Errc::no_space, "the RSS copy of " + std::to_string(bytes >> 20) + " MiB needs " +
                                     std::to_string(needed >> 30) + " GiB free under " + s.dir.string() +
                                     ", there are " + std::to_string(free_bytes >> 30) + "; pass a smaller --rss-mb");
  }
  return {};
}

// dfs-fuse's peak RSS while a --rss-mb file is copied into the mount, then read back cold.
Result<RssFigures> run_rss(const Setup& s) {
  const std::uint64_t bytes = s.options->rss_mb << 20;
  if (auto st = check_free_space(s, bytes); !st) return st.error();
  const fs::path source = s.dir / "rss-source.bin";
  const fs::path target = s.mount->mountpoint() / "rss.bin";
  testing::write_pseudo_random_file(source, bytes, kSeed);

  auto lock = s.lock();
  if (!lock) return lock.error();
  RssFigures f;
  if (auto st = s.mount->remount(); !st) return st.error();  // a fresh process: VmHWM from zero
  auto copied = run_process({s.tools.cp.string(), source.string(), target.string()}, s.stderr_file(), Stdout::discard,
                            kCommandTimeout);
  if (!copied) return copied.error();
  auto peak = s.mount->peak_rss_mib();
  if (!peak) return peak.error();
  f.write_mib = *peak;
  std::printf("rss cp of %llu MiB into the mount: %.1f s (%.1f MB/s), dfs-fuse VmHWM %.1f MiB\n",
              static_cast<unsigned long long>(s.options->rss_mb), copied->seconds, mb_per_s(bytes, copied->seconds),
              f.write_mib);
  std::fflush(stdout);

  if (auto st = s.mount->remount(); !st) return st.error();
  for (int i = 0; i < s.cluster->size(); ++i) {
    if (auto st = evict_tree_from_page_cache(s.cluster->root(i)); !st) return st.error();
  }
  if (auto st = drop_cache(source); !st) return st.error();
  auto compared = run_process({s.tools.cmp.string(), source.string(), target.string()}, s.stderr_file(),
                              Stdout::discard, kCommandTimeout);
  if (!compared) return compared.error().with_context("the copy read back differs, or could not be read");
  peak = s.mount->peak_rss_mib();
  if (!peak) return peak.error();
  f.read_mib = *peak;
  std::printf(
      "rss cmp of the copy (cold) with its source: %.1f s (%.1f MB/s incl. the local read), dfs-fuse VmHWM "
      "%.1f MiB\n",
      compared->seconds, mb_per_s(bytes, compared->seconds), f.read_mib);
  std::fflush(stdout);
  std::error_code ec;
  fs::remove(target, ec);
  fs::remove(source, ec);
  return f;
}

// The median over the runs of one figure, or of dfs / local per run.
double median_of(const std::vector<RunFigures>& runs, const std::string& name, bool dfs) {
  std::vector<double> values;
  for (const auto& r : runs) values.push_back((dfs ? r.dfs : r.local).at(name).value);
  return median(values);
}
double median_ratio(const std::vector<RunFigures>& runs, const std::string& name) {
  std::vector<double> values;
  for (const auto& r : runs) {
    const double local = r.local.at(name).value;
    values.push_back(local > 0 ? r.dfs.at(name).value / local : 0);
  }
  return median(values);
}

Result<Tools> find_tools() {
  Tools tools;
  for (auto [tool, name] : {std::pair{&tools.bash, "bash"}, std::pair{&tools.ls, "ls"}, std::pair{&tools.cp, "cp"},
                            std::pair{&tools.cmp, "cmp"}}) {
    auto found = find_tool(name);
    if (!found) return found.error();
    *tool = *found;
  }
  return tools;
}

int fail(const Error& error) {
  std::fprintf(stderr, "dfs_bench_fuse: %s\n", error.message().c_str());
  return 1;
}

int run_bench(const Options& options) {
  std::error_code ec;
  if (!fs::is_regular_file(options.workload, ec)) {
    return fail(Error(Errc::not_found, "no workload script at " + options.workload.string() + " (pass --workload)"));
  }
  if (!fs::is_regular_file(options.fuse, ec)) {
    return fail(Error(Errc::not_found,
                      "no dfs-fuse at " + options.fuse.string() + " (build the dfs-fuse target, or pass --fuse)"));
  }
  auto tools = find_tools();
  if (!tools) return fail(tools.error());

  BenchDir dir(options.dir);  // first, so it goes last: after the unmount and the cluster
  Setup s;
  s.options = &options;
  s.tools = *tools;
  s.dir = dir.path();
  s.workload = {.script = options.workload,
                .bash = tools->bash,
                .source_dir = dir.path() / "source",
                .big_mb = options.big_mb,
                .small_n = options.small_n,
                .small_kb = options.small_kb,
                .timeout = kCommandTimeout};
  std::printf(
      "dir %s\ndfs-fuse %s\nworkload %s\nbig %llu MiB, small %d x %d KiB, listing %d, rss copy %llu MiB\n"
      "runs %d\ndrop_caches %s\nloadavg %s\n",
      s.dir.c_str(), options.fuse.c_str(), options.workload.c_str(), static_cast<unsigned long long>(options.big_mb),
      options.small_n, options.small_kb, options.ls_files, static_cast<unsigned long long>(options.rss_mb),
      options.runs, can_drop_all_caches() ? "yes" : "no (the cold reads may be warm)", loadavg().c_str());
  std::fflush(stdout);

  testing::TestCluster cluster({.servers = 4, .verbose = false, .data_parent = dir.path()});
  s.cluster = &cluster;
  const fs::path config = dir.path() / "dfc.yaml";
  testing::write_dfc_yaml(cluster, cluster.credentials(), config);
  fs::create_directory(dir.path() / "spool");
  testing::write_local_file(config,
                            testing::read_local_file(config) + "spool_dir: " + (dir.path() / "spool").string() + "\n");
  fs::create_directory(dir.path() / "mnt");
  fs::create_directory(dir.path() / "local");
  BenchMount mount(
      {.binary = options.fuse, .config = config, .mountpoint = dir.path() / "mnt", .log = dir.path() / "dfs-fuse.log"});
  s.mount = &mount;
  if (auto st = mount.remount(); !st) return fail(st.error());
  RemountService remount([&mount] { return mount.remount(); });  // after the mount: stopped before it
  s.remount = &remount;

  std::vector<RunFigures> runs;
  for (int run = 1; run <= options.runs; ++run) {
    auto f = one_run(run, s);
    if (!f) return fail(f.error().with_context("run " + std::to_string(run)));
    runs.push_back(std::move(*f));
  }

  std::optional<ListingFigures> listing;
  const bool own_listing = options.ls_files > 0 && options.ls_files != options.small_n;
  if (own_listing) {
    auto l = run_listing(s);
    if (!l) return fail(l.error().with_context("listing"));
    listing = *l;
  }
  std::optional<RssFigures> rss;
  if (options.rss_mb > 0) {
    auto r = run_rss(s);
    if (!r) return fail(r.error().with_context("rss copy"));
    rss = *r;
  }

  // Medians, as lines a script can pick up.
  for (const auto& c : compared_figures(options.small_n)) {
    const std::string& unit = runs.front().dfs.at(c.name).unit;
    std::printf("median dfs %s %.1f %s\n", c.name.c_str(), median_of(runs, c.name, true), unit.c_str());
    std::printf("median local %s %.1f %s\n", c.name.c_str(), median_of(runs, c.name, false), unit.c_str());
    std::printf("ratio %s %.2f\n", c.name.c_str(), median_ratio(runs, c.name));
  }
  const std::string listing_name = "ls_l_" + std::to_string(options.ls_files);
  if (listing) {
    std::printf("median dfs %s %.1f ms\n", listing_name.c_str(), listing->dfs_ms);
    std::printf("median local %s %.1f ms\n", listing_name.c_str(), listing->local_ms);
  }
  if (rss) {
    std::printf("fuse_peak_rss_write %.1f MiB\n", rss->write_mib);
    std::printf("fuse_peak_rss_read %.1f MiB\n", rss->read_mib);
  }

  // The table, for a reader.
  std::printf("\n%-22s %17s %17s %9s\n", "figure (median)", "dfs", "local", "dfs/local");
  for (const auto& c : compared_figures(options.small_n)) {
    const std::string& unit = runs.front().dfs.at(c.name).unit;
    std::printf("%-22s %9.1f %-7s %9.1f %-7s %9.2f\n", c.name.c_str(), median_of(runs, c.name, true), unit.c_str(),
                median_of(runs, c.name, false), unit.c_str(), median_ratio(runs, c.name));
  }
  if (listing) {
    std::printf("%-22s %9.1f %-7s %9.1f %-7s %9.2f\n", listing_name.c_str(), listing->dfs_ms, "ms", listing->local_ms,
                "ms", listing->local_ms > 0 ? listing->dfs_ms / listing->local_ms : 0);
  }
  std::printf("\n");

  // The targets, with a figure measured at another size scaled to the target's size (said so).
  const double write_ratio = median_ratio(runs, "seq_write_1file");
  const double read_ratio = median_ratio(runs, "seq_read_1file");
  std::printf("target write >= %.2fx local cp: %.2f %s\n", kWriteTarget, write_ratio,
              verdict(write_ratio >= kWriteTarget));
  std::printf("target cold read >= %.2fx local cat: %.2f %s\n", kReadTarget, read_ratio,
              verdict(read_ratio >= kReadTarget));
  const double create_rate = median_of(runs, "small_create", true);
  const double create_s = create_rate > 0 ? kTargetSmallFiles / create_rate : 0;
  std::printf("target %d small creates < %.0f s: %.2f s%s %s\n", kTargetSmallFiles, kSmallCreateTargetS, create_s,
              options.small_n == kTargetSmallFiles
                  ? ""
                  : (" (at the rate measured with " + std::to_string(options.small_n) + ")").c_str(),
              verdict(create_rate > 0 && create_s < kSmallCreateTargetS));
  const bool have_listing = listing || options.ls_files == options.small_n;
  if (have_listing && options.ls_files > 0) {
    const double ms = listing ? listing->dfs_ms : median_of(runs, listing_figure(options.small_n), true);
    const double scaled_s = ms / 1e3 * kTargetListing / options.ls_files;
    std::printf("target ls -l of %d entries < %.0f s: %.2f s%s %s\n", kTargetListing, kListingTargetS, scaled_s,
                options.ls_files == kTargetListing
                    ? ""
                    : (" (scaled from " + std::to_string(options.ls_files) + " entries)").c_str(),
                verdict(scaled_s < kListingTargetS));
  }
  if (rss) {
    const double peak = std::max(rss->write_mib, rss->read_mib);
    std::printf("target dfs-fuse peak RSS <= %.0f MiB: %.1f MiB (copy of %llu MiB) %s\n", kRssTargetMiB, peak,
                static_cast<unsigned long long>(options.rss_mb), verdict(peak <= kRssTargetMiB));
  }
  std::printf("dfs-fuse mounts %d\nloadavg %s\n", mount.mounts(), loadavg().c_str());
  return 0;
}

}  // namespace
}  // namespace dfs::bench

int main(int argc, char** argv) {
  dfs::bench::Options options;
  CLI::App app{
      "dfs-fuse on a 4-server loopback cluster beside the local disk: the peers' workload.sh, "
      "ls -l of many entries, and dfs-fuse's peak RSS during a big copy"};
  app.add_option("--runs", options.runs, "runs; the medians are reported")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--big-mb", options.big_mb, "workload BIG_MB: the file written and read, in MiB")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  app.add_option("--small-n", options.small_n, "workload SMALL_N: small files created")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--small-kb", options.small_kb, "workload SMALL_KB: their size in KiB")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  app.add_option("--ls-files", options.ls_files,
                 "entries listed with ls -l (0: none; equal to --small-n: the workload's listing)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  app.add_option("--rss-mb", options.rss_mb, "file copied through the mount for dfs-fuse's peak RSS, in MiB (0: skip)")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  app.add_option("--dir", options.dir, "a fresh directory is made (and removed) under this one for all the data")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  app.add_option("--workload", options.workload, "the peers' workload script")->capture_default_str();
  app.add_option("--fuse", options.fuse, "the dfs-fuse binary to measure")->capture_default_str();
  app.add_option("--lock", options.lock, "benchmark lock held around each timed part ('' for none)")
      ->capture_default_str();
  app.add_option("--lock-wait-s", options.lock_wait_s, "how long to wait for that lock")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  return dfs::bench::run_main(app, argc, argv, "dfs_bench_fuse", [&] { return dfs::bench::run_bench(options); });
}
