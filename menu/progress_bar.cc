#include "menu/progress_bar.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dfs::menu {
namespace {

constexpr int kWidestBar = 24;    // characters between the brackets on a wide terminal
constexpr int kNarrowestBar = 8;  // below this the bar says nothing; the name gives way first
constexpr auto kRedrawEvery = std::chrono::milliseconds(250);

std::string fixed(const char* format, double value) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string bar(double fraction, int inner) {
  const int filled = std::clamp(static_cast<int>(fraction * inner), 0, inner);
  std::string text = "[";
  text.append(static_cast<std::size_t>(filled), '=');
  if (filled < inner) {
    text += '>';
    text.append(static_cast<std::size_t>(inner - filled - 1), ' ');
  }
  return text + "]";
}

std::string fit_name(std::string_view name, int room) {
  if (room <= 0) return "";
  const auto limit = static_cast<std::size_t>(room);
  if (name.size() <= limit) return std::string(name);
  if (limit <= 3) return std::string(name.substr(0, limit));
  return std::string(name.substr(0, limit - 3)) + "...";
}

}  // namespace

std::string format_size(double bytes) {
  static constexpr const char* kUnits[] = {"kB", "MB", "GB", "TB", "PB"};
  if (!(bytes >= 1000.0)) return fixed("%.0f B", std::max(bytes, 0.0));
  double value = bytes / 1000.0;
  std::size_t unit = 0;
  while (value >= 999.95 && unit + 1 < std::size(kUnits)) {
    value /= 1000.0;
    ++unit;
  }
  return fixed("%.1f ", value) + kUnits[unit];
}

std::string format_rate(double bytes_per_second) { return format_size(bytes_per_second) + "/s"; }

std::string format_eta(std::chrono::duration<double> remaining) {
  const double seconds = remaining.count();
  if (!std::isfinite(seconds) || seconds < 0) return "-:--";
  const auto total = static_cast<long long>(std::llround(seconds));
  const long long h = total / 3600, m = total / 60 % 60, s = total % 60;
  char text[32];
  if (h > 0) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", h, m, s);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", m, s);
  }
  return text;
}

std::string format_progress(std::string_view name, const ProgressSnapshot& snapshot, int columns) {
  const std::uint64_t done = std::min(snapshot.done, snapshot.total);
  const double fraction = snapshot.total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(snapshot.total);
  const double seconds = snapshot.elapsed.count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  const std::chrono::duration<double> eta(rate > 0 ? static_cast<double>(snapshot.total - done) / rate : -1.0);

  char percent[8];
  std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(fraction * 100.0));
  const std::string rate_text = format_rate(rate);
  // Right-aligned rate, so the ETA does not jump about while the rate changes width.
  const std::string padded_rate = std::string(rate_text.size() < 10 ? 10 - rate_text.size() : 0, ' ') + rate_text;
  const std::string tail = "  " + std::string(percent) + "  " + padded_rate + "  ETA " + format_eta(eta);

  const int fixed_width = static_cast<int>(tail.size()) + 2 /* brackets */ + 2 /* after the name */;
  const int inner = std::clamp(columns - fixed_width - 12, kNarrowestBar, kWidestBar);
  const int room_for_name = columns - fixed_width - inner;
  return fit_name(name, room_for_name) + "  " + bar(fraction, inner) + tail;
}

int terminal_columns(int fd) {
  if (::isatty(fd) == 0) return 0;
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return 80;
  return size.ws_col;
}

ProgressTicker::ProgressTicker(std::string name, std::ostream& out, int columns, std::chrono::milliseconds delay)
    : name_(std::move(name)), out_(out), columns_(columns), delay_(delay), start_(std::chrono::steady_clock::now()) {
  if (columns_ > 0) thread_ = std::thread([this] { run(); });
}

ProgressTicker::~ProgressTicker() { finish(); }

client::ProgressCallback ProgressTicker::callback() {
  if (columns_ <= 0) return {};
  return [this](std::uint64_t done, std::uint64_t total) {
    total_.store(total, std::memory_order_relaxed);
    done_.store(done, std::memory_order_relaxed);
    reported_.store(true, std::memory_order_release);
  };
}

void ProgressTicker::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, kRedrawEvery, [this] { return stopping_; })) {
    if (std::chrono::steady_clock::now() - start_ >= delay_) draw();
  }
}

void ProgressTicker::draw() {
  if (!reported_.load(std::memory_order_acquire)) return;  // the size is not known yet
  const ProgressSnapshot snapshot{done_.load(std::memory_order_relaxed), total_.load(std::memory_order_relaxed),
                                  std::chrono::steady_clock::now() - start_};
  const std::string line = format_progress(name_, snapshot, columns_);
  out_ << '\r' << line;
  // Blank out the rest of a longer previous line.
  if (line.size() < last_length_) out_ << std::string(last_length_ - line.size(), ' ');
  out_.flush();
  last_length_ = line.size();
  drawn_ = true;
}

void ProgressTicker::finish() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (drawn_) {
    draw();
    out_ << '\n';
    out_.flush();
    drawn_ = false;
  }
}

}  // namespace dfs::menu
