#include "tests/fuse/mounted_store.h"

#include <iostream>
#include <utility>

#include "tests/support/client_fixture.h"
#include "tests/support/dfc_process.h"

namespace dfs::testing {

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
  auto mounted = FuseMount::mount({.binary = DFS_FUSE_BINARY,
                                   .config = config_,
                                   .mountpoint = mountpoint_,
                                   .log = local_ / "dfs-fuse.log",
                                   .mount_options = extra_mount_options(),
                                   .command_prefix = mount_command_prefix()});
  ASSERT_TRUE(mounted.ok()) << mounted.error().message();
  fuse_.emplace(std::move(*mounted));
}

void MountedStore::unmount() {
  if (!fuse_) return;
  const Status unmounted = fuse_->unmount();
  EXPECT_TRUE(unmounted.ok()) << unmounted.error().message();
  fuse_.reset();
}

CommandResult MountedStore::in_mount(const std::string& command, int timeout_seconds) const {
  return run_shell("cd " + shell_quote(mountpoint_.string()) + " && { " + command + "; } 2>&1", timeout_seconds);
}

}  // namespace dfs::testing
