// Kept-alive connections to every server of the cluster, and what the client knows of each
// server's health. Thread-safe: any thread takes a connection, uses it alone, and gives it back.
//
// After a failure that says "nobody is there" (connect refused, timeout, 503), the server counts
// as down for `down_backoff`: calls to it fail at once with the error that put it down, so a dead
// server costs one timeout per back-off period instead of one per request. The first call after
// the period tries it again.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "client-core/server_connection.h"
#include "common/error.h"

namespace dfs::client {

class ServerPool {
 public:
  ServerPool(std::vector<ServerAddress> servers, Credentials credentials, Timeouts timeouts,
             std::chrono::milliseconds down_backoff);
  ~ServerPool();
  ServerPool(const ServerPool&) = delete;
  ServerPool& operator=(const ServerPool&) = delete;

  int size() const { return static_cast<int>(servers_.size()); }
  const ServerAddress& address(int server) const;

  // Runs `call` on a connection to `server`. The connection goes back to the pool afterwards
  // unless the call failed at the connection level (then it is dropped, and the server may be
  // marked down). While the server is down, returns its last error without calling.
  template <class T>
  Result<T> with_connection(int server, const std::function<Result<T>(ServerConnection&)>& call);
  Status with_connection(int server, const std::function<Status(ServerConnection&)>& call);

  // One small request on a connection to each of `servers` (a server named twice gets two
  // connections), all driven from this thread: `send(i, connection)` sends the i-th request
  // with one of ServerConnection's send_ calls, then every answer is read in turn. The servers
  // work side by side while this thread waits, so the whole takes about as long as the slowest
  // one. Returns each request's outcome, in order.
  std::vector<Status> exchange_all(const std::vector<int>& servers,
                                   const std::function<Status(std::size_t, ServerConnection&)>& send);

  // Whether calls to `server` currently fail fast.
  bool is_down(int server) const;

 private:
  struct Server;
  // A connection from the idle stack or a new one; or the error that put the server down.
  Result<std::unique_ptr<ServerConnection>> take(int server);
  // Returns the connection (when `outcome` allows reuse) and records the outcome.
  void give_back(int server, std::unique_ptr<ServerConnection> connection, const Status& outcome);

  Credentials credentials_;
  Timeouts timeouts_;
  std::chrono::milliseconds down_backoff_;
  std::vector<std::unique_ptr<Server>> servers_;
};

// Failures that mean the server itself did not answer (as opposed to answering "no").
bool is_server_down_error(const Error& error);

template <class T>
Result<T> ServerPool::with_connection(int server, const std::function<Result<T>(ServerConnection&)>& call) {
  auto connection = take(server);
  if (!connection) return connection.error();
  Result<T> result = call(**connection);
  give_back(server, std::move(*connection), result ? Status{} : Status(result.error()));
  return result;
}

}  // namespace dfs::client
