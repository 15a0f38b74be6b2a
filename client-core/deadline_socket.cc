#include "client-core/deadline_socket.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>

namespace dfs::client {

namespace {

boost::beast::error_code errno_code(int err) { return {err, boost::system::system_category()}; }

}  // namespace

boost::beast::error_code DeadlineSocket::wait_until_ready(short direction) {
  for (;;) {
    int wait_ms = -1;
    if (deadline_) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - Clock::now());
      if (left.count() <= 0) return boost::beast::error::timeout;
      wait_ms = static_cast<int>(std::min<std::chrono::milliseconds::rep>(left.count(), 1 << 30));
    }
    pollfd ready{fd_.get(), direction, 0};
    const int r = ::poll(&ready, 1, wait_ms);
    if (r > 0) return {};  // readable, writable, or an error the next call reports
    if (r < 0 && errno != EINTR) return errno_code(errno);
  }
}

boost::beast::error_code DeadlineSocket::connect(std::span<const boost::asio::ip::tcp::endpoint> targets) {
  boost::beast::error_code ec = boost::asio::error::host_not_found;
  for (const auto& target : targets) {
    close();
    fd_ = UniqueFd(::socket(target.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
    if (!fd_.valid()) return errno_code(errno);
    const int on = 1;
    ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (::connect(fd_.get(), target.data(), static_cast<socklen_t>(target.size())) == 0) return {};
    if (errno != EINPROGRESS) {
      ec = errno_code(errno);
      continue;
    }
    ec = wait_until_ready(POLLOUT);
    if (ec == boost::beast::error::timeout) break;  // the expiry covers every target
    if (ec) continue;
    int err = 0;
    socklen_t length = sizeof err;
    if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &length) != 0) err = errno;
    if (err == 0) return {};
    ec = errno_code(err);
  }
  close();
  return ec;
}

}  // namespace dfs::client
