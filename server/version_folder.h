// What one entry's version folder ("<dir>/.dfs/<name>/") holds: per version, the parts present
// and whether it is committed. Built from file names only; no part file is opened.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/version_id.h"

namespace dfs::server {

struct VersionFiles {
  std::vector<int> parts;  // 1-based part numbers present, ascending
  bool committed = false;
};

struct VersionFolder {
  std::map<VersionId, VersionFiles> versions;  // ascending
  std::vector<std::string> temp_files;

  static VersionFolder from_names(const std::vector<std::string>& names);

  bool has_part(const VersionId& version, int part) const;
  // Newest committed version, if any.
  const VersionId* newest_committed() const;
  // Newest committed version holding `part`, if any.
  const VersionId* newest_committed_with_part(int part) const;
};

}  // namespace dfs::server
