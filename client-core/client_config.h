// What a client needs to reach the cluster, read from either of two formats:
//
//   YAML (dfc.yaml)                         classic (dfc.conf, the seed's format)
//     servers:                                Server DFS1 127.0.0.1:10001
//       - name: dfs1                          Server DFS2 127.0.0.1:10002
//         address: 127.0.0.1:10001            ...
//     user: demo                              Username: demo
//     password: demo-password                 Password: demo-password
//     # or password_file: FILE (its first line; relative to this file's folder)
//     min_copies: 2
//     connect_timeout_ms: 1000
//     io_timeout_ms: 10000
//     down_backoff_ms: 3000                 (0: retry a down server at once)
//     spool_dir: /var/tmp
//     spool_limit_mb: 4096                  (MiB; 0: no limit)
//     admin_listen: 127.0.0.1:9101          (dfs-fuse only: GET /metrics there; absent: off)
//     tls: true                             (default false: plain HTTP)
//     tls_ca_file: ca.pem                   (default: the system's store; relative to this file)
//   A server entry may carry its own `tls:` and `tls_ca_file:`, over the cluster's.
//
// A file with a line that starts with the word "Server" (any case) is read as classic; anything
// else as YAML (quote IPv6 addresses there: '[::1]:10001'). Classic keywords may be in any case; blank lines and lines starting with '#' are
// skipped; it has no other settings, so they keep their defaults. Every mistake names the file
// and the line: "dfc.yaml:3: key 'servers': ...", and unknown YAML keys are mistakes too (a typo
// must not quietly fall back to a default). The classic format has no TLS.
// Server names are kept as written but must differ in more than case; addresses must differ.
// The order of the servers is the order of placement (server 0 is the table's DFS1).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client-core/server_connection.h"
#include "common/error.h"
#include "common/host_port.h"

namespace dfs::client {

struct ClientConfig {
  std::vector<ServerAddress> servers;  // at least 2, names and addresses unique
  Credentials credentials;
  int min_copies = 2;  // 1 or 2: copies of every part a write needs before it commits
  Timeouts timeouts;   // connect_timeout_ms (1000), io_timeout_ms (10000)
  // After a connect failure or timeout, a server is skipped for this long, so a dead server
  // costs one timeout per period instead of one per request.
  std::chrono::milliseconds down_backoff{3000};
  std::filesystem::path spool_dir;        // empty: $TMPDIR or /tmp
  std::uint64_t spool_limit_bytes = 0;    // 0: no limit
  // Where dfs-fuse answers GET /metrics (HOST:PORT, :PORT or PORT; host 127.0.0.1 by default).
  // dfc reads and ignores it, so one dfc.yaml serves both.
  std::optional<ListenAddress> admin_listen;
  std::filesystem::path source;           // the file it was read from, for messages
};

// Reads either format (see above). Errc::config with "file:line: what" on any mistake.
Result<ClientConfig> load_client_config(const std::filesystem::path& file);
// The same from text; `source_name` stands for the file in messages, and a relative
// password_file is taken from its folder.
Result<ClientConfig> parse_client_config(std::string_view text, const std::string& source_name);

// The configuration file to use: `explicit_path` when given, else $DFS_CONFIG, else
// ~/.config/dfs/dfc.yaml, else /etc/dfs/dfc.yaml (the first that exists). A missing file named
// by `explicit_path` or $DFS_CONFIG is an error, never a reason to try the next place; when
// nothing is found, one Errc::config line names every place looked at. Reads only the
// environment, no other global state.
Result<std::filesystem::path> find_client_config(const std::optional<std::filesystem::path>& explicit_path);

}  // namespace dfs::client
