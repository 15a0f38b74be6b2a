#include "tests/support/limited_tmpfs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace dfs::testing {

LimitedTmpfs::LimitedTmpfs(std::filesystem::path where, const std::string& size) : where_(std::move(where)) {
  std::filesystem::create_directories(where_);
  mounted_ = ::mount("tmpfs", where_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
}

LimitedTmpfs::~LimitedTmpfs() {
  if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
}

void LimitedTmpfs::fill_leaving(std::uint64_t bytes) const {
  struct statvfs st {};
  if (::statvfs(where_.c_str(), &st) != 0) {
    throw std::runtime_error("statvfs " + where_.string() + ": " + std::strerror(errno));
  }
  const std::uint64_t free_bytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  if (free_bytes <= bytes) return;
  const auto ballast = where_ / "ballast";
  const int fd = ::open(ballast.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("open " + ballast.string() + ": " + std::strerror(errno));
  const int failed = ::posix_fallocate(fd, 0, static_cast<off_t>(free_bytes - bytes));
  ::close(fd);
  if (failed != 0) throw std::runtime_error("posix_fallocate " + ballast.string() + ": " + std::strerror(failed));
}

}  // namespace dfs::testing
