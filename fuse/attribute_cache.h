// What LIST said about a path, kept for a short time so that `ls -l` of a directory costs one
// LIST instead of one per entry (readdir fills it, getattr reads it). A local change forgets the
// paths it touched at once, so the mount sees its own changes; other clients' changes show up
// within the time to live (1 s).
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
  void forget(const std::string& path);
  // `path` and everything below it (a directory renamed or removed).
  void forget_tree(const std::string& path);

  std::size_t size() const;

 private:
  struct Stored {
    client::EntryInfo entry;
    Clock::time_point expires;
  };
  void drop_expired(Clock::time_point now);  // with mutex_ held

  std::chrono::milliseconds ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Stored> entries_;
  std::size_t next_sweep_ = 4096;  // entries_ size that triggers dropping expired entries
};

}  // namespace dfs::fuse
