// What one mount holds for every operation: the client, the attribute cache and the open files.
// libfuse hands it to each operation as fuse_get_context()->private_data; nothing is global.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>

#include "client-core/client_config.h"
#include "client-core/dfs_client.h"
#include "common/error.h"
#include "common/remote_path.h"
#include "fuse/attribute_cache.h"
#include "fuse/open_files.h"

namespace dfs::fuse {

class FuseMetrics;

struct MountState {
  explicit MountState(client::ClientConfig client_config);

  client::ClientConfig config;
  // Made by start_client() after fuse_daemonize(): the client's threads must not meet a fork().
  std::unique_ptr<client::DfsClient> client;
  AttributeCache attributes;
  OpenFiles open_files;
  // Held while a lookup lists a directory again (attributes.cc): one at a time is enough.
  std::mutex relisting;
  // Set before the mount serves when admin_listen is on; counts every operation (operations.cc).
  FuseMetrics* metrics = nullptr;

  void start_client() { client = std::make_unique<client::DfsClient>(config); }
};

// The mount of the calling operation.
MountState& mount_state();

// The kernel's path ("/docs/a.txt") as a RemotePath; bad_path for what the path rules refuse.
Result<RemotePath> remote_path(std::string_view kernel_path);

}  // namespace dfs::fuse
