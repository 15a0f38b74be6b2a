// PUT /<path>?version=V&part=K   stores part K of version V (staged), body = the part's bytes
// PUT /<path>?version=V          commits version V (no body)
// With X-Dfs-Copy-From: W and no body, part K of V takes the bytes of part K of W.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
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

Result<int> parse_part(std::string_view text) {
  const auto part = protocol::parse_u64(text);
  if (!part || *part < 1 || *part > static_cast<std::uint64_t>(protocol::kMaxParts)) {
    return bad_request("query 'part' must be a number from 1 to 64");
  }
  return static_cast<int>(*part);
}

// The descriptor a part PUT declares in its query and headers, checked for consistency.
Result<protocol::PartDescriptor> declared_part(Exchange& ex, const VersionId& version, int part, bool copy) {
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
  const auto checksum = parse_checksum(ex.header(protocol::kChecksum));
  if (!checksum) return bad_request("header " + std::string(protocol::kChecksum) + " must be 16 hex digits (XXH3-64 of the part)");
  d.checksum = *checksum;
  return d;
}

asio::awaitable<void> commit(Exchange& ex, const VersionId& version) {
  if (content_length(ex).value_or(1) != 0) {
    co_await send_error(ex, bad_request("a commit (PUT without 'part') has no body"));
    co_return;
  }
  if (auto st = ex.server.store.commit(ex.user, ex.target.path, version); !st) {
    co_await send_error(ex, st.error());
    co_return;
  }
  co_await send_text(ex, http::status::ok, "committed " + ex.target.path.display() + " version " + version.to_string() + "\n");
}

struct BodyOutcome {
  Status status;
  bool peer_gone = false;  // nobody to answer
};

// Streams the body into the writer. The body has a Content-Length (chunked bodies are refused),
// so after the bytes that arrived with the header it is read from the socket straight into a
// 1 MiB chunk: through the parser, every byte was copied once more and reads were capped at
// 64 KiB, which held a 1 GiB PUT to a fraction of the disk's speed.
asio::awaitable<BodyOutcome> receive_body(Exchange& ex, PartWriter& writer) {
  std::uint64_t remaining = writer.remaining();
  const std::size_t early = static_cast<std::size_t>(std::min<std::uint64_t>(ex.buffer.size(), remaining));
  if (early > 0) {
    const auto bytes = ex.buffer.data();
    if (auto st = writer.write(static_cast<const char*>(bytes.data()), early); !st) co_return BodyOutcome{st};
    ex.buffer.consume(early);
    remaining -= early;
  }
  std::vector<char> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(kStreamChunk, remaining)));
  while (remaining > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), remaining));
    ex.stream.expires_after(ex.server.config.idle_timeout);
    beast::error_code ec;
    const std::size_t received = co_await ex.stream.async_read_some(
        asio::buffer(chunk.data(), want), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return BodyOutcome{Error(Errc::io_error, "receiving the body failed: " + ec.message()), true};
    if (auto st = writer.write(chunk.data(), received); !st) co_return BodyOutcome{st};
    remaining -= received;
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
  if (!part_text) {
    co_await commit(ex, *version);
    co_return;
  }
  auto part = parse_part(*part_text);
  if (!part) {
    co_await send_error(ex, part.error());
    co_return;
  }
  const auto copy_from_text = ex.header(protocol::kCopyFrom);
  auto declared = declared_part(ex, *version, *part, !copy_from_text.empty());
  if (!declared) {
    co_await send_error(ex, declared.error());
    co_return;
  }

  const auto length = content_length(ex);
  if (!length) {
    co_await send_text(ex, http::status::length_required, "PUT needs a Content-Length (no chunked bodies)\n");
    co_return;
  }
  if (!copy_from_text.empty()) {
    auto from = VersionId::parse(copy_from_text);
    if (!from || *length != 0) {
      co_await send_error(ex, bad_request("X-Dfs-Copy-From needs a version and an empty body"));
      co_return;
    }
    if (auto st = ex.server.store.copy_part(ex.user, ex.target.path, *declared, *from); !st) {
      co_await send_error(ex, st.error());
      co_return;
    }
    co_await send_text(ex, http::status::created, "stored part " + std::to_string(*part) + " of " +
                                                      ex.target.path.display() + " version " + version->to_string() + "\n");
    co_return;
  }
  if (*length > ex.server.config.max_body_bytes) {
    co_await send_error(ex, Error(Errc::too_large, "body of " + std::to_string(*length) + " bytes is over this server's limit of " +
                                                       std::to_string(ex.server.config.max_body_bytes)));
    co_return;
  }
  if (*length != declared->part_size) {
    co_await send_error(ex, bad_request("body has " + std::to_string(*length) + " bytes but part " + std::to_string(*part) +
                                        " of a " + std::to_string(declared->attributes.size) + "-byte file in " +
                                        std::to_string(declared->parts) + " parts has " +
                                        std::to_string(declared->part_size)));
    co_return;
  }

  auto writer = ex.server.store.begin_part(ex.user, ex.target.path, *declared);
  if (!writer) {
    co_await send_error(ex, writer.error());
    co_return;
  }
  co_await send_continue_if_expected(ex);
  const auto received = co_await receive_body(ex, **writer);
  if (!received.status) {
    ex.keep_alive = false;  // the rest of the body is unread, or the peer is gone
    if (received.peer_gone) {
      ex.status = 499;  // for the log: the client went away mid-body
    } else {
      co_await send_error(ex, received.status.error());
    }
    co_return;
  }
  if (auto st = (*writer)->finish(); !st) {
    co_await send_error(ex, st.error());
    co_return;
  }
  co_await send_text(ex, http::status::created, "stored part " + std::to_string(*part) + " of " +
                                                    ex.target.path.display() + " version " + version->to_string() + "\n");
}

asio::awaitable<void> handle_exit(Exchange& ex) {
  ex.keep_alive = false;
  co_await send_text(ex, http::status::ok, "bye\n");
}

}  // namespace dfs::server
