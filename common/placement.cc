#include "common/placement.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace dfs {

int placement_offset(const RemotePath& path, int server_count) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const std::string& text = path.str();
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL MD5 failed");  // only if libcrypto itself is broken
  }
  unsigned remainder = 0;
  for (unsigned i = 0; i < length; ++i) {
    remainder = (remainder * 256 + digest[i]) % static_cast<unsigned>(server_count);
  }
  return static_cast<int>(remainder);
}

namespace {

// Checked before placement_offset runs: with 0 servers its `% 0` would crash, not throw.
int checked_server_count(int server_count) {
  if (server_count < 2) throw std::invalid_argument("placement needs at least 2 servers");
  return server_count;
}

}  // namespace

PartPlacement::PartPlacement(const RemotePath& path, int server_count)
    : n_(checked_server_count(server_count)), offset_(placement_offset(path, n_)) {}

std::array<int, 2> PartPlacement::servers_of_part(int part) const {
  // Server i holds part (i - x) and part (i - x + 1): solve both for i.
  return {(part + offset_) % n_, (part + offset_ - 1 + n_) % n_};
}

std::array<int, 2> PartPlacement::parts_on_server(int server) const {
  const int first = ((server - offset_) % n_ + n_) % n_;
  return {first, (first + 1) % n_};
}

std::uint64_t part_size(std::uint64_t file_size, int parts, int index) {
  const auto n = static_cast<std::uint64_t>(parts);
  const auto i = static_cast<std::uint64_t>(index);
  return file_size / n + (i < file_size % n ? 1 : 0);
}

std::uint64_t part_offset(std::uint64_t file_size, int parts, int index) {
  const auto n = static_cast<std::uint64_t>(parts);
  const auto i = static_cast<std::uint64_t>(index);
  const std::uint64_t extra = file_size % n;
  return i * (file_size / n) + (i < extra ? i : extra);
}

}  // namespace dfs
