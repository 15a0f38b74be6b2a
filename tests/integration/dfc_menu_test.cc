// The classic menu of the real `dfc` binary (PUT, GET, LIST, EXIT) against real servers: driven
// through stdin as a script would, and through a terminal (a pty) as a person would.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/unique_fd.h"
#include "tests/support/client_fixture.h"
#include "tests/support/dfc_process.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

namespace fs = std::filesystem;
using namespace dfs::testing;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kMenuTitle = "dfs menu";
constexpr std::string_view kPrompt = "dfc> ";

std::size_t count(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// A menu session on a pseudo-terminal: dfc sees a terminal on stdin, stdout and stderr.
// Every read waits with poll() against a deadline; nothing sleeps.
class PtyDfc {
 public:
  PtyDfc(const std::vector<std::string>& args, const fs::path& working_dir) {
    std::vector<std::string> argv{DFS_DFC_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    const std::string cwd = working_dir.string();
    winsize size{};
    size.ws_row = 24;
    size.ws_col = 100;
    const pid_t parent = ::getpid();
    int master = -1;
    pid_ = ::forkpty(&master, nullptr, nullptr, &size);
    if (pid_ < 0) throw std::runtime_error("forkpty failed");
    if (pid_ == 0) {
      // Only async-signal-safe calls from here to exec.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      if (::chdir(cwd.c_str()) != 0) ::_exit(127);
      ::execv(raw[0], raw.data());
      ::_exit(127);
    }
    master_.reset(master);
    pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
  }

  ~PtyDfc() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  void send(std::string_view line) {
    const std::string text = std::string(line) + "\n";
    ASSERT_EQ(::write(master_.get(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }

  // Everything dfc wrote up to and including the next `needle` after what earlier calls consumed;
  // fails the test (and returns what arrived) when it does not come within `timeout`.
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      if (const auto at = pending_.find(needle); at != std::string::npos) {
        std::string chunk = pending_.substr(0, at + needle.size());
        pending_.erase(0, at + needle.size());
        return chunk;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd fd{master_.get(), POLLIN, 0};
      const int ready = left > 0 ? ::poll(&fd, 1, static_cast<int>(left)) : 0;
      if (ready < 0 && errno == EINTR) continue;
      char buffer[4096];
      const ssize_t n = ready > 0 ? ::read(master_.get(), buffer, sizeof buffer) : -1;
      if (n <= 0) {  // timed out, or the terminal closed (EIO): dfc exited
        ADD_FAILURE() << "no '" << needle << "' from dfc; it wrote:\n" << pending_;
        return std::exchange(pending_, "");
      }
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
  }

  // The exit code, or nullopt when dfc is still running after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    pollfd fd{pidfd_.get(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  UniqueFd master_;
  UniqueFd pidfd_;
  std::string pending_;
};

class DfcMenu : public ::testing::Test {
 protected:
  DfcMenu() {
    fs::create_directories(work_ / "src");
    write_dfc_yaml(cluster_, cluster_.credentials(), config_);
    write_local_file(work_ / "src" / "hello.txt", data_);
  }

  DfcResult menu(std::string_view input) { return run_dfc({"--config", config_.string()}, work_, input); }

  TestCluster cluster_;
  fs::path work_ = cluster_.scratch() / "work";
  fs::path config_ = cluster_.scratch() / "dfc.yaml";
  const std::string data_ = "hello, menu\n" + std::string(100'000, 'x') + "\nend\n";
};

TEST_F(DfcMenu, PutListGetExitThroughStdin) {
  // Something in a subdirectory, so LIST shows the whole tree.
  ASSERT_EQ(run_dfc({"--config", config_.string(), "put", "src/hello.txt", "/docs/inner.txt"}, work_).exit_code, 0);

  const auto r = menu("PUT src/hello.txt\nLIST\nGET hello.txt\nEXIT\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(read_local_file(work_ / "hello.txt") == data_) << "GET did not bring back the bytes PUT stored";
  // The menu before each of the four commands.
  EXPECT_EQ(count(r.out, kMenuTitle), 4u) << r.out;
  EXPECT_EQ(count(r.out, kPrompt), 4u) << r.out;
  for (const std::string_view word : {"PUT", "GET", "LIST", "EXIT"}) EXPECT_NE(r.out.find(word), std::string::npos);
  // LIST: paths relative to the root, directories with '/', the whole tree.
  EXPECT_NE(r.out.find("docs/\ndocs/inner.txt\nhello.txt\n"), std::string::npos) << r.out;
}

TEST_F(DfcMenu, AsksForTheFileNameWhenTheLineHasNoneAndIgnoresCase) {
  const auto r = menu("put\nsrc/hello.txt\nlist\nGeT\nhello.txt\nexit\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count(r.out, "File name: "), 2u) << r.out;
  EXPECT_NE(r.out.find(std::string(kPrompt) + "hello.txt\n"), std::string::npos) << r.out;  // LIST's answer
  EXPECT_TRUE(read_local_file(work_ / "hello.txt") == data_);
}

TEST_F(DfcMenu, AFailedCommandPrintsOneLineAndTheMenuGoesOnUntilTheEndOfInput) {
  const auto r = menu("GET nothing.txt\nFROB x\nPUT missing-local.txt\nLIST\n");  // no EXIT: the end of input
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto lines = r.err_lines();
  ASSERT_EQ(lines.size(), 3u) << r.err;
  for (const auto& line : lines) EXPECT_EQ(line.rfind("dfc: ", 0), 0u) << line;
  EXPECT_NE(lines[0].find("nothing.txt"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("FROB"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("missing-local.txt"), std::string::npos) << lines[2];
  EXPECT_EQ(count(r.out, kPrompt), 5u) << r.out;  // after every command, and once more before the end
  EXPECT_NE(r.out.find("(no files)"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(work_ / "nothing.txt"));
}

TEST_F(DfcMenu, ThroughATerminalTheMenuComesBackAfterEveryCommand) {
  PtyDfc session({"--config", config_.string()}, work_);
  EXPECT_NE(session.read_until(kPrompt).find(kMenuTitle), std::string::npos);

  session.send("PUT src/hello.txt");
  EXPECT_NE(session.read_until(kPrompt).find(kMenuTitle), std::string::npos);

  session.send("list");
  const std::string listed = session.read_until(kPrompt);
  EXPECT_NE(listed.find("hello.txt\r\n"), std::string::npos) << listed;
  EXPECT_NE(listed.find(kMenuTitle), std::string::npos) << listed;

  session.send("GET");
  session.read_until("File name: ");
  session.send("hello.txt");
  const std::string got = session.read_until(kPrompt);
  EXPECT_NE(got.find(kMenuTitle), std::string::npos) << got;
  EXPECT_EQ(got.find("dfc: "), std::string::npos) << got;

  session.send("GET nothing.txt");
  const std::string failed = session.read_until(kPrompt);
  EXPECT_NE(failed.find("dfc: "), std::string::npos) << failed;
  EXPECT_NE(failed.find(kMenuTitle), std::string::npos) << "the menu goes on after a failure: " << failed;

  session.send("EXIT");
  EXPECT_EQ(session.wait(std::chrono::seconds(20)), std::optional<int>(0));
  EXPECT_TRUE(read_local_file(work_ / "hello.txt") == data_);
}

}  // namespace
}  // namespace dfs
