#include "server/part_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "server/confined_dir.h"
#include "server/part_file_format.h"
#include "server/version_folder.h"

namespace dfs::server {

PartWriter::PartWriter(EntryLocks& locks, std::string entry_key, UniqueFd folder, UniqueFd file,
                       std::string temp_name, protocol::PartDescriptor descriptor, std::vector<UniqueFd> unsynced_dirs)
    : locks_(locks),
      entry_key_(std::move(entry_key)),
      folder_(std::move(folder)),
      file_(std::move(file)),
      temp_name_(std::move(temp_name)),
      descriptor_(std::move(descriptor)),
      unsynced_dirs_(std::move(unsynced_dirs)) {
  block_sums_.reserve(block_count(descriptor_.part_size));
}

PartWriter::~PartWriter() {
  if (kept_ || !folder_.valid()) return;
  const std::string name = placed_ ? part_file_name(descriptor_.version, descriptor_.part) : temp_name_;
  ::unlinkat(folder_.get(), name.c_str(), 0);
}

void PartWriter::hash_into_blocks(const char* data, std::size_t size) {
  while (size > 0) {
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(size, kBlockBytes - block_fill_));
    block_.update(data, take);
    block_fill_ += take;
    data += take;
    size -= take;
    if (block_fill_ == kBlockBytes) {
      block_sums_.push_back(block_.digest());
      block_.reset();
      block_fill_ = 0;
    }
  }
}

void PartWriter::hash(const char* data, std::size_t size) {
  whole_.update(data, size);
  hash_into_blocks(data, size);
}

void PartWriter::advance(std::size_t size) {
  written_ += size;
  // Start writeback as the body arrives, so the part's fsync has little left to wait for.
  if (written_ - flushed_ >= kWritebackBytes) {
    ::sync_file_range(file_.get(), static_cast<off_t>(data_offset(descriptor_.part_size) + flushed_),
                      static_cast<off_t>(written_ - flushed_), SYNC_FILE_RANGE_WRITE);
    flushed_ = written_;
  }
}

Status PartWriter::write_from_pipe(int pipe_fd, std::size_t size) {
  if (size > remaining()) {
    return Error(Errc::invalid_argument, "body is longer than the part size " + std::to_string(descriptor_.part_size));
  }
  const auto start = static_cast<off_t>(data_offset(descriptor_.part_size) + written_);
  off_t at = start;
  for (std::size_t moved = 0; moved < size;) {
    const ssize_t n = ::splice(pipe_fd, nullptr, file_.get(), &at, size - moved, SPLICE_F_MOVE);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno(errno, "write part");
    if (n == 0) return Error(Errc::io_error, "the body's pipe ended early");
    moved += static_cast<std::size_t>(n);
  }
  // The bytes are hashed as the file now holds them, from the page cache they were just put in.
  if (read_back_.empty()) read_back_.resize(1 << 20);
  for (std::size_t done = 0; done < size;) {
    const std::size_t want = std::min(read_back_.size(), size - done);
    const ssize_t n = ::pread(file_.get(), read_back_.data(), want, start + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::from_errno(n < 0 ? errno : EIO, "read back part");
    hash(read_back_.data(), static_cast<std::size_t>(n));
    done += static_cast<std::size_t>(n);
  }
  advance(size);
  return {};
}

Status PartWriter::write(const char* data, std::size_t size) {
  if (size > remaining()) {
    return Error(Errc::invalid_argument, "body is longer than the part size " + std::to_string(descriptor_.part_size));
  }
  hash(data, size);
  const std::uint64_t base = data_offset(descriptor_.part_size) + written_;
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pwrite(file_.get(), data + done, size - done, static_cast<off_t>(base + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(errno, "write part");
    }
    done += static_cast<std::size_t>(n);
  }
  advance(size);
  return {};
}

Status PartWriter::check() const {
  if (written_ != descriptor_.part_size) {
    return Error(Errc::invalid_argument, "body has " + std::to_string(written_) + " bytes, part size is " +
                                             std::to_string(descriptor_.part_size));
  }
  const std::uint64_t actual = whole_.digest();
  if (actual != descriptor_.checksum) {
    return Error(Errc::invalid_argument, "part bytes have XXH3 " + format_checksum(actual) + " but the request declared " +
                                       format_checksum(descriptor_.checksum) + "; nothing was stored");
  }
  return {};
}

Status PartWriter::seal() {
  if (sealed_) return {};
  if (auto st = check(); !st) return st;
  if (block_fill_ > 0) block_sums_.push_back(block_.digest());

  std::string head = encode_part_header(descriptor_);
  head.reserve(kPartHeaderBytes + 8 * block_sums_.size());
  for (const std::uint64_t sum : block_sums_) {
    for (int i = 0; i < 8; ++i) head += static_cast<char>((sum >> (8 * i)) & 0xff);
  }
  for (std::size_t done = 0; done < head.size();) {
    const ssize_t n = ::pwrite(file_.get(), head.data() + done, head.size() - done, static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(errno, "write part header");
    }
    done += static_cast<std::size_t>(n);
  }
  // Writeback of the rest starts now: the parts of one request are written out side by side,
  // and each fsync then waits for less (10-20% of a small part's store here).
  ::sync_file_range(file_.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
  sealed_ = true;
  return {};
}

Status PartWriter::place() {
  if (!sealed_) return Error(Errc::invalid_argument, "place() before seal()");
  const std::string final_name = part_file_name(descriptor_.version, descriptor_.part);
  {
    auto lock = locks_.lock(entry_key_);
    auto names = list_names(folder_.get(), "version folder");
    if (!names) return names.error();
    const auto folder = VersionFolder::from_names(*names);
    if (const VersionId* newest = folder.newest_committed(); newest && descriptor_.version < *newest) {
      return Error(Errc::conflict, "a newer version " + newest->to_string() + " is already committed");
    }
    if (::renameat(folder_.get(), temp_name_.c_str(), folder_.get(), final_name.c_str()) != 0) {
      return Error::from_errno(errno, "rename part into place");
    }
    placed_ = true;
  }
  return {};
}

std::vector<SyncTarget> PartWriter::names(bool folder_too) const {
  std::vector<SyncTarget> targets;
  if (folder_too) targets.push_back({folder_.get(), "version folder"});
  for (const auto& dir : unsynced_dirs_) targets.push_back({dir.get(), "a folder made for the part"});
  return targets;
}

}  // namespace dfs::server
