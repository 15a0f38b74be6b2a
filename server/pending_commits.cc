#include "server/pending_commits.h"

#include <algorithm>

namespace dfs::server {

void PendingCommits::add(const std::string& entry_key, const VersionId& version) {
  std::lock_guard lock(mutex_);
  auto& versions = versions_[entry_key];
  if (std::find(versions.begin(), versions.end(), version) == versions.end()) versions.push_back(version);
}

void PendingCommits::remove(const std::string& entry_key, const VersionId& version) {
  std::lock_guard lock(mutex_);
  const auto it = versions_.find(entry_key);
  if (it == versions_.end()) return;
  std::erase(it->second, version);
  if (it->second.empty()) versions_.erase(it);
}

void PendingCommits::apply(const std::string& entry_key, VersionFolder& folder) const {
  std::lock_guard lock(mutex_);
  const auto it = versions_.find(entry_key);
  if (it == versions_.end()) return;
  for (const auto& version : it->second) {
    const auto present = folder.versions.find(version);
    if (present != folder.versions.end() && !present->second.parts.empty()) present->second.committed = true;
  }
}

}  // namespace dfs::server
