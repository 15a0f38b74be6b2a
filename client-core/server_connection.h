// A connection to one dfs-server: blocking calls, each bounded by a timeout, over one kept-alive
// HTTP/1.1 connection that is re-opened when needed. Not thread-safe: one thread uses a
// connection at a time (the connection pool hands them out). Errors name the server:
// "server dfs2 (127.0.0.1:10002) timed out after 1 s connecting".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/protocol.h"
#include "common/remote_path.h"

namespace dfs::client {

// Whether a server is reached through TLS, and whom to trust for it. The certificate must
// chain to the CA bundle and name the configured host (subjectAltName DNS or IP).
struct TlsSettings {
  bool enabled = false;
  std::string ca_file;  // PEM bundle of trusted CAs; empty: the system's store
};

struct ServerAddress {
  std::string name;  // "dfs1"
  std::string host;  // "127.0.0.1" or a host name
  std::uint16_t port = 0;
  TlsSettings tls;
  std::string display() const { return name + " (" + host + ":" + std::to_string(port) + ")"; }
};

struct Credentials {
  std::string user;
  std::string password;
};

// The Authorization header's value for `c`: "Basic " and base64 of "user:password".
std::string basic_authorization(const Credentials& c);

struct Timeouts {
  std::chrono::milliseconds connect{1000};
  std::chrono::milliseconds io{10000};  // longest wait for any one read or write
};

// Fills `buffer` with up to `size` bytes of the part; returns how many (0 only at the end).
using BodySource = std::function<Result<std::size_t>(char* buffer, std::size_t size)>;
// Receives the part's bytes in order.
using BodySink = std::function<Status(std::string_view bytes)>;

struct PartRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// What a GET answered besides the bytes.
struct PartInfo {
  protocol::PartDescriptor descriptor;
  bool committed = false;
};

struct ListOptions {
  std::optional<std::string> name;
  std::optional<std::string> after;
  std::optional<std::size_t> limit;
};

struct ListPage {
  std::vector<protocol::ListRecord> records;
  std::optional<std::string> next;  // pass as `after` for the next page
  std::uint64_t free_bytes = 0;
  std::uint64_t total_bytes = 0;
};

class ServerConnection {
 public:
  ServerConnection(ServerAddress address, Credentials credentials, Timeouts timeouts);
  ~ServerConnection();
  ServerConnection(ServerConnection&&) noexcept;
  ServerConnection& operator=(ServerConnection&&) noexcept;

  const ServerAddress& address() const;

  // The largest part send_parts() takes; put_part sends parts up to this size whole, without
  // waiting for 100 Continue.
  static constexpr std::size_t kSmallBodyMax = 64 * 1024;

  // Small requests in two halves, for one thread that keeps several servers busy at once: it
  // sends each server its request, then reads each answer with finish(), which waits at most
  // the I/O timeout from when that request left. A small file's write used a thread per copy,
  // and handing work to them cost more than the requests. The one-call forms below are these
  // two halves.
  // Parts of one version that this server holds, in one request (`part=K,L`): `bytes` is
  // their bytes one after the other. The server makes them durable before it answers (`now`),
  // or in its next batch, before any commit of theirs (`later`: the mount's close). Each part
  // is at most kSmallBodyMax bytes.
  Status send_parts(const RemotePath& path, std::span<const protocol::PartDescriptor> parts, std::string_view bytes,
                    protocol::CommitDurability durability = protocol::CommitDurability::now);
  Status send_copy(const RemotePath& path, const protocol::PartDescriptor& descriptor, const VersionId& from);
  Status send_commit(const RemotePath& path, const VersionId& version,
                     protocol::CommitDurability durability = protocol::CommitDurability::now);
  Status finish();

  // Stores one part version (staged). `source` yields exactly descriptor.part_size bytes.
  Status put_part(const RemotePath& path, const protocol::PartDescriptor& descriptor, const BodySource& source);
  // The same with the bytes at `offset` of the open file `fd`, sent with sendfile(2) so they never
  // pass through this process (over TLS: read and encrypted here, a chunk at a time). `on_sent`
  // (may be empty) hears how many bytes left each time.
  Status put_part_from_file(const RemotePath& path, const protocol::PartDescriptor& descriptor, int fd,
                            std::uint64_t offset, const std::function<void(std::size_t)>& on_sent);
  // Stores part `descriptor.part` of a new version with the bytes of version `from`.
  Status put_copy(const RemotePath& path, const protocol::PartDescriptor& descriptor, const VersionId& from);
  Status commit(const RemotePath& path, const VersionId& version);
  // Removes staged version `version`, or a committed tombstone, from this server (heal).
  Status drop(const RemotePath& path, const VersionId& version);
  // The whole part (checked against its XXH3 at the end) or one range of it (checked by the
  // server block by block). With `into` (exactly the answer's length), the bytes are received
  // straight into it and `sink` sees them there: no copy through a buffer of the connection. Without a version: the newest committed one on this server.
  Result<PartInfo> get_part(const RemotePath& path, int part, const std::optional<VersionId>& version,
                            const std::optional<PartRange>& range, const BodySink& sink,
                            std::span<char> into = {});
  Result<ListPage> list(const RemotePath& dir, const ListOptions& options = {});
  // Says goodbye and closes the connection.
  Status exit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dfs::client
