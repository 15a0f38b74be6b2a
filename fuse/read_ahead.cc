#include "fuse/read_ahead.h"

#include <algorithm>
#include <cstring>

namespace dfs::fuse {

ReadAhead::~ReadAhead() { drop_pending(); }

void ReadAhead::drop_pending() {
  if (next_ && next_->window.valid()) next_->window.wait();
  next_.reset();
}

Result<ReadAhead::Window> ReadAhead::fetch_window(const Fetch& fetch, std::uint64_t start, std::size_t size) {
  Window window{start, size, std::make_unique_for_overwrite<char[]>(size)};
  auto got = fetch(start, std::span(window.bytes.get(), size));
  if (!got) return got.error();
  window.size = *got;
  return window;
}

bool ReadAhead::holds(std::uint64_t offset, std::size_t length) const {
  return offset >= window_.start && offset + length <= window_.start + window_.size;
}

Result<std::size_t> ReadAhead::read(const VersionId& version, std::uint64_t file_size, std::uint64_t offset,
                                    std::span<char> buffer, const Fetch& fetch) {
  if (offset >= file_size || buffer.empty()) return std::size_t{0};
  const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), file_size - offset));
  std::lock_guard lock(mutex_);
  if (version != version_) {
    drop_pending();
    version_ = version;
    window_ = {};
    next_offset_ = 0;
    window_size_ = kMinWindow;
  }
  // The kernel may send a few reads of one stream at once, slightly out of order: one that lands
  // in the window being fetched, or just past the window, still counts as sequential.
  const bool in_next = next_ && offset >= next_->start && offset + length <= next_->start + next_->size;
  const bool near = window_.size > 0 && offset >= window_.start && offset <= window_.start + window_.size + kMaxWindow;
  const bool sequential = offset == next_offset_ || holds(offset, length) || in_next || near;
  if (!holds(offset, length)) {
    if (!sequential) {
      // Somewhere else: pass it through; a later read that continues from here starts small.
      drop_pending();
      window_size_ = kMinWindow;
      next_offset_ = offset + length;
      return fetch(offset, buffer.first(length));
    }
    // The window fetched in the background, when it starts here; else one fetched now.
    std::optional<Result<Window>> taken;
    if (in_next) {
      taken = next_->window.get();
      next_.reset();
    } else {
      drop_pending();
    }
    if (!taken || !*taken || !((**taken).start <= offset && offset + length <= (**taken).start + (**taken).size)) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(std::max(window_size_, length), file_size - offset));
      taken = fetch_window(fetch, offset, want);
    }
    if (!*taken) {
      window_ = {};
      return taken->error();
    }
    window_ = std::move(**taken);
    window_size_ = std::min(window_size_ * 2, kMaxWindow);
  }
  const auto from = static_cast<std::size_t>(offset - window_.start);
  const std::size_t copied = std::min(length, window_.size - std::min(from, window_.size));
  std::memcpy(buffer.data(), window_.bytes.get() + from, copied);
  next_offset_ = offset + copied;

  // Past half of the window, reading on: fetch the next one meanwhile.
  const std::uint64_t window_end = window_.start + window_.size;
  if (!next_ && window_end < file_size && next_offset_ >= window_.start + window_.size / 2) {
    const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(window_size_, file_size - window_end));
    next_ = Pending{window_end, size, std::async(std::launch::async, [fetch, window_end, size] {
                      return fetch_window(fetch, window_end, size);
                    })};
  }
  return copied;
}

std::size_t ReadAhead::held() const {
  std::lock_guard lock(mutex_);
  return window_.size + (next_ ? next_->size : 0);
}

}  // namespace dfs::fuse
