// What LIST said about a path, kept for a short time so that `ls -l` of a directory costs one
// LIST instead of one per entry (readdir fills it, getattr reads it). A local change forgets the
// paths it touched at once, so the mount sees its own changes; other clients' changes show up
// within the time to live (1 s).
//
// A directory listed whole (readdir, or made here empty) is also *complete* for that time: a
// name not in it is known to be missing, with no request. cp, tar and git look every new name
// up before creating it, and each lookup was a LIST on every server. Local changes keep a
// complete directory exact: a name made or changed here is stored, one deleted here is erased
// (forget_deleted); a change whose outcome is unknown (forget) drops the parent's completeness.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "client-core/dfs_client.h"

namespace dfs::fuse {

class AttributeCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit AttributeCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  // The entry at `path` ("docs/a.txt", RemotePath::str()) if it was stored less than ttl ago.
  std::optional<client::EntryInfo> find(const std::string& path, Clock::time_point now = Clock::now());
  void store(const std::string& path, client::EntryInfo entry, Clock::time_point now = Clock::now());
  // `path` may have changed in a way not known here: asked afresh next time.
  void forget(const std::string& path);
  // `path` was deleted here: its parent, if complete, stays so without it.
  void forget_deleted(const std::string& path);
  // `path` and everything below it (a directory renamed or removed).
  void forget_tree(const std::string& path);

  // Directory `dir` ("" for the root) holds exactly the entries stored for it now (store them
  // first), `entries` of them; for the time to live.
  void mark_complete(const std::string& dir, std::size_t entries, Clock::time_point now = Clock::now());
  // Whether `path` is known to be missing: its directory is complete and does not hold it.
  bool known_missing(const std::string& path, Clock::time_point now = Clock::now());
  // Whether directory `dir` was complete once (its time may be over) with at most `limit`
  // entries: listing it again answers the next lookups more cheaply than asking name by name.
  bool was_complete(const std::string& dir, std::size_t limit) const;

  std::size_t size() const;

 private:
  struct Stored {
    client::EntryInfo entry;
    Clock::time_point expires;
  };
  struct Complete {
    Clock::time_point expires;
    std::size_t entries = 0;
  };
  void drop_expired(Clock::time_point now);  // with mutex_ held
  void drop_completeness_of_parent(const std::string& path);  // with mutex_ held

  std::chrono::milliseconds ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Stored> entries_;
  std::unordered_map<std::string, Complete> complete_;  // by directory; kept after expiry
  std::size_t next_sweep_ = 4096;  // entries_ size that triggers dropping expired entries
};

}  // namespace dfs::fuse
