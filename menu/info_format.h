// The text of `dfc info PATH`: which version readers get and whether it is complete, which
// servers hold each of its parts, then a table of every part version each server holds,
// committed or staged. Pure text, pinned by unit tests.
#pragma once

#include <string>

#include "client-core/dfs_client.h"
#include "common/remote_path.h"

namespace dfs::menu {

std::string format_path_info(const RemotePath& path, const client::PathInfo& info);

}  // namespace dfs::menu
