// A size-limited tmpfs a test mounts (needs root) and unmounts itself: a disk that fills up on
// purpose (a server whose root is on it answers 507 once the bytes no longer fit), or one where
// fsync costs nothing, for tests that make many files to check something else.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace dfs::testing {

class LimitedTmpfs {
 public:
  // Creates `where` and mounts a tmpfs of `size` ("4m") there; mounted() says whether it worked.
  LimitedTmpfs(std::filesystem::path where, const std::string& size);
  // Detaches the mount (lazily: a server still holding a file there cannot keep it busy).
  ~LimitedTmpfs();
  LimitedTmpfs(const LimitedTmpfs&) = delete;
  LimitedTmpfs& operator=(const LimitedTmpfs&) = delete;

  bool mounted() const { return mounted_; }
  // Takes all but `bytes` of the free space with a ballast file beside what the test keeps
  // there, as another tenant of the disk would; throws when that cannot be done.
  void fill_leaving(std::uint64_t bytes) const;
  const std::filesystem::path& path() const { return where_; }

 private:
  std::filesystem::path where_;
  bool mounted_ = false;
};

}  // namespace dfs::testing
