// Directories: readdir from one LIST (which also fills the attribute cache, so `ls -l` costs no
// further request), mkdir and rmdir as directory markers and their tombstones.
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "fuse/attributes.h"
#include "fuse/errno_reply.h"
#include "fuse/mount_state.h"
#include "fuse/operations.h"

namespace dfs::fuse {

namespace {

// What one opendir lists: fetched by the readdir at offset 0, then handed out from here at the
// offsets the kernel asks for. With offsets libfuse sends every entry with its attributes and
// a node (readdirplus), so `ls -l` needs no lookup per entry; libfuse 3.14's buffered mode (all
// entries at offset 0) sent the names alone, and a 10 000-entry `ls -l` made 10 000 lookups.
struct DirectorySnapshot {
  std::vector<std::pair<std::string, struct stat>> entries;  // ".", "..", then by name
};

DirectorySnapshot& snapshot_of(fuse_file_info* fi) { return *reinterpret_cast<DirectorySnapshot*>(fi->fh); }

// The listing of `dir` as readdir shows it: a file open here with a spool has its spool's size,
// and one not yet committed is there too.
Result<DirectorySnapshot> take_snapshot(MountState& mount, const RemotePath& dir) {
  auto listing = list_and_remember(mount, dir);
  if (!listing) return listing.error();
  std::map<std::string, client::EntryInfo> being_written;
  for (const auto& [name, file] : mount.open_files.in_directory(dir.str())) {
    std::shared_lock lock(file->mutex);
    if (!file->spool) continue;
    client::EntryInfo entry;
    entry.name = name;
    entry.attributes = file->attributes;
    entry.attributes.size = file->spool->size();
    being_written.emplace(name, std::move(entry));
  }
  DirectorySnapshot snapshot;
  snapshot.entries.reserve(listing->entries.size() + being_written.size() + 2);
  client::EntryInfo self;
  self.attributes.kind = protocol::EntryKind::dir;
  snapshot.entries.emplace_back(".", stat_of(self, dir.str()));
  snapshot.entries.emplace_back("..", stat_of(self, dir.is_root() ? dir.str() : dir.parent().str()));
  const auto add = [&](const client::EntryInfo& entry) {
    snapshot.entries.emplace_back(entry.name, stat_of(entry, dir.child(entry.name).str()));
  };
  for (const auto& entry : listing->entries) {
    auto written = being_written.find(entry.name);
    if (written == being_written.end()) {
      add(entry);
    } else {
      add(written->second);
      being_written.erase(written);
    }
  }
  for (const auto& [name, entry] : being_written) add(entry);
  return snapshot;
}

}  // namespace

int opendir(const char* /*kernel_path*/, fuse_file_info* fi) {
  fi->fh = reinterpret_cast<std::uint64_t>(new DirectorySnapshot);
  return 0;
}

int readdir(const char* kernel_path, void* buffer, fuse_fill_dir_t filler, off_t offset, fuse_file_info* fi,
            fuse_readdir_flags /*flags*/) {
  auto& mount = mount_state();
  auto dir = remote_path(kernel_path);
  if (!dir) return reply_error("readdir", kernel_path, dir.error());
  DirectorySnapshot& snapshot = snapshot_of(fi);
  if (offset == 0) {  // a new listing (opendir, or rewinddir)
    auto taken = take_snapshot(mount, *dir);
    if (!taken) return reply_error("readdir", kernel_path, taken.error());
    snapshot = std::move(*taken);
  }
  // Offset k means "after the k-th entry"; the filler says when the kernel's buffer is full.
  for (auto i = static_cast<std::size_t>(std::max<off_t>(offset, 0)); i < snapshot.entries.size(); ++i) {
    const auto& [name, st] = snapshot.entries[i];
    if (filler(buffer, name.c_str(), &st, static_cast<off_t>(i + 1), FUSE_FILL_DIR_PLUS) != 0) break;
  }
  return 0;
}

int releasedir(const char* /*kernel_path*/, fuse_file_info* fi) {
  delete &snapshot_of(fi);
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
