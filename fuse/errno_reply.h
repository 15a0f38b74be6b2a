// The one place a failure becomes the kernel's answer: the Errc decides the errno (dfs::to_errno,
// the same table the exit codes and HTTP statuses come from), and a failure a user has to act on
// (a server down, a disk full, a broken part) leaves one log line naming the operation and path.
// Answers that are ordinary file-system outcomes (ENOENT, EEXIST, ENOTEMPTY...) are not logged.
#pragma once

#include <string_view>

#include "common/error.h"

namespace dfs::fuse {

// The negative errno libfuse expects, e.g. -EIO. `path` is the kernel's, null for a file
// removed while open.
int reply_error(std::string_view operation, const char* path, const Error& error);
// For errors decided in fuse/ itself (EPERM of link, EINVAL of RENAME_EXCHANGE): logged with why.
int reply_errno(std::string_view operation, const char* path, int errno_value, std::string_view why);

}  // namespace dfs::fuse
