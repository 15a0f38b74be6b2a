// Serialises the operations that must see one entry's version folder unchanged (finishing a part,
// commit, sweeping) without a lock per entry: a fixed table of mutexes picked by hash.
#pragma once

#include <array>
#include <functional>
#include <mutex>
#include <string_view>

namespace dfs::server {

class EntryLocks {
 public:
  std::unique_lock<std::mutex> lock(std::string_view entry_key) {
    return std::unique_lock(mutexes_[std::hash<std::string_view>{}(entry_key) % mutexes_.size()]);
  }

 private:
  std::array<std::mutex, 256> mutexes_;
};

}  // namespace dfs::server
