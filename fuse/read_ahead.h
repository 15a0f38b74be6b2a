// Read-ahead for one descriptor: a read that continues where the previous one ended fetches a
// window of several MiB in one go, and the reads after it are answered from memory. The kernel
// asks in 128 KiB steps (its read-ahead for a FUSE mount); one ranged GET per step spent more
// time on the request than on the bytes, a cold read ran at 0.4x the disk.
//
// The window doubles from 1 MiB up to kMaxWindow while reads stay sequential; a read elsewhere
// is passed through as it is and shrinks the window again. The window belongs to one version:
// reads of another (the file changed, or the descriptor was re-pinned) start afresh.
// Thread-safe: the kernel may send several reads of one descriptor at once; the ones waiting
// while the window is fetched are then answered from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "common/error.h"
#include "common/version_id.h"

namespace dfs::fuse {

class ReadAhead {
 public:
  static constexpr std::size_t kMinWindow = 1 << 20;
  static constexpr std::size_t kMaxWindow = 8 << 20;

  // Fills `into` with bytes from `offset` of the version's file (fewer only at its end).
  using Fetch = std::function<Result<std::size_t>(std::uint64_t offset, std::span<char> into)>;

  // Bytes [offset, offset + buffer.size()) of `version`, a file of `file_size` bytes.
  Result<std::size_t> read(const VersionId& version, std::uint64_t file_size, std::uint64_t offset,
                           std::span<char> buffer, const Fetch& fetch);

  // Bytes held now (for tests and the memory bound: at most kMaxWindow).
  std::size_t held() const;

 private:
  bool holds(const VersionId& version, std::uint64_t offset, std::size_t length) const;

  mutable std::mutex mutex_;
  VersionId version_;
  std::uint64_t start_ = 0;      // file offset of window_[0]
  std::vector<char> window_;     // the bytes fetched last
  std::uint64_t next_ = 0;       // where a sequential read would continue
  std::size_t window_size_ = kMinWindow;
};

}  // namespace dfs::fuse
