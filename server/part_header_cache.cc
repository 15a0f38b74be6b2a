#include "server/part_header_cache.h"

namespace dfs::server {

std::optional<protocol::PartDescriptor> PartHeaderCache::find(const std::string& key, ino_t inode) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end() || it->second.inode != inode) return std::nullopt;
  return it->second.descriptor;
}

void PartHeaderCache::store(const std::string& key, ino_t inode, const protocol::PartDescriptor& descriptor) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_ && !entries_.contains(key)) entries_.clear();
  entries_.insert_or_assign(key, Entry{inode, descriptor});
}

void PartHeaderCache::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

std::size_t PartHeaderCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace dfs::server
