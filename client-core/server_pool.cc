#include "client-core/server_pool.h"

namespace dfs::client {
namespace {

// More idle connections than this per server are closed: the busiest operation (a put) uses
// two per server per part it stores, and several threads of a mount may run at once.
constexpr std::size_t kMaxIdlePerServer = 16;

}  // namespace

struct ServerPool::Server {
  explicit Server(ServerAddress a) : address(std::move(a)) {}
  const ServerAddress address;
  mutable std::mutex mutex;
  std::vector<std::unique_ptr<ServerConnection>> idle;
  std::chrono::steady_clock::time_point down_until{};
  std::optional<Error> down_error;
};

bool is_server_down_error(const Error& error) {
  return error.code() == Errc::unavailable || error.code() == Errc::timeout;
}

ServerPool::ServerPool(std::vector<ServerAddress> servers, Credentials credentials, Timeouts timeouts,
                       std::chrono::milliseconds down_backoff)
    : credentials_(std::move(credentials)), timeouts_(timeouts), down_backoff_(down_backoff) {
  servers_.reserve(servers.size());
  for (auto& address : servers) servers_.push_back(std::make_unique<Server>(std::move(address)));
}

ServerPool::~ServerPool() = default;

const ServerAddress& ServerPool::address(int server) const {
  return servers_[static_cast<std::size_t>(server)]->address;
}

bool ServerPool::is_down(int server) const {
  const auto& s = *servers_[static_cast<std::size_t>(server)];
  std::lock_guard lock(s.mutex);
  return s.down_error && std::chrono::steady_clock::now() < s.down_until;
}

Result<std::unique_ptr<ServerConnection>> ServerPool::take(int server) {
  auto& s = *servers_[static_cast<std::size_t>(server)];
  {
    std::lock_guard lock(s.mutex);
    if (s.down_error) {
      if (std::chrono::steady_clock::now() < s.down_until) {
        return Error(s.down_error->code(), s.down_error->message() + " (not retried for a few seconds)");
      }
    }
    if (!s.idle.empty()) {
      auto connection = std::move(s.idle.back());
      s.idle.pop_back();
      return connection;
    }
  }
  return std::make_unique<ServerConnection>(s.address, credentials_, timeouts_);
}

void ServerPool::give_back(int server, std::unique_ptr<ServerConnection> connection, const Status& outcome) {
  auto& s = *servers_[static_cast<std::size_t>(server)];
  std::lock_guard lock(s.mutex);
  if (!outcome && is_server_down_error(outcome.error())) {
    s.down_error = outcome.error();
    s.down_until = std::chrono::steady_clock::now() + down_backoff_;
    s.idle.clear();  // kept-alive connections to a server that stopped answering are suspect too
    return;
  }
  if (outcome) s.down_error.reset();
  // A connection whose request failed may be mid-answer; ServerConnection closes itself on
  // such errors and reconnects on next use, so it can still be kept.
  if (s.idle.size() < kMaxIdlePerServer) s.idle.push_back(std::move(connection));
}

Status ServerPool::with_connection(int server, const std::function<Status(ServerConnection&)>& call) {
  auto connection = take(server);
  if (!connection) return connection.error();
  Status result = call(**connection);
  give_back(server, std::move(*connection), result);
  return result;
}

std::vector<Status> ServerPool::exchange_all(const std::vector<int>& servers,
                                         const std::function<Status(std::size_t, ServerConnection&)>& send) {
  std::vector<Status> outcomes(servers.size());
  std::vector<std::unique_ptr<ServerConnection>> waiting(servers.size());
  for (std::size_t i = 0; i < servers.size(); ++i) {
    auto connection = take(servers[i]);
    if (!connection) {
      outcomes[i] = connection.error();
      continue;
    }
    outcomes[i] = send(i, **connection);
    if (outcomes[i]) {
      waiting[i] = std::move(*connection);
    } else {
      give_back(servers[i], std::move(*connection), outcomes[i]);
    }
  }
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (!waiting[i]) continue;
    outcomes[i] = waiting[i]->finish();
    give_back(servers[i], std::move(waiting[i]), outcomes[i]);
  }
  return outcomes;
}

}  // namespace dfs::client
