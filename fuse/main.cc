// dfs-fuse: the store as a directory. This file is the mount setup: command line, configuration,
// the mount options (set once, here), the multithreaded loop. The operations are in operations.h.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "client-core/client_config.h"
#include "common/admin_listener.h"
#include "common/metrics_registry.h"
#include "fuse/fuse_metrics.h"
#include "fuse/kernel_read_ahead.h"
#include "fuse/mount_state.h"
#include "fuse/operations.h"

namespace {

constexpr int kUsageExit = 2;
constexpr int kFailureExit = 1;

// max_read matches max_write (operations.cc) at 1 MiB: one FUSE request per MiB either way.
// default_permissions: the kernel checks mode bits and owners, as on a local disk.
// auto_unmount: the mount goes away when dfs-fuse dies, so a crash never leaves a hung directory.
constexpr const char* kMountOptions = "max_read=1048576,default_permissions,auto_unmount,fsname=dfs,subtype=dfs";
// Threads serving requests at once: enough for parallel readers and a writer per core.
constexpr unsigned kMaxThreads = 16;

void add_arg(fuse_args& args, const std::string& arg) { fuse_opt_add_arg(&args, arg.c_str()); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dfs-fuse: mounts the dfs distributed file store as a directory.", "dfs-fuse"};
  app.footer(
      "Without --config: $DFS_CONFIG, then ~/.config/dfs/dfc.yaml, then /etc/dfs/dfc.yaml.\n"
      "Unmount with: fusermount3 -u MOUNTPOINT");
  app.set_version_flag("--version", "dfs-fuse 0.1.0");
  std::string config_option, mountpoint;
  std::vector<std::string> extra_options;
  bool foreground = false, debug = false;
  auto* config_flag = app.add_option("--config", config_option, "client configuration (dfc.yaml or dfc.conf)")
                          ->type_name("FILE");
  app.add_option("MOUNTPOINT", mountpoint, "an existing directory to mount the store on")->required();
  app.add_flag("-f,--foreground", foreground, "stay in the foreground (logs on stderr)");
  app.add_flag("-d,--debug", debug, "libfuse's request trace on stderr (implies -f)");
  app.add_option("-o", extra_options, "more mount options, comma-separated (allow_other, ro...); may be repeated")
      ->type_name("OPTS")
      ->allow_extra_args(false);  // -o takes one word: `-o ro MOUNTPOINT` leaves MOUNTPOINT alone
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);
    std::cerr << "dfs-fuse: " << error.what() << " (see 'dfs-fuse --help')\n";
    return kUsageExit;
  }

  auto config_file = dfs::client::find_client_config(
      config_flag->count() > 0 ? std::optional<std::filesystem::path>(config_option) : std::nullopt);
  if (!config_file) {
    std::cerr << "dfs-fuse: " << config_file.error().message() << "\n";
    return kUsageExit;
  }
  auto config = dfs::client::load_client_config(*config_file);
  if (!config) {
    std::cerr << "dfs-fuse: " << config.error().message() << "\n";
    return kUsageExit;
  }
  dfs::fuse::MountState mount(std::move(*config));
  // Bound now, before the fork of fuse_daemonize; it answers once the client exists (below).
  // Declared after the mount it reads, so its thread stops first.
  dfs::metrics::MetricsRegistry registry;
  std::optional<dfs::fuse::FuseMetrics> metrics;
  std::optional<dfs::AdminListener> admin;
  if (mount.config.admin_listen) {
    metrics.emplace(registry, mount);
    mount.metrics = &*metrics;
    admin.emplace(*mount.config.admin_listen, [&registry] { return registry.render(); });
    if (auto bound = admin->bind(); !bound) {
      std::cerr << "dfs-fuse: " << bound.error().message() << "\n";
      return dfs::exit_code(bound.error().code());
    }
    std::fprintf(stderr, "dfs-fuse: metrics on http://%s/metrics\n", admin->address().c_str());
  }

  fuse_args args = FUSE_ARGS_INIT(0, nullptr);
  add_arg(args, "dfs-fuse");
  add_arg(args, "-o");
  add_arg(args, kMountOptions);
  for (const auto& options : extra_options) {
    add_arg(args, "-o");
    add_arg(args, options);
  }
  if (debug) add_arg(args, "-d");
  // Resolved before mounting: afterwards, resolving it would ask the mount, not yet served.
  std::error_code resolve_error;
  const auto mount_path = std::filesystem::canonical(mountpoint, resolve_error);
  const fuse_operations ops = dfs::fuse::operations();
  fuse* fs = fuse_new(&args, &ops, sizeof ops, &mount);
  fuse_opt_free_args(&args);
  if (fs == nullptr) return kUsageExit;  // libfuse has said which option it refused
  if (fuse_mount(fs, mountpoint.c_str()) != 0) {
    fuse_destroy(fs);
    return kFailureExit;  // libfuse has said why
  }
  // The mount exists from here on; requests wait in the kernel until the loop runs.
  if (resolve_error) {
    std::fprintf(stderr, "dfs-fuse: kernel read-ahead left at its default: cannot resolve %s: %s\n", mountpoint.c_str(),
                 resolve_error.message().c_str());
  } else if (auto tuned = dfs::fuse::set_kernel_read_ahead(mount_path, dfs::fuse::kKernelReadAheadKib); !tuned) {
    std::fprintf(stderr, "dfs-fuse: kernel read-ahead left at its default: %s\n", tuned.error().message().c_str());
  }
  std::printf("dfs-fuse: mounted %s on %s\n", config_file->c_str(), mountpoint.c_str());
  std::fflush(stdout);
  int status = kFailureExit;
  if (fuse_daemonize(foreground || debug ? 1 : 0) == 0) {
    mount.start_client();
    if (admin) admin->start();  // after the client: the metrics read its counters
    fuse_session* session = fuse_get_session(fs);
    if (fuse_set_signal_handlers(session) == 0) {
      fuse_loop_config* loop = fuse_loop_cfg_create();
      fuse_loop_cfg_set_max_threads(loop, kMaxThreads);
      status = fuse_loop_mt(fs, loop) == 0 ? 0 : kFailureExit;
      fuse_loop_cfg_destroy(loop);
      fuse_remove_signal_handlers(session);
    }
  }
  if (admin) admin->stop();
  fuse_unmount(fs);
  fuse_destroy(fs);
  return status;
}
