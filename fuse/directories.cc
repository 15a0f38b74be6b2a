// Directories: readdir from one LIST (which also fills the attribute cache, so `ls -l` costs no
// further request), mkdir and rmdir as directory markers and their tombstones.
#include <sys/stat.h>

#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "fuse/attributes.h"
#include "fuse/errno_reply.h"
#include "fuse/mount_state.h"
#include "fuse/operations.h"

namespace dfs::fuse {

int readdir(const char* kernel_path, void* buffer, fuse_fill_dir_t filler, off_t /*offset*/, fuse_file_info* /*fi*/,
            fuse_readdir_flags /*flags*/) {
  auto& mount = mount_state();
  auto dir = remote_path(kernel_path);
  if (!dir) return reply_error("readdir", kernel_path, dir.error());
  auto listing = list_and_remember(mount, *dir);
  if (!listing) return reply_error("readdir", kernel_path, listing.error());
  // Files open here with a spool: their bytes are the spool's, and a new one has no version yet.
  std::map<std::string, client::EntryInfo> being_written;
  for (const auto& [name, file] : mount.open_files.in_directory(dir->str())) {
    std::shared_lock lock(file->mutex);
    if (!file->spool) continue;
    client::EntryInfo entry;
    entry.name = name;
    entry.attributes = file->attributes;
    entry.attributes.size = file->spool->size();
    being_written.emplace(name, std::move(entry));
  }
  filler(buffer, ".", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  filler(buffer, "..", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  // Offset 0: the whole listing in one call; libfuse pages it out to the kernel.
  const auto fill = [&](const client::EntryInfo& entry) {
    const std::string child = dir->child(entry.name).str();
    const struct stat st = stat_of(entry, child);
    return filler(buffer, entry.name.c_str(), &st, 0, FUSE_FILL_DIR_PLUS) == 0;
  };
  for (const auto& entry : listing->entries) {
    auto written = being_written.find(entry.name);
    if (written == being_written.end()) {
      if (!fill(entry)) return 0;
    } else {
      if (!fill(written->second)) return 0;
      being_written.erase(written);
    }
  }
  for (const auto& [name, entry] : being_written) {
    if (!fill(entry)) return 0;
  }
  return 0;
}

int mkdir(const char* kernel_path, mode_t mode) {
  auto& mount = mount_state();
  auto path = remote_path(kernel_path);
  if (!path) return reply_error("mkdir", kernel_path, path.error());
  mount.attributes.forget(path->str());
  // Owned by the caller: with default_permissions, anyone else could not write into it.
  const fuse_context* caller = fuse_get_context();
  Status made = mount.client->mkdir(*path, mode & 07777, false, client::Owner{caller->uid, caller->gid});
  if (!made) return reply_error("mkdir", kernel_path, made.error());
  mount.attributes.mark_complete(path->str(), 0);  // made just now: empty
  return 0;
}

int rmdir(const char* kernel_path) {
  auto& mount = mount_state();
  auto path = remote_path(kernel_path);
  if (!path) return reply_error("rmdir", kernel_path, path.error());
  Status removed = mount.client->rmdir(*path);
  mount.attributes.forget_tree(path->str());
  if (!removed) return reply_error("rmdir", kernel_path, removed.error());
  return 0;
}

}  // namespace dfs::fuse
