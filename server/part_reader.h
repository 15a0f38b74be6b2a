// Reads one stored part version and never hands out a byte whose block failed its checksum.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/protocol.h"
#include "common/unique_fd.h"

namespace dfs::server {

// Reads and checks only the header of a part file (what LIST needs).
Result<protocol::PartDescriptor> read_part_descriptor(int fd, const std::string& where);

class PartReader {
 public:
  // Reads and checks the header and block table; `where` names the part in error messages.
  static Result<PartReader> open(UniqueFd file, bool committed, std::string where);

  const protocol::PartDescriptor& descriptor() const { return descriptor_; }
  bool committed() const { return committed_; }

  // Verified bytes starting at `offset` of the part's data: at most `max` of them, fewer at the
  // end of the part or of the internal buffer (1 MiB). The view lives until the next call.
  Result<std::string_view> read(std::uint64_t offset, std::uint64_t max);

 private:
  PartReader(UniqueFd file, bool committed, std::string where, protocol::PartDescriptor descriptor,
             std::vector<std::uint64_t> block_sums);

  UniqueFd file_;
  bool committed_;
  std::string where_;
  protocol::PartDescriptor descriptor_;
  std::vector<std::uint64_t> block_sums_;
  // Not zeroed first, as a vector would be: every read overwrites what it hands out, and each
  // GET opens a reader of its own (zeroing cost 2.5 % of all CPU samples on a cold read).
  std::unique_ptr<char[]> buffer_;
  std::size_t buffer_size_ = 0;
};

}  // namespace dfs::server
