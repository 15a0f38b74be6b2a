// One request and its answer on one connection, and what every handler shares: the server's
// state, the reply helpers, and the closing rules. Handlers read the request through `parser`,
// answer through the helpers, and set `keep_alive = false` when the connection cannot be reused.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/http_stream.h"
#include "common/request_target.h"
#include "server/authenticator.h"
#include "server/part_store.h"
#include "server/server_config.h"
#include "server/server_log.h"

namespace dfs::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class ServerMetrics;

struct ServerContext {
  const ServerConfig& config;
  PartStore& store;
  Authenticator& auth;
  ServerLog& log;
  asio::ssl::context* tls = nullptr;  // null: plain HTTP
  std::atomic<bool> stopping{false};
  ServerMetrics* metrics = nullptr;  // null when admin_listen is off: nothing is counted
};

using RequestParser = http::request_parser<http::buffer_body>;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Exchange {
  HttpStream& stream;  // TLS or not: raw-descriptor paths check stream.is_tls()
  beast::flat_buffer& buffer;
  RequestParser& parser;
  ServerContext& server;
  RequestTarget target;
  std::string user;
  // For the log line and the connection's fate.
  int status = 0;
  std::uint64_t bytes = 0;
  bool keep_alive = true;
  std::string_view error_kind;  // errc_token of the Error answered by send_error, for the metrics

  bool body_read_directly = false;  // a PUT handler read the body past the parser

  http::request<http::buffer_body>& request() { return parser.get(); }
  // The whole request, body included, has been read: the connection can carry the next one.
  bool request_consumed() const { return body_read_directly || parser.is_done(); }
  std::string_view header(std::string_view name) { return request()[name]; }
};

inline constexpr std::size_t kStreamChunk = 1 << 20;

asio::awaitable<void> send_text(Exchange& ex, http::status status, std::string body, const Headers& headers = {});
// Status and message from the error; 401 adds WWW-Authenticate, 405 adds Allow.
asio::awaitable<void> send_error(Exchange& ex, const Error& error);
// Sends "100 Continue" when the client asked for it, before a body is read.
asio::awaitable<void> send_continue_if_expected(Exchange& ex);

// Half-closes, then (when the client may still be sending a body we did not read) discards its
// bytes for a bounded time, so it reads our answer instead of a connection reset.
// Under TLS no close_notify is sent: waiting for the peer's would hold the session, and the
// HTTP framing already tells the client where each answer ends.
asio::awaitable<void> close_connection(HttpStream& stream, bool drain);

}  // namespace dfs::server
