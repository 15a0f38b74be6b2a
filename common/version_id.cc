#include "common/version_id.h"
#include "common/wall_time.h"

#include <chrono>
#include <cstdio>

namespace dfs {
namespace {

bool parse_hex(std::string_view text, std::uint64_t& out) {
  out = 0;
  for (const char c : text) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else return false;  // lowercase only: one spelling per version keeps file names unique
    out = out * 16 + static_cast<std::uint64_t>(v);
  }
  return true;
}

}  // namespace

Result<VersionId> VersionId::parse(std::string_view text) {
  std::uint64_t time = 0;
  std::uint64_t writer = 0;
  if (text.size() != kVersionTextSize || text[16] != '-' || !parse_hex(text.substr(0, 16), time) ||
      !parse_hex(text.substr(17), writer)) {
    return Error(Errc::invalid_argument,
                 "bad version '" + std::string(text.substr(0, 40)) +
                     "': expected 16 lowercase hex digits, '-', 8 lowercase hex digits");
  }
  return VersionId{time, static_cast<std::uint32_t>(writer)};
}

std::string VersionId::to_string() const {
  char buf[kVersionTextSize + 1];
  std::snprintf(buf, sizeof buf, "%016llx-%08x", static_cast<unsigned long long>(time_ns),
                static_cast<unsigned>(writer));
  return std::string(buf, kVersionTextSize);
}

VersionId HybridClock::next() {
  const auto now = static_cast<std::uint64_t>(wall_clock_ns());
  std::lock_guard lock(mutex_);
  last_ns_ = now > last_ns_ ? now : last_ns_ + 1;
  return VersionId{last_ns_, writer_};
}

void HybridClock::observe(const VersionId& seen) {
  std::lock_guard lock(mutex_);
  if (seen.time_ns > last_ns_) last_ns_ = seen.time_ns;
}

}  // namespace dfs
