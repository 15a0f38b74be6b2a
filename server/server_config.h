// dfs-server's settings: from a YAML file (--config), then command-line flags on top.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/host_port.h"

namespace dfs::server {

struct ServerConfig {
  std::filesystem::path root;
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: pick a free port and print it
  std::filesystem::path users_file;  // default: <root>/.users
  unsigned threads = 4;
  std::uint64_t max_body_bytes = 64ULL << 30;  // one part
  std::uint64_t max_connections = 1024;
  std::uint64_t header_limit_bytes = 16 * 1024;
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds shutdown_grace{10'000};
  std::chrono::seconds staged_max_age{3600};
  std::chrono::seconds sweep_interval{300};
  bool verbose = false;
  // admin_listen: HOST:PORT, :PORT or PORT; GET /metrics there. Absent: no metrics at all.
  std::optional<ListenAddress> admin_listen;
  // Both set: every connection is TLS with this certificate (chain, PEM) and its private key.
  // Neither: plain HTTP.
  std::filesystem::path tls_cert_file;
  std::filesystem::path tls_key_file;

  bool tls() const { return !tls_cert_file.empty(); }

  static Result<ServerConfig> load_yaml(const std::filesystem::path& file);
  // Fills defaults that depend on other keys and checks the whole.
  Status finish();
};

// "HOST:PORT" (IPv6 in brackets) into its parts.
Status parse_listen_address(std::string_view text, std::string& host, std::uint16_t& port);

}  // namespace dfs::server
