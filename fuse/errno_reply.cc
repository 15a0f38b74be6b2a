#include "fuse/errno_reply.h"

#include <cstdio>
#include <string>

namespace dfs::fuse {

namespace {

bool worth_a_log_line(Errc code) {
  switch (code) {
    case Errc::not_found:
    case Errc::already_exists:
    case Errc::not_empty:
    case Errc::is_directory:
    case Errc::not_directory:
    case Errc::bad_path:
      return false;
    default:
      return true;
  }
}

const char* shown(const char* path) { return path == nullptr ? "(a file removed while open)" : path; }

}  // namespace

int reply_error(std::string_view operation, const char* path, const Error& error) {
  if (worth_a_log_line(error.code())) {
    // One fprintf per line, so lines of concurrent operations do not interleave.
    std::fprintf(stderr, "dfs-fuse: %.*s %s: %s\n", static_cast<int>(operation.size()), operation.data(), shown(path),
                 error.message().c_str());
  }
  return -to_errno(error.code());
}

int reply_errno(std::string_view operation, const char* path, int errno_value, std::string_view why) {
  std::fprintf(stderr, "dfs-fuse: %.*s %s: %.*s\n", static_cast<int>(operation.size()), operation.data(), shown(path),
               static_cast<int>(why.size()), why.data());
  return -errno_value;
}

}  // namespace dfs::fuse
