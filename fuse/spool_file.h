// The local copy of a file being written through the mount. It starts in memory, and moves to
// an unnamed file (O_TMPFILE) in the spool directory once it grows past kMemoryBytes or the
// mount's spools already hold kMemoryTotalBytes in memory: a small file's spool on disk cost a
// file created and freed, and its pages written and read, for each file a `cp` wrote (inode
// allocation alone was a tenth of the servers' CPU on the test VM). The file is unnamed, so
// nothing is left behind when dfs-fuse dies. Every byte a spool holds is charged to the
// mount's SpoolBudget; a write past the configured cap is no_space (ENOSPC), the answer a full
// local disk would give.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <fuse.h>

#include "client-core/dfs_client.h"
#include "common/error.h"
#include "common/unique_fd.h"

namespace dfs::fuse {

class SpoolBudget {
 public:
  explicit SpoolBudget(std::uint64_t limit_bytes) : limit_(limit_bytes) {}  // 0: no limit
  // Called once when a reservation does not fit, before it is refused: frees what is only kept
  // for later (OpenFiles' spools of closed files). Set before any spool is made.
  void on_full(std::function<void()> reclaim) { reclaim_ = std::move(reclaim); }
  bool reserve(std::uint64_t bytes);
  void release(std::uint64_t bytes);
  std::uint64_t used() const { return used_.load(); }
  std::uint64_t limit() const { return limit_; }
  // Room for bytes of spools held in memory (within `used`), up to kMemoryTotalBytes.
  bool reserve_memory(std::uint64_t bytes);
  void release_memory(std::uint64_t bytes) { in_memory_.fetch_sub(bytes); }
  static constexpr std::uint64_t kMemoryTotalBytes = 16 << 20;

 private:
  bool try_reserve(std::uint64_t bytes);

  std::uint64_t limit_;
  std::atomic<std::uint64_t> used_{0};
  std::atomic<std::uint64_t> in_memory_{0};
  std::function<void()> reclaim_;
};

class SpoolFile {
 public:
  // The largest spool held in memory: a file the client writes in one request per server.
  static constexpr std::uint64_t kMemoryBytes = 256 << 10;

  // An empty spool, whose file (once it needs one) goes in `dir` ($TMPDIR or /tmp when empty).
  static Result<SpoolFile> create(const std::filesystem::path& dir, SpoolBudget& budget);

  SpoolFile(SpoolFile&& other) noexcept;
  SpoolFile& operator=(SpoolFile&& other) noexcept;
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  ~SpoolFile();

  std::uint64_t size() const { return size_; }
  // The bytes, for an upload: valid until the spool changes.
  client::ByteSource bytes() const;
  bool in_memory() const { return !fd_.valid(); }

  // The bytes of `data` (memory, or a pipe libfuse spliced a request into) at `offset`; the
  // spool keeps its old size when they do not all arrive.
  Status write(std::uint64_t offset, const char* data, std::size_t length);
  Status write(std::uint64_t offset, fuse_bufvec& data);
  Result<std::size_t> read(std::uint64_t offset, char* data, std::size_t length) const;
  Status resize(std::uint64_t size);

 private:
  SpoolFile(std::filesystem::path dir, SpoolBudget& budget) : dir_(std::move(dir)), budget_(&budget) {}
  Status grow_to(std::uint64_t size);  // charges the budget for the bytes past size_
  // Whether the spool can stay in memory at `size` bytes (reserving the memory if so).
  bool fits_in_memory(std::uint64_t size);
  // Moves the bytes held in memory to a new file in dir_.
  Status move_to_file();
  // Gives the bytes back to the budget and frees the file's pages without writing them out.
  void discard();

  std::filesystem::path dir_;
  std::string memory_;  // the bytes while in memory (size_ of them)
  UniqueFd fd_;         // the file, once the bytes moved there
  SpoolBudget* budget_ = nullptr;
  std::uint64_t size_ = 0;  // also what is charged to the budget
};

}  // namespace dfs::fuse
