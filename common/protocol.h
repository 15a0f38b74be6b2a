// The words of the wire protocol (docs/protocol.md is the normative spec): header and query
// names, entry kinds, the attributes that travel with every part version, and the LIST record.
// Nothing here knows HTTP libraries; server and client both translate through these functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/version_id.h"

namespace dfs::protocol {

// Request and response headers.
inline constexpr std::string_view kKind = "X-Dfs-Kind";
inline constexpr std::string_view kSize = "X-Dfs-Size";            // size of the whole file
inline constexpr std::string_view kParts = "X-Dfs-Parts";          // N, parts the file is cut into
inline constexpr std::string_view kMode = "X-Dfs-Mode";            // octal permission bits
inline constexpr std::string_view kUid = "X-Dfs-Uid";
inline constexpr std::string_view kGid = "X-Dfs-Gid";
inline constexpr std::string_view kMtime = "X-Dfs-Mtime";          // ns since the epoch
inline constexpr std::string_view kChecksum = "X-Dfs-Xxh3";        // XXH3-64 of the part, 16 hex
inline constexpr std::string_view kCopyFrom = "X-Dfs-Copy-From";   // PUT: take the data of this version
inline constexpr std::string_view kFlush = "X-Dfs-Flush";          // commit: "now" or "later"
inline constexpr std::string_view kVersion = "X-Dfs-Version";      // GET answer: version served
inline constexpr std::string_view kPartSize = "X-Dfs-Part-Size";   // GET answer: whole part size
inline constexpr std::string_view kCommitted = "X-Dfs-Committed";  // GET answer: 1 or 0
inline constexpr std::string_view kNext = "X-Dfs-Next";            // LIST answer: continuation token
inline constexpr std::string_view kFreeBytes = "X-Dfs-Free-Bytes";    // LIST answer
inline constexpr std::string_view kTotalBytes = "X-Dfs-Total-Bytes";  // LIST answer
inline constexpr std::string_view kErrorKind = "X-Dfs-Error";         // error answers: errc_token()

// Query parameters.
inline constexpr std::string_view kQueryPart = "part";
inline constexpr std::string_view kQueryVersion = "version";
inline constexpr std::string_view kQueryDrop = "drop";  // PUT ?version=V&drop=1: heal removes V here
inline constexpr std::string_view kQueryName = "name";
inline constexpr std::string_view kQueryAfter = "after";
inline constexpr std::string_view kQueryLimit = "limit";

inline constexpr int kMaxParts = 64;

enum class EntryKind { file, dir, symlink, tombstone };

// When a commit is durable (X-Dfs-Flush): before the server answers (now, the default), or in
// the server's next batch of commits, a few milliseconds later (later: group commit). Either
// way the server has recorded it when it answers, and every reader sees it from then on.
enum class CommitDurability { now, later };
std::string_view kind_name(EntryKind kind);
std::optional<EntryKind> parse_kind(std::string_view text);

// What a version says about its file; the same in every part of that version.
struct EntryAttributes {
  EntryKind kind = EntryKind::file;
  std::uint64_t size = 0;  // bytes of the whole file (symlink: target length)
  std::uint32_t mode = 0644;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::int64_t mtime_ns = 0;

  friend bool operator==(const EntryAttributes&, const EntryAttributes&) = default;
};

// One stored part of one version.
struct PartDescriptor {
  int part = 1;   // 1-based, as the seed numbers them
  int parts = 4;  // N
  VersionId version;
  std::uint64_t part_size = 0;
  std::uint64_t checksum = 0;
  EntryAttributes attributes;

  friend bool operator==(const PartDescriptor&, const PartDescriptor&) = default;
};

// Header access without an HTTP library: `set` receives name/value pairs, `get` looks one up.
using HeaderSetter = std::function<void(std::string_view name, std::string value)>;
using HeaderGetter = std::function<std::optional<std::string_view>(std::string_view name)>;

// The attribute headers (kind, size, parts, mode, uid, gid, mtime).
void write_attribute_headers(const EntryAttributes& attributes, int parts, const HeaderSetter& set);
// Reads them back; missing mode/uid/gid/mtime take defaults, missing kind/size/parts are errors.
Result<EntryAttributes> read_attribute_headers(const HeaderGetter& get, int& parts);

// One LIST record: a part version of entry `name`, one line of space-separated key=value fields:
//   name=<pct-encoded> kind= part= parts= version= committed=0|1 size= psize= xxh3= mode=<octal>
//   uid= gid= mtime=
// Parsers ignore keys they do not know, so fields can be added without breaking old clients.
struct ListRecord {
  std::string name;
  PartDescriptor descriptor;
  bool committed = false;

  friend bool operator==(const ListRecord&, const ListRecord&) = default;
};

std::string format_list_record(const ListRecord& record);  // no trailing newline
Result<ListRecord> parse_list_record(std::string_view line);

// Strict unsigned decimal parse of a whole string (no sign, no spaces, no overflow).
std::optional<std::uint64_t> parse_u64(std::string_view text);

}  // namespace dfs::protocol
