// Part checksums: XXH3-64 (xxHash). Computed by the client, stored by the server with each
// 256 KiB block, re-checked on every read, and checked again by the client.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dfs {

std::uint64_t xxh3(const void* data, std::size_t size);

// Streaming XXH3-64; the digest equals xxh3() over the concatenated input.
class Xxh3Hasher {
 public:
  Xxh3Hasher();
  ~Xxh3Hasher();
  Xxh3Hasher(Xxh3Hasher&&) noexcept;
  Xxh3Hasher& operator=(Xxh3Hasher&&) noexcept;

  void update(const void* data, std::size_t size);
  std::uint64_t digest() const;
  void reset();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string format_checksum(std::uint64_t sum);                      // 16 lowercase hex digits
std::optional<std::uint64_t> parse_checksum(std::string_view text);  // exactly 16 hex digits

}  // namespace dfs
