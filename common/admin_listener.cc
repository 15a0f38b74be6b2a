#include "common/admin_listener.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>

namespace dfs {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

// A scrape is one small request; anything bigger or slower is not a scraper.
constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr auto kDeadline = std::chrono::seconds(5);
constexpr int kMaxConnections = 4;

// Outside the coroutine: GCC 12 mishandles string literals passed to Beast inside one.
http::response<http::string_body> answer(const http::request<http::empty_body>& request,
                                         const std::function<std::string()>& render_metrics) {
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  const bool metrics = request.method() == http::verb::get && path == "/metrics";
  http::response<http::string_body> res{metrics ? http::status::ok : http::status::not_found, request.version()};
  res.set(http::field::server, "dfs-admin");
  if (metrics) {
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = render_metrics();
  } else {
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "only GET /metrics is served here\n";
  }
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

http::response<http::string_body> bad_request() {
  http::response<http::string_body> res{http::status::bad_request, 11};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = "malformed or oversized request; only GET /metrics is served here\n";
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

}  // namespace

struct AdminListener::Impl {
  Impl(ListenAddress a, std::function<std::string()> r)
      : address(std::move(a)), render_metrics(std::move(r)), acceptor(io) {}

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(tcp::socket socket);

  ListenAddress address;
  std::function<std::string()> render_metrics;
  // First declared, last destroyed: connections still pending at stop() are destroyed with it.
  asio::io_context io{1};
  tcp::acceptor acceptor;
  int connections = 0;  // only touched on the listener's thread
  std::thread thread;
};

AdminListener::AdminListener(ListenAddress address, std::function<std::string()> render_metrics)
    : impl_(std::make_unique<Impl>(std::move(address), std::move(render_metrics))) {}

AdminListener::~AdminListener() { stop(); }

Status AdminListener::bind() {
  beast::error_code ec;
  const auto ip = asio::ip::make_address(impl_->address.host, ec);
  if (ec) return Error(Errc::config, "admin_listen host '" + impl_->address.host + "' is not an IP address");
  const tcp::endpoint endpoint(ip, impl_->address.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(16, ec);
  if (ec) return Error(Errc::unavailable, "cannot listen on admin_listen " + impl_->address.display() + ": " + ec.message());
  impl_->address.port = impl_->acceptor.local_endpoint().port();
  return {};
}

std::string AdminListener::address() const { return impl_->address.display(); }

void AdminListener::start() {
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void AdminListener::stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->io.stop();  // connections in progress are dropped: a scraper retries
  });
  impl_->thread.join();
}

asio::awaitable<void> AdminListener::Impl::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!acceptor.is_open()) co_return;
      continue;  // out of descriptors or a connection reset before accept: try the next one
    }
    if (connections >= kMaxConnections) {
      socket.close(ec);
      continue;
    }
    asio::co_spawn(io, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> AdminListener::Impl::serve(tcp::socket socket) {
  ++connections;
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(kDeadline);
  beast::flat_buffer buffer(kHeaderLimit);
  http::request_parser<http::empty_body> parser;
  parser.header_limit(kHeaderLimit);
  beast::error_code ec;
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == http::error::end_of_stream || ec == beast::error::timeout) {
    // Nothing to answer to.
  } else if (ec) {
    auto res = bad_request();
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    auto res = answer(parser.get(), render_metrics);
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  }
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream.socket().close(ec);
  --connections;
}

}  // namespace dfs
