#include "fuse/attribute_cache.h"

#include <algorithm>
#include <utility>

namespace dfs::fuse {

std::optional<client::EntryInfo> AttributeCache::find(const std::string& path, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(path);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.entry;
}

void AttributeCache::store(const std::string& path, client::EntryInfo entry, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= next_sweep_) drop_expired(now);
  entries_.insert_or_assign(path, Stored{std::move(entry), now + ttl_});
}

void AttributeCache::forget(const std::string& path) {
  std::lock_guard lock(mutex_);
  entries_.erase(path);
}

void AttributeCache::forget_tree(const std::string& path) {
  std::lock_guard lock(mutex_);
  if (path.empty()) {  // the root: everything
    entries_.clear();
    return;
  }
  const std::string prefix = path + "/";
  std::erase_if(entries_, [&](const auto& item) {
    return item.first == path || item.first.starts_with(prefix);
  });
}

std::size_t AttributeCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void AttributeCache::drop_expired(Clock::time_point now) {
  std::erase_if(entries_, [&](const auto& item) { return item.second.expires <= now; });
  // Sweep again only once the map has doubled, so a big live directory costs O(1) per store.
  next_sweep_ = std::max<std::size_t>(4096, entries_.size() * 2);
}

}  // namespace dfs::fuse
