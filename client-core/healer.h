// dfc status and dfc heal: walks what the servers hold (tree_walk.h), decides per entry
// (heal_plan.h) and, for heal, carries the decisions out: copies a part from a holder to a
// server that lacks it through an unnamed spool file (bounded memory), commits, drops.
// Entries of one page are healed by several threads at once, so work on different servers
// overlaps.
#pragma once

#include "client-core/client_config.h"
#include "client-core/dfs_client.h"
#include "common/fan_out.h"
#include "client-core/heal_plan.h"
#include "client-core/server_pool.h"
#include "client-core/tree_walk.h"

namespace dfs::client {

class Healer {
 public:
  Healer(const ClientConfig& config, ServerPool& pool, FanOut& fan_out)
      : config_(config), pool_(pool), fan_out_(fan_out) {}

  Result<ClusterStatus> status(const RemotePath& top);
  Result<HealReport> heal(const RemotePath& top, const HealOptions& options);

 private:
  struct Run;
  void heal_entry(Run& run, const WalkedEntry& entry, std::uint64_t answered);
  // Reads every copy of the target's parts; returns the records minus the copies that failed.
  std::vector<ServerRecord> verified_records(Run& run, const WalkedEntry& entry, std::uint64_t answered);
  Status copy_part(const RemotePath& path, const HealAction& action);
  std::vector<ServerHealth> ping_servers();

  const ClientConfig& config_;
  ServerPool& pool_;
  FanOut& fan_out_;
};

}  // namespace dfs::client
