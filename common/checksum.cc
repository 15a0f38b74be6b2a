#include "common/checksum.h"

#include <xxhash.h>

#include <cstdio>

namespace dfs {

std::uint64_t xxh3(const void* data, std::size_t size) { return XXH3_64bits(data, size); }

struct Xxh3Hasher::State {
  XXH3_state_t* raw = XXH3_createState();
  ~State() { XXH3_freeState(raw); }
};

Xxh3Hasher::Xxh3Hasher() : state_(std::make_unique<State>()) { reset(); }
Xxh3Hasher::~Xxh3Hasher() = default;
Xxh3Hasher::Xxh3Hasher(Xxh3Hasher&&) noexcept = default;
Xxh3Hasher& Xxh3Hasher::operator=(Xxh3Hasher&&) noexcept = default;

void Xxh3Hasher::update(const void* data, std::size_t size) { XXH3_64bits_update(state_->raw, data, size); }
std::uint64_t Xxh3Hasher::digest() const { return XXH3_64bits_digest(state_->raw); }
void Xxh3Hasher::reset() { XXH3_64bits_reset(state_->raw); }

std::string format_checksum(std::uint64_t sum) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(sum));
  return std::string(buf, 16);
}

std::optional<std::uint64_t> parse_checksum(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : text) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    v = v * 16 + static_cast<std::uint64_t>(d);
  }
  return v;
}

}  // namespace dfs
