#include "fuse/attributes.h"

#include <cstring>
#include <mutex>
#include <shared_mutex>

#include "common/checksum.h"
#include "fuse/errno_reply.h"
#include "fuse/operations.h"
#include "common/wall_time.h"

namespace dfs::fuse {

namespace {

// The unit `stat` reports as the best I/O size: one FUSE request (max_read / max_write).
constexpr blksize_t kBlockSize = 1 << 20;
// A directory of up to this many entries is listed again by a lookup rather than asked for one
// name: one LIST of it costs about what a few dozen single-name lookups do.
constexpr std::size_t kRelistEntries = 4096;

mode_t type_bits(protocol::EntryKind kind) {
  switch (kind) {
    case protocol::EntryKind::dir: return S_IFDIR;
    case protocol::EntryKind::symlink: return S_IFLNK;
    default: return S_IFREG;
  }
}

}  // namespace

std::uint64_t inode_of(const std::string& path) {
  const std::uint64_t hash = xxh3(path.data(), path.size());
  return hash == 0 ? 1 : hash;
}

struct stat stat_of(const client::EntryInfo& entry, const std::string& path) {
  struct stat st;
  std::memset(&st, 0, sizeof st);
  const auto& a = entry.attributes;
  st.st_ino = inode_of(path);
  st.st_mode = type_bits(a.kind) | (a.kind == protocol::EntryKind::symlink ? 0777 : (a.mode & 07777));
  st.st_nlink = a.kind == protocol::EntryKind::dir ? 2 : 1;
  st.st_uid = a.uid;
  st.st_gid = a.gid;
  st.st_size = static_cast<off_t>(a.size);
  st.st_blksize = kBlockSize;
  st.st_blocks = static_cast<blkcnt_t>((a.size + 511) / 512);
  st.st_mtim = timespec_of(a.mtime_ns);
  st.st_ctim = st.st_mtim;
  st.st_atim = st.st_mtim;
  return st;
}

Result<client::EntryInfo> lookup_entry(MountState& mount, const RemotePath& path) {
  if (auto cached = mount.attributes.find(path.str())) return *std::move(cached);
  if (!path.is_root()) {
    const RemotePath dir = path.parent();
    // A directory listed whole before, and small: listing it again answers this lookup and
    // the next ones (a cp into it asks for every new name twice).
    if (!mount.attributes.known_missing(path.str()) && mount.attributes.was_complete(dir.str(), kRelistEntries)) {
      std::unique_lock relisting(mount.relisting, std::try_to_lock);
      if (relisting.owns_lock() && list_and_remember(mount, dir)) {
        if (auto cached = mount.attributes.find(path.str())) return *std::move(cached);
      }
    }
    if (mount.attributes.known_missing(path.str())) return Error(Errc::not_found, path.display() + " does not exist");
  }
  auto entry = mount.client->stat(path);
  if (entry) mount.attributes.store(path.str(), *entry);
  return entry;
}

Result<client::Listing> list_and_remember(MountState& mount, const RemotePath& dir) {
  // The entries and the mark share one time, so no entry of the listing expires before it.
  const auto listed_at = AttributeCache::Clock::now();
  auto listing = mount.client->list(dir);
  if (!listing) return listing;
  for (const auto& entry : listing->entries) mount.attributes.store(dir.child(entry.name).str(), entry, listed_at);
  if (listing->unreachable.empty()) mount.attributes.mark_complete(dir.str(), listing->entries.size(), listed_at);
  return listing;
}

int getattr(const char* kernel_path, struct stat* st, fuse_file_info* /*fi*/) {
  auto& mount = mount_state();
  auto path = remote_path(kernel_path);
  if (!path) return reply_error("getattr", kernel_path, path.error());
  // An open file being written: its spool is the truth (size grows with each write).
  if (auto file = mount.open_files.find(path->str())) {
    std::shared_lock lock(file->mutex);
    if (file->spool) {
      client::EntryInfo entry;
      entry.attributes = file->attributes;
      entry.attributes.size = file->spool->size();
      *st = stat_of(entry, path->str());
      return 0;
    }
  }
  auto entry = lookup_entry(mount, *path);
  if (!entry) return reply_error("getattr", kernel_path, entry.error());
  *st = stat_of(*entry, path->str());
  return 0;
}

}  // namespace dfs::fuse
