// dfs-server: one storage server.
//   dfs-server --root DIR --listen HOST:PORT [--users FILE] [-v]
//   dfs-server --config FILE.yaml            (same keys; flags given too win)
//   dfs-server DIR PORT                      (the seed's form: 127.0.0.1:PORT, users in DIR/.users)
//   dfs-server passwd FILE USER              (password from stdin, or asked twice on a terminal)
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "common/admin_listener.h"
#include "common/metrics_registry.h"
#include "common/protocol.h"
#include "server/authenticator.h"
#include "server/http_server.h"
#include "server/part_store.h"
#include "server/server_config.h"
#include "server/server_metrics.h"
#include "server/service_notifier.h"
#include "server/staged_sweeper.h"
#include "server/tls_context.h"
#include "server/users_file.h"

namespace {

using dfs::Error;
using dfs::Errc;

int fail(const Error& error) {
  std::cerr << "dfs-server: " << error.message() << "\n";
  return dfs::exit_code(error.code());
}

std::string read_password_line(bool echo_off) {
  termios saved{};
  const bool tty = echo_off && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int run_passwd(const std::string& file, const std::string& user) {
  std::string password;
  if (::isatty(STDIN_FILENO)) {
    std::cerr << "New password for " << user << ": ";
    password = read_password_line(true);
    std::cerr << "Repeat it: ";
    if (read_password_line(true) != password) return fail(Error(Errc::invalid_argument, "the passwords differ; nothing changed"));
  } else {
    password = read_password_line(false);
  }
  if (auto st = dfs::server::UsersFile::set_password(file, user, password); !st) return fail(st.error());
  std::cerr << "dfs-server: password for '" << user << "' stored in " << file << "\n";
  return 0;
}

int run_server(dfs::server::ServerConfig config) {
  using namespace dfs::server;
  if (auto st = config.finish(); !st) return fail(st.error());
  // Before the data root and users: a wrong TLS file is a config error, reported as such.
  std::unique_ptr<boost::asio::ssl::context> tls;
  if (config.tls()) {
    auto loaded = load_tls_context(config);
    if (!loaded) return fail(loaded.error());
    tls = std::move(*loaded);
  }
  auto store = PartStore::open(config.root);
  if (!store) return fail(store.error());
  auto auth = Authenticator::open(config.users_file);
  if (!auth) return fail(auth.error());

  ServerLog log(config.verbose);
  HttpServer server(config, **store, **auth, log, tls.get());
  if (auto st = server.bind(); !st) return fail(st.error());
  StagedSweeper sweeper(**store, log, config.staged_max_age, config.sweep_interval);
  sweeper.sweep_and_log();  // leftovers of a crash are gone before the first request
  // Declared after the server, the store and the sweeper it reads: the listener's thread stops first.
  dfs::metrics::MetricsRegistry registry;
  std::optional<ServerMetrics> metrics;
  std::optional<dfs::AdminListener> admin;
  if (config.admin_listen) {
    metrics.emplace(registry, **store, [&server] { return server.open_connections(); },
                    [&sweeper] { return sweeper.staged_backlog(); });
    server.count_into(*metrics);
    admin.emplace(*config.admin_listen, [&registry] { return registry.render(); });
    if (auto st = admin->bind(); !st) return fail(st.error());
    log.notice("dfs-server: metrics on http://" + admin->address() + "/metrics");
    admin->start();
  }
  sweeper.start();
  const std::string where = "listening on " + config.listen_host + ":" + std::to_string(server.port()) +
                            " (root " + config.root.string() + ")" + (tls ? " with TLS" : "");
  std::printf("dfs-server: %s\n", where.c_str());
  std::fflush(stdout);
  const ServiceNotifier notifier;
  notifier.ready(where);
  server.run([&notifier] { notifier.stopping(); });
  if (admin) admin->stop();
  sweeper.stop();
  log.notice("dfs-server: stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dfs-server: a storage server of the dfs distributed file store", "dfs-server"};
  app.set_version_flag("--version", "dfs-server 0.1.0");
  std::string config_file, root, listen, users, seed_dir, seed_port;
  bool verbose = false;
  app.add_option("--config", config_file, "YAML configuration file (see conf/)");
  app.add_option("--root", root, "data root: one folder per user below it");
  app.add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1, port 0 picks one)");
  app.add_option("--users", users, "users file (default ROOT/.users)");
  app.add_flag("-v,--verbose", verbose, "log one line per request");
  app.add_option("dir", seed_dir, "data root (the seed's form: dfs-server DIR PORT)");
  app.add_option("port", seed_port, "port on 127.0.0.1 (the seed's form)");

  std::string passwd_file, passwd_user;
  auto* passwd = app.add_subcommand("passwd", "add a user or change a password (read from stdin)");
  passwd->add_option("file", passwd_file, "users file")->required();
  passwd->add_option("user", passwd_user, "user name")->required();
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (*passwd) return run_passwd(passwd_file, passwd_user);

  dfs::server::ServerConfig config;
  if (!config_file.empty()) {
    auto loaded = dfs::server::ServerConfig::load_yaml(config_file);
    if (!loaded) return fail(loaded.error());
    config = std::move(*loaded);
  }
  if (!seed_dir.empty()) {
    if (!root.empty() || seed_port.empty()) {
      return fail(Error(Errc::config, "give either DIR PORT or --root/--listen, not both (see --help)"));
    }
    root = seed_dir;
    listen = "127.0.0.1:" + seed_port;
  }
  if (!root.empty()) config.root = root;
  if (!users.empty()) config.users_file = users;
  if (!listen.empty()) {
    if (auto st = dfs::server::parse_listen_address(listen, config.listen_host, config.listen_port); !st) {
      return fail(st.error());
    }
  }
  config.verbose = config.verbose || verbose;
  return run_server(std::move(config));
}
