// Version ids: a 64-bit hybrid timestamp (wall-clock ns, bumped past every version seen) and a
// 32-bit writer id. They order every write of a file; the newest committed version wins.
// Text form "<16 hex>-<8 hex>" has a fixed width, so names sort in version order on disk too.
#pragma once

#include <compare>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "common/error.h"

namespace dfs {

struct VersionId {
  std::uint64_t time_ns = 0;
  std::uint32_t writer = 0;

  static Result<VersionId> parse(std::string_view text);
  std::string to_string() const;

  friend auto operator<=>(const VersionId&, const VersionId&) = default;
  friend bool operator==(const VersionId&, const VersionId&) = default;
};

inline constexpr std::size_t kVersionTextSize = 25;

// Hands out increasing versions for one writer: never behind the wall clock, never behind a
// version this writer has observed (so a writer with a slow clock still overwrites newer data).
class HybridClock {
 public:
  explicit HybridClock(std::uint32_t writer_id) : writer_(writer_id) {}

  VersionId next();
  void observe(const VersionId& seen);

 private:
  std::mutex mutex_;
  std::uint64_t last_ns_ = 0;
  std::uint32_t writer_;
};

}  // namespace dfs
