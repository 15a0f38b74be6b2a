#include "server/http_exchange.h"

#include "common/protocol.h"

#include <array>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace dfs::server {

namespace {

// Outside the coroutine: GCC 12 mishandles string literals passed to Beast inside one.
http::response<http::string_body> text_response(http::status status, unsigned version, std::string body,
                                                const Headers& headers, bool keep_alive) {
  http::response<http::string_body> res{status, version};
  res.set(http::field::server, "dfs-server");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  for (const auto& [name, value] : headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Headers error_headers(const Error& error) {
  Headers headers;
  headers.emplace_back(std::string(protocol::kErrorKind), std::string(errc_token(error.code())));
  if (error.code() == Errc::unauthorized) headers.emplace_back("WWW-Authenticate", "Basic realm=\"dfs\"");
  if (error.code() == Errc::method_not_allowed) headers.emplace_back("Allow", "GET, PUT, LIST, EXIT");
  return headers;
}

std::string error_body(const Error& error) {
  std::string message = error.message();
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';  // one line, always
  }
  return message + "\n";
}

}  // namespace

asio::awaitable<void> send_text(Exchange& ex, http::status status, std::string body, const Headers& headers) {
  if (ex.server.stopping.load() || !ex.request_consumed()) ex.keep_alive = false;
  auto res = text_response(status, ex.request().version(), std::move(body), headers, ex.keep_alive);
  ex.status = static_cast<int>(status);
  ex.bytes += res.body().size();
  beast::error_code ec;
  co_await http::async_write(ex.stream, res, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) ex.keep_alive = false;
}

asio::awaitable<void> send_error(Exchange& ex, const Error& error) {
  ex.error_kind = errc_token(error.code());
  co_await send_text(ex, static_cast<http::status>(http_status(error.code())), error_body(error), error_headers(error));
}

asio::awaitable<void> send_continue_if_expected(Exchange& ex) {
  if (!beast::iequals(ex.request()[http::field::expect], "100-continue")) co_return;
  http::response<http::empty_body> res{http::status::continue_, ex.request().version()};
  beast::error_code ec;
  co_await http::async_write(ex.stream, res, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) ex.keep_alive = false;
}

asio::awaitable<void> close_connection(HttpStream& stream, bool drain) {
  beast::error_code ec;
  stream.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (drain && !ec) {
    std::array<char, 65536> sink;
    std::size_t discarded = 0;
    stream.expires_after(std::chrono::seconds(2));
    while (discarded < (64u << 20)) {
      const std::size_t n =
          co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      discarded += n;
    }
  }
  stream.tcp().socket().close(ec);
}

}  // namespace dfs::server
