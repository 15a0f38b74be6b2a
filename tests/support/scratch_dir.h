// A fresh directory under /tmp for one test, removed with everything in it at the end.
#pragma once

#include <filesystem>
#include <string_view>

namespace dfs::testing {

class ScratchDir {
 public:
  explicit ScratchDir(std::string_view prefix = "dfs-test");
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace dfs::testing
