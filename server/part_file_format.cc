#include "server/part_file_format.h"

#include <cstdio>

#include "common/checksum.h"

namespace dfs::server {
namespace {

constexpr std::string_view kMagic = "dfs-part 1\n";

Error corrupt(std::string_view why) { return Error(Errc::corruption, "part header " + std::string(why)); }

}  // namespace

std::uint64_t block_count(std::uint64_t part_size) { return (part_size + kBlockBytes - 1) / kBlockBytes; }

std::uint64_t data_offset(std::uint64_t part_size) {
  const std::uint64_t table_end = kPartHeaderBytes + 8 * block_count(part_size);
  return (table_end + 4095) / 4096 * 4096;
}

std::string encode_part_header(const protocol::PartDescriptor& d) {
  const auto& a = d.attributes;
  char mode[16];
  std::snprintf(mode, sizeof mode, "%o", a.mode);
  std::string text(kMagic);
  text += "kind " + std::string(protocol::kind_name(a.kind)) + "\n";
  text += "part " + std::to_string(d.part) + "\n";
  text += "parts " + std::to_string(d.parts) + "\n";
  text += "version " + d.version.to_string() + "\n";
  text += "size " + std::to_string(a.size) + "\n";
  text += "psize " + std::to_string(d.part_size) + "\n";
  text += "xxh3 " + format_checksum(d.checksum) + "\n";
  text += "mode " + std::string(mode) + "\n";
  text += "uid " + std::to_string(a.uid) + "\n";
  text += "gid " + std::to_string(a.gid) + "\n";
  text += "mtime " + std::to_string(a.mtime_ns) + "\n";
  text += "block " + std::to_string(kBlockBytes) + "\n";
  text += "end " + format_checksum(xxh3(text.data(), text.size())) + "\n";
  text.resize(kPartHeaderBytes, '\0');
  return text;
}

Result<protocol::PartDescriptor> decode_part_header(std::string_view bytes) {
  if (bytes.size() < kPartHeaderBytes || bytes.substr(0, kMagic.size()) != kMagic) return corrupt("has no magic");
  const auto end = bytes.find("end ");
  if (end == std::string_view::npos || end + 4 + 16 + 1 > bytes.size()) return corrupt("has no end line");
  // Compare the end line byte for byte: parsing its hex would let a flipped case bit ('f' -> 'F')
  // or a damaged newline pass, and every byte of the text must be covered.
  if (bytes.substr(end + 4, 16 + 1) != format_checksum(xxh3(bytes.data(), end)) + "\n") {
    return corrupt("fails its checksum");
  }

  // The header is the same "key value" shape as a LIST record's fields: reuse that parser.
  std::string record = "name=x";
  std::string_view lines = bytes.substr(kMagic.size(), end - kMagic.size());
  std::uint64_t block = 0;
  while (!lines.empty()) {
    const auto nl = lines.find('\n');
    std::string_view line = lines.substr(0, nl);
    lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return corrupt("has a line without a value");
    const auto key = line.substr(0, space);
    const auto value = line.substr(space + 1);
    if (key == "block") {
      block = protocol::parse_u64(value).value_or(0);
      continue;
    }
    record += " " + std::string(key) + "=" + std::string(value);
  }
  if (block != kBlockBytes) return corrupt("has an unsupported block size");
  record += " committed=0";
  auto parsed = protocol::parse_list_record(record);
  if (!parsed) return corrupt("is malformed: " + parsed.error().message());
  return parsed->descriptor;
}

std::string part_file_name(const VersionId& version, int part) {
  return version.to_string() + ".p" + std::to_string(part);
}

std::string commit_marker_name(const VersionId& version) { return version.to_string() + ".commit"; }

std::optional<VersionFileName> parse_version_file_name(std::string_view name) {
  if (name.size() <= kVersionTextSize + 1 || name[kVersionTextSize] != '.') return std::nullopt;
  auto version = VersionId::parse(name.substr(0, kVersionTextSize));
  if (!version) return std::nullopt;
  const auto suffix = name.substr(kVersionTextSize + 1);
  if (suffix == "commit") return VersionFileName{*version, 0};
  if (suffix.size() < 2 || suffix[0] != 'p') return std::nullopt;
  const auto part = protocol::parse_u64(suffix.substr(1));
  if (!part || *part < 1 || *part > static_cast<std::uint64_t>(protocol::kMaxParts)) return std::nullopt;
  if (suffix.substr(1) != std::to_string(*part)) return std::nullopt;  // one spelling per part
  return VersionFileName{*version, static_cast<int>(*part)};
}

}  // namespace dfs::server
