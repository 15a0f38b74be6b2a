// GET /<path>?part=K[&version=V]  with an optional single Range. The answer's headers carry the
// version served, its commit state, the part size, its checksum and the file's attributes.
// Every byte sent was verified against its block checksum; a block that fails before the
// headers are out gives a 500, one that fails later cuts the connection short, so a client
// never takes bad bytes for good ones.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/checksum.h"
#include "common/protocol.h"
#include "server/byte_range.h"
#include "server/request_handlers.h"

namespace dfs::server {
namespace {

// Built outside the coroutine: GCC 12 mishandles string literals passed to Beast inside one.
http::response<http::buffer_body> part_response_header(const PartReader& reader, const ByteRange& range, bool ranged,
                                                       unsigned http_version) {
  const auto& d = reader.descriptor();
  http::response<http::buffer_body> res{ranged ? http::status::partial_content : http::status::ok, http_version};
  res.set(http::field::server, "dfs-server");
  res.set(http::field::content_type, "application/octet-stream");
  res.set(http::field::accept_ranges, "bytes");
  if (ranged) {
    res.set(http::field::content_range, "bytes " + std::to_string(range.offset) + "-" +
                                            std::to_string(range.offset + range.length - 1) + "/" +
                                            std::to_string(d.part_size));
  }
  res.set(protocol::kVersion, d.version.to_string());
  res.set(protocol::kCommitted, reader.committed() ? "1" : "0");
  res.set(protocol::kPartSize, std::to_string(d.part_size));
  res.set(protocol::kChecksum, format_checksum(d.checksum));
  protocol::write_attribute_headers(d.attributes, d.parts,
                                    [&](std::string_view name, std::string value) { res.set(name, value); });
  return res;
}

Headers unsatisfied_range_headers(std::uint64_t part_size) {
  return {{"Content-Range", "bytes */" + std::to_string(part_size)}};
}

}  // namespace

asio::awaitable<void> handle_get(Exchange& ex) {
  const auto part_text = ex.target.get(protocol::kQueryPart);
  const auto part = part_text ? protocol::parse_u64(*part_text) : std::nullopt;
  if (!part || *part < 1 || *part > static_cast<std::uint64_t>(protocol::kMaxParts)) {
    co_await send_error(ex, Error(Errc::invalid_argument, "query 'part' (1 to 64) is required"));
    co_return;
  }
  std::optional<VersionId> version;
  if (const auto text = ex.target.get(protocol::kQueryVersion)) {
    auto parsed = VersionId::parse(*text);
    if (!parsed) {
      co_await send_error(ex, parsed.error());
      co_return;
    }
    version = *parsed;
  }
  auto reader = ex.server.store.open_part(ex.user, ex.target.path, static_cast<int>(*part), version);
  if (!reader) {
    co_await send_error(ex, reader.error());
    co_return;
  }
  const auto& d = reader->descriptor();

  ByteRange range{0, d.part_size};
  const auto range_header = ex.request()[http::field::range];
  const bool ranged = !range_header.empty();
  if (ranged) {
    auto parsed = parse_byte_range(range_header, d.part_size);
    if (!parsed) {
      if (parsed.error().code() == Errc::range_not_satisfiable) {
        co_await send_text(ex, http::status::range_not_satisfiable, parsed.error().message() + "\n",
                           unsatisfied_range_headers(d.part_size));
      } else {
        co_await send_error(ex, parsed.error());
      }
      co_return;
    }
    range = *parsed;
  }

  // Verify the first chunk before committing to a status line.
  auto chunk = reader->read(range.offset, range.length);
  if (!chunk) {
    ex.server.log.error(chunk.error().message());
    co_await send_error(ex, chunk.error());
    co_return;
  }

  auto res = part_response_header(*reader, range, ranged, ex.request().version());
  if (ex.server.stopping.load()) ex.keep_alive = false;
  res.keep_alive(ex.keep_alive);
  res.content_length(range.length);
  res.body().data = nullptr;
  res.body().more = true;
  ex.status = static_cast<int>(res.result_int());

  http::response_serializer<http::buffer_body> serializer{res};
  beast::error_code ec;
  co_await http::async_write_header(ex.stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
  std::uint64_t sent = 0;
  while (!ec && sent < range.length) {
    if (sent > 0) {
      chunk = reader->read(range.offset + sent, range.length - sent);
      if (!chunk) {
        ex.server.log.error(chunk.error().message() + " (connection cut after " + std::to_string(sent) + " bytes)");
        ex.keep_alive = false;
        co_return;
      }
    }
    res.body().data = const_cast<char*>(chunk->data());
    res.body().size = chunk->size();
    res.body().more = sent + chunk->size() < range.length;
    ex.stream.expires_after(ex.server.config.idle_timeout);
    co_await http::async_write(ex.stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    sent += chunk->size();
  }
  if (!ec && range.length == 0) {
    res.body().more = false;
    co_await http::async_write(ex.stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
  }
  ex.bytes = sent;
  if (ec) ex.keep_alive = false;
}

}  // namespace dfs::server
