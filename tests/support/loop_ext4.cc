#include "tests/support/loop_ext4.h"

#include <sys/mount.h>
#include <unistd.h>

#include <string>
#include <system_error>
#include <utility>

#include "tests/support/shell.h"

namespace dfs::testing {

LoopExt4::LoopExt4(std::filesystem::path where, std::uint64_t megabytes)
    : where_(std::move(where)), image_(where_.string() + ".img") {
  std::error_code ec;
  std::filesystem::create_directories(where_, ec);
  if (ec) return;
  {
    const int fd = ::creat(image_.c_str(), 0600);
    if (fd < 0) return;
    const bool sized = ::ftruncate(fd, static_cast<off_t>(megabytes << 20)) == 0;
    ::close(fd);
    if (!sized) return;
  }
  mounted_ = run_shell("mkfs.ext4 -q -F " + shell_quote(image_.string()) + " 2>&1").exit_code == 0 &&
             run_shell("mount -o loop " + shell_quote(image_.string()) + " " + shell_quote(where_.string()) + " 2>&1")
                     .exit_code == 0;
}

LoopExt4::~LoopExt4() {
  // The loop device goes with the last reference to its mount (autoclear).
  if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  std::error_code ec;
  std::filesystem::remove(image_, ec);
}

}  // namespace dfs::testing
