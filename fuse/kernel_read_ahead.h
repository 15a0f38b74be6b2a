// The kernel's read-ahead for this mount. Linux gives a FUSE mount 128 KiB of read-ahead, so a
// sequential read reached dfs-fuse as 128 KiB requests, one round trip each; with a larger
// window the kernel asks in max_read (1 MiB) requests, several at once. The size lives in the
// mount's backing device (/sys/class/bdi/MAJOR:MINOR/read_ahead_kb), found through
// /proc/self/mountinfo: no call into the mount itself, which is not served yet at that point.
// Set before the kernel's INIT is answered, since the kernel then keeps the smaller of that
// and the max_readahead dfs-fuse asks for (operations.cc).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.h"

namespace dfs::fuse {

// One max_read request at a time per stream: a larger window made the kernel send several at
// once, out of order, which broke dfs-fuse's own read-ahead (measured 0.65x the speed).
inline constexpr unsigned kKernelReadAheadKib = 1024;

// "MAJOR:MINOR" of the newest mount at `mountpoint` in a mountinfo text; not_found if none.
Result<std::string> device_of_mount(std::string_view mountinfo, const std::filesystem::path& mountpoint);

// Sets the read-ahead of the mount at `mountpoint`, an absolute path without symlinks (made so
// before mounting: resolving it afterwards would ask the mount). Needs root; the caller decides
// whether a failure matters: the mount works either way, only sequential reads are slower.
Status set_kernel_read_ahead(const std::filesystem::path& mountpoint, unsigned kib);

}  // namespace dfs::fuse
