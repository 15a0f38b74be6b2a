#include "server/part_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "server/part_file_format.h"

namespace dfs::server {

PartWriter::PartWriter(std::string entry_key, std::shared_ptr<const UniqueFd> folder, UniqueFd file,
                       std::string temp_name, protocol::PartDescriptor descriptor, std::vector<UniqueFd> unsynced_dirs)
    : entry_key_(std::move(entry_key)),
      folder_(std::move(folder)),
      file_(std::move(file)),
      temp_name_(std::move(temp_name)),
      descriptor_(std::move(descriptor)),
      unsynced_dirs_(std::move(unsynced_dirs)) {
  block_sums_.reserve(block_count(descriptor_.part_size));
  if (descriptor_.part_size >= kStagingBytes) {
    // Not every filesystem allows O_DIRECT (EINVAL): then the page cache takes the bytes.
    const int fd = ::openat(folder_->get(), temp_name_.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
    if (fd >= 0) direct_ = UniqueFd(fd);
  }
}

PartWriter::~PartWriter() {
  if (kept_ || !folder_ || !folder_->valid()) return;
  const std::string name = placed_ ? part_file_name(descriptor_.version, descriptor_.part) : temp_name_;
  ::unlinkat(folder_->get(), name.c_str(), 0);
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

void PartWriter::advance() {
  // Start writeback as the body arrives, so the part's fsync has little left to wait for.
  if (!direct() && accepted_ - flushed_ >= kWritebackBytes) {
    ::sync_file_range(file_.get(), static_cast<off_t>(data_offset(descriptor_.part_size) + flushed_),
                      static_cast<off_t>(accepted_ - flushed_), SYNC_FILE_RANGE_WRITE);
    flushed_ = accepted_;
  }
}

int PartWriter::write_at(int fd, const char* data, std::size_t size, std::uint64_t at) {
  const std::uint64_t base = data_offset(descriptor_.part_size) + at;
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(base + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

std::span<char> PartWriter::receive_space() {
  if (!staging_) {
    // Direct writers stage 1 MiB at a time; the others only pass bytes through.
    staging_bytes_ = static_cast<std::size_t>(std::min<std::uint64_t>(kStagingBytes, descriptor_.part_size));
    const std::size_t rounded = (staging_bytes_ + kDirectAlign - 1) / kDirectAlign * kDirectAlign;
    staging_.reset(static_cast<char*>(std::aligned_alloc(kDirectAlign, std::max(rounded, kDirectAlign))));
    if (!staging_) throw std::bad_alloc();
  }
  const auto room = std::min<std::uint64_t>(staging_bytes_ - staged_, remaining());
  return {staging_.get() + staged_, static_cast<std::size_t>(room)};
}

Status PartWriter::received(std::size_t size) {
  if (size > remaining() || staged_ + size > staging_bytes_) {
    return Error(Errc::invalid_argument, "body is longer than the part size " + std::to_string(descriptor_.part_size));
  }
  hash(staging_.get() + staged_, size);
  staged_ += size;
  accepted_ += size;
  if (!direct() || staged_ == staging_bytes_) return write_staged();
  return {};
}

Status PartWriter::write_staged() {
  const std::uint64_t at = accepted_ - staged_;
  std::size_t whole = direct() ? staged_ / kDirectAlign * kDirectAlign : 0;
  if (whole > 0) {
    if (const int err = write_at(direct_.get(), staging_.get(), whole, at); err != 0) {
      // Alignment refused (a device with blocks over 4 KiB): the page cache takes the rest.
      if (err != EINVAL) return Error::from_errno(err, "write part");
      direct_ = UniqueFd();
      whole = 0;
    }
  }
  if (whole < staged_) {
    if (const int err = write_at(file_.get(), staging_.get() + whole, staged_ - whole, at + whole); err != 0) {
      return Error::from_errno(err, "write part");
    }
    advance();
  }
  staged_ = 0;
  return {};
}

Status PartWriter::write(const char* data, std::size_t size) {
  if (size > remaining()) {
    return Error(Errc::invalid_argument, "body is longer than the part size " + std::to_string(descriptor_.part_size));
  }
  if (direct()) {
    while (size > 0) {
      const auto space = receive_space();
      const std::size_t take = std::min(space.size(), size);
      std::memcpy(space.data(), data, take);
      if (auto st = received(take); !st) return st;
      data += take;
      size -= take;
    }
    return {};
  }
  hash(data, size);
  if (const int err = write_at(file_.get(), data, size, accepted_); err != 0) {
    return Error::from_errno(err, "write part");
  }
  accepted_ += size;
  advance();
  return {};
}

Status PartWriter::check() const {
  if (accepted_ != descriptor_.part_size) {
    return Error(Errc::invalid_argument, "body has " + std::to_string(accepted_) + " bytes, part size is " +
                                             std::to_string(descriptor_.part_size));
  }
  const std::uint64_t actual = whole_.digest();
  if (actual != descriptor_.checksum) {
    return Error(Errc::invalid_argument, "part bytes have XXH3 " + format_checksum(actual) + " but the request declared " +
                                       format_checksum(descriptor_.checksum) + "; nothing was stored");
  }
  return {};
}

Status PartWriter::seal(bool start_writeback) {
  if (sealed_) return {};
  if (auto st = check(); !st) return st;
  if (auto st = write_staged(); !st) return st;
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
  if (start_writeback) ::sync_file_range(file_.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
  sealed_ = true;
  return {};
}

Status PartWriter::place() {
  if (!sealed_) return Error(Errc::invalid_argument, "place() before seal()");
  const std::string final_name = part_file_name(descriptor_.version, descriptor_.part);
  if (::renameat(folder_->get(), temp_name_.c_str(), folder_->get(), final_name.c_str()) != 0) {
    return Error::from_errno(errno, "rename part into place");
  }
  placed_ = true;
  return {};
}

std::vector<SyncTarget> PartWriter::names(bool folder_too) const {
  std::vector<SyncTarget> targets;
  if (folder_too) targets.push_back({folder_->get(), "version folder"});
  for (const auto& dir : unsynced_dirs_) targets.push_back({dir.get(), "a folder made for the part"});
  return targets;
}

std::vector<UniqueFd> PartWriter::hand_over_unsynced() {
  std::vector<UniqueFd> fds;
  fds.push_back(std::move(file_));
  for (auto& dir : unsynced_dirs_) fds.push_back(std::move(dir));
  unsynced_dirs_.clear();
  direct_ = UniqueFd();
  return fds;
}

}  // namespace dfs::server
