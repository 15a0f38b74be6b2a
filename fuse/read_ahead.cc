#include "fuse/read_ahead.h"

#include <algorithm>
#include <cstring>

namespace dfs::fuse {

bool ReadAhead::holds(const VersionId& version, std::uint64_t offset, std::size_t length) const {
  return version == version_ && offset >= start_ && offset + length <= start_ + window_.size();
}

Result<std::size_t> ReadAhead::read(const VersionId& version, std::uint64_t file_size, std::uint64_t offset,
                                    std::span<char> buffer, const Fetch& fetch) {
  if (offset >= file_size || buffer.empty()) return std::size_t{0};
  const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), file_size - offset));
  std::lock_guard lock(mutex_);
  if (version != version_) {
    version_ = version;
    window_.clear();
    next_ = 0;
    window_size_ = kMinWindow;
  }
  const bool sequential = offset == next_ || holds(version, offset, length);
  if (!holds(version, offset, length)) {
    if (!sequential) {
      // Somewhere else: pass it through; a later read that continues from here starts small.
      window_size_ = kMinWindow;
      next_ = offset + length;
      return fetch(offset, buffer.first(length));
    }
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(std::max(window_size_, length), file_size - offset));
    window_.resize(want);
    start_ = offset;
    auto got = fetch(offset, std::span(window_));
    if (!got) {
      window_.clear();
      return got.error();
    }
    window_.resize(*got);
    window_size_ = std::min(window_size_ * 2, kMaxWindow);
  }
  const std::size_t from = static_cast<std::size_t>(offset - start_);
  const std::size_t copied = std::min(length, window_.size() - std::min(from, window_.size()));
  std::memcpy(buffer.data(), window_.data() + from, copied);
  next_ = offset + copied;
  return copied;
}

std::size_t ReadAhead::held() const {
  std::lock_guard lock(mutex_);
  return window_.size();
}

}  // namespace dfs::fuse
