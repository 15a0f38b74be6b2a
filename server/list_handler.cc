// LIST /<dir>[?name=N][&after=TOKEN][&limit=L]  streams one record per part version (see
// protocol::ListRecord), chunked, in entry-name order. X-Dfs-Next carries the token for the next
// page; X-Dfs-Free-Bytes and X-Dfs-Total-Bytes tell the data disk's space.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <span>

#include "common/percent_encoding.h"
#include "common/protocol.h"
#include "server/request_handlers.h"

namespace dfs::server {
namespace {

constexpr std::size_t kEntriesPerChunk = 128;
constexpr std::size_t kMaxLimit = 100'000;

Result<ListQuery> parse_list_query(const RequestTarget& target) {
  ListQuery query;
  if (const auto name = target.get(protocol::kQueryName)) {
    if (auto st = RemotePath::check_name(*name); !st) return st.error();
    query.name = std::string(*name);
  }
  if (const auto after = target.get(protocol::kQueryAfter)) query.after = std::string(*after);
  if (const auto limit = target.get(protocol::kQueryLimit)) {
    const auto n = protocol::parse_u64(*limit);
    if (!n || *n < 1 || *n > kMaxLimit) return Error(Errc::invalid_argument, "query 'limit' must be from 1 to 100000");
    query.limit = static_cast<std::size_t>(*n);
  }
  return query;
}

// Built outside the coroutine: GCC 12 mishandles string literals passed to Beast inside one.
http::response<http::buffer_body> list_response_header(const ListPage& page, const Result<SpaceInfo>& space,
                                                       unsigned http_version) {
  http::response<http::buffer_body> res{http::status::ok, http_version};
  res.set(http::field::server, "dfs-server");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  if (page.next) res.set(protocol::kNext, percent_encode(*page.next));
  if (space) {
    res.set(protocol::kFreeBytes, std::to_string(space->free_bytes));
    res.set(protocol::kTotalBytes, std::to_string(space->total_bytes));
  }
  return res;
}

}  // namespace

asio::awaitable<void> handle_list(Exchange& ex) {
  auto query = parse_list_query(ex.target);
  if (!query) {
    co_await send_error(ex, query.error());
    co_return;
  }
  auto page = ex.server.store.list_page(ex.user, ex.target.path, *query);
  if (!page) {
    co_await send_error(ex, page.error());
    co_return;
  }
  auto space = ex.server.store.space();

  auto res = list_response_header(*page, space, ex.request().version());
  if (ex.server.stopping.load()) ex.keep_alive = false;
  res.keep_alive(ex.keep_alive);
  res.chunked(true);
  res.body().data = nullptr;
  res.body().more = true;
  ex.status = 200;

  http::response_serializer<http::buffer_body> serializer{res};
  beast::error_code ec;
  co_await http::async_write_header(ex.stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
  const std::span<const std::string> names(page->names);
  std::string text;
  for (std::size_t first = 0; !ec && first < names.size(); first += kEntriesPerChunk) {
    text.clear();
    const auto batch = names.subspan(first, std::min(kEntriesPerChunk, names.size() - first));
    auto st = ex.server.store.list_entries(ex.user, ex.target.path, batch, [&](const protocol::ListRecord& record) {
      text += protocol::format_list_record(record);
      text += '\n';
    });
    if (!st) {
      ex.server.log.error("LIST " + ex.target.path.display() + ": " + st.error().message());
      ex.keep_alive = false;  // cut short: the client sees an unfinished chunked body
      co_return;
    }
    if (text.empty()) continue;
    res.body().data = text.data();
    res.body().size = text.size();
    ex.stream.expires_after(ex.server.config.idle_timeout);
    co_await http::async_write(ex.stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    ex.bytes += text.size();
  }
  if (!ec) {
    res.body().data = nullptr;
    res.body().size = 0;
    res.body().more = false;
    co_await http::async_write(ex.stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
  }
  if (ec) ex.keep_alive = false;
}

}  // namespace dfs::server
