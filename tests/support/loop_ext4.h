// A small ext4 filesystem of its own, on a loop device a test mounts (needs root) and unmounts
// itself. For a test that watches its own writeback: on the shared disk, another process's
// sync or syncfs (a dfs-server's group commit, in a test running beside it) writes its dirty
// pages too.
#pragma once

#include <cstdint>
#include <filesystem>

namespace dfs::testing {

class LoopExt4 {
 public:
  // Makes a sparse image of `megabytes` beside `where`, formats it and mounts it at `where`;
  // mounted() says whether it worked.
  LoopExt4(std::filesystem::path where, std::uint64_t megabytes);
  // Unmounts (lazily) and removes the image.
  ~LoopExt4();
  LoopExt4(const LoopExt4&) = delete;
  LoopExt4& operator=(const LoopExt4&) = delete;

  bool mounted() const { return mounted_; }
  const std::filesystem::path& path() const { return where_; }

 private:
  std::filesystem::path where_;
  std::filesystem::path image_;
  bool mounted_ = false;
};

}  // namespace dfs::testing
