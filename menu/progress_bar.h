// The progress bar of a dfc transfer: a pure formatter for one line, and a ticker that redraws it
// on a terminal a few times a second. Transfer threads only store numbers (ProgressCallback);
// all drawing happens on the ticker's own thread, so a slow terminal never slows a transfer.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

#include "client-core/dfs_client.h"

namespace dfs::menu {

struct ProgressSnapshot {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  std::chrono::duration<double> elapsed{0};
};

// "name  [=======>     ]  45%  312.4 MB/s  ETA 0:03" in at most `columns` characters (the name
// is shortened first), without '\r' or a newline. The rate is the average since the start.
std::string format_progress(std::string_view name, const ProgressSnapshot& snapshot, int columns);
// "0 B/s", "812 B/s", "312.4 MB/s" (powers of 1000, as disks and networks are measured).
std::string format_rate(double bytes_per_second);
// "512 B", "12.3 MB", "1.5 TB": decimal units, as the rate uses.
std::string format_size(double bytes);
// "0:03", "12:34", "1:02:03"; "-:--" when unknown (nothing transferred yet).
std::string format_eta(std::chrono::duration<double> remaining);

// The width of the terminal on `fd`, or 0 when `fd` is not a terminal (then no bar is drawn).
int terminal_columns(int fd);

// Draws the bar of one transfer on `out` (stderr) while it runs. With columns == 0 it starts no
// thread and draws nothing. The bar appears only once the transfer has run for `delay`, so quick
// transfers leave the terminal untouched; once drawn, finish() ends its line.
class ProgressTicker {
 public:
  ProgressTicker(std::string name, std::ostream& out, int columns,
                 std::chrono::milliseconds delay = std::chrono::seconds(1));
  ~ProgressTicker();
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;

  // For the transfer; safe to call from any thread while this ticker lives.
  client::ProgressCallback callback();
  // Stops the thread; a drawn bar gets its final state and a newline. Call before printing an
  // error so the message starts on its own line. Idempotent.
  void finish();

 private:
  void run();
  void draw();

  const std::string name_;
  std::ostream& out_;
  const int columns_;
  const std::chrono::milliseconds delay_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::uint64_t> total_{0};
  std::atomic<bool> reported_{false};  // the size is known once the transfer reported
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  // Touched by the ticker thread only, and by finish() after joining it.
  bool drawn_ = false;
  std::size_t last_length_ = 0;
  std::thread thread_;  // last: starts after every member it uses exists
};

}  // namespace dfs::menu
