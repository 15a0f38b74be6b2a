#include "server/service_notifier.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace dfs::server {

void ServiceNotifier::ready(std::string_view status) const {
  send("READY=1\nSTATUS=" + std::string(status));
}

void ServiceNotifier::stopping() const { send("STOPPING=1\nSTATUS=stopping"); }

// A lost notification is not worth failing the server for: systemd then times out the start
// (or the stop) and says so in the journal, which is where the operator looks anyway.
void ServiceNotifier::send(std::string_view state) const {
  (void)sd_notify(0, std::string(state).c_str());
}

}  // namespace dfs::server
