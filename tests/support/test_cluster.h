// The one helper that runs a cluster of real dfs-server processes for a test or a benchmark:
// each server gets its own data root under a scratch directory and an ephemeral port (kept
// across restarts) on loopback, or on a test host (host_of); all share one users file with the
// user "tester". Teardown kills only the processes this cluster started.
//
// The users file is made with 10 000 PBKDF2 iterations instead of the default 600 000: the
// server reads the count from the file, so the same code runs, each test just pays less.
#pragma once

#include <csignal>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client-core/server_connection.h"
#include "tests/support/child_process.h"
#include "tests/support/scratch_dir.h"

namespace dfs::testing {

// Where one server runs: by default in this network namespace on loopback; a test host
// (tests/support/network_namespaces.h) gives its address and the nsenter prefix instead.
struct ServerHost {
  std::string listen_host = "127.0.0.1";
  std::vector<std::string> command_prefix;  // argv put before dfs-server's own
};

struct TestClusterOptions {
  int servers = 4;
  std::string extra_yaml;  // appended to every server's config file
  bool verbose = true;     // one log line per request in the server logs
  std::filesystem::path data_parent;  // where the server roots go; default: the scratch dir
  // Server index -> where that server's root goes instead (one server on a small disk).
  std::map<int, std::filesystem::path> data_parent_of;
  // How clients reach the servers (addresses(), connect(), dfc.yaml); the servers' own TLS
  // keys go in extra_yaml (see test_certificates.h).
  client::TlsSettings client_tls;
  // Server index -> where it runs (listens on an ephemeral port there); empty: all on loopback.
  std::function<ServerHost(int server)> host_of;
};

class TestCluster {
 public:
  explicit TestCluster(TestClusterOptions options = {});  // starts every server; throws on failure
  ~TestCluster();

  int size() const { return static_cast<int>(servers_.size()); }
  const client::ServerAddress& address(int i) const { return servers_.at(static_cast<std::size_t>(i)).address; }
  std::vector<client::ServerAddress> addresses() const;
  const client::Credentials& credentials() const { return credentials_; }
  std::string url(int i) const;  // "http://HOST:PORT" ("https://" with client_tls)
  std::filesystem::path root(int i) const;
  std::filesystem::path config_file(int i) const;
  const std::filesystem::path& users_file() const { return users_file_; }
  const ScratchDir& scratch() const { return scratch_; }
  std::string log(int i) const;
  pid_t pid(int i) const;
  bool running(int i) const;

  client::ServerConnection connect(int i, client::Timeouts timeouts = {}) const;

  // (Re)starts server i on its port; throws when it does not come up within 10 s.
  void start(int i);
  // Sends `sig` and waits (up to 10 s) for the exit; returns its exit code or 128 + signal.
  int stop(int i, int sig = SIGTERM);
  void kill(int i) { stop(i, SIGKILL); }
  // Sends a signal without waiting (SIGSTOP, SIGCONT, or SIGINT to race it).
  void signal(int i, int sig);
  // SIGSTOP, returning once server i has really stopped (throws after 10 s): it then accepts
  // connections (the kernel does) but answers nothing.
  void freeze(int i);
  // Waits for an exit started by signal(); nullopt when it has not exited in time.
  std::optional<int> wait_exit(int i, std::chrono::milliseconds timeout);

 private:
  struct Server {
    client::ServerAddress address;
    ServerHost host;
    std::optional<ChildProcess> process;
  };
  void write_config(int i);

  TestClusterOptions options_;
  ScratchDir scratch_;
  std::filesystem::path users_file_;
  client::Credentials credentials_;
  std::vector<Server> servers_;
};

}  // namespace dfs::testing
