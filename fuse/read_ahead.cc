#include "fuse/read_ahead.h"

#include <cstring>
#include <new>

namespace dfs::fuse {

HeapBytes allocate_bytes(std::size_t size) {
  if (size == 0) return nullptr;
  HeapBytes bytes(static_cast<char*>(std::malloc(size)));
  if (!bytes) throw std::bad_alloc();
  return bytes;
}

bool ReadAhead::Window::holds(std::uint64_t offset, std::size_t length) const {
  if (offset < start || offset + length > start + size) return false;
  if (length == 0) return true;
  const auto first = static_cast<std::size_t>((offset - start) / kBlockBytes);
  const auto last = static_cast<std::size_t>((offset - start + length - 1) / kBlockBytes);
  for (std::size_t i = first; i <= last; ++i) {
    if (!blocks[i]) return false;
  }
  return true;
}

std::size_t ReadAhead::Window::held() const {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < blocks.size() && i * kBlockBytes < size; ++i) {
    if (blocks[i]) bytes += block_size(i);
  }
  return bytes;
}

ReadBytes ReadAhead::Window::take(std::uint64_t offset, std::size_t length) {
  const auto from = static_cast<std::size_t>(offset - start);
  const std::size_t index = from / kBlockBytes;
  if (from % kBlockBytes == 0 && length == block_size(index)) return {std::move(blocks[index]), length};
  ReadBytes copy{allocate_bytes(length), length};
  for (std::size_t done = 0; done < length;) {
    const std::size_t at = from + done;
    const std::size_t n = std::min(length - done, kBlockBytes - at % kBlockBytes);
    std::memcpy(copy.bytes.get() + done, blocks[at / kBlockBytes].get() + at % kBlockBytes, n);
    done += n;
  }
  return copy;
}

ReadAhead::~ReadAhead() { drop_pending(); }

void ReadAhead::drop_pending() {
  if (next_ && next_->window.valid()) next_->window.wait();
  next_.reset();
}

Result<ReadAhead::Window> ReadAhead::fetch_window(const Fetch& fetch, std::uint64_t start, std::size_t size) {
  Window window{start, size, {}};
  std::vector<std::span<char>> into;
  for (std::size_t at = 0; at < size; at += kBlockBytes) {
    const std::size_t n = std::min(kBlockBytes, size - at);
    window.blocks.push_back(allocate_bytes(n));
    into.emplace_back(window.blocks.back().get(), n);
  }
  auto got = fetch(start, into);
  if (!got) return got.error();
  window.size = *got;
  return window;
}

Result<ReadBytes> ReadAhead::read(const VersionId& version, std::uint64_t file_size, std::uint64_t offset,
                                  std::size_t length, const Fetch& fetch) {
  if (offset >= file_size || length == 0) return ReadBytes{};
  length = static_cast<std::size_t>(std::min<std::uint64_t>(length, file_size - offset));
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
  const bool held = window_.holds(offset, length);
  const bool sequential = offset == next_offset_ || held || in_next || near;
  if (!held) {
    if (!sequential) {
      // Somewhere else: pass it through; a later read that continues from here starts small.
      drop_pending();
      window_size_ = kMinWindow;
      next_offset_ = offset + length;
      ReadBytes answer{allocate_bytes(length), length};
      const std::span<char> into[] = {std::span(answer.bytes.get(), length)};
      auto got = fetch(offset, into);
      if (!got) return got.error();
      answer.size = *got;
      return answer;
    }
    // The window fetched in the background, when it starts here; else one fetched now.
    std::optional<Result<Window>> taken;
    if (in_next) {
      taken = next_->window.get();
      next_.reset();
    } else {
      drop_pending();
    }
    if (!taken || !*taken || !(**taken).holds(offset, length)) {
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
  // A fetch may return fewer bytes than asked only at the file's end (which moved if the file
  // shrank meanwhile): answer with what there is.
  const std::size_t available = static_cast<std::size_t>(
      std::min<std::uint64_t>(length, window_.start + window_.size - std::min(offset, window_.start + window_.size)));
  ReadBytes answer = available > 0 ? window_.take(offset, available) : ReadBytes{};
  next_offset_ = offset + answer.size;

  // Reading on: fetch the next window meanwhile. From the second window on, at once, so that it
  // is there when this one ends (fetched past half of the window, it often was not: a cold read
  // ran 8 % slower); in the first, once half of it was read, so that a program reading only a
  // file's head does not fetch more.
  const std::uint64_t window_end = window_.start + window_.size;
  const std::uint64_t fetch_next_at = window_.size > kMinWindow ? window_.start : window_.start + window_.size / 2;
  if (!next_ && window_end < file_size && next_offset_ >= fetch_next_at) {
    const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(window_size_, file_size - window_end));
    next_ = Pending{window_end, size, std::async(std::launch::async, [fetch, window_end, size] {
                      return fetch_window(fetch, window_end, size);
                    })};
  }
  return answer;
}

std::size_t ReadAhead::held() const {
  std::lock_guard lock(mutex_);
  return window_.held() + (next_ ? next_->size : 0);
}

}  // namespace dfs::fuse
