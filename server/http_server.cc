#include "server/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <limits>
#include <thread>
#include <vector>

#include "server/request_handlers.h"
#include "server/server_metrics.h"

namespace dfs::server {

using asio::ip::tcp;

// What shutdown needs to reach a session from another thread: its executor and, while the
// session lives, its stream. Both are only touched on the session's strand.
struct HttpServer::SessionHandle {
  std::uint64_t id = 0;
  asio::any_io_executor executor;
  beast::tcp_stream* stream = nullptr;
  bool idle = true;  // waiting for the next request header
};

namespace {

struct Route {
  std::string_view method;
  asio::awaitable<void> (*handler)(Exchange&);
};

// The whole request table: exactly four methods.
constexpr Route kRoutes[] = {
    {"GET", handle_get},
    {"PUT", handle_put},
    {"LIST", handle_list},
    {"EXIT", handle_exit},
};

// Outside the coroutine: GCC 12 mishandles string literals passed to Beast inside one.
http::response<http::string_body> malformed_request_response(const beast::error_code& ec) {
  http::response<http::string_body> res{http::status::bad_request, 11};
  res.set(http::field::connection, "close");
  res.body() = "malformed HTTP request: " + ec.message() + "\n";
  res.prepare_payload();
  return res;
}

}  // namespace

HttpServer::HttpServer(const ServerConfig& config, PartStore& store, Authenticator& auth, ServerLog& log,
                       asio::ssl::context* tls)
    : context_{config, store, auth, log, tls},
      control_(asio::make_strand(io_)),
      acceptor_(control_),
      signals_(control_, SIGINT, SIGTERM),
      grace_timer_(control_) {
  for (unsigned i = 1; i < config.threads; ++i) {
    more_contexts_.push_back(std::make_unique<asio::io_context>(1));
    keep_running_.push_back(asio::make_work_guard(*more_contexts_.back()));
  }
}

HttpServer::~HttpServer() = default;

Status HttpServer::bind() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(context_.config.listen_host, ec);
  if (ec) return Error(Errc::config, "listen host '" + context_.config.listen_host + "' is not an IP address");
  const tcp::endpoint endpoint(address, context_.config.listen_port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error(Errc::unavailable, "cannot listen on " + context_.config.listen_host + ":" +
                                        std::to_string(context_.config.listen_port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  return {};
}

void HttpServer::run(std::function<void()> on_stopping) {
  on_stopping_ = std::move(on_stopping);
  signals_.async_wait([this](const beast::error_code& ec, int) { on_signal(ec); });
  asio::co_spawn(control_, accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  for (auto& context : more_contexts_) threads.emplace_back([&context] { context->run(); });
  io_.run();
  for (auto& t : threads) t.join();
}

void HttpServer::on_signal(const beast::error_code& ec) {
  if (ec) return;  // cancelled: shutdown is complete
  if (context_.stopping.exchange(true)) {
    context_.log.notice("dfs-server: second signal; aborting the remaining requests");
    close_sessions(false);
  } else {
    begin_shutdown();
  }
  signals_.async_wait([this](const beast::error_code& e, int) { on_signal(e); });
}

// Runs on the control strand.
void HttpServer::begin_shutdown() {
  context_.log.notice("dfs-server: stopping; finishing in-flight requests");
  if (on_stopping_) on_stopping_();
  beast::error_code ec;
  acceptor_.close(ec);
  close_sessions(true);
  grace_timer_.expires_after(context_.config.shutdown_grace);
  grace_timer_.async_wait([this](const beast::error_code& e) {
    if (e) return;
    context_.log.notice("dfs-server: grace period over; aborting the remaining requests");
    close_sessions(false);
  });
  std::lock_guard lock(sessions_mutex_);
  if (sessions_.empty()) stop_control_work();
}

// Once no session is left: nothing more to wait for, so io_context::run() can return.
void HttpServer::stop_control_work() {
  asio::post(control_, [this] {
    grace_timer_.cancel();
    signals_.cancel();
    keep_running_.clear();
  });
}

void HttpServer::close_sessions(bool idle_only) {
  std::lock_guard lock(sessions_mutex_);
  for (const auto& [id, handle] : sessions_) {
    asio::post(handle->executor, [handle, idle_only] {
      if (handle->stream == nullptr || (idle_only && !handle->idle)) return;
      beast::error_code ec;
      handle->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
      handle->stream->socket().close(ec);
    });
  }
}

std::shared_ptr<HttpServer::SessionHandle> HttpServer::register_session(beast::tcp_stream& stream) {
  auto handle = std::make_shared<SessionHandle>();
  handle->executor = stream.get_executor();
  handle->stream = &stream;
  std::lock_guard lock(sessions_mutex_);
  handle->id = next_session_id_++;
  sessions_.emplace(handle->id, handle);
  return handle;
}

void HttpServer::unregister_session(std::uint64_t id) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(id);
  if (sessions_.empty() && context_.stopping.load()) stop_control_work();
}

std::size_t HttpServer::open_connections() {
  std::lock_guard lock(sessions_mutex_);
  return sessions_.size();
}

asio::io_context& HttpServer::next_connection_context() {
  const std::size_t pick = next_context_++ % (more_contexts_.size() + 1);
  return pick == 0 ? io_ : *more_contexts_[pick - 1];
}

asio::awaitable<void> HttpServer::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::make_strand(next_connection_context()), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!acceptor_.is_open() || context_.stopping.load()) co_return;
      context_.log.error("accept: " + ec.message());
      if (ec == asio::error::no_descriptors) {
        // Out of descriptors: give in-flight requests a moment to release some.
        asio::steady_timer pause(io_, std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      continue;
    }
    const auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<bool> HttpServer::start_tls(HttpStream& stream) {
  if (context_.tls == nullptr) co_return true;
  stream.start_tls(*context_.tls);
  stream.expires_after(context_.config.idle_timeout);
  beast::error_code ec;
  co_await stream.tls().async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) co_return true;
  if (ec != asio::error::operation_aborted && !context_.stopping.load()) {
    beast::error_code ignored;
    const auto peer = stream.tcp().socket().remote_endpoint(ignored);
    const std::string why = ec == beast::error::timeout ? "no handshake within the idle timeout" : ec.message();
    context_.log.error("TLS handshake with " + peer.address().to_string() + ":" + std::to_string(peer.port()) +
                       " failed: " + why + " (a client without 'tls: true', or one that does not trust this "
                       "server's certificate); connection closed");
  }
  co_return false;
}

asio::awaitable<void> HttpServer::serve(tcp::socket socket) {
  HttpStream stream(std::move(socket));
  beast::error_code ec;
  stream.tcp().socket().set_option(tcp::no_delay(true), ec);
  auto handle = register_session(stream.tcp());
  std::size_t open_sessions;
  {
    std::lock_guard lock(sessions_mutex_);
    open_sessions = sessions_.size();
  }
  beast::flat_buffer buffer;
  buffer.reserve(kHeaderReadRoom);
  bool drain = false;
  const bool ready = co_await start_tls(stream);
  while (ready && !context_.stopping.load()) {
    RequestParser parser;
    parser.header_limit(static_cast<std::uint32_t>(context_.config.header_limit_bytes));
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // PUT checks Content-Length itself
    handle->idle = true;
    stream.expires_after(context_.config.idle_timeout);
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    handle->idle = false;
    if (ec == http::error::header_limit) {
      Exchange ex{stream, buffer, parser, context_, {}, {}};
      co_await send_text(ex, http::status::request_header_fields_too_large,
                         "request header is over " + std::to_string(context_.config.header_limit_bytes) + " bytes\n");
      drain = true;
      break;
    }
    if (ec) {
      const bool quiet = ec == http::error::end_of_stream || ec == beast::error::timeout ||
                         ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
                         ec == asio::error::eof || ec == asio::error::bad_descriptor;
      if (!quiet) {
        auto res = malformed_request_response(ec);
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      }
      break;
    }

    const auto started = std::chrono::steady_clock::now();
    Exchange ex{stream, buffer, parser, context_, {}, {}};
    ex.keep_alive = parser.get().keep_alive();
    if (open_sessions > context_.config.max_connections) {
      co_await send_error(ex, Error(Errc::unavailable, "too many connections; retry later"));
    } else {
      co_await dispatch(ex);
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    context_.log.request(parser.get().method_string(), ex.user, parser.get().target(), ex.status, ex.bytes, ms);
    if (context_.metrics != nullptr) context_.metrics->record(ex, ms / 1000);
    if (!ex.keep_alive || !ex.request_consumed()) {
      drain = !ex.request_consumed();
      break;
    }
  }
  co_await close_connection(stream, drain);
  handle->stream = nullptr;
  unregister_session(handle->id);
}

asio::awaitable<void> HttpServer::dispatch(Exchange& ex) {
  if (context_.stopping.load()) {
    co_await send_error(ex, Error(Errc::unavailable, "server is stopping; retry on another server or later"));
    co_return;
  }
  const std::string_view method = ex.request().method_string();
  const Route* route = nullptr;
  for (const auto& r : kRoutes) {
    if (r.method == method) route = &r;
  }
  if (route == nullptr) {
    co_await send_error(ex, Error(Errc::method_not_allowed, "method " + std::string(method.substr(0, 32)) +
                                                                " is not supported; use GET, PUT, LIST or EXIT"));
    co_return;
  }
  auto user = context_.auth.authenticate(ex.request()[http::field::authorization]);
  if (!user) {
    co_await send_error(ex, user.error());
    co_return;
  }
  ex.user = std::move(*user);
  auto target = RequestTarget::parse(ex.request().target());
  if (!target) {
    co_await send_error(ex, target.error());
    co_return;
  }
  ex.target = std::move(*target);
  co_await route->handler(ex);
}

}  // namespace dfs::server
