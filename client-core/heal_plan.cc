#include "client-core/heal_plan.h"

#include <bit>
#include <map>

#include "common/checksum.h"
#include "common/placement.h"

namespace dfs::client {
namespace {

constexpr std::uint64_t bit(int server) { return std::uint64_t{1} << server; }

// What the answering servers hold of one version.
struct VersionSeen {
  protocol::EntryAttributes attributes;
  int parts = 0;
  std::uint64_t committed_on = 0;
  std::uint64_t on = 0;  // servers holding any part of it
  std::vector<std::uint64_t> holders;  // per 0-based part
  std::vector<std::optional<protocol::PartDescriptor>> descriptors;  // per part, as a holder listed it
};

std::chrono::nanoseconds age_of(const VersionId& version, std::int64_t now_ns) {
  const auto made = static_cast<std::int64_t>(version.time_ns);
  return std::chrono::nanoseconds(now_ns > made ? now_ns - made : 0);
}

// The descriptor of an empty part nobody holds (a marker's, or a tiny file's): known from the
// version alone, so it can be stored without reading anything.
protocol::PartDescriptor empty_part(const VersionId& version, const VersionSeen& seen, int part) {
  return protocol::PartDescriptor{part + 1, seen.parts, version, 0, xxh3(nullptr, 0), seen.attributes};
}

}  // namespace

EntryHeal plan_entry_heal(const RemotePath& path, int server_count, std::uint64_t answered,
                          std::span<const ServerRecord> records, const HealPolicy& policy) {
  EntryHeal out;
  const std::uint64_t all = server_count >= 64 ? ~std::uint64_t{0} : bit(server_count) - 1;
  answered &= all;
  const bool everyone_answered = answered == all;

  std::map<VersionId, VersionSeen> versions;
  for (const auto& [server, record] : records) {
    const auto& d = record.descriptor;
    if (server < 0 || server >= server_count || !(answered & bit(server))) continue;
    if (d.parts < 1 || d.parts > protocol::kMaxParts || d.part < 1 || d.part > d.parts) continue;
    if (d.attributes.kind == protocol::EntryKind::dir) out.has_directory = true;
    auto& seen = versions[d.version];
    if (seen.parts == 0) {
      seen.attributes = d.attributes;
      seen.parts = d.parts;
      seen.holders.assign(static_cast<std::size_t>(d.parts), 0);
      seen.descriptors.resize(static_cast<std::size_t>(d.parts));
    } else if (seen.parts != d.parts) {
      continue;  // one version has one part count; a disagreeing record is damaged
    }
    const auto k = static_cast<std::size_t>(d.part - 1);
    seen.holders[k] |= bit(server);
    seen.on |= bit(server);
    if (!seen.descriptors[k]) seen.descriptors[k] = d;
    if (record.committed) seen.committed_on |= bit(server);
  }

  const VersionId* target = nullptr;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->second.committed_on != 0) {
      target = &it->first;
      break;
    }
  }

  // Staged versions newer than the target (all of them when nothing is committed): a write in
  // flight, or one whose writer died before its commit.
  std::vector<HealAction> drops_staged;
  bool newer_stays = false;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (target && !(*target < it->first)) break;
    out.pending = true;
    if (everyone_answered && age_of(it->first, policy.now_ns) > policy.staged_grace) {
      for (int s = 0; s < server_count; ++s) {
        if (it->second.on & bit(s)) drops_staged.push_back({HealStep::drop_staged, s, it->first, {}, 0});
      }
    } else {
      newer_stays = true;
    }
  }
  if (!target) {
    out.actions = std::move(drops_staged);
    return out;
  }

  out.target = *target;
  const VersionSeen& seen = versions.at(*target);
  out.kind = seen.attributes.kind;
  // Final only after the copies: every server that holds anything of the entry must hold the
  // committed tombstone first, or its older version would be what readers find afterwards.
  bool drop_tombstone = out.kind == protocol::EntryKind::tombstone && everyone_answered && !newer_stays &&
                        seen.parts == server_count && age_of(*target, policy.now_ns) > policy.tombstone_age;
  std::uint64_t holds_entry = 0;  // servers holding any version of the entry
  for (const auto& [version, v] : versions) {
    holds_entry |= v.on;
    if (version < *target) out.superseded = true;
  }

  // Phase 1: copies. Placement is known only for versions cut into one part per server.
  std::uint64_t will_hold = seen.on;
  for (int k = 0; k < seen.parts; ++k) {
    const std::uint64_t holders = seen.holders[static_cast<std::size_t>(k)];
    const bool has_bytes = part_size(seen.attributes.size, seen.parts, k) > 0;
    if (has_bytes && holders == 0) out.incomplete = true;
    if (seen.parts != server_count) {
      if (std::popcount(holders) < 2) out.under_replicated = true;
      continue;
    }
    for (const int s : PartPlacement(path, server_count).servers_of_part(k)) {
      if (holders & bit(s)) continue;
      out.under_replicated = true;
      if (!(answered & bit(s))) continue;
      if (has_bytes && holders == 0) continue;  // nothing to copy from
      if (drop_tombstone && !(holds_entry & bit(s))) continue;  // it would be dropped right after
      const auto& listed = seen.descriptors[static_cast<std::size_t>(k)];
      out.actions.push_back(
          {HealStep::copy_part, s, *target, listed ? *listed : empty_part(*target, seen, k), holders});
      will_hold |= bit(s);
    }
  }

  drop_tombstone = drop_tombstone && (holds_entry & ~will_hold) == 0;
  if (drop_tombstone) out.superseded = true;

  // Phase 2: commits (roll forward), which also remove each server's superseded versions.
  for (int s = 0; s < server_count; ++s) {
    if ((will_hold & bit(s)) && !(seen.committed_on & bit(s))) {
      out.pending = true;
      out.actions.push_back({HealStep::commit, s, *target, {}, 0});
    }
  }

  // Phase 3: abandoned staged versions.
  out.actions.insert(out.actions.end(), drops_staged.begin(), drops_staged.end());

  // Phase 4: an old tombstone everyone holds goes, and with it the entry.
  if (drop_tombstone) {
    for (int s = 0; s < server_count; ++s) {
      if (will_hold & bit(s)) out.actions.push_back({HealStep::drop_tombstone, s, *target, {}, 0});
    }
  }
  return out;
}

}  // namespace dfs::client
