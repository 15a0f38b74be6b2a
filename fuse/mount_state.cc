#include "fuse/mount_state.h"

#include <fuse.h>

#include <chrono>
#include <utility>

namespace dfs::fuse {

namespace {
// DESIGN.md: LIST answers are cached briefly; a local change forgets what it touched at once.
constexpr std::chrono::milliseconds kAttributeTtl{1000};
}  // namespace

MountState::MountState(client::ClientConfig client_config)
    : config(std::move(client_config)),
      attributes(kAttributeTtl),
      open_files(config.spool_dir, config.spool_limit_bytes) {}

MountState& mount_state() { return *static_cast<MountState*>(fuse_get_context()->private_data); }

Result<RemotePath> remote_path(std::string_view kernel_path) { return RemotePath::parse(kernel_path); }

}  // namespace dfs::fuse
