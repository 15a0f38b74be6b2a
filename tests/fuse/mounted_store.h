// A real mount for a test: a TestCluster of 4 servers, dfs-fuse -f on a scratch directory, and
// a DfsClient on the same cluster to check what the mount wrote (and write what it should read).
// Mounting and unmounting are FuseMount's (tests/support/fuse_mount.h); teardown unmounts
// before it removes the scratch directory, so nothing in the store is deleted.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client-core/dfs_client.h"
#include "tests/support/fuse_mount.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/shell.h"
#include "tests/support/test_cluster.h"

namespace dfs::testing {

class MountedStore : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::filesystem::path& mountpoint() const { return mountpoint_; }
  std::filesystem::path local(std::string_view name) const { return local_ / name; }  // outside the mount
  client::DfsClient& client() { return *client_; }
  TestCluster& cluster() { return *cluster_; }
  const TestCluster& cluster() const { return *cluster_; }
  // The cluster a test's fixture wants (a server on a small disk...); quiet servers by default.
  virtual TestClusterOptions cluster_options() const { return {.verbose = false}; }
  // More lines for dfs-fuse's dfc.yaml (spool_limit_mb, down_backoff_ms...), for a test's fixture.
  virtual std::string extra_client_yaml() const { return ""; }
  // Passed as dfs-fuse -o OPTS (allow_other...), for a test's fixture.
  virtual std::string extra_mount_options() const { return ""; }
  // Put before dfs-fuse's argv (nsenter into a test host's network), for a test's fixture.
  virtual std::vector<std::string> mount_command_prefix() const { return {}; }

  // Unmounts and mounts again (a new dfs-fuse on the same cluster): nothing cached survives.
  void remount();

  // `command` run by bash in the mountpoint, stderr merged into the output.
  CommandResult in_mount(const std::string& command, int timeout_seconds = 30) const;

 private:
  void mount();
  void unmount();

  ScratchDir local_{"dfs-fuse-test"};  // first declared, last removed: after the unmount
  std::filesystem::path mountpoint_;
  std::unique_ptr<TestCluster> cluster_;
  std::unique_ptr<client::DfsClient> client_;
  std::filesystem::path config_;
  std::optional<FuseMount> fuse_;
};

}  // namespace dfs::testing
