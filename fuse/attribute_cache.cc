#include "fuse/attribute_cache.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace dfs::fuse {
namespace {

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

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
  drop_completeness_of_parent(path);
}

void AttributeCache::forget_deleted(const std::string& path) {
  std::lock_guard lock(mutex_);
  entries_.erase(path);
  complete_.erase(path);
}

void AttributeCache::mark_complete(const std::string& dir, std::size_t entries, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  complete_.insert_or_assign(dir, Complete{now + ttl_, entries});
}

bool AttributeCache::known_missing(const std::string& path, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto dir = complete_.find(parent_of(path));
  if (dir == complete_.end() || dir->second.expires <= now) return false;
  auto it = entries_.find(path);
  // An entry stored with the listing (or after it) lives at least as long as the mark.
  return it == entries_.end() || it->second.expires <= now;
}

bool AttributeCache::was_complete(const std::string& dir, std::size_t limit) const {
  std::lock_guard lock(mutex_);
  auto it = complete_.find(dir);
  return it != complete_.end() && it->second.entries <= limit;
}

void AttributeCache::drop_completeness_of_parent(const std::string& path) {
  if (path.empty()) return;  // the root has no parent
  // Expired rather than erased: listing the directory again stays worth it (was_complete).
  auto it = complete_.find(parent_of(path));
  if (it != complete_.end()) it->second.expires = Clock::time_point::min();
}

void AttributeCache::forget_tree(const std::string& path) {
  std::lock_guard lock(mutex_);
  if (path.empty()) {  // the root: everything
    entries_.clear();
    complete_.clear();
    return;
  }
  const std::string prefix = path + "/";
  const auto in_tree = [&](const auto& item) { return item.first == path || item.first.starts_with(prefix); };
  std::erase_if(entries_, in_tree);
  std::erase_if(complete_, in_tree);
  drop_completeness_of_parent(path);
}

std::size_t AttributeCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void AttributeCache::drop_expired(Clock::time_point now) {
  std::erase_if(entries_, [&](const auto& item) { return item.second.expires <= now; });
  if (complete_.size() >= 4096) complete_.clear();  // only a hint once expired
  // Sweep again only once the map has doubled, so a big live directory costs O(1) per store.
  next_sweep_ = std::max<std::size_t>(4096, entries_.size() * 2);
}

}  // namespace dfs::fuse
