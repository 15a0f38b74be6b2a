// The headers of part files LIST has read, kept in memory. A part file is never changed once it
// is in place: a part stored again, by a retry or by heal, is a new file and so a new inode.
// A header is therefore good for as long as its folder lists the same name with the same inode,
// and a LIST of a folder read before needs only the folder's names, not an open and a read of
// every part (two thirds of a listed entry's syscalls). A header damaged in place after it was
// read is caught by reads and `dfc heal --verify`, which read the file, not by LIST.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/protocol.h"

namespace dfs::server {

class PartHeaderCache {
 public:
  // At most `capacity` headers; when full, the cache starts again empty (bounded memory
  // without per-entry bookkeeping; a listing refills what it uses).
  explicit PartHeaderCache(std::size_t capacity) : capacity_(capacity) {}

  // The header stored for `key` (a part file's path below the data root) if its inode is `inode`.
  std::optional<protocol::PartDescriptor> find(const std::string& key, ino_t inode) const;
  void store(const std::string& key, ino_t inode, const protocol::PartDescriptor& descriptor);
  // A part file was (re)placed under `key`: its inode may be a reused one, so the inode alone
  // cannot tell its header from the one before.
  void forget(const std::string& key);
  std::size_t size() const;

 private:
  struct Entry {
    ino_t inode = 0;
    protocol::PartDescriptor descriptor;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t capacity_;
};

}  // namespace dfs::server
