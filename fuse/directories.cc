// Directories: readdir from one LIST (which also fills the attribute cache, so `ls -l` costs no
// further request), mkdir and rmdir as directory markers and their tombstones.
#include <sys/stat.h>

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
  auto listing = mount.client->list(*dir);
  if (!listing) return reply_error("readdir", kernel_path, listing.error());
  filler(buffer, ".", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  filler(buffer, "..", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  for (const auto& entry : listing->entries) {
    const RemotePath child = dir->child(entry.name);
    const struct stat st = stat_of(entry, child.str());
    mount.attributes.store(child.str(), entry);
    // Offset 0: the whole listing in one call; libfuse pages it out to the kernel.
    if (filler(buffer, entry.name.c_str(), &st, 0, FUSE_FILL_DIR_PLUS) != 0) break;
  }
  return 0;
}

int mkdir(const char* kernel_path, mode_t mode) {
  auto& mount = mount_state();
  auto path = remote_path(kernel_path);
  if (!path) return reply_error("mkdir", kernel_path, path.error());
  mount.attributes.forget(path->str());
  if (Status made = mount.client->mkdir(*path, mode & 07777); !made) return reply_error("mkdir", kernel_path, made.error());
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
