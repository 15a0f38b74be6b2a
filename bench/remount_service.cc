#include "bench/remount_service.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace dfs::bench {
namespace {

constexpr int kRequestTimeoutMs = 5000;  // for the request line; the remount itself takes longer
constexpr int kReplyTimeoutSeconds = 120;

std::runtime_error socket_error(const char* what) {
  return std::runtime_error(std::string("remount service: ") + what + ": " + std::strerror(errno));
}

// The first line the peer sends (without '\n'), "" when none arrives within the timeout.
std::string read_line(int fd) {
  std::string line;
  char c = 0;
  while (line.size() < 256) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kRequestTimeoutMs) <= 0) return "";
    if (::read(fd, &c, 1) != 1 || c == '\n') break;
    line += c;
  }
  return line;
}

void write_all(int fd, const std::string& text) {
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;  // the script gave up waiting; nothing to tell it
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

RemountService::RemountService(std::function<Status()> remount) : remount_(std::move(remount)) {
  listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener_.valid()) throw socket_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // ephemeral
  if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) throw socket_error("bind");
  if (::listen(listener_.get(), 4) != 0) throw socket_error("listen");
  socklen_t length = sizeof address;
  if (::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw socket_error("getsockname");
  }
  port_ = ntohs(address.sin_port);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw socket_error("pipe");
  stop_read_.reset(fds[0]);
  stop_write_.reset(fds[1]);
  thread_ = std::thread([this] { serve(); });
}

RemountService::~RemountService() {
  const char byte = 0;
  (void)!::write(stop_write_.get(), &byte, 1);
  thread_.join();
}

std::string RemountService::command() const {
  const std::string port = std::to_string(port_);
  return "dfs_reply=; { exec 9<>/dev/tcp/127.0.0.1/" + port + " && echo remount >&9 && read -r -t " +
         std::to_string(kReplyTimeoutSeconds) +
         " dfs_reply <&9 && exec 9>&- && [ \"$dfs_reply\" = ok ]; } || { echo \"REMOUNT_CMD (dfs_bench_fuse on port " +
         port + "): ${dfs_reply:-no answer}\" >&2; false; }";
}

void RemountService::serve() {
  // Ends when the destructor writes to the stop pipe; each pass serves one connection.
  for (;;) {
    pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents & POLLIN) {
      UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (connection.valid()) answer(connection);
    }
  }
}

void RemountService::answer(const UniqueFd& connection) {
  const std::string request = read_line(connection.get());
  if (request != "remount") {
    write_all(connection.get(), "error: unknown request '" + request + "' (only 'remount')\n");
    return;
  }
  const Status remounted = remount_();
  std::string reply = remounted ? std::string("ok") : "error: " + remounted.error().message();
  for (char& c : reply) c = c == '\n' ? ' ' : c;  // one line, as the script reads it
  write_all(connection.get(), reply + "\n");
}

}  // namespace dfs::bench
