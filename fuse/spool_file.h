// The local copy of a file being written through the mount: an unnamed file (O_TMPFILE) in the
// spool directory, so nothing is left behind when dfs-fuse dies. Every byte a spool file holds is
// charged to the mount's SpoolBudget; a write past the configured cap is no_space (ENOSPC), the
// answer a full local disk would give.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>

#include <fuse.h>

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

 private:
  bool try_reserve(std::uint64_t bytes);

  std::uint64_t limit_;
  std::atomic<std::uint64_t> used_{0};
  std::function<void()> reclaim_;
};

class SpoolFile {
 public:
  // An empty spool file in `dir` ($TMPDIR or /tmp when empty).
  static Result<SpoolFile> create(const std::filesystem::path& dir, SpoolBudget& budget);

  SpoolFile(SpoolFile&& other) noexcept;
  SpoolFile& operator=(SpoolFile&& other) noexcept;
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  ~SpoolFile();

  int fd() const { return fd_.get(); }
  std::uint64_t size() const { return size_; }

  // The bytes of `data` (memory, or a pipe libfuse spliced a request into) at `offset`; the
  // spool keeps its old size when they do not all arrive.
  Status write(std::uint64_t offset, const char* data, std::size_t length);
  Status write(std::uint64_t offset, fuse_bufvec& data);
  Result<std::size_t> read(std::uint64_t offset, char* data, std::size_t length) const;
  Status resize(std::uint64_t size);

 private:
  SpoolFile(UniqueFd fd, SpoolBudget& budget) : fd_(std::move(fd)), budget_(&budget) {}
  Status grow_to(std::uint64_t size);  // charges the budget for the bytes past size_
  // Gives the bytes back to the budget and frees the file's pages without writing them out.
  void discard();

  UniqueFd fd_;
  SpoolBudget* budget_ = nullptr;
  std::uint64_t size_ = 0;  // also what is charged to the budget
};

}  // namespace dfs::fuse
