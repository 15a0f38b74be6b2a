#include "tests/faults/cluster_on_hosts.h"

namespace dfs::testing {

TestClusterOptions servers_on(const TestHosts& hosts) {
  return {.servers = 4,
          .verbose = false,
          .host_of = [&hosts](int server) { return ServerHost{hosts.address(server), hosts.command_prefix(server)}; }};
}

client::ClientConfig with_fault_timeouts(client::ClientConfig config) {
  config.timeouts = {.connect = kFaultConnectTimeout, .io = kFaultIoTimeout};
  config.down_backoff = kFaultDownBackoff;
  return config;
}

std::string fault_timeouts_yaml() {
  return "connect_timeout_ms: " + std::to_string(kFaultConnectTimeout.count()) +
         "\nio_timeout_ms: " + std::to_string(kFaultIoTimeout.count()) +
         "\ndown_backoff_ms: " + std::to_string(kFaultDownBackoff.count()) + "\n";
}

TestClusterOptions MountedStoreOnHosts::cluster_options() const { return servers_on(hosts_); }

std::vector<std::string> MountedStoreOnHosts::mount_command_prefix() const {
  return mount_from_own_host_ ? hosts_.command_prefix(kServers) : std::vector<std::string>{};
}

}  // namespace dfs::testing
