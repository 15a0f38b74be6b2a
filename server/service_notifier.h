// Tells systemd (Type=notify units) where the server is in its life: READY=1 once it serves,
// STOPPING=1 once a shutdown began. Outside systemd (no NOTIFY_SOCKET) every call does nothing,
// so the server runs the same by hand, in tests and under a unit.
#pragma once

#include <string_view>

namespace dfs::server {

class ServiceNotifier {
 public:
  // The socket is bound and the startup sweep is done; `status` is shown by systemctl status.
  void ready(std::string_view status) const;
  // A SIGTERM/SIGINT started the shutdown: systemd waits for the exit instead of calling it a crash.
  void stopping() const;

 private:
  void send(std::string_view state) const;
};

}  // namespace dfs::server
