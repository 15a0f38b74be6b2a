// DfsClient: the namespace operations. Each is a new version of one entry (a tombstone, a
// directory marker, a symlink, a metadata copy), written like any file through VersionWriter,
// so the same rules hold: nothing changes for readers until the commit, the newest version wins.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "client-core/client_state.h"
#include "client-core/dfs_client.h"
#include "common/unique_fd.h"
#include "common/wall_time.h"

namespace dfs::client {
namespace {

// Longest symlink target stored (Linux's PATH_MAX).
constexpr std::size_t kMaxLinkTarget = 4096;

bool is_inside(const RemotePath& path, const RemotePath& folder) {
  return !folder.is_root() && path.str().size() > folder.str().size() && path.str().starts_with(folder.str()) &&
         path.str()[folder.str().size()] == '/';
}

}  // namespace

// A file unnamed in the spool folder (gone when closed), for moving bytes between two names.
Result<UniqueFd> open_spool_file(const ClientConfig& config) {
  std::filesystem::path folder = config.spool_dir;
  if (folder.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    folder = tmp && *tmp ? tmp : "/tmp";
  }
  UniqueFd fd(::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!fd.valid()) return Error::from_errno(errno, "cannot create a spool file in " + folder.string() + " (spool_dir)");
  return fd;
}

Status DfsClient::remove(const RemotePath& path, const RemoveOptions& options) {
  if (path.is_root()) return Error(Errc::is_directory, "the root directory cannot be removed");
  auto entry = options.known ? Result<EntryInfo>(*options.known) : stat(path);
  if (!entry) return entry.error();
  if (entry->is_dir()) return Error(Errc::is_directory, path.display() + " is a directory; use rmdir");
  auto written = impl_->write_marker(path, protocol::EntryKind::tombstone, entry->attributes.mode, {},
                                     options.commit_durability);
  if (!written) return written.error();
  return {};
}

Status DfsClient::mkdir(const RemotePath& path, std::uint32_t mode, bool parents, const Owner& owner) {
  if (path.is_root()) return Error(Errc::already_exists, "the root directory always exists");
  auto entry = stat(path);
  if (entry) {
    if (parents && entry->is_dir()) return {};
    if (parents) return Error(Errc::not_directory, path.display() + " is a file, not a directory");
    return Error(Errc::already_exists, path.display() + " already exists");
  }
  if (entry.error().code() != Errc::not_found) return entry.error();
  if (parents && !path.parent().is_root()) {
    if (auto st = mkdir(path.parent(), 0755, true, owner); !st) return st;
  } else if (auto st = impl_->check_parent(path); !st) {
    return st;
  }
  auto written = impl_->write_marker(path, protocol::EntryKind::dir, mode & 07777, owner);
  if (!written) return written.error();
  return {};
}

Status DfsClient::rmdir(const RemotePath& path) {
  if (path.is_root()) return Error(Errc::invalid_argument, "the root directory cannot be removed");
  auto entry = stat(path);
  if (!entry) return entry.error();
  if (!entry->is_dir()) return Error(Errc::not_directory, path.display() + " is not a directory; use rm");
  auto children = list(path);
  if (!children) return children.error();
  if (!children->entries.empty()) {
    const auto count = children->entries.size();
    return Error(Errc::not_empty, "directory " + path.display() + " is not empty (" + std::to_string(count) +
                                      (count == 1 ? " entry" : " entries") + "); remove them first");
  }
  auto written = impl_->write_marker(path, protocol::EntryKind::tombstone, entry->attributes.mode);
  if (!written) return written.error();
  return {};
}

Status DfsClient::rename(const RemotePath& from, const RemotePath& to, RenameMode mode,
                         const std::optional<KnownBytes>& known) {
  if (from.is_root() || to.is_root()) return Error(Errc::invalid_argument, "the root directory cannot be renamed");
  if (from == to) return {};
  if (is_inside(to, from)) {
    return Error(Errc::invalid_argument, "cannot move " + from.display() + " into itself (" + to.display() + ")");
  }
  auto source = stat(from);
  if (!source) return source.error();
  auto target = stat(to);
  if (target) {
    if (mode == RenameMode::no_replace) return Error(Errc::already_exists, to.display() + " already exists");
    if (!source->is_dir() && target->is_dir()) return Error(Errc::is_directory, to.display() + " is a directory");
    if (source->is_dir() && !target->is_dir()) return Error(Errc::not_directory, to.display() + " is not a directory");
  } else if (target.error().code() != Errc::not_found) {
    return target.error();
  }
  if (auto st = impl_->check_parent(to); !st) return st;

  if (source->is_dir()) {
    // A directory moves entry by entry: marker at the new name, each child moved, then the old
    // marker tombstoned once it is empty.
    auto children = list(from);
    if (!children) return children.error();
    if (target) {
      auto occupied = list(to);
      if (!occupied) return occupied.error();
      if (!occupied->entries.empty()) return Error(Errc::not_empty, "directory " + to.display() + " is not empty");
    } else {
      auto marker = impl_->write_version(to, source->attributes, ByteSource::from_memory({}));
      if (!marker) return marker.error();
    }
    for (const auto& child : children->entries) {
      if (auto st = rename(from.child(child.name), to.child(child.name), RenameMode::replace); !st) return st;
    }
    return rmdir(from);
  }

  // A file or symlink: its bytes are written under the new name (the placement differs, so the
  // servers cannot copy them): the caller's copy when it has the newest one, else read back
  // through an unnamed spool file so memory stays bounded.
  const std::uint64_t size = source->attributes.size;
  Result<EntryInfo> written = Error(Errc::io_error, "not written");
  if (known && known->version == source->version && known->bytes.size == size) {
    written = impl_->write_version(to, source->attributes, known->bytes);
  } else {
    if (!source->complete()) {
      return Error(Errc::incomplete, "cannot move " + from.display() + ": " + source->missing_text());
    }
    if (impl_->config.spool_limit_bytes != 0 && size > impl_->config.spool_limit_bytes) {
      return Error(Errc::too_large, "cannot move " + from.display() + ": its " + std::to_string(size) +
                                        " bytes exceed spool_limit_mb");
    }
    auto spool = open_spool_file(impl_->config);
    if (!spool) return spool.error();
    const int fd = spool->get();
    auto copied = impl_->reader.read(from, *source, 0, size, [fd](std::uint64_t offset, std::string_view bytes) {
      return write_all_at(fd, offset, bytes, "the spool file");
    });
    if (!copied) return copied.error();
    written = impl_->write_version(to, source->attributes, ByteSource::from_fd(fd, size));
  }
  if (!written) return written.error();
  auto removed = impl_->write_marker(from, protocol::EntryKind::tombstone, source->attributes.mode);
  if (!removed) {
    return Error(removed.error().code(), "copied " + from.display() + " to " + to.display() +
                                             " but could not remove the old name: " + removed.error().message());
  }
  return {};
}

Result<EntryInfo> DfsClient::set_attributes(const RemotePath& path, const AttributeChange& change) {
  if (path.is_root()) return Error(Errc::invalid_argument, "the root directory's attributes are fixed");
  // Two tries: when a newer version is committed meanwhile, the change applies to that one.
  Result<EntryInfo> written = Error(Errc::conflict, "");
  for (int attempt = 0; attempt < 2 && !written && written.error().code() == Errc::conflict; ++attempt) {
    auto entry = stat(path);
    if (!entry) return entry.error();
    protocol::EntryAttributes attributes = entry->attributes;
    if (change.mode) attributes.mode = *change.mode & 07777;
    if (change.uid) attributes.uid = *change.uid;
    if (change.gid) attributes.gid = *change.gid;
    if (change.mtime_ns) attributes.mtime_ns = *change.mtime_ns;
    if (entry->is_dir()) return impl_->write_version(path, attributes, ByteSource::from_memory({}));
    if (!entry->complete()) {
      return Error(Errc::incomplete, "cannot change " + path.display() + ": " + entry->missing_text());
    }
    written = impl_->writer.write_copy(path, *entry, impl_->next_version(), attributes);
  }
  return written;
}

Status DfsClient::symlink(const RemotePath& link, std::string_view target, const Owner& owner) {
  if (target.empty() || target.size() > kMaxLinkTarget || target.find('\0') != std::string_view::npos) {
    return Error(Errc::invalid_argument, "a symlink target must be 1 to 4096 bytes without NUL");
  }
  if (link.is_root()) return Error(Errc::already_exists, "the root directory already exists");
  auto existing = stat(link);
  if (existing) return Error(Errc::already_exists, link.display() + " already exists");
  if (existing.error().code() != Errc::not_found) return existing.error();
  protocol::EntryAttributes attributes;
  attributes.kind = protocol::EntryKind::symlink;
  attributes.size = target.size();
  attributes.mode = 0777;
  attributes.uid = owner.uid;
  attributes.gid = owner.gid;
  attributes.mtime_ns = wall_clock_ns();
  auto written = impl_->write_version(link, attributes, ByteSource::from_memory(target));
  if (!written) return written.error();
  return {};
}

Result<std::string> DfsClient::readlink(const RemotePath& link) {
  auto entry = stat(link);
  if (!entry) return entry.error();
  if (entry->attributes.kind != protocol::EntryKind::symlink) {
    return Error(Errc::invalid_argument, link.display() + " is not a symbolic link");
  }
  if (entry->attributes.size > kMaxLinkTarget) {
    return Error(Errc::corruption, link.display() + " has a " + std::to_string(entry->attributes.size) +
                                       "-byte target, over the 4096 a symlink may have");
  }
  std::string target(static_cast<std::size_t>(entry->attributes.size), '\0');
  auto st = impl_->reader.read(link, *entry, 0, target.size(), [&](std::uint64_t offset, std::string_view bytes) -> Status {
    std::memcpy(target.data() + offset, bytes.data(), bytes.size());
    return {};
  });
  if (!st) return st.error();
  return target;
}

}  // namespace dfs::client
