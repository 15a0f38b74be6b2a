#include "bench/bench_support.h"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "common/unique_fd.h"

namespace dfs::bench {
namespace {

namespace fs = std::filesystem;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// The start of a failed command's stderr, enough to see what went wrong.
std::string stderr_excerpt(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string text(512, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "(nothing on stderr)" : text;
}

// "dfc --config /var/tmp/dfs-bench-x/dfc.yaml put ...": the whole command, to run it again by hand.
std::string command_line(const std::vector<std::string>& argv) {
  std::string line = fs::path(argv.at(0)).filename().string();
  for (std::size_t i = 1; i < argv.size(); ++i) line += " " + argv[i];
  return line;
}

}  // namespace

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

BenchDir::BenchDir(const fs::path& parent) {
  std::string pattern = (parent / "dfs-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a directory under " + parent.string() + ": " + std::strerror(errno));
  }
  path_ = pattern;
}

BenchDir::~BenchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close_paren = text.rfind(')');  // the command name may hold spaces
  if (close_paren == std::string::npos) return 0;
  std::istringstream fields(text.substr(close_paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // After the name: state is field 3, utime 14, stime 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::optional<double> peak_rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  for (int i = 0; i < 100 && std::getline(in, line); ++i) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // "VmHWM:   1234 kB"
  }
  return std::nullopt;
}

Status evict_from_page_cache(const fs::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Error::from_errno(errno, "open " + file.string() + " to drop its cache");
  // DONTNEED leaves dirty pages behind; clean ones (an fsynced part) make this nearly free.
  if (::fdatasync(fd.get()) != 0) return Error::from_errno(errno, "fdatasync " + file.string());
  if (const int err = ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_DONTNEED); err != 0) {
    return Error::from_errno(err, "fadvise DONTNEED " + file.string());
  }
  return {};
}

Status evict_tree_from_page_cache(const fs::path& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    // A server may remove a temporary between the listing and the open; that file needs nothing.
    if (auto st = evict_from_page_cache(it->path()); !st && st.error().code() != Errc::not_found) return st;
  }
  if (ec) return Error::from_errno(ec.value(), "list " + dir.string() + " to drop its cache");
  return {};
}

bool can_drop_all_caches() { return ::access("/proc/sys/vm/drop_caches", W_OK) == 0; }

Status drop_cache(const fs::path& file) {
  if (auto st = evict_from_page_cache(file); !st) return st;
  if (can_drop_all_caches()) {
    ::sync();
    std::ofstream("/proc/sys/vm/drop_caches") << "3\n";
  }
  return {};
}

Result<ProcessRun> run_process(const std::vector<std::string>& argv, const fs::path& stderr_file, Stdout out,
                               std::chrono::seconds timeout) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string name = command_line(argv);

  UniqueFd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null_fd.valid()) return Error::from_errno(errno, "open /dev/null");
  UniqueFd err_fd(::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!err_fd.valid()) return Error::from_errno(errno, "create " + stderr_file.string());
  UniqueFd read_end, write_end;
  if (out != Stdout::discard) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Error::from_errno(errno, "pipe");
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
  }
  const int child_out = out != Stdout::discard ? write_end.get() : null_fd.get();
  const pid_t parent = ::getpid();

  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) return Error::from_errno(errno, "fork for " + name);
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd.get(), STDIN_FILENO);
    ::dup2(child_out, STDOUT_FILENO);
    ::dup2(err_fd.get(), STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  write_end.reset();
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  const auto reap = [&](int options, int* status, rusage* usage) { return ::wait4(pid, status, options, usage); };
  if (!pidfd.valid()) {
    const int err = errno;
    ::kill(pid, SIGKILL);
    reap(0, nullptr, nullptr);
    return Error::from_errno(err, "pidfd_open for " + name);
  }

  // Until the process has exited and (when counting) its stdout reached the end.
  ProcessRun run;
  const auto deadline = start + timeout;
  bool exited = false;
  char buffer[1 << 16];
  while (!exited || read_end.valid()) {
    pollfd fds[2] = {{pidfd.get(), static_cast<short>(exited ? 0 : POLLIN), 0}, {read_end.get(), POLLIN, 0}};
    const int ready = ::poll(fds, read_end.valid() ? 2 : 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      const int err = ready < 0 ? errno : 0;
      ::kill(pid, SIGKILL);
      reap(0, nullptr, nullptr);
      if (err != 0) return Error::from_errno(err, "poll while " + name + " ran");
      return Error(Errc::timeout, name + " did not finish within " + std::to_string(timeout.count()) + " s; killed");
    }
    if (fds[0].revents & POLLIN) exited = true;
    if (read_end.valid() && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        read_end.reset();  // the end of its stdout (or an error: the count is then short, and says so)
      } else {
        run.stdout_lines += static_cast<std::uint64_t>(std::count(buffer, buffer + n, '\n'));
        if (out == Stdout::capture && run.stdout_text.size() < kMaxCapturedStdout) {
          run.stdout_text.append(buffer,
                                 std::min(static_cast<std::size_t>(n), kMaxCapturedStdout - run.stdout_text.size()));
        }
      }
    }
  }
  int status = 0;
  rusage usage{};
  if (reap(0, &status, &usage) != pid) return Error::from_errno(errno, "wait4 for " + name);
  run.seconds = seconds_since(start);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                    static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  run.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
  if (run.exit_code != 0) {
    return Error(Errc::io_error,
                 "'" + name + "' exited with " + std::to_string(run.exit_code) + ": " + stderr_excerpt(stderr_file));
  }
  return run;
}

Result<fs::path> find_tool(const std::string& name) {
  for (const char* folder : {"/usr/bin", "/bin"}) {
    const fs::path candidate = fs::path(folder) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return Error(Errc::not_found, "no executable '" + name + "' in /usr/bin or /bin");
}

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string line;
  std::getline(in, line);
  return line;
}

int run_main(CLI::App& app, int argc, char** argv, const char* name, const std::function<int()>& bench) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is not an error
  }
  try {
    return bench();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    return 1;
  }
}

}  // namespace dfs::bench
