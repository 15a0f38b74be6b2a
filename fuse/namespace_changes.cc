// Changes to names and attributes: unlink (a tombstone), rename, symlinks, chmod/chown/utimens
// (a metadata version), and statfs. Each forgets what it changed from the attribute cache.
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "fuse/errno_reply.h"
#include "fuse/file_operations.h"
#include "fuse/mount_state.h"
#include "fuse/operations.h"
#include "common/wall_time.h"

namespace dfs::fuse {

namespace {

// A file open and written to takes the change into its next PUT; anything else gets a metadata
// version now.
int change_attributes(const char* operation, const char* kernel_path, const client::AttributeChange& change) {
  auto& mount = mount_state();
  auto path = remote_path(kernel_path);
  if (!path) return reply_error(operation, kernel_path, path.error());
  auto file = mount.open_files.find(path->str());
  if (file) {
    std::unique_lock lock(file->mutex);
    if (change.mode) file->attributes.mode = *change.mode;
    if (change.uid) file->attributes.uid = *change.uid;
    if (change.gid) file->attributes.gid = *change.gid;
    if (change.mtime_ns) file->attributes.mtime_ns = *change.mtime_ns;
    if (file->dirty) return 0;
  }
  auto changed = mount.client->set_attributes(*path, change);
  if (!changed) {
    mount.attributes.forget(path->str());
    return reply_error(operation, kernel_path, changed.error());
  }
  mount.attributes.store(path->str(), *changed);
  if (file) {
    std::unique_lock lock(file->mutex);
    if (!file->spool && file->committed) {
      file->same_bytes.push_back(file->committed->version);
      file->committed = *changed;
    }
  }
  return 0;
}

// A time utimensat(2) asked for, UTIME_NOW included.
std::int64_t requested_ns(const timespec& time) {
  if (time.tv_nsec == UTIME_NOW) return wall_clock_ns();
  return dfs::ns_of(time);
}

}  // namespace

int unlink(const char* kernel_path) {
  auto& mount = mount_state();
  auto path = remote_path(kernel_path);
  if (!path) return reply_error("unlink", kernel_path, path.error());
  // The kernel looked the name up just before: its entry, when cached, spares asking every
  // server again. Like a close's commit, the tombstone is durable in the servers' next batch.
  client::RemoveOptions options;
  options.commit_durability = protocol::CommitDurability::later;
  if (auto cached = mount.attributes.find(path->str()); cached && !cached->is_dir()) options.known = std::move(*cached);
  Status removed = mount.client->remove(*path, options);
  // Created here and not yet committed: nothing on the servers to remove.
  const bool only_open_here = !removed && removed.error().code() == Errc::not_found &&
                              mount.open_files.find(path->str()) != nullptr;
  if (removed || only_open_here) {
    mount.attributes.forget_deleted(path->str());
    mount.open_files.remove(path->str());
    return 0;
  }
  mount.attributes.forget(path->str());
  return reply_error("unlink", kernel_path, removed.error());
}

int rename(const char* kernel_from, const char* kernel_to, unsigned int flags) {
  auto& mount = mount_state();
  if ((flags & RENAME_EXCHANGE) != 0) {
    return reply_errno("rename", kernel_from, EINVAL, "RENAME_EXCHANGE is not offered: dfs cannot swap two entries at once");
  }
  if ((flags & ~static_cast<unsigned int>(RENAME_NOREPLACE)) != 0) {
    return reply_errno("rename", kernel_from, EINVAL, "unknown rename flags");
  }
  auto from = remote_path(kernel_from);
  if (!from) return reply_error("rename", kernel_from, from.error());
  auto to = remote_path(kernel_to);
  if (!to) return reply_error("rename", kernel_to, to.error());
  // A file still open with unsaved bytes is committed first: the rename moves its newest bytes.
  // Its spool (held still until the rename is done), or the kept spool of a file just closed,
  // gives the bytes, so they are not read back from the servers.
  std::unique_lock<std::shared_mutex> open_file_lock;
  std::optional<KeptSpool> kept;
  std::optional<client::KnownBytes> known;
  if (auto file = mount.open_files.find(from->str())) {
    open_file_lock = std::unique_lock(file->mutex);
    if (Status committed = commit(mount, *file, *from); !committed) return reply_error("rename", kernel_from, committed.error());
    if (file->spool && file->committed) {
      known = client::KnownBytes{file->committed->version,
                                 file->spool->bytes()};
    }
  } else if ((kept = mount.open_files.take_kept(from->str()))) {
    known = client::KnownBytes{kept->version, kept->spool.bytes()};
  }
  const auto mode = (flags & RENAME_NOREPLACE) != 0 ? client::RenameMode::no_replace : client::RenameMode::replace;
  Status renamed = mount.client->rename(*from, *to, mode, known);
  mount.attributes.forget_tree(from->str());
  mount.attributes.forget_tree(to->str());
  if (!renamed) return reply_error("rename", kernel_from, renamed.error());
  mount.open_files.rename(from->str(), to->str());
  return 0;
}

int symlink(const char* target, const char* kernel_link) {
  auto& mount = mount_state();
  auto link = remote_path(kernel_link);
  if (!link) return reply_error("symlink", kernel_link, link.error());
  const fuse_context* caller = fuse_get_context();
  Status made = mount.client->symlink(*link, target, client::Owner{caller->uid, caller->gid});
  mount.attributes.forget(link->str());
  if (!made) return reply_error("symlink", kernel_link, made.error());
  return 0;
}

int readlink(const char* kernel_path, char* buffer, size_t size) {
  auto& mount = mount_state();
  auto path = remote_path(kernel_path);
  if (!path) return reply_error("readlink", kernel_path, path.error());
  auto target = mount.client->readlink(*path);
  if (!target) return reply_error("readlink", kernel_path, target.error());
  if (size == 0) return 0;
  const std::size_t length = std::min(target->size(), size - 1);  // libfuse wants it NUL-terminated
  std::memcpy(buffer, target->data(), length);
  buffer[length] = '\0';
  return 0;
}

int chmod(const char* kernel_path, mode_t mode, fuse_file_info* /*fi*/) {
  client::AttributeChange change;
  change.mode = mode & 07777;
  return change_attributes("chmod", kernel_path, change);
}

int chown(const char* kernel_path, uid_t uid, gid_t gid, fuse_file_info* /*fi*/) {
  client::AttributeChange change;
  if (uid != static_cast<uid_t>(-1)) change.uid = uid;
  if (gid != static_cast<gid_t>(-1)) change.gid = gid;
  if (!change.uid && !change.gid) return 0;
  return change_attributes("chown", kernel_path, change);
}

int utimens(const char* kernel_path, const struct timespec times[2], fuse_file_info* /*fi*/) {
  // dfs keeps one time, the mtime; atime is not stored.
  const timespec now{0, UTIME_NOW};
  const timespec& mtime = times == nullptr ? now : times[1];
  if (mtime.tv_nsec == UTIME_OMIT) return 0;
  client::AttributeChange change;
  change.mtime_ns = requested_ns(mtime);
  return change_attributes("utimens", kernel_path, change);
}

int statfs(const char* kernel_path, struct statvfs* st) {
  // The servers' data disks, halved (every byte is stored twice); see DfsClient::space.
  auto space = mount_state().client->space();
  if (!space) return reply_error("statfs", kernel_path, space.error());
  std::memset(st, 0, sizeof *st);
  constexpr unsigned long kBlock = 4096;
  st->f_bsize = 1 << 20;
  st->f_frsize = kBlock;
  st->f_blocks = space->total_bytes / kBlock;
  st->f_bfree = space->free_bytes / kBlock;
  st->f_bavail = space->free_bytes / kBlock;
  // dfs has no inode table to run out of; report plenty so tools checking for room go on.
  st->f_files = 1ULL << 32;
  st->f_ffree = 1ULL << 32;
  st->f_favail = 1ULL << 32;
  st->f_namemax = kMaxNameBytes;
  return 0;
}

}  // namespace dfs::fuse
