// Sends raw bytes to a server and returns what it answered, for requests no well-behaved client
// would send (relative targets, huge headers, slow or half requests). Bounded by a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace dfs::testing {

// Connects to 127.0.0.1:port, writes `request`, then reads until the server closes, the answer
// holds a complete header with `Content-Length` bytes after it, or the deadline passes.
std::string raw_http_exchange(std::uint16_t port, const std::string& request,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));
// The status code of a raw answer ("HTTP/1.1 400 ..." → 400), 0 when there is none.
int status_of(const std::string& answer);

}  // namespace dfs::testing
