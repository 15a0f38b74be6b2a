#include "common/protocol.h"

#include <charconv>
#include <cstdio>

#include "common/checksum.h"
#include "common/percent_encoding.h"
#include "common/remote_path.h"

namespace dfs::protocol {
namespace {

std::optional<std::int64_t> parse_i64(std::string_view text) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return v;
}

std::optional<std::uint32_t> parse_octal_mode(std::string_view text) {
  std::uint32_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v, 8);
  if (ec != std::errc() || ptr != end || text.empty() || v > 07777) return std::nullopt;
  return v;
}

std::optional<std::uint32_t> parse_u32(std::string_view text) {
  const auto v = parse_u64(text);
  if (!v || *v > 0xffffffffULL) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

std::string octal(std::uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%o", mode);
  return buf;
}

Error bad_header(std::string_view name, std::string_view why) {
  return Error(Errc::invalid_argument, "header " + std::string(name) + ": " + std::string(why));
}

}  // namespace

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return v;
}

std::string_view kind_name(EntryKind kind) {
  switch (kind) {
    case EntryKind::file: return "file";
    case EntryKind::dir: return "dir";
    case EntryKind::symlink: return "symlink";
    case EntryKind::tombstone: return "tombstone";
  }
  return "file";
}

std::optional<EntryKind> parse_kind(std::string_view text) {
  if (text == "file") return EntryKind::file;
  if (text == "dir") return EntryKind::dir;
  if (text == "symlink") return EntryKind::symlink;
  if (text == "tombstone") return EntryKind::tombstone;
  return std::nullopt;
}

void write_attribute_headers(const EntryAttributes& a, int parts, const HeaderSetter& set) {
  set(kKind, std::string(kind_name(a.kind)));
  set(kSize, std::to_string(a.size));
  set(kParts, std::to_string(parts));
  set(kMode, octal(a.mode));
  set(kUid, std::to_string(a.uid));
  set(kGid, std::to_string(a.gid));
  set(kMtime, std::to_string(a.mtime_ns));
}

Result<EntryAttributes> read_attribute_headers(const HeaderGetter& get, int& parts) {
  EntryAttributes a;
  const auto kind = get(kKind);
  if (!kind) return bad_header(kKind, "missing (file, dir, symlink or tombstone)");
  const auto parsed_kind = parse_kind(*kind);
  if (!parsed_kind) return bad_header(kKind, "must be file, dir, symlink or tombstone");
  a.kind = *parsed_kind;

  const auto size = get(kSize);
  if (!size) return bad_header(kSize, "missing (bytes of the whole file)");
  const auto parsed_size = parse_u64(*size);
  if (!parsed_size) return bad_header(kSize, "must be a decimal byte count");
  a.size = *parsed_size;

  const auto parts_text = get(kParts);
  if (!parts_text) return bad_header(kParts, "missing (number of parts)");
  const auto parsed_parts = parse_u64(*parts_text);
  if (!parsed_parts || *parsed_parts < 1 || *parsed_parts > static_cast<std::uint64_t>(kMaxParts)) {
    return bad_header(kParts, "must be between 1 and 64");
  }
  parts = static_cast<int>(*parsed_parts);

  if (const auto v = get(kMode)) {
    const auto m = parse_octal_mode(*v);
    if (!m) return bad_header(kMode, "must be octal permission bits up to 7777");
    a.mode = *m;
  }
  if (const auto v = get(kUid)) {
    const auto n = parse_u32(*v);
    if (!n) return bad_header(kUid, "must be a decimal uid");
    a.uid = *n;
  }
  if (const auto v = get(kGid)) {
    const auto n = parse_u32(*v);
    if (!n) return bad_header(kGid, "must be a decimal gid");
    a.gid = *n;
  }
  if (const auto v = get(kMtime)) {
    const auto n = parse_i64(*v);
    if (!n) return bad_header(kMtime, "must be nanoseconds since the epoch");
    a.mtime_ns = *n;
  }
  return a;
}

std::string format_list_record(const ListRecord& r) {
  const auto& d = r.descriptor;
  const auto& a = d.attributes;
  std::string line;
  line.reserve(200 + r.name.size());
  line += "name=" + percent_encode(r.name);
  line += " kind=";
  line += kind_name(a.kind);
  line += " part=" + std::to_string(d.part);
  line += " parts=" + std::to_string(d.parts);
  line += " version=" + d.version.to_string();
  line += r.committed ? " committed=1" : " committed=0";
  line += " size=" + std::to_string(a.size);
  line += " psize=" + std::to_string(d.part_size);
  line += " xxh3=" + format_checksum(d.checksum);
  line += " mode=" + octal(a.mode);
  line += " uid=" + std::to_string(a.uid);
  line += " gid=" + std::to_string(a.gid);
  line += " mtime=" + std::to_string(a.mtime_ns);
  return line;
}

Result<ListRecord> parse_list_record(std::string_view line) {
  ListRecord r;
  auto& d = r.descriptor;
  auto& a = d.attributes;
  unsigned seen = 0;  // one bit per required field
  auto fail = [&](std::string_view why) {
    return Error(Errc::corruption, "bad LIST record '" + std::string(line.substr(0, 120)) + "': " +
                                       std::string(why));
  };
  while (!line.empty()) {
    const auto space = line.find(' ');
    const std::string_view field = line.substr(0, space);
    line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (field.empty()) continue;
    const auto eq = field.find('=');
    if (eq == std::string_view::npos) return fail("field without '='");
    const std::string_view key = field.substr(0, eq);
    const std::string_view value = field.substr(eq + 1);
    if (key == "name") {
      auto decoded = percent_decode(value);
      if (!decoded) return fail("name is not percent-encoded");
      if (!RemotePath::check_name(*decoded)) return fail("name breaks the path rules");
      r.name = std::move(*decoded);
      seen |= 1u << 0;
    } else if (key == "kind") {
      const auto k = parse_kind(value);
      if (!k) return fail("unknown kind");
      a.kind = *k;
      seen |= 1u << 1;
    } else if (key == "part" || key == "parts") {
      const auto n = parse_u64(value);
      if (!n || *n < 1 || *n > static_cast<std::uint64_t>(kMaxParts)) return fail("part out of range");
      (key == "part" ? d.part : d.parts) = static_cast<int>(*n);
      seen |= key == "part" ? 1u << 2 : 1u << 3;
    } else if (key == "version") {
      auto v = VersionId::parse(value);
      if (!v) return fail("bad version");
      d.version = *v;
      seen |= 1u << 4;
    } else if (key == "committed") {
      if (value != "0" && value != "1") return fail("committed must be 0 or 1");
      r.committed = value == "1";
      seen |= 1u << 5;
    } else if (key == "size" || key == "psize") {
      const auto n = parse_u64(value);
      if (!n) return fail("bad size");
      (key == "size" ? a.size : d.part_size) = *n;
      seen |= key == "size" ? 1u << 6 : 1u << 7;
    } else if (key == "xxh3") {
      const auto c = parse_checksum(value);
      if (!c) return fail("bad checksum");
      d.checksum = *c;
      seen |= 1u << 8;
    } else if (key == "mode") {
      const auto m = parse_octal_mode(value);
      if (!m) return fail("bad mode");
      a.mode = *m;
    } else if (key == "uid" || key == "gid") {
      const auto n = parse_u32(value);
      if (!n) return fail("bad uid or gid");
      (key == "uid" ? a.uid : a.gid) = *n;
    } else if (key == "mtime") {
      const auto n = parse_i64(value);
      if (!n) return fail("bad mtime");
      a.mtime_ns = *n;
    }
  }
  if (seen != 0x1ffu) return fail("a required field is missing");
  if (d.part > d.parts) return fail("part is larger than parts");
  return r;
}

}  // namespace dfs::protocol
