// Read-ahead for one descriptor: a read that continues where the previous one ended fetches a
// window of several MiB in one go, and the reads after it are answered from memory. The kernel
// asks in steps of at most 1 MiB; one ranged GET per step spent more time on the request than
// on the bytes, a cold read ran at 0.4x the disk.
//
// The window doubles from 1 MiB up to kMaxWindow while reads stay sequential, and the next
// window is fetched in the background (from the second window on as soon as it is entered, in
// the first once half of it has been read), so the servers' disks and the reader work at the
// same time (without it a cold read left a third of the CPU idle). A read
// elsewhere is passed through as it is and shrinks the window again. The windows belong to one
// version: reads of another (the file changed, or the descriptor was re-pinned) start afresh.
// A window is held in blocks of kBlockBytes from its start, in memory from malloc(3). The kernel
// reads a stream in 1 MiB requests at 1 MiB steps, so each read is one whole block, and the
// block itself becomes the answer that libfuse sends and frees: no copy of the file's bytes in
// this process (copying them out cost a fifth of dfs-fuse's CPU on a cold read). A read that
// is not one whole block gets a copy.
// Thread-safe: the kernel may send several reads of one descriptor at once; the ones waiting
// while a window is fetched are then answered from it. Memory: two windows at most.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "common/error.h"
#include "common/version_id.h"

namespace dfs::fuse {

// Memory from malloc(3), given back with free(3): how libfuse's read_buf takes over an answer.
struct FreeBytes {
  void operator()(char* bytes) const noexcept { std::free(bytes); }
};
using HeapBytes = std::unique_ptr<char[], FreeBytes>;

// The answer to one read: `size` bytes at `bytes` (null when size is 0).
struct ReadBytes {
  HeapBytes bytes;
  std::size_t size = 0;
};

class ReadAhead {
 public:
  static constexpr std::size_t kMinWindow = 1 << 20;
  static constexpr std::size_t kMaxWindow = 8 << 20;
  // The kernel's read size on the mount (its max_read): a read of this many bytes at a block's
  // start takes the block over.
  static constexpr std::size_t kBlockBytes = 1 << 20;

  // Fills `into`, buffers that follow each other, with bytes from `offset` of the version's file
  // (fewer only at its end). It may run on another thread after read() returned, so it must own
  // what it uses (no references to the caller's stack).
  using Fetch = std::function<Result<std::size_t>(std::uint64_t offset, std::span<const std::span<char>> into)>;

  ReadAhead() = default;
  ~ReadAhead();  // waits for a background fetch
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // Bytes [offset, offset + length) of `version`, a file of `file_size` bytes (fewer at its end).
  Result<ReadBytes> read(const VersionId& version, std::uint64_t file_size, std::uint64_t offset, std::size_t length,
                         const Fetch& fetch);

  // Bytes held now (for tests and the memory bound: at most 2 * kMaxWindow).
  std::size_t held() const;

 private:
  struct Window {
    std::uint64_t start = 0;  // file offset of the first block's first byte
    std::size_t size = 0;
    std::vector<HeapBytes> blocks;  // kBlockBytes each, the last one maybe fewer; null once taken

    std::size_t block_size(std::size_t index) const { return std::min(kBlockBytes, size - index * kBlockBytes); }
    // Whether [offset, offset + length) lies inside and none of its blocks was taken.
    bool holds(std::uint64_t offset, std::size_t length) const;
    std::size_t held() const;
    // The bytes of [offset, offset + length), which holds(): the block itself when they are one
    // whole block, else a copy.
    ReadBytes take(std::uint64_t offset, std::size_t length);
  };
  struct Pending {
    std::uint64_t start = 0;
    std::size_t size = 0;
    std::future<Result<Window>> window;
  };
  static Result<Window> fetch_window(const Fetch& fetch, std::uint64_t start, std::size_t size);
  void drop_pending();  // waits for it: its fetch may still use the caller's client

  mutable std::mutex mutex_;
  VersionId version_;
  Window window_;
  std::optional<Pending> next_;  // the window after window_, being fetched
  std::uint64_t next_offset_ = 0;  // where a sequential read would continue
  std::size_t window_size_ = kMinWindow;
};

// `size` bytes from malloc(3); throws std::bad_alloc when there are none, as new does.
HeapBytes allocate_bytes(std::size_t size);

}  // namespace dfs::fuse
