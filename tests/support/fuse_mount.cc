#include "tests/support/fuse_mount.h"

#include <signal.h>
#include <sys/vfs.h>

#include <utility>
#include <vector>

#include "tests/support/shell.h"

namespace dfs::testing {
namespace {

constexpr long kFuseSuperMagic = 0x65735546;
constexpr int kUnmountTimeoutSeconds = 15;
constexpr std::chrono::seconds kExitTimeout{10};

// A lazy unmount of whatever is still mounted on `dir` (dfs-fuse dead or stuck).
void detach(const std::filesystem::path& dir) {
  if (is_fuse_mount(dir)) (void)run_shell("fusermount3 -uz " + shell_quote(dir.string()), kUnmountTimeoutSeconds);
}

}  // namespace

bool is_fuse_mount(const std::filesystem::path& dir) {
  struct statfs st {};
  return ::statfs(dir.c_str(), &st) == 0 && st.f_type == kFuseSuperMagic;
}

FuseMount::FuseMount(std::filesystem::path mountpoint, ChildProcess process)
    : mountpoint_(std::move(mountpoint)), process_(std::move(process)) {}

FuseMount::FuseMount(FuseMount&& other) noexcept
    : mountpoint_(std::exchange(other.mountpoint_, {})), process_(std::exchange(other.process_, std::nullopt)) {}

FuseMount::~FuseMount() { (void)unmount(); }

Result<FuseMount> FuseMount::mount(const FuseMountOptions& options) {
  std::vector<std::string> argv = options.command_prefix;
  argv.insert(argv.end(), {options.binary.string(), "--config", options.config.string(), options.mountpoint.string(), "-f"});
  if (!options.mount_options.empty()) {
    argv.push_back("-o");
    argv.push_back(options.mount_options);
  }
  auto spawned = ChildProcess::spawn(argv, options.log);
  if (!spawned) return spawned.error().with_context("start " + options.binary.string());
  // From here on the destructor unmounts and kills, whichever way this returns.
  FuseMount mounted(options.mountpoint, std::move(*spawned));
  const std::string where = "dfs-fuse on " + options.mountpoint.string() + " (log " + options.log.string() + ")";
  if (auto line = mounted.process_->wait_for_line("mounted", options.ready_timeout); !line) {
    return line.error().with_context(where + " did not mount");
  }
  // The mount(2) is done when the line comes; statfs then waits in the kernel until the loop
  // answers. Polled with a deadline in case the line ever comes early; between polls, a bounded
  // wait for dfs-fuse's exit, which ends the wait at once when it dies.
  const auto deadline = std::chrono::steady_clock::now() + options.ready_timeout;
  while (!is_fuse_mount(options.mountpoint)) {
    if (std::chrono::steady_clock::now() >= deadline) return Error(Errc::timeout, where + ": no FUSE mount in time");
    if (auto exited = mounted.process_->wait(std::chrono::milliseconds(20))) {
      mounted.process_.reset();
      return Error(Errc::unavailable,
                   where + " exited with " + std::to_string(*exited) + " before the mount was ready");
    }
  }
  return mounted;
}

Status FuseMount::unmount() {
  Status status;
  if (process_ && process_->running()) {
    const auto unmounted =
        run_shell("fusermount3 -u " + shell_quote(mountpoint_.string()) + " 2>&1", kUnmountTimeoutSeconds);
    if (unmounted.exit_code != 0) {
      status = Error(Errc::io_error, "fusermount3 -u " + mountpoint_.string() + ": " + unmounted.output);
    }
    const auto exit_code = process_->wait(kExitTimeout);
    if (!exit_code) {
      process_->signal(SIGKILL);
      if (status) status = Error(Errc::timeout, "dfs-fuse did not exit within 10 s of the unmount; killed");
    } else if (*exit_code != 0 && status) {
      status = Error(Errc::io_error, "dfs-fuse exited with " + std::to_string(*exit_code) + " after the unmount");
    }
  }
  // Whatever happened, the directory is removed later: never with the store under it.
  if (!mountpoint_.empty()) detach(mountpoint_);
  process_.reset();
  return status;
}

}  // namespace dfs::testing
