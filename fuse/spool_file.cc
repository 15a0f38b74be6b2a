#include "fuse/spool_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

namespace dfs::fuse {

bool SpoolBudget::reserve(std::uint64_t bytes) {
  if (try_reserve(bytes)) return true;
  if (!reclaim_) return false;
  reclaim_();
  return try_reserve(bytes);
}

bool SpoolBudget::try_reserve(std::uint64_t bytes) {
  std::uint64_t used = used_.load();
  do {
    if (limit_ != 0 && used + bytes > limit_) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes));
  return true;
}

void SpoolBudget::release(std::uint64_t bytes) { used_.fetch_sub(bytes); }

bool SpoolBudget::reserve_memory(std::uint64_t bytes) {
  std::uint64_t held = in_memory_.load();
  do {
    if (held + bytes > kMemoryTotalBytes) return false;
  } while (!in_memory_.compare_exchange_weak(held, held + bytes));
  return true;
}

Result<SpoolFile> SpoolFile::create(const std::filesystem::path& dir, SpoolBudget& budget) {
  std::filesystem::path where = dir;
  if (where.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    where = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  }
  return SpoolFile(std::move(where), budget);
}

Status SpoolFile::move_to_file() {
  int fd = ::open(dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
    // A file system without O_TMPFILE: a named file, unlinked at once.
    std::string name = (dir_ / "dfs-fuse-spool-XXXXXX").string();
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(name.c_str());
  }
  if (fd < 0) return Error::from_errno(errno, "spool file in " + dir_.string());
  UniqueFd file(fd);
  for (std::size_t done = 0; done < memory_.size();) {
    const ssize_t n = ::pwrite(file.get(), memory_.data() + done, memory_.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::from_errno(n < 0 ? errno : EIO, "write to the spool file in " + dir_.string());
    done += static_cast<std::size_t>(n);
  }
  budget_->release_memory(memory_.size());
  std::string().swap(memory_);
  fd_ = std::move(file);
  return {};
}

bool SpoolFile::fits_in_memory(std::uint64_t size) {
  if (fd_.valid() || size > kMemoryBytes) return false;
  if (size > memory_.size() && !budget_->reserve_memory(size - memory_.size())) return false;
  if (size < memory_.size()) budget_->release_memory(memory_.size() - size);
  memory_.resize(static_cast<std::size_t>(size));  // a gap reads as zeros, as in a sparse file
  return true;
}

client::ByteSource SpoolFile::bytes() const {
  if (fd_.valid()) return client::ByteSource::from_fd(fd_.get(), size_);
  return client::ByteSource::from_memory(std::string_view(memory_.data(), static_cast<std::size_t>(size_)));
}

SpoolFile::SpoolFile(SpoolFile&& other) noexcept
    : dir_(std::move(other.dir_)),
      memory_(std::move(other.memory_)),
      fd_(std::move(other.fd_)),
      budget_(other.budget_),
      size_(std::exchange(other.size_, 0)) {
  other.memory_.clear();
}

SpoolFile& SpoolFile::operator=(SpoolFile&& other) noexcept {
  if (this != &other) {
    discard();
    dir_ = std::move(other.dir_);
    memory_ = std::move(other.memory_);
    other.memory_.clear();
    fd_ = std::move(other.fd_);
    budget_ = other.budget_;
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SpoolFile::~SpoolFile() { discard(); }

void SpoolFile::discard() {
  if (budget_ != nullptr) {
    budget_->release(size_);
    budget_->release_memory(memory_.size());
  }
  memory_.clear();
  size_ = 0;
  // Emptied before the close: a file that was ever truncated to 0 bytes (every spool of an
  // O_TRUNC open) is written back by ext4 when it is closed (auto_da_alloc), and its removal
  // then waits for that. For a 1 GiB spool that was a second of close() spent writing to the
  // disk bytes about to be freed; a truncate frees the pages without writing them.
  if (fd_.valid()) (void)::ftruncate(fd_.get(), 0);
}

Status SpoolFile::grow_to(std::uint64_t size) {
  if (size <= size_) return {};
  if (!budget_->reserve(size - size_)) {
    return Error(Errc::no_space, "the spool directory's cap (spool_limit_mb) is reached");
  }
  size_ = size;
  return {};
}

Status SpoolFile::write(std::uint64_t offset, const char* data, std::size_t length) {
  fuse_bufvec from = FUSE_BUFVEC_INIT(length);
  from.buf[0].mem = const_cast<char*>(data);  // only read: fuse_buf_copy's source
  return write(offset, from);
}

Status SpoolFile::write(std::uint64_t offset, fuse_bufvec& data) {
  const std::uint64_t old_size = size_;
  const std::size_t length = fuse_buf_size(&data);
  const std::uint64_t end = std::max(size_, offset + length);
  if (Status grown = grow_to(end); !grown) return grown;
  fuse_bufvec into = FUSE_BUFVEC_INIT(length);
  if (fits_in_memory(end)) {
    into.buf[0].mem = memory_.data() + offset;
  } else {
    if (!fd_.valid()) {
      if (Status moved = move_to_file(); !moved) {
        (void)resize(old_size);
        return moved;
      }
    }
    into.buf[0].flags = static_cast<fuse_buf_flags>(FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);
    into.buf[0].fd = fd_.get();
    into.buf[0].pos = static_cast<off_t>(offset);
  }
  const ssize_t copied = fuse_buf_copy(&into, &data, static_cast<fuse_buf_copy_flags>(0));
  if (copied < 0 || static_cast<std::size_t>(copied) != length) {
    const int saved = copied < 0 ? static_cast<int>(-copied) : EIO;
    (void)resize(old_size);
    return Error::from_errno(saved, "write to the spool file");
  }
  return {};
}

Result<std::size_t> SpoolFile::read(std::uint64_t offset, char* data, std::size_t length) const {
  if (!fd_.valid()) {
    if (offset >= size_) return std::size_t{0};
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(length, size_ - offset));
    std::memcpy(data, memory_.data() + offset, take);
    return take;
  }
  std::size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd_.get(), data + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno(errno, "read from the spool file");
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

Status SpoolFile::resize(std::uint64_t size) {
  if (size > size_) {
    if (Status grown = grow_to(size); !grown) return grown;
  } else {
    budget_->release(size_ - size);
    size_ = size;
  }
  if (fits_in_memory(size)) return {};
  if (!fd_.valid()) {
    if (Status moved = move_to_file(); !moved) return moved;
  }
  if (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) {
    return Error::from_errno(errno, "truncate the spool file");
  }
  return {};
}

}  // namespace dfs::fuse
