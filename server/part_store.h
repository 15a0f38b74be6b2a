// Storage of part versions on local disk, one folder per user, knowing files and fsync and
// nothing of HTTP. Layout under the root:
//
//   <root>/<user>/<dir>/...                 the user's directory tree, mirrored
//   <root>/<user>/<dir>/.dfs/<name>/        versions of entry <name> of that directory:
//       <version>.p<K>                      part K of a version (see part_file_format.h)
//       <version>.commit                    present once the version is committed
//       .tmp.<random>                       a part being received; never listed
//
// A version is staged until its commit marker exists, or its commit made `later` is pending in
// memory (PendingCommits) until the group commit writes the marker. Committing V removes every
// older version of that entry, so the newest committed version is the only one kept beside
// newer staged ones.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>
#include <string>

#include "common/error.h"
#include "common/protocol.h"
#include "common/remote_path.h"
#include "common/unique_fd.h"
#include "server/deferred_commits.h"
#include "server/entry_locks.h"
#include "server/fsync_all.h"
#include "server/part_header_cache.h"
#include "server/part_reader.h"
#include "server/part_writer.h"
#include "server/pending_commits.h"
#include "server/version_folder.h"

namespace dfs::server {

struct ListQuery {
  std::optional<std::string> name;   // only this entry
  std::optional<std::string> after;  // entries whose name sorts after this one
  std::size_t limit = 1000;          // entries (not records) per answer
};

struct ListPage {
  std::vector<std::string> names;
  std::optional<std::string> next;
};

struct SpaceInfo {
  std::uint64_t free_bytes = 0;
  std::uint64_t total_bytes = 0;
};

class PartStore {
 public:
  // Creates the root directory when it does not exist.
  static Result<std::unique_ptr<PartStore>> open(const std::filesystem::path& root);

  // Starts receiving a part; the descriptor is already validated by the caller. `sibling`: a
  // writer of another part of the same request (same entry), whose version folder this one
  // shares instead of opening it again.
  Result<std::unique_ptr<PartWriter>> begin_part(std::string_view user, const RemotePath& path,
                                                 const protocol::PartDescriptor& descriptor,
                                                 const PartWriter* sibling = nullptr);
  // Makes the parts of one request durable and puts them in place, side by side: every part is
  // checked before any is placed (one wrong part stores none), the part files are fsynced at
  // once, then the names. The writers must all be of one version of one entry. Durable `later`:
  // placed now and made durable by the group commit, before any commit of theirs is written.
  Status store_parts(std::span<const std::unique_ptr<PartWriter>> writers,
                     protocol::CommitDurability durability = protocol::CommitDurability::now);
  // Stores part `descriptor.part` of a new version whose data is that of version `from` (a
  // metadata-only change); size and checksum are taken from `from`.
  Status copy_part(std::string_view user, const RemotePath& path, protocol::PartDescriptor descriptor,
                   const VersionId& from);
  // Errc::not_found when this server holds no part of `version`; Errc::conflict when a newer
  // version is committed. Committing twice is fine; a durable commit of a version committed
  // `later` before makes it durable. A commit `later` is pending (PendingCommits) until the group
  // commit has made its parts durable and then written its marker; a durable one first waits
  // for everything stored `later` before it. The versions a commit supersedes are removed only
  // once it is durable, so a crash that loses a pending commit still finds the version before it.
  Status commit(std::string_view user, const RemotePath& path, const VersionId& version,
                protocol::CommitDurability durability = protocol::CommitDurability::now);
  // Removes version V of the entry from this server: a staged version that can never commit, or a
  // committed tombstone nobody needs any more (heal decides both; it sees every server). Errc::conflict
  // for a committed version that is not a tombstone (that one goes only when a newer one commits);
  // Errc::not_found when nothing of V is here.
  Status drop(std::string_view user, const RemotePath& path, const VersionId& version);
  // A given version, or the newest committed version holding `part` when `version` is empty.
  Result<PartReader> open_part(std::string_view user, const RemotePath& path, int part,
                               const std::optional<VersionId>& version);
  // The sorted entry names of one page of `dir` (known before any record is produced, so the
  // continuation token can lead the answer); `next` is set when more names remain.
  Result<ListPage> list_page(std::string_view user, const RemotePath& dir, const ListQuery& query);
  // Calls `emit` for every part version of the named entries of `dir`, in the given order.
  Status list_entries(std::string_view user, const RemotePath& dir, std::span<const std::string> names,
                      const std::function<void(const protocol::ListRecord&)>& emit);
  Result<SpaceInfo> space() const;
  // Commits answered and served whose markers could not be written yet (a folder that refuses
  // new names); the group commit tries again with its next batch, or after a second without one.
  std::size_t markers_waiting() const { return markers_waiting_.load(std::memory_order_relaxed); }

  int root_fd() const { return root_.get(); }
  EntryLocks& locks() { return locks_; }
  // Marks the entry's pending commits in `folder` (built from its file names) as committed.
  void mark_pending(const std::string& entry_key, VersionFolder& folder) const { pending_.apply(entry_key, folder); }

 private:
  explicit PartStore(UniqueFd root) : root_(std::move(root)) {}
  Result<UniqueFd> user_dir(std::string_view user, bool create);
  // An entry's version folder, locked, with what it holds: what commit and drop start from.
  // `not_here` is their answer when nothing of the version is there (also when the folder is not).
  struct LockedFolder {
    UniqueFd folder;
    std::unique_lock<std::mutex> lock;
    VersionFolder state;
    std::string relative;
    Error not_here;
  };
  Result<LockedFolder> lock_version_folder(std::string_view user, const RemotePath& path, const VersionId& version);
  // Opens the folder `relative` below the user's folder; nullopt when it (or the user's folder)
  // does not exist, any other failure as an error.
  Result<std::optional<UniqueFd>> open_existing(std::string_view user, const std::string& relative);
  // Removes the versions of the folder older than `version` (its commit is durable). The caller
  // holds the folder's lock; `state` is what the folder holds.
  static void remove_older(int folder, const VersionFolder& state, const VersionId& version);
  // DeferredCommits' batch: the parts stored `later` and their folders made durable together
  // (sync_together), then the commits' markers written and made durable the same way, then what
  // each supersedes removed.
  void flush_deferred(DeferredBatch& batch);
  // A version folder's state as readers see it: its files, and the commits pending for it.
  VersionFolder state_of(const std::string& entry_key, const std::vector<std::string>& names) const;

  UniqueFd root_;
  EntryLocks locks_;
  // Headers of listed part files: 32768 of them (some 8 MiB) cover a folder of 16 000 files
  // on each server, which holds two parts of each.
  PartHeaderCache headers_{1 << 15};
  FanOut fan_out_;  // fsync_all()'s threads
  PendingCommits pending_;
  // Commits whose markers the group commit could not write: still pending, tried again by the
  // next batch, or a second later. Only the group commit's thread touches them.
  std::vector<DeferredCommit> unwritten_markers_;
  std::atomic<std::size_t> markers_waiting_{0};  // unwritten_markers_.size(), for any thread
  // Last: destroyed first, it flushes what is pending while the locks and the threads still exist.
  // A batch gathers for 30 ms: a cp of small files closes one every few milliseconds, and each
  // batch costs two syncfs and two cache flushes however many files it holds.
  DeferredCommits deferred_{[this](DeferredBatch& batch) { flush_deferred(batch); }, std::chrono::milliseconds(30)};
};

// "<parent>/.dfs/<name>" relative to the user's folder.
std::string version_folder_of(const RemotePath& path);
// The EntryLocks key of a version folder: its path relative to the data root.
std::string entry_lock_key(std::string_view user, std::string_view folder_relative_to_user);

}  // namespace dfs::server
