#include "tests/fuse/mounted_store.h"

#include <sys/vfs.h>

#include <chrono>
#include <csignal>
#include <iostream>

#include "tests/support/client_fixture.h"
#include "tests/support/dfc_process.h"

namespace dfs::testing {

namespace {

constexpr long kFuseSuperMagic = 0x65735546;
constexpr std::chrono::seconds kMountDeadline{10};

bool is_fuse_mount(const std::filesystem::path& dir) {
  struct statfs st {};
  return ::statfs(dir.c_str(), &st) == 0 && st.f_type == kFuseSuperMagic;
}

}  // namespace

void MountedStore::SetUp() {
  cluster_ = std::make_unique<TestCluster>(cluster_options());
  client_ = std::make_unique<client::DfsClient>(client_config_for(*cluster_));
  config_ = local_ / "dfc.yaml";
  write_dfc_yaml(*cluster_, cluster_->credentials(), config_);
  if (const std::string extra = extra_client_yaml(); !extra.empty()) {
    write_local_file(config_, read_local_file(config_) + extra);
  }
  mountpoint_ = local_ / "mnt";
  std::filesystem::create_directory(mountpoint_);
  mount();
}

void MountedStore::TearDown() {
  unmount();
  if (HasFailure()) {
    std::cerr << "---- dfs-fuse log\n" << run_shell("cat " + shell_quote((local_ / "dfs-fuse.log").string())).output;
  }
  client_.reset();
  cluster_.reset();
}

void MountedStore::remount() {
  unmount();
  mount();
}

void MountedStore::mount() {
  std::vector<std::string> argv{DFS_FUSE_BINARY, "--config", config_.string(), mountpoint_.string(), "-f"};
  if (const std::string options = extra_mount_options(); !options.empty()) {
    argv.push_back("-o");
    argv.push_back(options);
  }
  auto spawned = ChildProcess::spawn(argv, local_ / "dfs-fuse.log");
  ASSERT_TRUE(spawned.ok()) << spawned.error().message();
  fuse_.emplace(std::move(*spawned));
  auto line = fuse_->wait_for_line("mounted", kMountDeadline);
  ASSERT_TRUE(line.ok()) << "dfs-fuse did not mount: " << line.error().message();
  // The mount(2) is done when the line comes; statfs then waits in the kernel until the loop
  // answers. Polled with a deadline in case the line ever comes early; between polls, a bounded
  // wait for dfs-fuse's exit, which ends the wait at once when it dies.
  const auto deadline = std::chrono::steady_clock::now() + kMountDeadline;
  while (!is_fuse_mount(mountpoint_)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no FUSE mount on " << mountpoint_;
    auto exited = fuse_->wait(std::chrono::milliseconds(20));
    ASSERT_FALSE(exited.has_value()) << "dfs-fuse exited with " << *exited << " before the mount was ready";
  }
}

void MountedStore::unmount() {
  if (fuse_ && fuse_->running()) {
    const auto unmounted = run_shell("fusermount3 -u " + shell_quote(mountpoint_.string()) + " 2>&1", 15);
    EXPECT_EQ(unmounted.exit_code, 0) << "fusermount3 -u: " << unmounted.output;
    auto exit_code = fuse_->wait(std::chrono::seconds(10));
    EXPECT_EQ(exit_code, std::optional<int>(0)) << "dfs-fuse did not exit cleanly after the unmount";
    if (!exit_code) fuse_->signal(SIGKILL);
  }
  // Whatever happened, the scratch directory is removed later: never with the store under it.
  if (is_fuse_mount(mountpoint_)) (void)run_shell("fusermount3 -uz " + shell_quote(mountpoint_.string()), 15);
  fuse_.reset();
}

CommandResult MountedStore::in_mount(const std::string& command, int timeout_seconds) const {
  return run_shell("cd " + shell_quote(mountpoint_.string()) + " && { " + command + "; } 2>&1", timeout_seconds);
}

}  // namespace dfs::testing
