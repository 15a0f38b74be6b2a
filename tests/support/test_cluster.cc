#include "tests/support/test_cluster.h"

#include <signal.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "server/users_file.h"

namespace dfs::testing {

namespace {
constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr std::uint32_t kTestPasswordIterations = 10'000;
}  // namespace

TestCluster::TestCluster(TestClusterOptions options)
    : options_(std::move(options)), scratch_("dfs-cluster"), credentials_{"tester", "tester-password"} {
  users_file_ = scratch_ / "users";
  if (auto st = server::UsersFile::set_password(users_file_, credentials_.user, credentials_.password,
                                                kTestPasswordIterations);
      !st) {
    throw std::runtime_error(st.error().message());
  }
  servers_.resize(static_cast<std::size_t>(options_.servers));
  for (int i = 0; i < size(); ++i) {
    auto& server = servers_[static_cast<std::size_t>(i)];
    if (options_.host_of) server.host = options_.host_of(i);
    server.address = {"dfs" + std::to_string(i + 1), server.host.listen_host, 0, options_.client_tls};
    start(i);
  }
}

TestCluster::~TestCluster() = default;  // each ChildProcess kills and reaps its own server

std::vector<client::ServerAddress> TestCluster::addresses() const {
  std::vector<client::ServerAddress> out;
  for (const auto& s : servers_) out.push_back(s.address);
  return out;
}

std::string TestCluster::url(int i) const {
  return (options_.client_tls.enabled ? "https://" : "http://") + address(i).host + ":" +
         std::to_string(address(i).port);
}

std::filesystem::path TestCluster::root(int i) const {
  auto parent = options_.data_parent.empty() ? scratch_.path() : options_.data_parent;
  if (const auto own = options_.data_parent_of.find(i); own != options_.data_parent_of.end()) parent = own->second;
  return parent / ("dfs" + std::to_string(i + 1));
}

std::filesystem::path TestCluster::config_file(int i) const { return scratch_ / ("dfs" + std::to_string(i + 1) + ".yaml"); }

std::string TestCluster::log(int i) const {
  std::ifstream in(scratch_ / ("dfs" + std::to_string(i + 1) + ".log"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

pid_t TestCluster::pid(int i) const {
  const auto& p = servers_.at(static_cast<std::size_t>(i)).process;
  return p ? p->pid() : -1;
}

bool TestCluster::running(int i) const {
  const auto& p = servers_.at(static_cast<std::size_t>(i)).process;
  return p && p->running();
}

void TestCluster::write_config(int i) {
  std::ofstream out(config_file(i));
  out << "root: " << root(i).string() << "\n"
      << "users: " << users_file_.string() << "\n"
      << "listen: " << address(i).host << ":" << address(i).port << "\n"
      << "verbose: " << (options_.verbose ? "true" : "false") << "\n"
      << options_.extra_yaml << "\n";
}

void TestCluster::start(int i) {
  auto& server = servers_.at(static_cast<std::size_t>(i));
  if (server.process && server.process->running()) throw std::runtime_error(server.address.name + " is already running");
  write_config(i);
  std::vector<std::string> argv = server.host.command_prefix;
  argv.insert(argv.end(), {DFS_SERVER_BINARY, "--config", config_file(i).string()});
  auto child = ChildProcess::spawn(argv, scratch_ / (server.address.name + ".log"));
  if (!child) throw std::runtime_error(child.error().message());
  auto line = child->wait_for_line("listening on", kStartTimeout);
  if (!line) {
    throw std::runtime_error(server.address.name + " did not start: " + line.error().message() + "\n" + log(i));
  }
  const auto colon = line->rfind(':', line->find(" (root"));
  server.address.port = static_cast<std::uint16_t>(std::stoi(line->substr(colon + 1)));
  server.process = std::move(*child);
}

int TestCluster::stop(int i, int sig) {
  signal(i, sig);
  const auto code = wait_exit(i, std::chrono::seconds(10));
  if (!code) throw std::runtime_error(address(i).name + " did not exit within 10 s of signal " + std::to_string(sig));
  return *code;
}

void TestCluster::signal(int i, int sig) {
  auto& p = servers_.at(static_cast<std::size_t>(i)).process;
  if (!p || !p->running()) throw std::runtime_error(address(i).name + " is not running");
  p->signal(sig);
}

void TestCluster::freeze(int i) {
  signal(i, SIGSTOP);
  if (!servers_.at(static_cast<std::size_t>(i)).process->wait_stopped(std::chrono::seconds(10))) {
    throw std::runtime_error(address(i).name + " did not stop within 10 s of SIGSTOP");
  }
}

std::optional<int> TestCluster::wait_exit(int i, std::chrono::milliseconds timeout) {
  auto& p = servers_.at(static_cast<std::size_t>(i)).process;
  if (!p) return std::nullopt;
  return p->wait(timeout);
}

client::ServerConnection TestCluster::connect(int i, client::Timeouts timeouts) const {
  return client::ServerConnection(address(i), credentials_, timeouts);
}

}  // namespace dfs::testing
