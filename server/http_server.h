// Accepts connections and runs one session per connection: read a request header, check it
// (limits, method, credentials, path), hand it to the method's handler, repeat while the
// connection is kept alive. SIGINT/SIGTERM: stop accepting, close idle connections, let
// in-flight requests finish within the grace period, then abort the rest (their temp files are
// removed as their writers unwind) and return.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "server/http_exchange.h"

namespace dfs::server {

class HttpServer {
 public:
  // With `tls` (owned by the caller, alive until run() returns) every connection starts with a
  // TLS handshake, bounded by the idle timeout; without it, plain HTTP.
  HttpServer(const ServerConfig& config, PartStore& store, Authenticator& auth, ServerLog& log,
             asio::ssl::context* tls = nullptr);
  ~HttpServer();

  // Binds the listening socket; port() is known afterwards.
  Status bind();
  std::uint16_t port() const { return port_; }
  // Serves until SIGINT or SIGTERM, then shuts down as described above; `on_stopping` is called
  // (on the control strand) when the first signal starts the shutdown.
  void run(std::function<void()> on_stopping = {});
  // Counts every request into `metrics` from now on (call before run()).
  void count_into(ServerMetrics& metrics) { context_.metrics = &metrics; }
  // Connections being served now; any thread.
  std::size_t open_connections();

 private:
  struct SessionHandle;

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(asio::ip::tcp::socket socket);
  asio::awaitable<void> dispatch(Exchange& ex);
  // True when the connection may carry requests: plain, or TLS after a good handshake.
  asio::awaitable<bool> start_tls(HttpStream& stream);
  std::shared_ptr<SessionHandle> register_session(beast::tcp_stream& stream);
  void unregister_session(std::uint64_t id);
  void on_signal(const beast::error_code& ec);
  void begin_shutdown();
  void close_sessions(bool idle_only);
  void stop_control_work();

  // The io_context the next accepted connection lives on, round robin.
  asio::io_context& next_connection_context();

  ServerContext context_;
  // One io_context per thread, each run by that thread alone: a connection's reads, handlers
  // and writes stay on one thread, with no wake-up of another thread between them (with one
  // io_context shared by all threads, a small file's write cost a few hundred context switches).
  // io_ (the first) also runs the acceptor, the signals and the grace timer.
  asio::io_context io_;
  std::vector<std::unique_ptr<asio::io_context>> more_contexts_;
  // Keeps the other contexts running while they have no connection, until shutdown ends.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running_;
  std::size_t next_context_ = 0;  // on the control strand
  // The acceptor, the signals and the grace timer are only touched on this strand.
  asio::strand<asio::io_context::executor_type> control_;
  asio::ip::tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer grace_timer_;
  std::uint16_t port_ = 0;
  std::function<void()> on_stopping_;  // set by run(), called by begin_shutdown()

  std::mutex sessions_mutex_;
  std::unordered_map<std::uint64_t, std::shared_ptr<SessionHandle>> sessions_;
  std::uint64_t next_session_id_ = 0;
};

}  // namespace dfs::server
