#include "server/part_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>

#include "server/confined_dir.h"
#include "server/part_file_format.h"
#include "server/version_folder.h"

namespace dfs::server {
namespace {

std::string random_suffix() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  std::uint64_t v = rng();
  for (auto& c : out) {
    c = kDigits[v & 0xf];
    v >>= 4;
  }
  return out;
}

// Writes version V's commit marker in `folder` (already there is fine): 0, or the errno. The
// marker is a second name of one of V's part files (`part`), not a file of its own: a link
// needs no new inode, so a filesystem out of inodes, which took the parts, still takes their
// commit, and the group commit has one inode fewer to write per file. Readers go by the name.
int write_marker(int folder, const VersionId& version, int part) {
  if (::linkat(folder, part_file_name(version, part).c_str(), folder, commit_marker_name(version).c_str(), 0) == 0) {
    return 0;
  }
  return errno == EEXIST ? 0 : errno;
}

std::string describe(const RemotePath& path, int part, const VersionId& version) {
  return "part " + std::to_string(part) + " of " + path.display() + " version " + version.to_string();
}

}  // namespace

std::string version_folder_of(const RemotePath& path) {
  const RemotePath parent = path.parent();
  std::string folder = parent.is_root() ? std::string() : parent.str() + "/";
  folder += std::string(kReservedName) + "/" + std::string(path.name());
  return folder;
}

std::string entry_lock_key(std::string_view user, std::string_view folder_relative_to_user) {
  std::string key(user);
  key += '/';
  key += folder_relative_to_user;
  return key;
}

Result<std::unique_ptr<PartStore>> PartStore::open(const std::filesystem::path& root) {
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) return Error(Errc::io_error, "cannot create data root " + root.string() + ": " + ec.message());
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error::from_errno(errno, "open data root " + root.string());
  return std::unique_ptr<PartStore>(new PartStore(UniqueFd(fd)));
}

Result<UniqueFd> PartStore::user_dir(std::string_view user, bool create) {
  if (create) return make_dirs_beneath(root_.get(), {std::string(user)});
  return open_dir_beneath(root_.get(), user);
}

Result<std::optional<UniqueFd>> PartStore::open_existing(std::string_view user, const std::string& relative) {
  std::optional<UniqueFd> none;
  auto home = user_dir(user, false);
  if (!home) return home.error().code() == Errc::not_found ? Result<std::optional<UniqueFd>>(std::move(none)) : home.error();
  auto folder = open_dir_beneath(home->get(), relative);
  if (!folder) return folder.error().code() == Errc::not_found ? Result<std::optional<UniqueFd>>(std::move(none)) : folder.error();
  return std::optional<UniqueFd>(std::move(*folder));
}

Result<std::unique_ptr<PartWriter>> PartStore::begin_part(std::string_view user, const RemotePath& path,
                                                          const protocol::PartDescriptor& descriptor,
                                                          const PartWriter* sibling) {
  if (path.is_root()) return Error(Errc::bad_path, "the root directory has no parts");
  std::string entry_key = entry_lock_key(user, version_folder_of(path));
  std::shared_ptr<const UniqueFd> folder;
  std::vector<UniqueFd> unsynced_dirs;
  if (sibling != nullptr && sibling->entry_key() == entry_key) {
    folder = sibling->shared_folder();
  } else {
    auto home = user_dir(user, true);
    if (!home) return home.error();
    std::vector<std::string> components;
    const RemotePath parent = path.parent();  // components() views into it: keep it alive
    for (const auto c : parent.components()) components.emplace_back(c);
    components.emplace_back(kReservedName);
    components.emplace_back(path.name());
    // A new file's folders are made durable by store_parts, after the part's data: the
    // fsync of the part file commits the journal with them, and the later directory fsyncs
    // then find nothing left to do (three journal commits in a row were a third of a small
    // file's write).
    auto made = make_dirs_beneath(home->get(), components, &unsynced_dirs);
    if (!made) return made.error();
    folder = std::make_shared<const UniqueFd>(std::move(*made));
  }

  const std::string temp_name = std::string(kTempPrefix) + random_suffix();
  // Read and write: a body spliced in is hashed by reading it back.
  const int fd = ::openat(folder->get(), temp_name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Error::from_errno(errno, "create temp file for " + path.display());
  UniqueFd file(fd);
  // Reserve the space now, so a full disk is reported before a large body is streamed. A small
  // one arrives with its request and is written at once, and a write past the free space fails
  // just as early: its file only gets its length (a hole where the header goes, or all of an
  // empty part's), without fallocate's extent changes.
  const auto total = static_cast<off_t>(data_offset(descriptor.part_size) + descriptor.part_size);
  constexpr std::uint64_t kReserveFromBytes = 1 << 20;
  const bool reserve = descriptor.part_size >= kReserveFromBytes;
  if (const int err = reserve ? ::posix_fallocate(file.get(), 0, total) : (::ftruncate(file.get(), total) == 0 ? 0 : errno);
      err != 0 && err != EOPNOTSUPP && err != EINVAL) {
    ::unlinkat(folder->get(), temp_name.c_str(), 0);
    return Error::from_errno(err, "reserve " + std::to_string(total) + " bytes for " + path.display());
  }
  return std::make_unique<PartWriter>(std::move(entry_key), std::move(folder), std::move(file), temp_name, descriptor,
                                      std::move(unsynced_dirs));
}

Status PartStore::store_parts(std::span<const std::unique_ptr<PartWriter>> writers,
                              protocol::CommitDurability durability) {
  for (const auto& writer : writers) {
    if (auto st = writer->check(); !st) return st;
  }
  // Parts durable `later` leave their writeback to the group commit's fsyncs.
  for (const auto& writer : writers) {
    if (auto st = writer->seal(durability == protocol::CommitDurability::now); !st) return st;
  }
  // Placed before they are durable, so that the part files and their folders need one round of
  // fsyncs (one flush of the disk's cache), not two. A crash before the fsyncs end can leave a
  // placed part with lost bytes, but only a staged one: no commit of this version exists before
  // this request is answered, and a damaged part fails its checksums when it is read.
  if (writers.empty()) return {};
  const PartWriter& first = *writers.front();
  for (const auto& writer : writers) {
    if (writer->shared_folder() != first.shared_folder()) {
      return Error(Errc::invalid_argument, "the parts of one request must share their version folder");
    }
  }
  {
    auto lock = locks_.lock(first.entry_key());
    auto names = list_names(first.folder(), "version folder");
    if (!names) return names.error();
    const auto folder = VersionFolder::from_names(*names);
    if (const VersionId* newest = folder.newest_committed(); newest && first.descriptor().version < *newest) {
      return Error(Errc::conflict, "a newer version " + newest->to_string() + " is already committed");
    }
    for (const auto& writer : writers) {
      if (auto st = writer->place(); !st) return st;
      headers_.forget(first.entry_key() + "/" + part_file_name(writer->descriptor().version, writer->descriptor().part));
    }
  }
  if (durability == protocol::CommitDurability::later) {
    // Handed to the group commit with the writers' own descriptors: the folder, which it
    // syncs too, and the part files with the folders made for them.
    DeferredSync sync;
    sync.version = first.descriptor().version;
    sync.folder = first.shared_folder();
    sync.lock_key = first.entry_key();
    for (const auto& writer : writers) {
      writer->keep();
      sync.part_names.push_back(part_file_name(writer->descriptor().version, writer->descriptor().part));
      for (auto& fd : writer->hand_over_unsynced()) sync.targets.push_back(std::move(fd));
    }
    deferred_.add(std::move(sync));
    return {};
  }
  std::vector<SyncTarget> targets;
  for (std::size_t i = 0; i < writers.size(); ++i) {
    targets.push_back(writers[i]->data());
    for (const auto& target : writers[i]->names(i == 0)) targets.push_back(target);
  }
  if (auto st = fsync_all(fan_out_, targets); !st) return st;
  for (const auto& writer : writers) writer->keep();
  return {};
}

Status PartStore::copy_part(std::string_view user, const RemotePath& path, protocol::PartDescriptor descriptor,
                            const VersionId& from) {
  auto source = open_part(user, path, descriptor.part, from);
  if (!source) return source.error();
  const auto& old = source->descriptor();
  if (old.parts != descriptor.parts) {
    return Error(Errc::invalid_argument, "version " + from.to_string() + " has " + std::to_string(old.parts) +
                                             " parts, the request says " + std::to_string(descriptor.parts));
  }
  descriptor.attributes.size = old.attributes.size;
  descriptor.part_size = old.part_size;
  descriptor.checksum = old.checksum;
  auto writer = begin_part(user, path, descriptor);
  if (!writer) return writer.error();
  for (std::uint64_t offset = 0; offset < old.part_size;) {
    auto chunk = source->read(offset, old.part_size - offset);
    if (!chunk) return chunk.error();
    if (auto st = (*writer)->write(chunk->data(), chunk->size()); !st) return st;
    offset += chunk->size();
  }
  return store_parts(std::span(&*writer, 1));
}

Result<PartStore::LockedFolder> PartStore::lock_version_folder(std::string_view user, const RemotePath& path,
                                                              const VersionId& version) {
  const Error not_here(Errc::not_found, "no part of " + path.display() + " version " + version.to_string() + " here");
  std::string relative = version_folder_of(path);
  auto opened = open_existing(user, relative);
  if (!opened) return opened.error();
  if (!*opened) return not_here;
  auto lock = locks_.lock(entry_lock_key(user, relative));
  auto names = list_names((*opened)->get(), relative);
  if (!names) return names.error();
  auto state = state_of(entry_lock_key(user, relative), *names);
  return LockedFolder{std::move(**opened), std::move(lock), std::move(state), std::move(relative), not_here};
}

Status PartStore::commit(std::string_view user, const RemotePath& path, const VersionId& version,
                         protocol::CommitDurability durability) {
  // Parts stored `later` (this version's, perhaps) must be durable before a durable marker.
  if (durability == protocol::CommitDurability::now) deferred_.wait_flushed();
  {
    auto locked = lock_version_folder(user, path, version);
    if (!locked) return locked.error();
    auto& [folder, lock, state, relative, not_here] = *locked;
    // Checked first: committing the newer version removed this one's parts, and the writer must
    // learn that it lost (conflict), not that its parts are missing.
    if (const VersionId* newest = state.newest_committed(); newest && version < *newest) {
      return Error(Errc::conflict, "a newer version " + newest->to_string() + " of " + path.display() + " is committed");
    }
    const auto it = state.versions.find(version);
    if (it == state.versions.end() || it->second.parts.empty()) return not_here;
    const std::string key = entry_lock_key(user, relative);
    if (durability == protocol::CommitDurability::later) {
      if (it->second.committed) return {};  // durable already, or pending
      pending_.add(key, version);
      deferred_.add(DeferredCommit{std::move(folder), relative, key, version});
      return {};
    } else {
      // The marker may be pending, or written by a batch that has not made it durable yet.
      if (const int err = write_marker(folder.get(), version, it->second.parts.front()); err != 0) {
        return Error::from_errno(err, "commit " + path.display());
      }
      if (auto st = fsync_fd(folder.get(), relative); !st) return st;
      pending_.remove(key, version);
      remove_older(folder.get(), state, version);
      return {};
    }
  }
  return {};
}

void PartStore::remove_older(int folder, const VersionFolder& state, const VersionId& version) {
  // Older versions can never be read again. Their removal need not be durable: one that comes
  // back after a crash is older than a committed version and is removed by the next commit.
  for (const auto& [older, files] : state.versions) {
    if (!(older < version)) break;
    for (const int part : files.parts) ::unlinkat(folder, part_file_name(older, part).c_str(), 0);
    if (files.committed) ::unlinkat(folder, commit_marker_name(older).c_str(), 0);
  }
}

void PartStore::flush_deferred(DeferredBatch& batch) {
  // Markers a batch before could not write: tried again with this one's.
  for (auto& commit : unwritten_markers_) batch.commits.push_back(std::move(commit));
  unwritten_markers_.clear();
  // 1. The parts stored `later`, with the folders naming them. Parts that cannot be made
  // durable go: their commits must not be written, and the copies on other servers (and heal)
  // carry on without them.
  std::vector<SyncTarget> targets;
  std::vector<std::size_t> sync_of_target;
  for (std::size_t i = 0; i < batch.syncs.size(); ++i) {
    targets.push_back({batch.syncs[i].folder->get(), "version folder"});
    sync_of_target.push_back(i);
    for (const auto& fd : batch.syncs[i].targets) {
      targets.push_back({fd.get(), "a part file or a folder made for it"});
      sync_of_target.push_back(i);
    }
  }
  const auto synced = sync_together(root_.get(), fan_out_, targets);
  std::vector<std::pair<std::string, VersionId>> lost;
  for (std::size_t t = 0; t < synced.size(); ++t) {
    if (synced[t]) continue;
    auto& sync = batch.syncs[sync_of_target[t]];
    lost.emplace_back(sync.lock_key, sync.version);
    auto lock = locks_.lock(sync.lock_key);
    for (const auto& name : sync.part_names) ::unlinkat(sync.folder->get(), name.c_str(), 0);
  }

  // 2. The markers, now that every part they vouch for is durable. A marker that cannot be
  // written (the folder refuses a new name) leaves its commit pending, as readers see it, and
  // the group commit tries again (try_again_later): its client was told the commit is made.
  std::vector<SyncTarget> folders;
  std::vector<bool> unwritten(batch.commits.size(), false);
  for (std::size_t c = 0; c < batch.commits.size(); ++c) {
    auto& commit = batch.commits[c];
    auto lock = locks_.lock(commit.lock_key);
    const bool parts_lost = std::find(lost.begin(), lost.end(), std::pair(commit.lock_key, commit.version)) != lost.end();
    auto names = list_names(commit.folder.get(), commit.relative);
    const auto state = names ? VersionFolder::from_names(*names) : VersionFolder{};
    const auto it = state.versions.find(commit.version);
    const bool here = it != state.versions.end() && !it->second.parts.empty();
    if (!parts_lost && here && write_marker(commit.folder.get(), commit.version, it->second.parts.front()) != 0) {
      unwritten[c] = true;
      continue;
    }
    pending_.remove(commit.lock_key, commit.version);
    folders.push_back({commit.folder.get(), "version folder"});
  }
  for (std::size_t c = 0; c < batch.commits.size(); ++c) {
    if (unwritten[c]) unwritten_markers_.push_back(std::move(batch.commits[c]));
  }
  markers_waiting_.store(unwritten_markers_.size(), std::memory_order_relaxed);
  if (!unwritten_markers_.empty()) deferred_.try_again_later();

  // 3. On a failure no marker of the batch is known to be durable: every older version stays
  // (readers pick the newest committed one anyway) until a later commit of its entry.
  for (const auto& outcome : sync_together(root_.get(), fan_out_, folders)) {
    if (!outcome) return;
  }
  for (const auto& commit : batch.commits) {
    if (!commit.folder.valid()) continue;  // its marker waits for the next batch
    auto lock = locks_.lock(commit.lock_key);
    auto names = list_names(commit.folder.get(), commit.relative);
    if (!names) continue;
    const auto state = VersionFolder::from_names(*names);
    const auto it = state.versions.find(commit.version);
    if (it == state.versions.end() || !it->second.committed) continue;  // its parts were lost
    remove_older(commit.folder.get(), state, commit.version);
  }
}

VersionFolder PartStore::state_of(const std::string& entry_key, const std::vector<std::string>& names) const {
  auto state = VersionFolder::from_names(names);
  pending_.apply(entry_key, state);
  return state;
}

Status PartStore::drop(std::string_view user, const RemotePath& path, const VersionId& version) {
  auto locked = lock_version_folder(user, path, version);
  if (!locked) return locked.error();
  const auto& [folder, lock, state, relative, not_here] = *locked;
  const auto it = state.versions.find(version);
  if (it == state.versions.end()) return not_here;
  const VersionFiles& files = it->second;
  if (files.committed) {
    // Only a version known to be a tombstone goes: one whose headers cannot be read might be data.
    bool tombstone = false;
    for (const int part : files.parts) {
      auto file = open_file_beneath(folder.get(), part_file_name(version, part), O_RDONLY);
      if (!file) continue;
      auto descriptor = read_part_descriptor(file->get(), describe(path, part, version));
      if (!descriptor) continue;
      tombstone = descriptor->attributes.kind == protocol::EntryKind::tombstone;
      break;
    }
    if (!tombstone) {
      return Error(Errc::conflict, path.display() + " version " + version.to_string() +
                                       " is committed and not a tombstone; it goes only when a newer version commits");
    }
    // The marker first: a crash after it leaves staged parts, which the sweeper removes.
    if (::unlinkat(folder.get(), commit_marker_name(version).c_str(), 0) != 0 && errno != ENOENT) {
      return Error::from_errno(errno, "drop the commit of " + path.display());
    }
  }
  for (const int part : files.parts) {
    if (::unlinkat(folder.get(), part_file_name(version, part).c_str(), 0) != 0 && errno != ENOENT) {
      return Error::from_errno(errno, "drop " + describe(path, part, version));
    }
  }
  pending_.remove(entry_lock_key(user, relative), version);
  return fsync_fd(folder.get(), relative);
}

Result<PartReader> PartStore::open_part(std::string_view user, const RemotePath& path, int part,
                                        const std::optional<VersionId>& version) {
  auto not_found = [&] {
    return Error(Errc::not_found, version ? describe(path, part, *version) + " is not on this server"
                                          : "no committed version of " + path.display() + " part " +
                                                std::to_string(part) + " on this server");
  };
  const std::string relative = version_folder_of(path);
  auto opened = open_existing(user, relative);
  if (!opened) return opened.error();
  if (!*opened) return not_found();
  UniqueFd& folder = **opened;
  auto names = list_names(folder.get(), relative);
  if (!names) return names.error();
  const auto state = state_of(entry_lock_key(user, relative), *names);
  const VersionId* chosen = version ? &*version : state.newest_committed_with_part(part);
  if (chosen == nullptr || !state.has_part(*chosen, part)) return not_found();
  const bool committed = state.versions.at(*chosen).committed;
  auto file = open_file_beneath(folder.get(), part_file_name(*chosen, part), O_RDONLY);
  if (!file) return file.error().code() == Errc::not_found ? not_found() : file.error();
  return PartReader::open(std::move(*file), committed, describe(path, part, *chosen));
}

namespace {

std::string versions_dir_of(const RemotePath& dir) {
  return dir.is_root() ? std::string(kReservedName) : dir.str() + "/" + std::string(kReservedName);
}

}  // namespace

Result<ListPage> PartStore::list_page(std::string_view user, const RemotePath& dir, const ListQuery& query) {
  ListPage page;
  if (query.name) {
    page.names.push_back(*query.name);
    return page;
  }
  const std::string relative = versions_dir_of(dir);
  auto versions_dir = open_existing(user, relative);
  if (!versions_dir) return versions_dir.error();
  if (!*versions_dir) return page;
  auto names = list_names((*versions_dir)->get(), relative);
  if (!names) return names.error();
  std::vector<std::string> sorted;
  sorted.reserve(names->size());
  for (auto& name : *names) {
    if (RemotePath::check_name(name)) sorted.push_back(std::move(name));  // skip strays an operator left
  }
  std::sort(sorted.begin(), sorted.end());
  auto first = query.after ? std::upper_bound(sorted.begin(), sorted.end(), *query.after) : sorted.begin();
  const auto available = static_cast<std::size_t>(sorted.end() - first);
  const std::size_t take = std::min(available, query.limit);
  page.names.assign(std::make_move_iterator(first), std::make_move_iterator(first + static_cast<std::ptrdiff_t>(take)));
  if (take < available && !page.names.empty()) page.next = page.names.back();
  return page;
}

Status PartStore::list_entries(std::string_view user, const RemotePath& dir, std::span<const std::string> names,
                               const std::function<void(const protocol::ListRecord&)>& emit) {
  const std::string relative = versions_dir_of(dir);
  auto versions_dir = open_existing(user, relative);
  if (!versions_dir) return versions_dir.error();
  if (!*versions_dir) return {};
  std::vector<std::string> file_names;
  for (const auto& name : names) {
    auto folder = open_dir_beneath((*versions_dir)->get(), name);
    if (!folder) continue;  // removed meanwhile, or not a folder
    auto files = list_names_and_inodes(folder->get(), name);
    if (!files) continue;
    file_names.clear();
    for (const auto& file : *files) file_names.push_back(file.name);
    const std::string entry_key = entry_lock_key(user, relative + "/" + name);
    const auto state = state_of(entry_key, file_names);
    for (const auto& [version, present] : state.versions) {
      for (const int part : present.parts) {
        const std::string file_name = part_file_name(version, part);
        const auto listed = std::find_if(files->begin(), files->end(), [&](const auto& f) { return f.name == file_name; });
        const ino_t inode = listed == files->end() ? 0 : listed->inode;
        const std::string key = entry_key + "/" + file_name;  // as store_parts forgets it
        auto descriptor = headers_.find(key, inode);
        if (!descriptor) {
          auto file = open_file_beneath(folder->get(), file_name, O_RDONLY);
          if (!file) continue;  // superseded meanwhile
          auto read = read_part_descriptor(file->get(), describe(dir.child(name), part, version));
          if (!read) continue;  // a corrupt header is not offered; heal --verify repairs it
          // Kept under the inode of the file read, which may differ from the one listed if the
          // name was placed again in between.
          if (struct stat st {}; ::fstat(file->get(), &st) == 0) headers_.store(key, st.st_ino, *read);
          descriptor = std::move(*read);
        }
        emit(protocol::ListRecord{name, std::move(*descriptor), present.committed});
      }
    }
  }
  return {};
}

Result<SpaceInfo> PartStore::space() const {
  struct statvfs st {};
  if (::fstatvfs(root_.get(), &st) != 0) return Error::from_errno(errno, "statvfs data root");
  return SpaceInfo{static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize,
                   static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize};
}

}  // namespace dfs::server
