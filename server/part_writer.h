// Writes one part version durably: bytes go to a temp file in the version folder, each 256 KiB
// block is hashed on the way; then PartStore::store_parts checks length and checksum, has the
// header and block table written, renames the part into place and fsyncs it together with the
// folder (and the folders made for it). Until keep() a writer destroyed (error, disconnect,
// shutdown, a failed fsync) removes its file, under whichever name it has.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/checksum.h"
#include "common/error.h"
#include "common/protocol.h"
#include "common/unique_fd.h"
#include "server/entry_locks.h"
#include "server/fsync_all.h"

namespace dfs::server {

class PartWriter {
 public:
  // `unsynced_dirs`: directories made for this part whose new entries names() lists for fsync.
  PartWriter(EntryLocks& locks, std::string entry_key, UniqueFd folder, UniqueFd file, std::string temp_name,
             protocol::PartDescriptor descriptor, std::vector<UniqueFd> unsynced_dirs = {});
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;
  ~PartWriter();

  const protocol::PartDescriptor& descriptor() const { return descriptor_; }
  std::uint64_t remaining() const { return descriptor_.part_size - written_; }

  Status write(const char* data, std::size_t size);
  // The next `size` bytes, waiting in pipe `pipe_fd`: spliced into the file without passing
  // through this process, then hashed as they are read back from the page cache.
  Status write_from_pipe(int pipe_fd, std::size_t size);
  // Whether the bytes received are all the part's and match its checksum (seal() checks too):
  // Errc::invalid_argument when they do not.
  Status check() const;
  // The steps PartStore::store_parts takes to store the parts of one request side by side:
  // seal() checks the bytes, writes the header and starts writeback; place() renames the part
  // into place (Errc::conflict when a newer version was committed meanwhile); data() and
  // names(), fsynced together, make it durable; keep() then lets the destructor leave it.
  Status seal();
  SyncTarget data() const { return {file_.get(), "part file"}; }
  Status place();
  void keep() { kept_ = true; }
  // The folders to fsync for place()'s rename: the version folder (`folder_too`; once for
  // parts of one folder) and the folders made for this part.
  std::vector<SyncTarget> names(bool folder_too) const;

 private:
  void hash_into_blocks(const char* data, std::size_t size);
  void hash(const char* data, std::size_t size);
  // After `size` more bytes reached the file: counts them and starts their writeback.
  void advance(std::size_t size);

  EntryLocks& locks_;
  std::string entry_key_;
  UniqueFd folder_;
  UniqueFd file_;
  std::string temp_name_;
  protocol::PartDescriptor descriptor_;
  std::uint64_t written_ = 0;
  std::uint64_t flushed_ = 0;  // bytes handed to writeback already
  static constexpr std::uint64_t kWritebackBytes = 8 << 20;
  Xxh3Hasher whole_;
  Xxh3Hasher block_;
  std::uint64_t block_fill_ = 0;
  std::vector<std::uint64_t> block_sums_;
  std::vector<char> read_back_;  // write_from_pipe's buffer for hashing
  bool sealed_ = false;
  bool placed_ = false;
  bool kept_ = false;
  std::vector<UniqueFd> unsynced_dirs_;
};

}  // namespace dfs::server
