#include "server/part_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/checksum.h"
#include "server/part_file_format.h"

namespace dfs::server {
namespace {

constexpr std::uint64_t kBlocksPerRead = 4;

Status read_exact(int fd, char* out, std::size_t size, std::uint64_t offset, const std::string& where) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(errno, "read " + where);
    }
    if (n == 0) return Error(Errc::corruption, where + " is truncated; read the other copy");
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

PartReader::PartReader(UniqueFd file, bool committed, std::string where, protocol::PartDescriptor descriptor,
                       std::vector<std::uint64_t> block_sums)
    : file_(std::move(file)),
      committed_(committed),
      where_(std::move(where)),
      descriptor_(std::move(descriptor)),
      block_sums_(std::move(block_sums)) {}

Result<protocol::PartDescriptor> read_part_descriptor(int fd, const std::string& where) {
  std::string head(kPartHeaderBytes, '\0');
  if (auto st = read_exact(fd, head.data(), head.size(), 0, where); !st) return st.error();
  auto descriptor = decode_part_header(head);
  if (!descriptor) return descriptor.error().with_context(where);
  return descriptor;
}

Result<PartReader> PartReader::open(UniqueFd file, bool committed, std::string where) {
  auto descriptor = read_part_descriptor(file.get(), where);
  if (!descriptor) return descriptor.error();

  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return Error::from_errno(errno, "stat " + where);
  const std::uint64_t expected = data_offset(descriptor->part_size) + descriptor->part_size;
  if (static_cast<std::uint64_t>(st.st_size) < expected) {
    return Error(Errc::corruption, where + " is truncated (" + std::to_string(st.st_size) + " of " +
                                       std::to_string(expected) + " bytes); read the other copy");
  }
  const std::uint64_t blocks = block_count(descriptor->part_size);
  std::string table(8 * blocks, '\0');
  if (auto rs = read_exact(file.get(), table.data(), table.size(), kPartHeaderBytes, where); !rs) return rs.error();
  std::vector<std::uint64_t> sums(blocks);
  for (std::uint64_t b = 0; b < blocks; ++b) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(table[8 * b + static_cast<unsigned>(i)]);
    sums[b] = v;
  }
  if (descriptor->part_size > kBlockBytes) ::posix_fadvise(file.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  return PartReader(std::move(file), committed, std::move(where), std::move(*descriptor), std::move(sums));
}

Result<std::string_view> PartReader::read(std::uint64_t offset, std::uint64_t max) {
  const std::uint64_t size = descriptor_.part_size;
  if (offset >= size || max == 0) return std::string_view();
  const std::uint64_t first_block = offset / kBlockBytes;
  const std::uint64_t end_block = std::min(block_count(size), first_block + kBlocksPerRead);
  const std::uint64_t start = first_block * kBlockBytes;
  const std::uint64_t stop = std::min(size, end_block * kBlockBytes);
  // Only whole blocks can be verified, so read the blocks around the range and hand out a slice.
  const std::uint64_t wanted_end = max < stop - offset ? offset + max : stop;  // offset + max may overflow
  const std::uint64_t last_needed_block = (wanted_end - 1) / kBlockBytes;
  const std::uint64_t read_end = std::min(size, (last_needed_block + 1) * kBlockBytes);
  if (buffer_size_ < read_end - start) {
    buffer_size_ = static_cast<std::size_t>(read_end - start);
    buffer_ = std::make_unique_for_overwrite<char[]>(buffer_size_);
  }
  if (auto st = read_exact(file_.get(), buffer_.get(), read_end - start, data_offset(size) + start, where_); !st) {
    return st.error();
  }
  for (std::uint64_t b = first_block; b <= last_needed_block; ++b) {
    const std::uint64_t block_start = b * kBlockBytes - start;
    const std::uint64_t block_len = std::min(kBlockBytes, size - b * kBlockBytes);
    if (xxh3(buffer_.get() + block_start, block_len) != block_sums_[b]) {
      return Error(Errc::corruption, where_ + " fails its checksum in block " + std::to_string(b) +
                                         "; read the other copy");
    }
  }
  return std::string_view(buffer_.get() + (offset - start), wanted_end - offset);
}

}  // namespace dfs::server
