// The files the kernel has open, one OpenFile per path however many descriptors share it, so
// every descriptor and getattr see the same bytes while a write is under way.
//
// Each descriptor reads the version it was opened at (pinned: ranged GETs of exactly that
// version) until the file is written; the first write, truncate or O_TRUNC moves it to a SpoolFile (fetched
// whole first when the old bytes are needed). flush (every close) PUTs a dirty spool as a new
// version and clears dirty only when that commit succeeded, so a failed close can be retried by
// the next flush/fsync. The spool stays until the last descriptor is released.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "client-core/dfs_client.h"
#include "common/protocol.h"
#include "common/version_id.h"
#include "fuse/read_ahead.h"
#include "fuse/spool_file.h"

namespace dfs::fuse {

struct OpenFile {
  // Readers of a clean file share it; writes, loading the spool and flush take it exclusively.
  std::shared_mutex mutex;
  std::string path;  // RemotePath::str() of where it is now (rename moves it); under OpenFiles' lock
  std::optional<client::EntryInfo> committed;  // the newest version seen (open, flush); none for a new file
  // Older versions with the same bytes as `committed` (replaced by this mount's chmod, chown or
  // utimens). Committing a version removes the older ones from the servers, so a descriptor
  // pinned to one of these reads `committed` instead.
  std::vector<VersionId> same_bytes;
  protocol::EntryAttributes attributes;          // mode, owner and mtime the next PUT writes
  std::optional<SpoolFile> spool;                // the bytes, once written to
  // The spool was let go after a commit (see OpenFiles::would_keep): `committed` holds its bytes,
  // and every descriptor reads those until the next write loads a spool again.
  bool spool_committed_away = false;
  bool dirty = false;                            // spool holds bytes no committed version has
  // The last commit (a close's) was made durable `later` by the servers: fsync makes it durable.
  bool commit_deferred = false;
  int handles = 0;                               // under OpenFiles' lock
  // Unlinked, or replaced by a rename, while open: its descriptors keep working on the spool,
  // but it is never committed again (that would bring the name back).
  std::atomic<bool> removed{false};
};

// fuse_file_info::fh points at one of these.
struct FileHandle {
  std::shared_ptr<OpenFile> file;
  bool append = false;  // O_APPEND: every write goes to the end, whatever offset the kernel sends
  // The version this descriptor reads while the file has no spool: the newest at its open, so
  // a later open elsewhere never switches it to other bytes half-way (close-to-open).
  std::optional<client::EntryInfo> pinned;
  ReadAhead read_ahead;  // reads of `pinned` (or of `committed` after a chmod here)
};

// The spool of a file whose last descriptor closed with every byte committed: version
// `version`'s bytes, kept a little while for a rename that follows. rsync, git and editors
// write a temporary name, close it and rename it over the real one; without the spool the
// rename reads every byte back from the servers before writing it under the new name.
struct KeptSpool {
  SpoolFile spool;
  VersionId version;
};

class OpenFiles {
 public:
  OpenFiles(std::filesystem::path spool_dir, std::uint64_t spool_limit_bytes);
  ~OpenFiles();
  OpenFiles(const OpenFiles&) = delete;
  OpenFiles& operator=(const OpenFiles&) = delete;

  // The OpenFile of `path`, made when nobody has it open; counts one more handle.
  std::shared_ptr<OpenFile> acquire(const std::string& path);
  // One handle fewer; the last one drops the OpenFile (and its spool).
  void release(const std::shared_ptr<OpenFile>& file);
  std::shared_ptr<OpenFile> find(const std::string& path) const;
  // The open files directly in directory `dir` ("" for the root), by name: readdir shows a file
  // being written before its first commit, at the size its spool has.
  std::vector<std::pair<std::string, std::shared_ptr<OpenFile>>> in_directory(const std::string& dir) const;
  // Follows a rename of `from` (a file, or a directory with open files below it); an open file
  // at `to` is removed.
  void rename(const std::string& from, const std::string& to);
  // After an unlink: the open file at `path` is removed, and the name is free for a new file.
  void remove(const std::string& path);
  // After a close the store refused: the next open of its path starts from what the store
  // holds, not from the refused spool (the kernel releases the closed descriptor after close()
  // has returned, and an open in between shared the spool). Descriptors still open keep it.
  void detach(const std::shared_ptr<OpenFile>& file);

  // Close-to-open consistency: the kernel may keep its page cache for `path` when the version
  // now opened is the one it cached last (set by opens and by our own flushes).
  bool page_cache_matches(const std::string& path, const VersionId& version) const;
  void remember_page_cache(const std::string& path, const VersionId& version);
  void forget_page_cache(const std::string& path);

  Result<SpoolFile> new_spool() { return SpoolFile::create(spool_dir_, budget_); }
  const SpoolBudget& budget() const { return budget_; }

  // Whether a clean spool of `size` bytes would be kept at its file's last close. One too big
  // to keep is let go right after its commit: until the last descriptor is released it is dirty
  // page cache that a `sync` would write to disk for nothing (0.5 s for 1 GiB here).
  static bool would_keep(std::uint64_t size);
  // The kept spool of `path`, handed over (gone from here), if one is kept and not too old.
  std::optional<KeptSpool> take_kept(const std::string& path);
  // Spools kept now (old ones are dropped at the next keep or take), for the metrics.
  std::size_t kept_count() const;

 private:
  struct Kept {
    KeptSpool kept;
    std::chrono::steady_clock::time_point since;
  };
  // A closed file's clean spool goes to kept_ (within the limits in open_files.cc).
  void keep(const std::string& path, KeptSpool kept);
  void drop_old_kept(std::chrono::steady_clock::time_point now);  // with mutex_ held
  std::uint64_t kept_bytes() const;                                // with mutex_ held (16 at most)
  void drop_all_kept();


  std::filesystem::path spool_dir_;
  SpoolBudget budget_;
  mutable std::mutex mutex_;
  // After budget_: kept spools give their bytes back to it when dropped.
  std::unordered_map<std::string, Kept> kept_;
  std::unordered_map<std::string, std::shared_ptr<OpenFile>> files_;
  std::unordered_map<std::string, VersionId> page_cache_;
};

}  // namespace dfs::fuse
