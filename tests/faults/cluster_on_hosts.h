// What the fault tests over test hosts share: a TestCluster whose server i runs as host i
// (tests/support/network_namespaces.h), the bound of a call that meets a silent host, and a
// MountedStore whose servers are hosts and whose dfs-fuse runs here or in a host of its own.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "client-core/client_config.h"
#include "tests/fuse/mounted_store.h"
#include "tests/support/network_namespaces.h"
#include "tests/support/test_cluster.h"

namespace dfs::testing {

// Server i on host i of `hosts` (which must outlive the cluster), on an ephemeral port.
TestClusterOptions servers_on(const TestHosts& hosts);
// The longest one call may take under `config` while a host is silent: one connect and one io
// timeout (a kept-alive connection waits for its answer, a new one for its connect), plus
// slack. Tighter than fault_support.h's kCallBound, which allows a retry on the other copy too.
std::chrono::milliseconds one_timeout_bound(const client::ClientConfig& config);
// dfc.yaml lines with the timeouts and back-off of `config`.
std::string timeouts_yaml(const client::ClientConfig& config);

// Four servers as four hosts; dfs-fuse mounted here (in the root namespace) or, with
// `mount_from_own_host`, run in a fifth host (the mount itself is still visible here: mounts
// belong to the mount namespace, which nsenter --net leaves alone).
class MountedStoreOnHosts : public MountedStore {
 protected:
  explicit MountedStoreOnHosts(bool mount_from_own_host)
      : mount_from_own_host_(mount_from_own_host), hosts_(mount_from_own_host ? 5 : 4) {}

  TestHosts& hosts() { return hosts_; }
  TestClusterOptions cluster_options() const override;
  std::vector<std::string> mount_command_prefix() const override;

 private:
  static constexpr int kServers = 4;
  bool mount_from_own_host_;
  TestHosts hosts_;  // destroyed after MountedStore's TearDown stopped the servers and the mount
};

}  // namespace dfs::testing
