#include "server/server_config.h"

#include "common/config_map.h"
#include "common/host_port.h"

namespace dfs::server {

Status parse_listen_address(std::string_view text, std::string& host, std::uint16_t& port) {
  if (auto st = parse_host_port(text, host, port); !st) {
    return Error(Errc::config, "listen address " + st.error().message());
  }
  return {};
}

Result<ServerConfig> ServerConfig::load_yaml(const std::filesystem::path& file) {
  auto map = ConfigMap::load_file(file);
  if (!map) return map.error();
  if (auto st = map->reject_unknown_keys({"root", "listen", "users", "threads", "max_body_bytes", "max_connections",
                                          "header_limit_bytes", "idle_timeout_ms", "shutdown_grace_ms",
                                          "staged_max_age_s", "sweep_interval_s", "verbose", "admin_listen",
                                          "tls_cert_file", "tls_key_file"});
      !st) {
    return st.error();
  }
  ServerConfig config;
  std::string root, listen, users, admin_listen, tls_cert, tls_key;
  std::uint64_t threads = config.threads, idle = 60'000, grace = 10'000, staged = 3600, sweep = 300;
  for (auto st : {map->require("root"), map->read("root", root), map->read("listen", listen),
                  map->read("users", users), map->read("threads", threads),
                  map->read("max_body_bytes", config.max_body_bytes),
                  map->read("max_connections", config.max_connections),
                  map->read("header_limit_bytes", config.header_limit_bytes), map->read("idle_timeout_ms", idle),
                  map->read("shutdown_grace_ms", grace), map->read("staged_max_age_s", staged),
                  map->read("sweep_interval_s", sweep), map->read("verbose", config.verbose),
                  map->read("admin_listen", admin_listen), map->read("tls_cert_file", tls_cert),
                  map->read("tls_key_file", tls_key)}) {
    if (!st) return st.error();
  }
  config.root = root;
  config.users_file = users;
  if (!listen.empty()) {
    if (auto st = parse_host_port(listen, config.listen_host, config.listen_port); !st) {
      return map->error_at("listen", st.error().message());
    }
  }
  if (map->has("admin_listen")) {
    auto admin = parse_bind_address(admin_listen);
    if (!admin) return map->error_at("admin_listen", admin.error().message());
    config.admin_listen = std::move(*admin);
  }
  // One without the other is a half-done setup, never a reason to fall back to plain HTTP.
  if (!tls_cert.empty() && tls_key.empty()) {
    return map->error_at("tls_key_file", "is missing; tls_cert_file needs the certificate's private key beside it");
  }
  if (tls_cert.empty() && !tls_key.empty()) {
    return map->error_at("tls_cert_file", "is missing; tls_key_file needs the certificate (PEM) beside it");
  }
  config.tls_cert_file = tls_cert;
  config.tls_key_file = tls_key;
  if (threads < 1 || threads > 256) return map->error_at("threads", "must be between 1 and 256");
  if (config.header_limit_bytes < 1024) return map->error_at("header_limit_bytes", "must be at least 1024");
  if (idle < 100) return map->error_at("idle_timeout_ms", "must be at least 100");
  if (sweep < 1) return map->error_at("sweep_interval_s", "must be at least 1");
  config.threads = static_cast<unsigned>(threads);
  config.idle_timeout = std::chrono::milliseconds(idle);
  config.shutdown_grace = std::chrono::milliseconds(grace);
  config.staged_max_age = std::chrono::seconds(staged);
  config.sweep_interval = std::chrono::seconds(sweep);
  return config;
}

Status ServerConfig::finish() {
  if (root.empty()) return Error(Errc::config, "no data root: give --root DIR (or 'root:' in the config file)");
  if (users_file.empty()) users_file = root / ".users";
  if (max_connections < 1) return Error(Errc::config, "max_connections must be at least 1");
  return {};
}

}  // namespace dfs::server
