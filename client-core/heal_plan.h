// What heal does to one entry, decided from every server's LIST records of it (DESIGN.md,
// "Versions"). Pure: no I/O, so the rules that keep data safe are pinned by unit tests.
//
// The target is the newest version committed on any server (what readers get). Heal then:
//  1. copies each part of the target to each of the part's two placement servers that lacks it;
//  2. commits the target on every server that holds a part of it but not the commit (roll
//     forward; the commit also removes the server's older, superseded versions);
//  3. drops staged versions that never committed anywhere once they are older than the grace;
//  4. drops a tombstone target once it is older than the tombstone age (the entry is gone).
// Drops need every server's answer: a server that did not answer may hold the commit of a
// "staged" version, or an older version that a dropped tombstone would bring back.
// The executor runs the phases in this order and stops an entry at its first failed phase, so a
// tombstone is never dropped while some server still holds an older version.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/protocol.h"
#include "common/remote_path.h"
#include "common/version_id.h"

namespace dfs::client {

// One LIST record and the (0-based) server that sent it.
struct ServerRecord {
  int server = 0;
  protocol::ListRecord record;
};

struct HealPolicy {
  std::int64_t now_ns = 0;  // wall clock; version ids carry their writer's wall clock
  std::chrono::nanoseconds staged_grace = std::chrono::hours(1);
  std::chrono::nanoseconds tombstone_age = std::chrono::hours(24);
};

enum class HealStep { copy_part, commit, drop_staged, drop_tombstone };

struct HealAction {
  HealStep step = HealStep::copy_part;
  int server = 0;  // where it happens
  VersionId version;
  // copy_part: the part to store there (its descriptor as a holder listed it) and the servers
  // that hold it (a bit per server) to copy it from.
  protocol::PartDescriptor part;
  std::uint64_t sources = 0;
};

struct EntryHeal {
  std::optional<VersionId> target;  // newest committed version, if any
  protocol::EntryKind kind = protocol::EntryKind::file;  // the target's
  bool has_directory = false;  // some server holds a directory version: walk into it
  // What status reports (before heal runs):
  bool under_replicated = false;  // a part of the target has fewer than its two copies
  bool incomplete = false;        // a part with bytes is on no server that answered
  bool pending = false;           // a commit to finish, or a staged version to wait for or drop
  bool superseded = false;        // older versions still stored somewhere
  std::vector<HealAction> actions;  // in phase order
  bool healthy() const { return !under_replicated && !incomplete && !pending && !superseded; }
  bool visible() const { return target && kind != protocol::EntryKind::tombstone; }
};

// `answered`: a bit per server that answered the LIST (records of others are unknown).
EntryHeal plan_entry_heal(const RemotePath& path, int server_count, std::uint64_t answered,
                          std::span<const ServerRecord> records, const HealPolicy& policy);

}  // namespace dfs::client
