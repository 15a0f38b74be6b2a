// Reads the bytes of one version: each part touched by the range from one of the servers that
// hold it, parts in parallel. A replica that fails (down, timed out, cut short, bad checksum)
// is replaced by the next holder, and that part starts over, so the sink may see a range twice
// but only the last, whole delivery of every range counts.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "client-core/dfs_client.h"
#include "common/fan_out.h"
#include "client-core/server_pool.h"
#include "common/remote_path.h"

namespace dfs::client {

// Receives bytes at their offset in the file; called from several threads at once (for
// different offsets).
using RangeSink = std::function<Status(std::uint64_t file_offset, std::string_view bytes)>;

class VersionReader {
 public:
  VersionReader(ServerPool& pool, FanOut& fan_out) : pool_(pool), fan_out_(fan_out) {}

  // Bytes [offset, offset + length) of `entry` (length already clipped to the file). A part read
  // whole is checked against its XXH3 by the connection; a partial range is checked block by
  // block by the server. Errc::incomplete when a needed part has no holder. With `destination`,
  // buffers that hold the range one after the other (`length` bytes in all), every byte is
  // received straight into its place there, and `sink` is called with views into them.
  Status read(const RemotePath& path, const EntryInfo& entry, std::uint64_t offset, std::uint64_t length,
              const RangeSink& sink, const ProgressCallback& progress = {},
              std::span<const std::span<char>> destination = {});

 private:
  ServerPool& pool_;
  FanOut& fan_out_;
};

}  // namespace dfs::client
