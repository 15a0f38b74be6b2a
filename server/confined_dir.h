// Filesystem access that cannot leave a directory: every lookup goes through openat2 with
// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, so neither '..' nor a symlink planted inside a user's
// root (by anyone) can lead a request outside it. Errors are Errc::bad_path for such attempts.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/unique_fd.h"

namespace dfs::server {

// Opens `relative` (no leading '/', "" or "." for `base` itself) beneath `base` as a directory
// that can be read and fsynced.
Result<UniqueFd> open_dir_beneath(int base, std::string_view relative);
// Opens a file beneath `base` with `flags` (O_CREAT allowed, mode 0644).
Result<UniqueFd> open_file_beneath(int base, std::string_view relative, int flags);
// Opens, creating as needed, each of `components` below `base` in turn; new directories are made
// durable (their parent is fsynced) at once, or, with `unsynced_parents`, by the caller later:
// the parents to fsync are handed over there. Returns the last one.
Result<UniqueFd> make_dirs_beneath(int base, const std::vector<std::string>& components,
                                   std::vector<UniqueFd>* unsynced_parents = nullptr);

Status fsync_fd(int fd, std::string_view what);

// Names in a directory, without "." and "..".
Result<std::vector<std::string>> list_names(int dir_fd, std::string_view what);

struct NamedInode {
  std::string name;
  ino_t inode = 0;
};
// list_names with each name's inode number (what getdents tells anyway).
Result<std::vector<NamedInode>> list_names_and_inodes(int dir_fd, std::string_view what);

}  // namespace dfs::server
