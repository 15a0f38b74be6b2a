// Blocking fan-out: the client's transfers are blocking calls on their own connections, so
// running them side by side needs threads, not an event loop. A call here owns its threads and
// joins them before returning, so nothing outlives the operation that started it.
#pragma once

#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace dfs::client {

// Runs task(i) for every i in [0, count) at once (the calling thread runs the last one) and
// returns when all have finished. Tasks report through what they capture, never by throwing.
inline void run_in_parallel(std::size_t count, const std::function<void(std::size_t)>& task) {
  if (count == 0) return;
  std::vector<std::jthread> threads;
  threads.reserve(count - 1);
  for (std::size_t i = 0; i + 1 < count; ++i) threads.emplace_back([&task, i] { task(i); });
  task(count - 1);
}

}  // namespace dfs::client
