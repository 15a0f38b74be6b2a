// Open files and the write spool. Reads of an unwritten file are ranged GETs of the version it
// was opened at; the first write moves it to a local spool file (fetched whole first unless the
// old bytes are truncated away), and every close of a dirty file PUTs the spool and answers with
// that PUT's result, so `close()` reports a failed write.
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <vector>

#include "fuse/attributes.h"
#include "fuse/errno_reply.h"
#include "fuse/file_operations.h"
#include "fuse/fuse_metrics.h"
#include "fuse/operations.h"
#include "common/wall_time.h"

namespace dfs::fuse {

namespace {

// The unit in which the old bytes are fetched into a spool: one ranged read of every part.
constexpr std::size_t kFetchChunk = 4 << 20;

// libfuse passes no path to the operations on a descriptor once its file is unlinked.
Result<RemotePath> open_path(const char* kernel_path) {
  if (kernel_path == nullptr) return Error(Errc::not_found, "the file was removed while open");
  return remote_path(kernel_path);
}

FileHandle& handle_of(const fuse_file_info* fi) { return *reinterpret_cast<FileHandle*>(fi->fh); }

// Moves `file` to a spool: with the committed bytes when `keep_bytes`, else empty.
Status load_spool(MountState& mount, OpenFile& file, const RemotePath& path, bool keep_bytes) {
  auto spool = mount.open_files.new_spool();
  if (!spool) return spool.error();
  if (keep_bytes && file.committed) {
    const std::uint64_t size = file.committed->attributes.size;
    std::vector<char> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(size, kFetchChunk)));
    for (std::uint64_t offset = 0; offset < size;) {
      auto got = mount.client->read(path, *file.committed, offset, std::span(buffer));
      if (!got) return got.error();
      if (*got == 0) return Error(Errc::incomplete, "the file ended early while fetching it for a write");
      if (Status put = spool->write(offset, buffer.data(), *got); !put) return put;
      offset += *got;
    }
  }
  file.spool = std::move(*spool);
  file.spool_committed_away = false;
  return {};
}

Status truncate_to(MountState& mount, OpenFile& file, const RemotePath& path, std::uint64_t size) {
  if (!file.spool) {
    if (Status loaded = load_spool(mount, file, path, size > 0); !loaded) return loaded;
  }
  if (Status resized = file.spool->resize(size); !resized) return resized;
  file.dirty = true;
  file.attributes.mtime_ns = wall_clock_ns();
  return {};
}

}  // namespace

Status pin_version(MountState& mount, OpenFile& file, const RemotePath& path) {
  if (file.spool) return {};
  auto entry = mount.client->stat(path);  // not the cache: close-to-open consistency
  if (!entry) return entry.error();
  if (entry->is_dir()) return Error(Errc::is_directory, "is a directory");
  if (!entry->complete()) {
    return Error(Errc::incomplete, "cannot be read: " + entry->missing_text());
  }
  mount.attributes.store(path.str(), *entry);
  file.attributes = entry->attributes;
  if (!file.committed || file.committed->version != entry->version) file.same_bytes.clear();
  file.committed = std::move(*entry);
  return {};
}

Status commit(MountState& mount, OpenFile& file, const RemotePath& path, protocol::CommitDurability durability) {
  if (!file.dirty || file.removed) return {};
  client::WriteOptions options;
  options.commit_durability = durability;
  options.mode = file.attributes.mode;
  options.uid = file.attributes.uid;
  options.gid = file.attributes.gid;
  // The mtime of the last write (or utimens) is what getattr showed while the file was open,
  // so a stat before and after the close agree (git compares them).
  options.mtime_ns = file.attributes.mtime_ns;
  options.parent_known = true;  // the kernel looked the parent up to reach this file
  const auto started = std::chrono::steady_clock::now();
  auto written = mount.client->put(path, file.spool->bytes(), options);
  if (mount.metrics != nullptr) {
    mount.metrics->commit_done(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  if (!written) {
    // The kernel's pages of this path now hold the refused bytes: the next open must drop them.
    // (A new size makes the kernel drop them itself; the same size does not.)
    mount.open_files.forget_page_cache(path.str());
    mount.attributes.forget(path.str());  // a file made here and refused was never stored
    return written.error();
  }
  file.dirty = false;
  file.commit_deferred = durability == protocol::CommitDurability::later;
  file.attributes = written->attributes;
  file.same_bytes.clear();
  mount.attributes.store(path.str(), *written);
  // What the kernel cached while writing is this version's bytes.
  mount.open_files.remember_page_cache(path.str(), written->version);
  file.committed = std::move(*written);
  return {};
}

namespace {

// A descriptor that cannot read writes past the kernel's page cache (direct_io): its bytes go to
// the spool only, not also into a cached copy of the file that this descriptor never reads (a
// 1 GiB cp filled 1 GiB of new pages there, which on the test VM is what swings). The kernel
// drops a direct write's range from the cache, so later reads get the new bytes; mmap needs a
// readable descriptor, so it never meets direct_io.
void write_only_past_page_cache(fuse_file_info* fi) {
  if ((fi->flags & O_ACCMODE) == O_WRONLY) fi->direct_io = 1;
}

}  // namespace

int open(const char* kernel_path, fuse_file_info* fi) {
  auto& mount = mount_state();
  auto path = remote_path(kernel_path);
  if (!path) return reply_error("open", kernel_path, path.error());
  auto file = mount.open_files.acquire(path->str());
  std::optional<client::EntryInfo> pinned;
  Status opened;
  {
    std::unique_lock lock(file->mutex);
    opened = pin_version(mount, *file, *path);
    if (opened && (fi->flags & O_ACCMODE) != O_RDONLY && (fi->flags & O_TRUNC) != 0) {
      opened = truncate_to(mount, *file, *path, 0);
    }
    if (opened) {
      if (file->spool) {
        fi->keep_cache = 1;  // another descriptor is writing: the kernel's pages are its bytes
      } else {
        fi->keep_cache = mount.open_files.page_cache_matches(path->str(), file->committed->version) ? 1 : 0;
        mount.open_files.remember_page_cache(path->str(), file->committed->version);
        pinned = file->committed;
      }
    }
  }
  if (!opened) {
    mount.open_files.release(file);
    return reply_error("open", kernel_path, opened.error());
  }
  write_only_past_page_cache(fi);
  fi->fh = reinterpret_cast<std::uint64_t>(
      new FileHandle{std::move(file), (fi->flags & O_APPEND) != 0, std::move(pinned)});
  return 0;
}

int create(const char* kernel_path, mode_t mode, fuse_file_info* fi) {
  auto& mount = mount_state();
  auto path = remote_path(kernel_path);
  if (!path) return reply_error("create", kernel_path, path.error());
  auto file = mount.open_files.acquire(path->str());
  Status created;
  {
    std::unique_lock lock(file->mutex);
    const fuse_context* caller = fuse_get_context();
    file->attributes = protocol::EntryAttributes{protocol::EntryKind::file, 0, mode & 07777, caller->uid, caller->gid,
                                                 wall_clock_ns()};
    created = truncate_to(mount, *file, *path, 0);
  }
  if (!created) {
    mount.open_files.release(file);
    return reply_error("create", kernel_path, created.error());
  }
  // Until its first commit the name is this open file's (getattr asks open files first); a
  // complete directory stays complete, so the next new name needs no lookup either.
  mount.attributes.forget_deleted(path->str());
  write_only_past_page_cache(fi);
  fi->fh = reinterpret_cast<std::uint64_t>(new FileHandle{std::move(file), (fi->flags & O_APPEND) != 0, {}});
  return 0;
}

// The answer as read_buf hands it to libfuse, which sends it and then frees the vector and the
// bytes with free(3).
int hand_over(ReadBytes answer, fuse_bufvec** out) {
  auto* vector = static_cast<fuse_bufvec*>(std::malloc(sizeof(fuse_bufvec)));
  if (vector == nullptr) return -ENOMEM;
  vector->count = 1;
  vector->idx = 0;
  vector->off = 0;
  vector->buf[0].size = answer.size;
  vector->buf[0].flags = static_cast<fuse_buf_flags>(0);
  vector->buf[0].mem = answer.bytes.release();
  vector->buf[0].fd = -1;
  vector->buf[0].pos = 0;
  *out = vector;
  return 0;
}

int read_buf(const char* kernel_path, fuse_bufvec** out, size_t size, off_t offset, fuse_file_info* fi) {
  auto& mount = mount_state();
  FileHandle& handle = handle_of(fi);
  OpenFile& file = *handle.file;
  std::shared_lock lock(file.mutex);
  if (file.spool) {
    ReadBytes answer{allocate_bytes(size), size};
    auto got = file.spool->read(static_cast<std::uint64_t>(offset), answer.bytes.get(), size);
    if (!got) return reply_error("read", kernel_path, got.error());
    answer.size = *got;
    return hand_over(std::move(answer), out);
  }
  const bool written_here = file.spool_committed_away && file.committed;
  if (!handle.pinned && !written_here) return hand_over({}, out);
  auto path = open_path(kernel_path);
  if (!path) return reply_error("read", kernel_path, path.error());
  const bool metadata_changed_here = file.committed && handle.pinned &&
                                     std::ranges::find(file.same_bytes, handle.pinned->version) != file.same_bytes.end();
  const client::EntryInfo& version = written_here || metadata_changed_here ? *file.committed : *handle.pinned;
  auto got = handle.read_ahead.read(
      version.version, version.attributes.size, static_cast<std::uint64_t>(offset), size,
      // Owns its copies: the next window is fetched on another thread after this read returns.
      [client = mount.client.get(), path = *path, version](std::uint64_t at, std::span<const std::span<char>> into) {
        return client->read(path, version, at, into);
      });
  if (!got) return reply_error("read", kernel_path, got.error());
  return hand_over(std::move(*got), out);
}

int write_buf(const char* kernel_path, fuse_bufvec* data, off_t offset, fuse_file_info* fi) {
  const size_t size = fuse_buf_size(data);
  auto& mount = mount_state();
  FileHandle& handle = handle_of(fi);
  OpenFile& file = *handle.file;
  std::unique_lock lock(file.mutex);
  if (!file.spool) {
    auto path = open_path(kernel_path);
    if (!path) return reply_error("write", kernel_path, path.error());
    if (Status loaded = load_spool(mount, file, *path, true); !loaded) return reply_error("write", kernel_path, loaded.error());
  }
  const std::uint64_t at = handle.append ? file.spool->size() : static_cast<std::uint64_t>(offset);
  if (Status written = file.spool->write(at, *data); !written) return reply_error("write", kernel_path, written.error());
  file.dirty = true;
  file.attributes.mtime_ns = wall_clock_ns();
  return static_cast<int>(size);
}

int truncate(const char* kernel_path, off_t size, fuse_file_info* fi) {
  auto& mount = mount_state();
  auto path = open_path(kernel_path);
  if (!path) return reply_error("truncate", kernel_path, path.error());
  // ftruncate (and the truncate of an O_TRUNC open) changes the spool; the close commits it.
  // truncate(2) of a path is a whole change of its own and commits at once.
  const bool by_descriptor = fi != nullptr && fi->fh != 0;
  std::shared_ptr<OpenFile> file = by_descriptor ? handle_of(fi).file : mount.open_files.acquire(path->str());
  Status done;
  {
    std::unique_lock lock(file->mutex);
    done = pin_version(mount, *file, *path);
    if (done) done = truncate_to(mount, *file, *path, static_cast<std::uint64_t>(size));
    if (done && !by_descriptor) done = commit(mount, *file, *path);
  }
  if (!by_descriptor) mount.open_files.release(file);
  if (!done) return reply_error("truncate", kernel_path, done.error());
  return 0;
}

namespace {

// flush (close) and fsync: commit a dirty spool, durable `durability`.
int commit_open_file(const char* kernel_path, fuse_file_info* fi, protocol::CommitDurability durability,
                     const char* operation) {
  auto& mount = mount_state();
  const std::shared_ptr<OpenFile>& shared = handle_of(fi).file;
  OpenFile& file = *shared;
  std::unique_lock lock(file.mutex);
  if (file.removed) return 0;
  const bool make_durable = durability == protocol::CommitDurability::now && file.commit_deferred;
  if (!file.dirty && !make_durable) return 0;
  auto path = open_path(kernel_path);
  if (!path) return reply_error(operation, kernel_path, path.error());
  if (!file.dirty) {
    // Clean, but a close committed it `later`: that commit becomes durable now.
    if (Status durable = mount.client->make_durable(*path, *file.committed); !durable) {
      return reply_error(operation, kernel_path, durable.error());
    }
    file.commit_deferred = false;
    return 0;
  }
  if (Status committed = commit(mount, file, *path, durability); !committed) {
    if (durability == protocol::CommitDurability::later) mount.open_files.detach(shared);
    return reply_error(operation, kernel_path, committed.error());
  }
  if (!OpenFiles::would_keep(file.spool->size())) {
    file.spool.reset();
    file.spool_committed_away = true;
  }
  return 0;
}

}  // namespace

// A close's commit is durable on the servers a few milliseconds after it returns (their next
// batch); readers everywhere see it as soon as close() returns.
int flush(const char* kernel_path, fuse_file_info* fi) {
  return commit_open_file(kernel_path, fi, protocol::CommitDurability::later, "close");
}

int fsync(const char* kernel_path, int /*datasync*/, fuse_file_info* fi) {
  return commit_open_file(kernel_path, fi, protocol::CommitDurability::now, "fsync");
}

int release(const char* /*kernel_path*/, fuse_file_info* fi) {
  std::unique_ptr<FileHandle> handle(&handle_of(fi));
  mount_state().open_files.release(handle->file);
  return 0;
}

}  // namespace dfs::fuse
