#include "server/version_folder.h"

#include <algorithm>

#include "server/part_file_format.h"

namespace dfs::server {

VersionFolder VersionFolder::from_names(const std::vector<std::string>& names) {
  VersionFolder folder;
  for (const auto& name : names) {
    if (name.starts_with(kTempPrefix)) {
      folder.temp_files.push_back(name);
      continue;
    }
    const auto parsed = parse_version_file_name(name);
    if (!parsed) continue;
    auto& files = folder.versions[parsed->version];
    if (parsed->part == 0) {
      files.committed = true;
    } else {
      files.parts.push_back(parsed->part);
    }
  }
  for (auto& [version, files] : folder.versions) std::sort(files.parts.begin(), files.parts.end());
  return folder;
}

bool VersionFolder::has_part(const VersionId& version, int part) const {
  const auto it = versions.find(version);
  return it != versions.end() && std::binary_search(it->second.parts.begin(), it->second.parts.end(), part);
}

const VersionId* VersionFolder::newest_committed() const {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->second.committed) return &it->first;
  }
  return nullptr;
}

const VersionId* VersionFolder::newest_committed_with_part(int part) const {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->second.committed && has_part(it->first, part)) return &it->first;
  }
  return nullptr;
}

}  // namespace dfs::server
