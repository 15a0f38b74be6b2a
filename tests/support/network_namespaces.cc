#include "tests/support/network_namespaces.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/unique_fd.h"

namespace dfs::testing {
namespace {

constexpr std::string_view kNamePrefix = "dfs-test-";
constexpr int kMaxHosts = 200;
constexpr int kClientHostNumber = 254;
constexpr const char* kNsenter = "/usr/bin/nsenter";

// Held while leftovers are swept and a subnet is picked and claimed, so two test processes
// never pick the same one.
class SubnetLock {
 public:
  SubnetLock() {
    const auto path = std::filesystem::temp_directory_path() / "dfs-test-hosts.lock";
    fd_.reset(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644));
    if (!fd_.valid()) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
    while (::flock(fd_.get(), LOCK_EX) != 0) {
      if (errno != EINTR) throw std::runtime_error("cannot lock " + path.string() + ": " + std::strerror(errno));
    }
  }  // the lock goes with the descriptor

 private:
  UniqueFd fd_;
};

CommandResult run_checked(const std::string& command, const std::string& what) {
  auto result = run_shell("{ " + command + "\n} 2>&1", 30);
  if (result.exit_code != 0) {
    throw std::runtime_error(what + " failed (exit " + std::to_string(result.exit_code) + "): " + result.output);
  }
  return result;
}

// The names of every named network namespace.
std::vector<std::string> namespace_names() {
  std::vector<std::string> names;
  std::istringstream lines(run_checked("ip netns list", "ip netns list").output);
  for (std::string line; std::getline(lines, line);) {
    if (const auto name = line.substr(0, line.find(' ')); !name.empty()) names.push_back(name);
  }
  return names;
}

struct OwnedName {
  int subnet = -1;
  pid_t owner = -1;
};

// "dfs-test-<X>-<pid>-<role>" -> X and pid; nullopt for anyone else's namespace.
std::optional<OwnedName> parse_owned_name(const std::string& name) {
  static const std::regex pattern(R"(dfs-test-([0-9]+)-([0-9]+)-[a-z0-9]+)");
  std::smatch match;
  if (!std::regex_match(name, match, pattern)) return std::nullopt;
  return OwnedName{std::stoi(match[1]), static_cast<pid_t>(std::stol(match[2]))};
}

// Exited: no such process, or a zombie nobody reaped yet (its namespaces are leftovers all the same).
bool process_is_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto after_name = line.rfind(')');  // "pid (comm) S ...": comm may hold spaces and ')'
  return after_name != std::string::npos && line.compare(after_name, 3, ") Z") == 0;
}

std::string root_link_name(int subnet) { return "dfst" + std::to_string(subnet); }

// Deletes the namespaces (and root veth) of test processes that died before their teardown.
void sweep_leftovers() {
  std::set<int> dead_subnets;
  std::string script;
  for (const auto& name : namespace_names()) {
    const auto owned = parse_owned_name(name);
    if (!owned || !process_is_gone(owned->owner)) continue;
    dead_subnets.insert(owned->subnet);
    script += "ip netns del " + name + " || true; ";
  }
  for (const int subnet : dead_subnets) {
    script = "ip link del " + root_link_name(subnet) + " 2>/dev/null || true; " + script;
  }
  if (!script.empty()) (void)run_shell(script, 30);
}

// The X of 10.213.X.0/24 that no namespace of ours, no address and no route here uses yet.
int free_subnet() {
  std::set<int> used;
  for (const auto& name : namespace_names()) {
    if (const auto owned = parse_owned_name(name)) used.insert(owned->subnet);
  }
  const std::string in_use =
      run_checked("ip -4 -o addr show && ip -4 route show table all", "listing addresses and routes").output;
  static const std::regex taken(R"(10\.213\.([0-9]+)\.)");
  for (std::sregex_iterator it(in_use.begin(), in_use.end(), taken), end; it != end; ++it) {
    used.insert(std::stoi((*it)[1]));
  }
  for (int subnet = 1; subnet < 255; ++subnet) {
    if (!used.contains(subnet)) return subnet;
  }
  throw std::runtime_error("every 10.213.X.0/24 is in use; leftovers of old test hosts? (ip netns list)");
}

}  // namespace

TestHosts::TestHosts(int count) {
  if (count < 1 || count > kMaxHosts) throw std::invalid_argument("TestHosts: 1 to 200 hosts, not " + std::to_string(count));
  if (::geteuid() != 0) throw std::runtime_error("TestHosts needs root (network namespaces, veth, tc)");
  SubnetLock lock;
  sweep_leftovers();
  subnet_ = free_subnet();
  root_link_ = root_link_name(subnet_);
  switch_name_ = namespace_name("switch");
  for (int i = 0; i < count; ++i) hosts_.push_back({namespace_name("h" + std::to_string(i + 1)), false});
  try {
    run_checked(setup_script(), "making test hosts");
    // The hosts' addresses must be reached through our veth, never through a real interface
    // (a default route would happily carry them off this machine).
    for (int i = 0; i < size(); ++i) {
      const auto route = run_checked("ip -4 route get " + address(i), "ip route get").output;
      if (route.find("dev " + root_link_ + " ") == std::string::npos) {
        throw std::runtime_error(address(i) + " is not routed through " + root_link_ + ": " + route);
      }
    }
  } catch (...) {
    remove_all();
    throw;
  }
}

TestHosts::~TestHosts() { remove_all(); }

std::string TestHosts::namespace_name(const std::string& role) const {
  return std::string(kNamePrefix) + std::to_string(subnet_) + "-" + std::to_string(::getpid()) + "-" + role;
}

std::string TestHosts::setup_script() const {
  const std::string net = "10.213." + std::to_string(subnet_) + ".";
  // The switch namespace first: its name claims the subnet for the sweep and free_subnet().
  std::string s = "set -e; ip netns add " + switch_name_ + "; ip -n " + switch_name_ + " link set lo up; ip -n " +
                  switch_name_ + " link add br0 type bridge; ip -n " + switch_name_ + " link set br0 up; " +
                  "ip link add " + root_link_ + " type veth peer name uplink netns " + switch_name_ + "; ip -n " +
                  switch_name_ + " link set uplink master br0 up; ip addr add " + net +
                  std::to_string(kClientHostNumber) + "/24 dev " + root_link_ + "; ip link set " + root_link_ +
                  " up; ";
  for (int i = 0; i < size(); ++i) {
    const std::string& host = name(i);
    const std::string port = "h" + std::to_string(i + 1);
    s += "ip netns add " + host + "; ip -n " + host + " link set lo up; ip -n " + switch_name_ + " link add " + port +
         " type veth peer name eth0 netns " + host + "; ip -n " + switch_name_ + " link set " + port +
         " master br0 up; ip -n " + host + " addr add " + address(i) + "/24 dev eth0; ip -n " + host +
         " link set eth0 up; ";
  }
  return s;
}

void TestHosts::remove_all() const {
  if (subnet_ < 0) return;
  // The root's veth first: from then on nothing here routes to the subnet. A namespace that
  // still holds a process lives on unnamed and unconnected until that process exits.
  std::string script = "ip link del " + root_link_ + " 2>/dev/null; ip netns del " + switch_name_ + " 2>/dev/null; ";
  for (const auto& host : hosts_) script += "ip netns del " + host.name + " 2>/dev/null; ";
  (void)run_shell(script + "true", 30);
}

const std::string& TestHosts::name(int i) const { return hosts_.at(static_cast<std::size_t>(i)).name; }

std::string TestHosts::address(int i) const {
  (void)name(i);  // range check
  return "10.213." + std::to_string(subnet_) + "." + std::to_string(i + 1);
}

std::string TestHosts::client_address() const {
  return "10.213." + std::to_string(subnet_) + "." + std::to_string(kClientHostNumber);
}

std::vector<std::string> TestHosts::command_prefix(int i) const {
  return {kNsenter, "--net=/run/netns/" + name(i), "--"};
}

CommandResult TestHosts::run(int i, const std::string& command, int timeout_seconds) const {
  return run_shell(std::string(kNsenter) + " --net=/run/netns/" + name(i) + " -- bash -c " +
                       shell_quote("{ " + command + "\n} 2>&1"),
                   timeout_seconds);
}

Status TestHosts::blackhole(int i) {
  auto& host = hosts_.at(static_cast<std::size_t>(i));
  const std::string port = "h" + std::to_string(i + 1);
  // Both directions: what the bridge sends to the host, and what the host sends out.
  const auto done = run_shell("{ tc -n " + switch_name_ + " qdisc replace dev " + port + " root blackhole && tc -n " +
                                  host.name + " qdisc replace dev eth0 root blackhole; } 2>&1",
                              30);
  if (done.exit_code != 0) return Error(Errc::io_error, "cannot blackhole " + host.name + ": " + done.output);
  host.blackholed = true;
  return {};
}

Status TestHosts::restore(int i) {
  auto& host = hosts_.at(static_cast<std::size_t>(i));
  if (!host.blackholed) return {};
  const std::string port = "h" + std::to_string(i + 1);
  const auto done = run_shell("{ tc -n " + switch_name_ + " qdisc del dev " + port + " root && tc -n " + host.name +
                                  " qdisc del dev eth0 root; } 2>&1",
                              30);
  if (done.exit_code != 0) return Error(Errc::io_error, "cannot restore " + host.name + ": " + done.output);
  host.blackholed = false;
  return {};
}

}  // namespace dfs::testing
