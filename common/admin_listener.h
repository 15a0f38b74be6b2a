// The admin endpoint of dfs-server and dfs-fuse (config key `admin_listen:`): a small HTTP/1.1
// listener on its own thread that answers GET /metrics with the Prometheus text format and
// everything else with 404. It is kept apart from the data path: its own io_context and thread,
// at most a few connections at once, each with a short deadline and one request, so a stuck
// scraper can never hold a request thread or memory of the process it watches.
//
// Built as its own library (dfs_admin), so that dfs_common stays free of Boost.Beast and
// fuse/ can use it without knowing anything of the server.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/error.h"
#include "common/host_port.h"

namespace dfs {

class AdminListener {
 public:
  // `render_metrics` produces the body of GET /metrics; called on the listener's thread.
  AdminListener(ListenAddress address, std::function<std::string()> render_metrics);
  ~AdminListener();  // stop()
  AdminListener(const AdminListener&) = delete;
  AdminListener& operator=(const AdminListener&) = delete;

  // Binds and listens (before the caller forks or starts its own threads); afterwards address()
  // holds the real port. Errc::unavailable naming the address when the bind fails.
  Status bind();
  // "127.0.0.1:9100": the bound address once bind() succeeded.
  std::string address() const;
  // Starts answering on a thread of its own.
  void start();
  // Closes the listener and its connections and joins the thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dfs
