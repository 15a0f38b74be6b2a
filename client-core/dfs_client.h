// The client side of dfs: every operation a user or the mount makes, on top of the servers'
// four methods. Thread-safe: one DfsClient serves all threads of a process (dfc, dfs-fuse).
//
// The rules it keeps (../shared/DESIGN.md, docs/architecture.md):
//  - A file of S bytes is N parts (N = servers in the config); part k lives on the two servers
//    PartPlacement names. Every write is a new version: parts are staged on both servers, then
//    committed when each part has `min_copies` copies. A failed write leaves the old version.
//  - A reader takes the newest version committed on any server and reads each part from any
//    server holding it; if that version lacks a part the file is incomplete, never older data.
//  - Delete, rmdir and rename's second half write tombstone versions; directories are marker
//    versions; symlinks are versions whose bytes are the target.
// Errors name the servers involved and what to do; each one's Errc decides the exit code / errno.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "client-core/client_config.h"
#include "client-core/client_counters.h"
#include "common/error.h"
#include "common/protocol.h"
#include "common/remote_path.h"
#include "common/version_id.h"

namespace dfs::client {

// What a reader sees of one entry: its newest committed version.
struct EntryInfo {
  std::string name;  // last path component ("" for the root)
  protocol::EntryAttributes attributes;
  VersionId version;
  int parts = 0;
  // Per part (0-based): bit s set when server s holds that part of `version`.
  std::vector<std::uint64_t> holders;
  std::vector<int> missing_parts;  // 1-based parts no reachable server holds

  bool complete() const { return missing_parts.empty(); }
  bool is_dir() const { return attributes.kind == protocol::EntryKind::dir; }
  // "part 2 is on no reachable server" style text for messages; "" when complete.
  std::string missing_text() const;
};

struct Listing {
  std::vector<EntryInfo> entries;  // sorted by name; no tombstones
  std::vector<Error> unreachable;  // servers that did not answer (their entries may be incomplete)
};

// One part version a server holds, for `info`.
struct HeldPart {
  int part = 0;  // 1-based
  VersionId version;
  bool committed = false;
  std::uint64_t part_size = 0;
  protocol::EntryKind kind = protocol::EntryKind::file;
};

struct ServerHoldings {
  ServerAddress server;
  std::optional<Error> error;  // the server did not answer
  std::vector<HeldPart> parts;
};

struct PathInfo {
  std::optional<EntryInfo> entry;  // the version readers get; empty when there is none
  std::vector<ServerHoldings> servers;
};

// Progress of a transfer: bytes of the file done so far and the file's size. Called from
// transfer threads (never at the same time), at most every few hundred KiB.
using ProgressCallback = std::function<void(std::uint64_t done, std::uint64_t total)>;

// The bytes of a write, readable at any offset by several threads at once.
struct ByteSource {
  std::uint64_t size = 0;
  std::function<Result<std::size_t>(std::uint64_t offset, char* buffer, std::size_t length)> read_at;
  int fd = -1;  // when the bytes are a file's: sent from it with sendfile(2), no copy through memory

  static ByteSource from_fd(int fd, std::uint64_t size);  // pread; the fd must outlive the write
  static ByteSource from_memory(std::string_view bytes);  // the bytes must outlive the write
};

struct WriteOptions {
  std::uint32_t mode = 0644;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::optional<std::int64_t> mtime_ns;  // default: now
  // The parent directory: made first with mkdir -p (dfc put), or else checked to exist
  // (not_found / not_directory), unless the caller already knows it does (the mount: the kernel
  // looked it up), which saves one lookup per write.
  bool create_parents = false;
  bool parent_known = false;
  ProgressCallback progress;
  // `later`: the servers answer the commit once it is recorded and make it durable in their
  // next batch (group commit), so a crash of the whole machine in those milliseconds can bring
  // back the previous version, as a power cut can lose a local file written without fsync.
  // A small file's parts go `later` too: each server makes them durable before it writes a
  // commit of theirs. A large file's parts are durable before the commit is sent. The mount's
  // close uses it; its fsync and dfc do not.
  protocol::CommitDurability commit_durability = protocol::CommitDurability::now;
};

struct RemoveOptions {
  // The entry as the caller saw it moments ago (the mount: the kernel's lookup of it): trusted
  // instead of asking every server first. It must not be a directory.
  std::optional<EntryInfo> known;
  // As WriteOptions::commit_durability, for the tombstone: with `later` a crash of the whole
  // machine within the servers' next batch can bring the file back.
  protocol::CommitDurability commit_durability = protocol::CommitDurability::now;
};

struct AttributeChange {
  std::optional<std::uint32_t> mode;
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> gid;
  std::optional<std::int64_t> mtime_ns;
};

enum class RenameMode { replace, no_replace };

// Bytes of one version of a file that the caller holds already (the mount's spool of a file it
// has just written): a rename writes them under the new name instead of reading them back
// from the servers, when `version` is still the file's newest.
struct KnownBytes {
  VersionId version;
  ByteSource bytes;
};

// Who a new directory or symlink belongs to (the mount passes the caller's ids).
struct Owner {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};

// Room in the cluster for a user's files: the servers' data disks added up and halved, since
// every byte is stored twice. Only servers that answered count.
struct ClusterSpace {
  std::uint64_t free_bytes = 0;
  std::uint64_t total_bytes = 0;
  int servers_answered = 0;
};

// One server as `dfc status` shows it.
struct ServerHealth {
  ServerAddress server;
  std::optional<Error> error;            // it did not answer
  std::chrono::microseconds latency{0};  // of one small LIST
  std::uint64_t free_bytes = 0;
  std::uint64_t total_bytes = 0;
};

// Entries by what they need; one entry may count in several.
struct HealthCounts {
  std::uint64_t entries = 0;           // files, directories and symlinks readers see
  std::uint64_t under_replicated = 0;  // of those: a part with fewer than its two copies
  std::uint64_t incomplete = 0;        // of those: cannot be rebuilt (a part on no server)
  std::uint64_t pending = 0;           // a commit to finish, or a staged version never committed
  std::uint64_t to_clean = 0;          // superseded versions, old or missing tombstone copies
};

struct ClusterStatus {
  std::vector<ServerHealth> servers;
  HealthCounts counts;
  // Every server up; nothing under-replicated, incomplete or pending.
  bool healthy() const;
};

struct HealOptions {
  bool verify = false;  // read every copy and repair the ones that fail their checksum
  std::chrono::seconds staged_grace{3600};    // a never-committed version older than this goes
  std::chrono::seconds tombstone_age{86400};  // a delete older than this is forgotten everywhere
  // One line per action taken, called from heal's threads one at a time.
  std::function<void(const std::string& line)> on_action;
};

struct HealReport {
  HealthCounts found;  // before heal acted
  std::uint64_t parts_copied = 0;
  std::uint64_t commits = 0;
  std::uint64_t staged_dropped = 0;
  std::uint64_t tombstones_dropped = 0;
  std::uint64_t copies_verified = 0;
  std::uint64_t copies_repaired = 0;  // failed verification and were copied again
  std::uint64_t failures = 0;         // actions that failed (each said so in a line)
  std::vector<Error> unanswered;      // servers that did not answer: nothing of theirs was healed
  bool actions() const { return parts_copied + commits + staged_dropped + tombstones_dropped > 0; }
  // Everything healable was healed: no failure, every server answered, nothing incomplete.
  bool complete() const { return failures == 0 && unanswered.empty() && found.incomplete == 0; }
};

class DfsClient {
 public:
  explicit DfsClient(ClientConfig config);
  ~DfsClient();
  DfsClient(const DfsClient&) = delete;
  DfsClient& operator=(const DfsClient&) = delete;

  const ClientConfig& config() const;
  int server_count() const;
  // What this client counted so far (degraded writes...), for metrics.
  const ClientCounters& counters() const;

  // The newest committed entry at `path` (the root is a directory that always exists).
  // not_found when there is none or it is deleted; an incomplete entry is returned with its
  // missing parts, and only reading its bytes fails.
  Result<EntryInfo> stat(const RemotePath& path);
  // The entries of directory `dir` (not_directory for a file, not_found when missing).
  Result<Listing> list(const RemotePath& dir);

  // Writes `data` as a new version of the file at `path`.
  Result<EntryInfo> put(const RemotePath& path, const ByteSource& data, const WriteOptions& options = {});
  // Makes the commit of `written` (what put() returned, with commit_durability = later) durable
  // on the servers that hold its parts before it returns: the mount's fsync of a closed file.
  Status make_durable(const RemotePath& path, const EntryInfo& written);
  // put() of a local file; mode, owner and mtime come from the file (options.mtime_ns overrides
  // the mtime).
  Result<EntryInfo> put_file(const std::filesystem::path& local, const RemotePath& path, WriteOptions options = {});

  // Reads the whole file into `local` through a temp file beside it, renamed only when every
  // part arrived and matched its checksum. is_directory for a directory, incomplete (with the
  // missing parts) when it cannot be rebuilt; on any failure `local` is untouched.
  Result<EntryInfo> get_file(const RemotePath& path, const std::filesystem::path& local,
                             const ProgressCallback& progress = {});
  // Bytes [offset, offset + buffer.size()) of `entry` (a version from stat or list); fewer at the
  // end of the file. Each part comes from whichever of its holders answers.
  Result<std::size_t> read(const RemotePath& path, const EntryInfo& entry, std::uint64_t offset,
                           std::span<char> buffer);
  // The same into `buffers`, filled one after the other as if they were one: the mount reads
  // ahead into blocks it hands to the kernel one by one.
  Result<std::size_t> read(const RemotePath& path, const EntryInfo& entry, std::uint64_t offset,
                           std::span<const std::span<char>> buffers);

  // Deletes a file or symlink (is_directory for a directory: use rmdir).
  Status remove(const RemotePath& path, const RemoveOptions& options = {});
  // Parents made by `parents` get the same owner.
  Status mkdir(const RemotePath& path, std::uint32_t mode = 0755, bool parents = false, const Owner& owner = {});
  // not_empty while the directory has entries.
  Status rmdir(const RemotePath& path);
  // Writes `from`'s newest version at `to`, then deletes `from`. Directories move with
  // everything in them. no_replace: already_exists when `to` exists.
  Status rename(const RemotePath& from, const RemotePath& to, RenameMode mode = RenameMode::replace,
                const std::optional<KnownBytes>& known = std::nullopt);
  // A metadata version: the same bytes (copied on the servers) with new attributes.
  Result<EntryInfo> set_attributes(const RemotePath& path, const AttributeChange& change);
  Status symlink(const RemotePath& link, std::string_view target, const Owner& owner = {});
  Result<std::string> readlink(const RemotePath& link);
  // Which server holds which part of which version, committed or staged.
  Result<PathInfo> info(const RemotePath& path);
  // statfs for the mount, df-style figures for dfc. Fails only when no server answers.
  Result<ClusterSpace> space();

  // Each server's health and what the entries below `top` need (dfc status). Fails only when
  // no server answers.
  Result<ClusterStatus> status(const RemotePath& top);
  // Repairs everything below `top` (and `top` itself) that heal_plan.h decides, in parallel
  // across entries and servers, with bounded memory; idempotent. Fails only when no server answers.
  Result<HealReport> heal(const RemotePath& top, const HealOptions& options);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dfs::client
