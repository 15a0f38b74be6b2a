// Writes one part version durably: bytes go to a temp file in the version folder, each 256 KiB
// block is hashed on the way. A part of 1 MiB or more is written with O_DIRECT from a 1 MiB
// buffer the body is received into, where the filesystem allows it: its bytes take no page
// cache and leave no writeback for the fsync (buffered writes of a large part swung 0.2-1.3
// GB/s on the test VM, direct ones 1.1-1.5). Then PartStore::store_parts checks length and
// checksum, has the header and block table written, renames the part into place and fsyncs it
// together with the folder (and the folders made for it). Until keep() a writer destroyed
// (error, disconnect, shutdown, a failed fsync) removes its file, under whichever name it has.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/checksum.h"
#include "common/error.h"
#include "common/protocol.h"
#include "common/unique_fd.h"
#include "server/fsync_all.h"

namespace dfs::server {

class PartWriter {
 public:
  // `folder` is the version folder, shared by the writers of one request. `unsynced_dirs`:
  // directories made for this part whose new entries names() lists for fsync.
  PartWriter(std::string entry_key, std::shared_ptr<const UniqueFd> folder, UniqueFd file, std::string temp_name,
             protocol::PartDescriptor descriptor, std::vector<UniqueFd> unsynced_dirs = {});
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;
  ~PartWriter();

  const protocol::PartDescriptor& descriptor() const { return descriptor_; }
  std::uint64_t remaining() const { return descriptor_.part_size - accepted_; }
  // Whether the bytes go to the disk with O_DIRECT (a large part on a filesystem that allows it).
  bool direct() const { return direct_.valid(); }

  Status write(const char* data, std::size_t size);
  // Receiving with no copy of ours: the caller reads up to receive_space().size() bytes of the
  // body into receive_space(), then hands them over with received(). Never empty while
  // remaining().
  std::span<char> receive_space();
  Status received(std::size_t size);
  // Whether the bytes received are all the part's and match its checksum (seal() checks too):
  // Errc::invalid_argument when they do not.
  Status check() const;
  // The steps PartStore::store_parts takes to store the parts of one request side by side:
  // seal() checks the bytes, writes the header and (`start_writeback`) starts writeback;
  // place() renames the part into place, with the entry locked by the caller, who has checked
  // that no newer version is committed; data() and names(), fsynced together, make it
  // durable; keep() then lets the destructor leave it.
  Status seal(bool start_writeback = true);
  SyncTarget data() const { return {file_.get(), "part file"}; }
  int folder() const { return folder_->get(); }
  const std::shared_ptr<const UniqueFd>& shared_folder() const { return folder_; }
  const std::string& entry_key() const { return entry_key_; }
  Status place();
  void keep() { kept_ = true; }
  // The folders to fsync for place()'s rename: the version folder (`folder_too`; once for
  // parts of one folder) and the folders made for this part.
  std::vector<SyncTarget> names(bool folder_too) const;
  // After keep(): the part file and the folders made for it, open, for whoever makes them
  // durable later (the group commit), so that it needs no descriptors of its own.
  std::vector<UniqueFd> hand_over_unsynced();

 private:
  struct FreeBuffer {
    void operator()(char* p) const { std::free(p); }
  };
  void hash_into_blocks(const char* data, std::size_t size);
  void hash(const char* data, std::size_t size);
  // Writes `size` bytes at data offset `at` with pwrite on `fd`: 0, or the errno.
  int write_at(int fd, const char* data, std::size_t size, std::uint64_t at);
  // Writes out the staged bytes: whole 4 KiB blocks directly, a part's last partial block
  // through the page cache (direct writers stage until full or until seal()).
  Status write_staged();
  // After bytes reached the file through the page cache: starts their writeback now and then.
  void advance();

  std::string entry_key_;
  std::shared_ptr<const UniqueFd> folder_;
  UniqueFd file_;
  std::string temp_name_;
  protocol::PartDescriptor descriptor_;
  static constexpr std::size_t kStagingBytes = 1 << 20;
  static constexpr std::size_t kDirectAlign = 4096;
  UniqueFd direct_;                            // the temp file again, opened with O_DIRECT
  std::unique_ptr<char, FreeBuffer> staging_;  // 4 KiB-aligned, kStagingBytes (or the part's size)
  std::size_t staging_bytes_ = 0;
  std::size_t staged_ = 0;                     // bytes in staging_ not yet written
  std::uint64_t accepted_ = 0;                 // bytes hashed (staged or written)
  std::uint64_t flushed_ = 0;                  // bytes handed to writeback already
  static constexpr std::uint64_t kWritebackBytes = 8 << 20;
  Xxh3Hasher whole_;
  Xxh3Hasher block_;
  std::uint64_t block_fill_ = 0;
  std::vector<std::uint64_t> block_sums_;
  bool sealed_ = false;
  bool placed_ = false;
  bool kept_ = false;
  std::vector<UniqueFd> unsynced_dirs_;
};

}  // namespace dfs::server
