#include "server/confined_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace dfs::server {
namespace {

int openat2_beneath(int base, const char* path, int flags, mode_t mode) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    const long fd = ::syscall(SYS_openat2, base, path, &how, sizeof how);
    if (fd >= 0 || errno != EAGAIN) return static_cast<int>(fd);  // EAGAIN: a rename raced the lookup
  }
}

Error open_error(int err, std::string_view relative) {
  if (err == ELOOP || err == EXDEV) {
    return Error(Errc::bad_path, "path '" + std::string(relative) + "' crosses a symlink or leaves the user's folder");
  }
  if (err == ENOTDIR) {
    return Error(Errc::bad_path, "path '" + std::string(relative) + "' goes through something that is not a directory");
  }
  return Error::from_errno(err, "open '" + std::string(relative) + "'");
}

}  // namespace

Result<UniqueFd> open_dir_beneath(int base, std::string_view relative) {
  const std::string path = relative.empty() ? "." : std::string(relative);
  const int fd = openat2_beneath(base, path.c_str(), O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0) return open_error(errno, path);
  return UniqueFd(fd);
}

Result<UniqueFd> open_file_beneath(int base, std::string_view relative, int flags) {
  const std::string path(relative);
  const int fd = openat2_beneath(base, path.c_str(), flags, 0644);
  if (fd < 0) return open_error(errno, path);
  return UniqueFd(fd);
}

Result<UniqueFd> make_dirs_beneath(int base, const std::vector<std::string>& components,
                                   std::vector<UniqueFd>* unsynced_parents) {
  // Mostly every folder is there already: one openat2 instead of a mkdirat and an openat2 each.
  std::string whole;
  for (const auto& name : components) whole += (whole.empty() ? "" : "/") + name;
  if (auto existing = open_dir_beneath(base, whole); existing || existing.error().code() != Errc::not_found) {
    return existing;
  }
  // Mostly only the last folder is missing (a new entry in an existing directory): start from
  // its parent rather than try to make every folder on the way (a failed mkdirat and an
  // openat2 each).
  std::size_t first_missing = 0;
  Result<UniqueFd> current = Error(Errc::not_found, "");
  if (components.size() > 1) {
    current = open_dir_beneath(base, whole.substr(0, whole.size() - components.back().size() - 1));
    if (current) {
      first_missing = components.size() - 1;
    } else if (current.error().code() != Errc::not_found) {
      return current;
    }
  }
  if (first_missing == 0) current = open_dir_beneath(base, ".");
  if (!current) return current;
  for (std::size_t i = first_missing; i < components.size(); ++i) {
    const std::string& name = components[i];
    bool created = false;
    if (::mkdirat(current->get(), name.c_str(), 0755) == 0) {
      created = true;
    } else if (errno != EEXIST) {
      return Error::from_errno(errno, "create directory '" + name + "'");
    }
    auto next = open_dir_beneath(current->get(), name);
    if (!next) return next;
    if (created && unsynced_parents != nullptr) {
      unsynced_parents->push_back(std::move(*current));
    } else if (created) {
      if (auto st = fsync_fd(current->get(), "directory holding '" + name + "'"); !st) return st.error();
    }
    current = std::move(next);
  }
  return current;
}

Status fsync_fd(int fd, std::string_view what) {
  if (::fsync(fd) != 0) return Error::from_errno(errno, "fsync " + std::string(what));
  return {};
}

namespace {

// Calls `each(name, inode)` for every name in the directory but "." and "..".
template <class Each>
Status read_names(int dir_fd, std::string_view what, Each&& each) {
  // getdents64 on the descriptor itself: opendir's duplicate, fstat, fcntls and close were five
  // of a small file's ~90 syscalls per server, for a listing done three times per file.
  if (::lseek(dir_fd, 0, SEEK_SET) < 0) return Error::from_errno(errno, "read directory " + std::string(what));
  alignas(dirent64) char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::getdents64(dir_fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno(errno, "read directory " + std::string(what));
    if (n == 0) return {};
    for (ssize_t at = 0; at < n;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer + at);
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") each(name, static_cast<ino_t>(entry->d_ino));
      at += entry->d_reclen;
    }
  }
}

}  // namespace

Result<std::vector<std::string>> list_names(int dir_fd, std::string_view what) {
  std::vector<std::string> names;
  if (auto st = read_names(dir_fd, what, [&](std::string_view name, ino_t) { names.emplace_back(name); }); !st) {
    return st.error();
  }
  return names;
}

Result<std::vector<NamedInode>> list_names_and_inodes(int dir_fd, std::string_view what) {
  std::vector<NamedInode> names;
  if (auto st = read_names(dir_fd, what, [&](std::string_view name, ino_t inode) {
        names.push_back({std::string(name), inode});
      });
      !st) {
    return st.error();
  }
  return names;
}

}  // namespace dfs::server
