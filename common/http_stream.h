// One TCP connection that carries HTTP either in the clear or inside TLS, decided per
// connection at run time (server: whether the config names a certificate; client: `tls:`).
// Beast reads and writes it like any stream. Each read or write asks once which layer to use,
// a branch per operation rather than a virtual call per byte, so the plain path runs the same
// Beast and Asio code as a bare tcp_stream.
//
// The one raw descriptor trick, sendfile(2) of a file by the client, bypasses this type
// through tcp(): it is correct only when is_tls() is false, and the place that uses it checks.
//
// The layer below is a template argument: the server's is a beast::tcp_stream (many connections
// on one reactor), the client's a DeadlineSocket (one thread that waits for each operation).
//
// Header-only: used by dfs-server and the client core, which both link the dfs_asio target.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>

namespace dfs {

// Room to reserve in the buffer a header is read into, on both sides. Beast sizes each socket
// read by the buffer's free space (512 bytes when it has none); with this much, a header and a
// small file's parts (or a small part's answer) come in one read, not three, each with its
// wait and its timer.
inline constexpr std::size_t kHeaderReadRoom = 64 * 1024;

template <class Transport>
class BasicHttpStream {
 public:
  using Tcp = Transport;
  using Tls = boost::beast::ssl_stream<Tcp&>;
  using executor_type = typename Tcp::executor_type;

  template <class Arg>
  explicit BasicHttpStream(Arg&& socket_or_executor) : tcp_(std::forward<Arg>(socket_or_executor)) {}
  // The TLS layer points at tcp_: the object stays where it was made.
  BasicHttpStream(const BasicHttpStream&) = delete;
  BasicHttpStream& operator=(const BasicHttpStream&) = delete;

  executor_type get_executor() noexcept { return tcp_.get_executor(); }

  // The TCP layer: timeouts, socket options, shutdown and close. Its bytes are TLS records
  // when is_tls().
  Tcp& tcp() noexcept { return tcp_; }
  void expires_after(std::chrono::steady_clock::duration d) { tcp_.expires_after(d); }
  void expires_at(std::chrono::steady_clock::time_point t) { tcp_.expires_at(t); }

  // From now on bytes pass through a fresh TLS session with `context` (the handshake is the
  // caller's, through tls()). A reconnecting client calls it again for each connection.
  void start_tls(boost::asio::ssl::context& context) { tls_.emplace(tcp_, context); }
  // Back to plain bytes, forgetting the session (after the TCP connection was closed).
  void stop_tls() { tls_.reset(); }
  bool is_tls() const noexcept { return tls_.has_value(); }
  Tls& tls() { return *tls_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          if (tls_) {
            tls_->async_read_some(b, std::move(handler));
          } else {
            tcp_.async_read_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& b) {
          if (tls_) {
            tls_->async_write_some(b, std::move(handler));
          } else {
            tcp_.async_write_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

 private:
  Tcp tcp_;
  std::optional<Tls> tls_;
};

using HttpStream = BasicHttpStream<boost::beast::tcp_stream>;

}  // namespace dfs
