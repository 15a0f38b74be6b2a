#include "client-core/healer.h"

#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "client-core/client_state.h"
#include "client-core/heal_plan.h"
#include "client-core/tree_walk.h"
#include "common/wall_time.h"

namespace dfs::client {
namespace {

// Entries of one page healed at once: enough to keep every server busy, few enough that a
// page's copies do not crowd the spool folder.
constexpr std::size_t kEntriesAtOnce = 8;

std::string age_text(const VersionId& version, std::int64_t now_ns) {
  const auto seconds = (now_ns - static_cast<std::int64_t>(version.time_ns)) / 1'000'000'000;
  if (seconds >= 2 * 86400) return std::to_string(seconds / 86400) + " days";
  if (seconds >= 2 * 3600) return std::to_string(seconds / 3600) + " hours";
  if (seconds >= 120) return std::to_string(seconds / 60) + " minutes";
  return std::to_string(std::max<std::int64_t>(seconds, 0)) + " s";
}

void count(const EntryHeal& plan, HealthCounts& counts) {
  if (plan.visible()) {
    ++counts.entries;
    if (plan.under_replicated) ++counts.under_replicated;
    if (plan.incomplete) ++counts.incomplete;
  }
  if (plan.pending) ++counts.pending;
  if (plan.superseded || (!plan.visible() && plan.target && plan.under_replicated)) ++counts.to_clean;
}

Error none_answered(const std::vector<std::optional<Error>>& errors) {
  std::string text;
  for (const auto& e : errors) {
    if (e) text += (text.empty() ? "" : "; ") + e->message();
  }
  return Error(Errc::unavailable, "no server of the cluster answered: " + text);
}

}  // namespace

bool ClusterStatus::healthy() const {
  const bool all_up = std::all_of(servers.begin(), servers.end(), [](const ServerHealth& s) { return !s.error; });
  return all_up && counts.under_replicated == 0 && counts.incomplete == 0 && counts.pending == 0;
}

// What one heal run shares between its threads.
struct Healer::Run {
  const HealOptions& options;
  HealPolicy policy;
  std::mutex mutex;  // guards report and the on_action calls
  HealReport report;

  void say(const std::string& line) {
    if (options.on_action) options.on_action(line);
  }
};

std::vector<ServerHealth> Healer::ping_servers() {
  const auto n = static_cast<std::size_t>(pool_.size());
  std::vector<ServerHealth> servers(n);
  fan_out_.run(n, [&](std::size_t s) {
    auto& health = servers[s];
    health.server = pool_.address(static_cast<int>(s));
    const auto start = std::chrono::steady_clock::now();
    auto page = pool_.with_connection<ListPage>(static_cast<int>(s), [&](ServerConnection& c) {
      return c.list(RemotePath(), ListOptions{std::nullopt, std::nullopt, 1});
    });
    health.latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    if (!page) {
      health.error = page.error();
      return;
    }
    health.free_bytes = page->free_bytes;
    health.total_bytes = page->total_bytes;
  });
  return servers;
}

Result<ClusterStatus> Healer::status(const RemotePath& top) {
  ClusterStatus status;
  status.servers = ping_servers();
  if (std::all_of(status.servers.begin(), status.servers.end(), [](const ServerHealth& s) { return s.error.has_value(); })) {
    std::vector<std::optional<Error>> errors;
    for (const auto& s : status.servers) errors.push_back(s.error);
    return none_answered(errors);
  }
  const HealPolicy policy{wall_clock_ns()};
  TreeWalk walk(pool_, fan_out_);
  const auto errors = walk.walk(top, [&](const WalkBatch& batch) {
    for (const auto& entry : batch.entries) {
      count(plan_entry_heal(entry.path, pool_.size(), batch.answered, entry.records, policy), status.counts);
    }
  });
  // A server that answered the ping but failed during the walk is down too.
  for (std::size_t s = 0; s < errors.size(); ++s) {
    if (errors[s] && !status.servers[s].error) status.servers[s].error = errors[s];
  }
  return status;
}

Result<HealReport> Healer::heal(const RemotePath& top, const HealOptions& options) {
  Run run{options, HealPolicy{wall_clock_ns(), options.staged_grace, options.tombstone_age}, {}, {}};
  TreeWalk walk(pool_, fan_out_);
  const auto errors = walk.walk(top, [&](const WalkBatch& batch) {
    const std::size_t workers = std::min(kEntriesAtOnce, batch.entries.size());
    fan_out_.run(workers, [&](std::size_t w) {
      for (std::size_t i = w; i < batch.entries.size(); i += workers) heal_entry(run, batch.entries[i], batch.answered);
    });
  });
  if (std::all_of(errors.begin(), errors.end(), [](const auto& e) { return e.has_value(); })) return none_answered(errors);
  for (const auto& e : errors) {
    if (e) run.report.unanswered.push_back(*e);
  }
  return std::move(run.report);
}

std::vector<ServerRecord> Healer::verified_records(Run& run, const WalkedEntry& entry, std::uint64_t answered) {
  const auto plan = plan_entry_heal(entry.path, pool_.size(), answered, entry.records, run.policy);
  std::vector<ServerRecord> kept;
  if (!plan.visible()) return entry.records;
  std::vector<std::string> failed(entry.records.size());  // why each copy failed; "" when it read back
  std::vector<std::size_t> to_read;
  for (std::size_t i = 0; i < entry.records.size(); ++i) {
    const auto& d = entry.records[i].record.descriptor;
    if (d.version == *plan.target && d.part_size > 0) to_read.push_back(i);
  }
  fan_out_.run(to_read.size(), [&](std::size_t j) {
    const auto& [server, record] = entry.records[to_read[j]];
    const auto& d = record.descriptor;
    auto read = pool_.with_connection<PartInfo>(server, [&](ServerConnection& c) {
      return c.get_part(entry.path, d.part, d.version, std::nullopt, [](std::string_view) { return Status{}; });
    });
    if (!read) {
      if (!is_server_down_error(read.error())) failed[to_read[j]] = read.error().message();
    } else if (read->descriptor.checksum != d.checksum) {
      failed[to_read[j]] = "its checksum changed since it was listed";
    }
  });
  std::lock_guard lock(run.mutex);
  run.report.copies_verified += to_read.size();
  for (std::size_t i = 0; i < entry.records.size(); ++i) {
    if (failed[i].empty()) {
      kept.push_back(entry.records[i]);
      continue;
    }
    const auto& [server, record] = entry.records[i];
    run.say("part " + std::to_string(record.descriptor.part) + " of " + entry.path.display() + " on " +
            pool_.address(server).name + " failed verification (" + failed[i] + "); copying it again");
  }
  return kept;
}

Status Healer::copy_part(const RemotePath& path, const HealAction& action) {
  const auto& d = action.part;
  const int to = action.server;
  if (d.part_size == 0) {
    return pool_.with_connection(to, [&](ServerConnection& c) {
      return c.put_part(path, d, [](char*, std::size_t) -> Result<std::size_t> { return std::size_t{0}; });
    });
  }
  auto spool = open_spool_file(config_);
  if (!spool) return spool.error();
  std::optional<Error> last;
  for (int from = 0; from < pool_.size(); ++from) {
    if (!(action.sources & (std::uint64_t{1} << from))) continue;
    if (::ftruncate(spool->get(), 0) != 0) return Error::from_errno(errno, "empty the heal spool file");
    std::uint64_t offset = 0;
    auto read = pool_.with_connection<PartInfo>(from, [&](ServerConnection& c) {
      return c.get_part(path, d.part, d.version, std::nullopt, [&](std::string_view bytes) {
        auto st = write_all_at(spool->get(), offset, bytes, "the heal spool file");
        offset += bytes.size();
        return st;
      });
    });
    if (read && offset == d.part_size) {
      return pool_.with_connection(to, [&](ServerConnection& c) { return c.put_part_from_file(path, d, spool->get(), 0, {}); });
    }
    last = read ? Error(Errc::corruption, pool_.address(from).name + " sent " + std::to_string(offset) +
                                              " bytes of a " + std::to_string(d.part_size) + "-byte part")
                : read.error();
  }
  return last ? *last : Error(Errc::incomplete, "no server holds a copy to read");
}

void Healer::heal_entry(Run& run, const WalkedEntry& entry, std::uint64_t answered) {
  const auto records = run.options.verify ? verified_records(run, entry, answered) : entry.records;
  // Copies the verification refused, to tell a repair from a plain copy.
  std::set<std::pair<int, int>> refused;
  for (const auto& r : entry.records) refused.emplace(r.server, r.record.descriptor.part);
  for (const auto& r : records) refused.erase({r.server, r.record.descriptor.part});

  const auto plan = plan_entry_heal(entry.path, pool_.size(), answered, records, run.policy);
  {
    std::lock_guard lock(run.mutex);
    count(plan, run.report.found);
  }
  const std::string& p = entry.path.display();
  std::optional<HealStep> failed_step;
  for (const auto& action : plan.actions) {
    // A later phase runs only when every earlier one succeeded: above all, a tombstone is never
    // dropped while some server may still hold an older version of the entry.
    if (failed_step && action.step > *failed_step) break;
    const std::string on = pool_.address(action.server).name;
    const std::string v = action.version.to_string();
    Status done;
    std::string did, failed;  // the line for either outcome
    switch (action.step) {
      case HealStep::copy_part: {
        done = copy_part(entry.path, action);
        const std::string what = "part " + std::to_string(action.part.part) + " of " + p + " (version " + v + ", " +
                                 std::to_string(action.part.part_size) + " bytes) to " + on;
        did = "copied " + what;
        failed = "could not copy " + what;
        break;
      }
      case HealStep::commit:
        done = pool_.with_connection(action.server, [&](ServerConnection& c) { return c.commit(entry.path, action.version); });
        did = "committed " + p + " version " + v + " on " + on;
        failed = "could not commit " + p + " version " + v + " on " + on;
        break;
      case HealStep::drop_staged:
        done = pool_.with_connection(action.server, [&](ServerConnection& c) { return c.drop(entry.path, action.version); });
        did = "dropped staged version " + v + " of " + p + " on " + on + " (never committed, written " +
              age_text(action.version, run.policy.now_ns) + " ago)";
        failed = "could not drop staged version " + v + " of " + p + " on " + on;
        break;
      case HealStep::drop_tombstone:
        done = pool_.with_connection(action.server, [&](ServerConnection& c) { return c.drop(entry.path, action.version); });
        did = "dropped the tombstone of " + p + " on " + on + " (deleted " + age_text(action.version, run.policy.now_ns) +
              " ago)";
        failed = "could not drop the tombstone of " + p + " on " + on;
        break;
    }
    std::lock_guard lock(run.mutex);
    auto& r = run.report;
    if (!done) {
      ++r.failures;
      failed_step = action.step;
      run.say(failed + ": " + done.error().message());
      continue;
    }
    run.say(did);
    switch (action.step) {
      case HealStep::copy_part:
        ++r.parts_copied;
        if (refused.count({action.server, action.part.part})) ++r.copies_repaired;
        break;
      case HealStep::commit: ++r.commits; break;
      case HealStep::drop_staged: ++r.staged_dropped; break;
      case HealStep::drop_tombstone: ++r.tombstones_dropped; break;
    }
  }
}

}  // namespace dfs::client
