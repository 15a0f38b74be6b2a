// PUT /<path>?version=V&part=K   stores part K of version V (staged), body = the part's bytes
// PUT /<path>?version=V&part=K,L  stores parts K and L (and more), body = their bytes in that order;
//                                 X-Dfs-Flush: later lets the server make them durable in its
//                                 next batch, before any commit of theirs
// PUT /<path>?version=V          commits version V (no body); X-Dfs-Flush: later lets the
//                                 server make the commit durable in its next batch
// PUT /<path>?version=V&drop=1   removes staged version V, or committed tombstone V (no body)
// With X-Dfs-Copy-From: W and no body, part K of V takes the bytes of part K of W.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <memory>
#include <span>
#include <vector>

#include "common/checksum.h"
#include "common/placement.h"
#include "common/protocol.h"
#include "server/request_handlers.h"

namespace dfs::server {
namespace {

Error bad_request(std::string message) { return Error(Errc::invalid_argument, std::move(message)); }

std::optional<std::uint64_t> content_length(Exchange& ex) {
  const auto value = ex.request()[http::field::content_length];
  if (value.empty()) return ex.request().chunked() ? std::nullopt : std::optional<std::uint64_t>(0);
  return protocol::parse_u64(value);
}

// `part=K` or `part=K,L,...`: distinct part numbers from 1 to 64, in the body's order.
Result<std::vector<int>> parse_parts(std::string_view text) {
  std::vector<int> parts;
  for (;;) {
    const auto comma = text.find(',');
    const auto part = protocol::parse_u64(text.substr(0, comma));
    if (!part || *part < 1 || *part > static_cast<std::uint64_t>(protocol::kMaxParts)) {
      return bad_request("query 'part' must be a number from 1 to 64, or several separated by commas");
    }
    if (std::find(parts.begin(), parts.end(), static_cast<int>(*part)) != parts.end()) {
      return bad_request("query 'part' names part " + std::to_string(*part) + " twice");
    }
    parts.push_back(static_cast<int>(*part));
    if (comma == std::string_view::npos) return parts;
    text.remove_prefix(comma + 1);
  }
}

// The descriptor a part PUT declares in its query and headers, checked for consistency.
// `checksum_text` is this part's entry of X-Dfs-Xxh3 (unused for a copy).
Result<protocol::PartDescriptor> declared_part(Exchange& ex, const VersionId& version, int part, bool copy,
                                               std::string_view checksum_text) {
  protocol::PartDescriptor d;
  d.part = part;
  d.version = version;
  auto attributes = protocol::read_attribute_headers(
      [&](std::string_view name) -> std::optional<std::string_view> {
        const auto value = ex.header(name);
        return value.empty() ? std::nullopt : std::optional<std::string_view>(value);
      },
      d.parts);
  if (!attributes) return attributes.error();
  d.attributes = *attributes;
  if (d.part > d.parts) {
    return bad_request("part " + std::to_string(d.part) + " is beyond " + std::string(protocol::kParts) + " " +
                       std::to_string(d.parts));
  }
  if (copy) return d;
  const auto kind = d.attributes.kind;
  if ((kind == protocol::EntryKind::dir || kind == protocol::EntryKind::tombstone) && d.attributes.size != 0) {
    return bad_request(std::string(protocol::kind_name(kind)) + " versions have size 0");
  }
  d.part_size = part_size(d.attributes.size, d.parts, d.part - 1);
  const auto checksum = parse_checksum(checksum_text);
  if (!checksum) {
    return bad_request("header " + std::string(protocol::kChecksum) +
                       " must be 16 hex digits (XXH3-64 of the part), one per part separated by commas");
  }
  d.checksum = *checksum;
  return d;
}

Error bad_flush_header() {
  return bad_request(std::string(protocol::kFlush) + " is 'now' or 'later', and only on a commit or a part's bytes");
}

// X-Dfs-Flush: "now" (the default) or "later"; nullopt for anything else.
std::optional<protocol::CommitDurability> requested_durability(Exchange& ex) {
  const std::string_view flush = ex.header(protocol::kFlush);
  if (flush.empty() || flush == "now") return protocol::CommitDurability::now;
  if (flush == "later") return protocol::CommitDurability::later;
  return std::nullopt;
}

// A PUT without a part and without a body: commit version V, or (drop=1) remove it.
asio::awaitable<void> version_request(Exchange& ex, const VersionId& version, bool drop) {
  if (content_length(ex).value_or(1) != 0) {
    co_await send_error(ex, bad_request(drop ? "a drop (PUT with 'drop=1') has no body"
                                             : "a commit (PUT without 'part') has no body"));
    co_return;
  }
  const auto durability = requested_durability(ex);
  if (!durability || (drop && !ex.header(protocol::kFlush).empty())) {
    co_await send_error(ex, bad_flush_header());
    co_return;
  }
  auto& store = ex.server.store;
  if (auto st = drop ? store.drop(ex.user, ex.target.path, version)
                     : store.commit(ex.user, ex.target.path, version, *durability);
      !st) {
    co_await send_error(ex, st.error());
    co_return;
  }
  co_await send_text(ex, http::status::ok, std::string(drop ? "dropped " : "committed ") + ex.target.path.display() +
                                               " version " + version.to_string() + "\n");
}

struct BodyOutcome {
  Status status;
  bool peer_gone = false;  // nobody to answer
};

// Streams the body into the writer. The body has a Content-Length (chunked bodies are refused),
// so after the bytes that arrived with the header it is read from the stream (plain or TLS)
// straight into the writer's buffer, up to 1 MiB a read: through the parser, every byte was
// copied once more and reads were capped at 64 KiB, which held a 1 GiB PUT to a fraction of the
// disk's speed. A large part's buffer is then written to the disk with O_DIRECT, so its bytes
// are copied once in all, from the socket.
asio::awaitable<BodyOutcome> receive_body(Exchange& ex, PartWriter& writer) {
  const std::size_t early = static_cast<std::size_t>(std::min<std::uint64_t>(ex.buffer.size(), writer.remaining()));
  if (early > 0) {
    const auto bytes = ex.buffer.data();
    if (auto st = writer.write(static_cast<const char*>(bytes.data()), early); !st) co_return BodyOutcome{st};
    ex.buffer.consume(early);
  }
  while (writer.remaining() > 0) {
    const std::span<char> space = writer.receive_space();
    ex.stream.expires_after(ex.server.config.idle_timeout);
    beast::error_code ec;
    const std::size_t received = co_await ex.stream.async_read_some(
        asio::buffer(space.data(), space.size()), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return BodyOutcome{Error(Errc::io_error, "receiving the body failed: " + ec.message()), true};
    if (auto st = writer.received(received); !st) co_return BodyOutcome{st};
  }
  ex.body_read_directly = true;
  co_return BodyOutcome{};
}

}  // namespace

asio::awaitable<void> handle_put(Exchange& ex) {
  const auto version_text = ex.target.get(protocol::kQueryVersion);
  if (!version_text) {
    co_await send_error(ex, bad_request("query 'version' is required"));
    co_return;
  }
  auto version = VersionId::parse(*version_text);
  if (!version) {
    co_await send_error(ex, version.error());
    co_return;
  }
  if (ex.target.path.is_root()) {
    co_await send_error(ex, Error(Errc::bad_path, "the root directory cannot be written"));
    co_return;
  }
  const auto part_text = ex.target.get(protocol::kQueryPart);
  if (const auto drop_text = ex.target.get(protocol::kQueryDrop)) {
    if (*drop_text != "1" || part_text) {
      co_await send_error(ex, bad_request("a drop is 'PUT /<path>?version=V&drop=1', without 'part'"));
    } else {
      co_await version_request(ex, *version, true);
    }
    co_return;
  }
  if (!part_text) {
    co_await version_request(ex, *version, false);
    co_return;
  }
  auto parts = parse_parts(*part_text);
  if (!parts) {
    co_await send_error(ex, parts.error());
    co_return;
  }
  const auto copy_from_text = ex.header(protocol::kCopyFrom);
  const bool copy = !copy_from_text.empty();
  const auto durability = requested_durability(ex);
  if (!durability || (copy && *durability == protocol::CommitDurability::later)) {
    co_await send_error(ex, bad_flush_header());
    co_return;
  }
  if (copy && parts->size() != 1) {
    co_await send_error(ex, bad_request("X-Dfs-Copy-From copies one part per request"));
    co_return;
  }
  std::vector<std::string_view> checksums;
  for (std::string_view text = ex.header(protocol::kChecksum);;) {
    const auto comma = text.find(',');
    checksums.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (!copy && checksums.size() != parts->size()) {
    co_await send_error(ex, bad_request("header " + std::string(protocol::kChecksum) + " has " +
                                        std::to_string(checksums.size()) + " checksums for " +
                                        std::to_string(parts->size()) + " parts"));
    co_return;
  }
  std::vector<protocol::PartDescriptor> declared;
  std::uint64_t body_size = 0;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    auto d = declared_part(ex, *version, (*parts)[i], copy, copy ? std::string_view() : checksums[i]);
    if (!d) {
      co_await send_error(ex, d.error());
      co_return;
    }
    body_size += d->part_size;
    declared.push_back(std::move(*d));
  }
  std::string stored_text = "stored part";
  for (std::size_t i = 0; i < parts->size(); ++i) stored_text += (i == 0 ? " " : ",") + std::to_string((*parts)[i]);
  stored_text += " of " + ex.target.path.display() + " version " + version->to_string() + "\n";

  const auto length = content_length(ex);
  if (!length) {
    co_await send_text(ex, http::status::length_required, "PUT needs a Content-Length (no chunked bodies)\n");
    co_return;
  }
  if (copy) {
    auto from = VersionId::parse(copy_from_text);
    if (!from || *length != 0) {
      co_await send_error(ex, bad_request("X-Dfs-Copy-From needs a version and an empty body"));
      co_return;
    }
    if (auto st = ex.server.store.copy_part(ex.user, ex.target.path, declared.front(), *from); !st) {
      co_await send_error(ex, st.error());
      co_return;
    }
    co_await send_text(ex, http::status::created, stored_text);
    co_return;
  }
  if (*length > ex.server.config.max_body_bytes) {
    co_await send_error(ex, Error(Errc::too_large, "body of " + std::to_string(*length) + " bytes is over this server's limit of " +
                                                       std::to_string(ex.server.config.max_body_bytes)));
    co_return;
  }
  if (*length != body_size) {
    const std::string which = parts->size() == 1 ? "part " + std::to_string(parts->front()) : "those parts";
    co_await send_error(ex, bad_request("body has " + std::to_string(*length) + " bytes but " + which + " of a " +
                                        std::to_string(declared.front().attributes.size) + "-byte file in " +
                                        std::to_string(declared.front().parts) + " parts " +
                                        (parts->size() == 1 ? "has " : "have ") + std::to_string(body_size)));
    co_return;
  }

  std::vector<std::unique_ptr<PartWriter>> writers;
  for (const auto& d : declared) {
    auto writer = ex.server.store.begin_part(ex.user, ex.target.path, d, writers.empty() ? nullptr : writers.front().get());
    if (!writer) {
      writers.clear();
      co_await send_error(ex, writer.error());
      co_return;
    }
    writers.push_back(std::move(*writer));
  }
  co_await send_continue_if_expected(ex);
  // The body holds the parts one after the other: each writer takes exactly its part's bytes.
  for (auto& writer : writers) {
    const auto received = co_await receive_body(ex, *writer);
    if (!received.status) {
      writers.clear();
      ex.keep_alive = false;  // the rest of the body is unread, or the peer is gone
      if (received.peer_gone) {
        ex.status = 499;  // for the log: the client went away mid-body
      } else {
        co_await send_error(ex, received.status.error());
      }
      co_return;
    }
  }
  if (auto stored = ex.server.store.store_parts(writers, *durability); !stored) {
    writers.clear();  // their temp files go before the client hears that nothing was stored
    co_await send_error(ex, stored.error());
    co_return;
  }
  co_await send_text(ex, http::status::created, stored_text);
}

asio::awaitable<void> handle_exit(Exchange& ex) {
  ex.keep_alive = false;
  co_await send_text(ex, http::status::ok, "bye\n");
}

}  // namespace dfs::server
