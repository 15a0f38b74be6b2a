#include "client-core/entry_merge.h"

#include "common/placement.h"

namespace dfs::client {

void EntryMerge::add(int server, const protocol::ListRecord& record) {
  const auto& d = record.descriptor;
  if (server < 0 || server >= 64 || d.parts < 1 || d.parts > protocol::kMaxParts || d.part < 1 || d.part > d.parts) {
    return;  // records outside what this client can place are not offered to readers
  }
  auto& seen = entries_[record.name][d.version];
  if (seen.parts == 0) {
    seen.attributes = d.attributes;
    seen.parts = d.parts;
    seen.holders.assign(static_cast<std::size_t>(d.parts), 0);
  } else if (seen.parts != d.parts) {
    return;  // one version has one part count; a disagreeing record is damaged
  }
  seen.committed = seen.committed || record.committed;
  seen.holders[static_cast<std::size_t>(d.part - 1)] |= std::uint64_t{1} << server;
  if (!newest_seen_ || *newest_seen_ < d.version) newest_seen_ = d.version;
}

std::optional<EntryInfo> EntryMerge::reader_view(const std::string& name, const Versions& versions) {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const VersionSeen& seen = it->second;
    if (!seen.committed) continue;  // staged versions are invisible
    if (seen.attributes.kind == protocol::EntryKind::tombstone) return std::nullopt;
    EntryInfo info;
    info.name = name;
    info.attributes = seen.attributes;
    info.version = it->first;
    info.parts = seen.parts;
    info.holders = seen.holders;
    for (int k = 0; k < seen.parts; ++k) {
      // An empty part (all of a marker or tombstone, some of a tiny file) is known from the
      // size alone, so nobody needs to hold it for the entry to be rebuilt.
      const bool needed = part_size(seen.attributes.size, seen.parts, k) > 0;
      if (needed && seen.holders[static_cast<std::size_t>(k)] == 0) info.missing_parts.push_back(k + 1);
    }
    return info;
  }
  return std::nullopt;
}

std::optional<EntryInfo> EntryMerge::entry(const std::string& name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  return reader_view(name, it->second);
}

std::vector<EntryInfo> EntryMerge::entries() const {
  std::vector<EntryInfo> out;
  out.reserve(entries_.size());
  for (const auto& [name, versions] : entries_) {
    if (auto info = reader_view(name, versions)) out.push_back(std::move(*info));
  }
  return out;
}

}  // namespace dfs::client
