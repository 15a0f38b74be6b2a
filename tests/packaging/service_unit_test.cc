// dfs-server as systemd runs it: the exact ExecStart= of packaging/systemd/dfs-server@.service
// (with %i substituted, /usr/bin and /etc/dfs moved into a scratch dir), a NOTIFY_SOCKET this test
// binds, as systemd's Type=notify does. READY=1 must come once the server answers, STOPPING=1 on
// SIGTERM, and the exit must be clean, or systemd would count a stop as a failure.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "client-core/server_connection.h"
#include "common/unique_fd.h"
#include "server/users_file.h"
#include "tests/support/child_process.h"
#include "tests/support/raw_http.h"
#include "tests/support/scratch_dir.h"

namespace dfs::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::string_view kInstance = "dfs1";

// The words of the unit's ExecStart= line, %i replaced by `instance`.
std::vector<std::string> exec_start_of(const fs::path& unit, std::string_view instance) {
  std::ifstream in(unit);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("ExecStart=")) continue;
    line.erase(0, std::strlen("ExecStart="));
    for (auto at = line.find("%i"); at != std::string::npos; at = line.find("%i", at)) line.replace(at, 2, instance);
    std::istringstream words(line);
    std::vector<std::string> argv;
    for (std::string word; words >> word;) argv.push_back(word);
    return argv;
  }
  return {};
}

// Rebases an absolute path of the installed system (/etc/dfs/..., /usr/bin/...) into `root`.
std::string rebased(const std::string& path, const fs::path& root) { return (root / path.substr(1)).string(); }

// The datagram socket systemd would listen on for sd_notify().
class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = UniqueFd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string text = path.string();
    if (!fd_.valid() || text.size() >= sizeof(addr.sun_path)) throw std::runtime_error("notify socket " + text);
    std::memcpy(addr.sun_path, text.c_str(), text.size() + 1);
    if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
      throw std::runtime_error("bind " + text + ": " + std::strerror(errno));
    }
  }
  const fs::path& path() const { return path_; }

  // The next datagram, or "" when none came within `timeout`.
  std::string receive(std::chrono::milliseconds timeout) const {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return {};
    char buffer[4096];
    const ssize_t n = ::recv(fd_.get(), buffer, sizeof(buffer), 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  fs::path path_;
  UniqueFd fd_;
};

// "STATUS=listening on 127.0.0.1:PORT (...)" -> PORT, 0 when it is not there.
std::uint16_t port_in_status(const std::string& message) {
  const std::string key = "STATUS=listening on 127.0.0.1:";
  const auto at = message.find(key);
  if (at == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::stoul(message.substr(at + key.size())));
}

TEST(ServiceUnit, ExecStartRunsTheServerThatNotifiesReadyThenStoppingAndExitsCleanly) {
  const fs::path unit = fs::path(DFS_SOURCE_DIR) / "packaging/systemd/dfs-server@.service";
  const auto exec_start = exec_start_of(unit, kInstance);
  ASSERT_EQ(exec_start, (std::vector<std::string>{"/usr/bin/dfs-server", "--config", "/etc/dfs/servers/dfs1.yaml"}))
      << "the unit's ExecStart changed; the package installs dfs-server in /usr/bin and configs in /etc/dfs/servers";

  // The host's files, moved into the scratch dir: the unit's config path with a temp root and an
  // ephemeral loopback port.
  ScratchDir scratch("dfs-service-unit");
  const fs::path host = scratch / "host";
  const fs::path config = rebased(exec_start[2], host);
  fs::create_directories(config.parent_path());
  const fs::path users = host / "etc/dfs/users";
  const client::Credentials credentials{"tester", "tester-password"};
  ASSERT_TRUE(server::UsersFile::set_password(users, credentials.user, credentials.password, 10'000).ok());
  std::ofstream(config) << "root: " << (host / "var/lib/dfs/dfs1").string() << "\nlisten: 127.0.0.1:0\nusers: "
                        << users.string() << "\n";

  NotifySocket notify(scratch / "notify");
  std::vector<std::string> argv{"/usr/bin/env", "NOTIFY_SOCKET=" + notify.path().string(), DFS_SERVER_BINARY};
  argv.insert(argv.end(), exec_start.begin() + 1, exec_start.end());
  argv.back() = config.string();
  auto server = ChildProcess::spawn(argv, scratch / "server.log");
  ASSERT_TRUE(server.ok()) << server.error().message();

  const std::string ready = notify.receive(10s);
  ASSERT_NE(ready.find("READY=1"), std::string::npos) << "no READY=1 within 10 s; got '" << ready << "'";
  const std::uint16_t port = port_in_status(ready);
  ASSERT_NE(port, 0) << "READY's STATUS does not name the address: '" << ready << "'";

  const std::string answer = raw_http_exchange(port, "LIST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                                     "Authorization: " + client::basic_authorization(credentials) +
                                                         "\r\n\r\n");
  EXPECT_EQ(status_of(answer), 200) << answer;

  server->signal(SIGTERM);
  const std::string stopping = notify.receive(10s);
  EXPECT_NE(stopping.find("STOPPING=1"), std::string::npos) << "no STOPPING=1 within 10 s; got '" << stopping << "'";
  EXPECT_EQ(server->wait(15s), 0);
}

TEST(ServiceUnit, WithoutNotifySocketTheServerRunsAsBefore) {
  ScratchDir scratch("dfs-service-plain");
  const fs::path users = scratch / "users";
  ASSERT_TRUE(server::UsersFile::set_password(users, "tester", "pw", 10'000).ok());
  auto server = ChildProcess::spawn({"/usr/bin/env", "-u", "NOTIFY_SOCKET", DFS_SERVER_BINARY, "--root",
                                     (scratch / "root").string(), "--listen", "127.0.0.1:0", "--users", users.string()},
                                    scratch / "server.log");
  ASSERT_TRUE(server.ok()) << server.error().message();
  EXPECT_TRUE(server->wait_for_line("listening on", 10s).ok());
  server->signal(SIGTERM);
  EXPECT_EQ(server->wait(15s), 0);
}

}  // namespace
}  // namespace dfs::testing
