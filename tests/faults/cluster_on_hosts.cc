#include "tests/faults/cluster_on_hosts.h"

namespace dfs::testing {

TestClusterOptions servers_on(const TestHosts& hosts) {
  return {.servers = 4,
          .verbose = false,
          .host_of = [&hosts](int server) { return ServerHost{hosts.address(server), hosts.command_prefix(server)}; }};
}

std::chrono::milliseconds one_timeout_bound(const client::ClientConfig& config) {
  return config.timeouts.connect + config.timeouts.io + std::chrono::milliseconds(500);
}

std::string timeouts_yaml(const client::ClientConfig& config) {
  return "connect_timeout_ms: " + std::to_string(config.timeouts.connect.count()) +
         "\nio_timeout_ms: " + std::to_string(config.timeouts.io.count()) +
         "\ndown_backoff_ms: " + std::to_string(config.down_backoff.count()) + "\n";
}

TestClusterOptions MountedStoreOnHosts::cluster_options() const { return servers_on(hosts_); }

std::vector<std::string> MountedStoreOnHosts::mount_command_prefix() const {
  return mount_from_own_host_ ? hosts_.command_prefix(kServers) : std::vector<std::string>{};
}

}  // namespace dfs::testing
