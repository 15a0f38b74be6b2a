#include "fuse/operations.h"

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <tuple>

#include "fuse/fuse_metrics.h"
#include "fuse/kernel_read_ahead.h"
#include "fuse/mount_state.h"
#include "fuse/read_ahead.h"

namespace dfs::fuse {

namespace {
// One FUSE request at most: max_write here, max_read as a mount option (main.cc).
constexpr unsigned kMaxRequestBytes = 1 << 20;
// A sequential read arrives as max_read requests, each of which takes one read-ahead block whole.
static_assert(ReadAhead::kBlockBytes == kMaxRequestBytes);

// An operation's name as a template argument.
template <std::size_t N>
struct OperationName {
  constexpr OperationName(const char (&text)[N]) { std::copy_n(text, N, chars); }  // NOLINT: implicit by design
  std::string_view view() const { return {chars, N - 1}; }
  char chars[N];
};

// What a successful call moved: nothing, the bytes of read_buf's answer, or as many bytes as a
// write's (positive) result says.
enum class Moves { nothing, bytes_read, bytes_written };

// The table's entry for `Operation`: calls it and counts its result into the mount's metrics
// (when admin_listen turned them on), so no operation carries metrics code of its own.
template <OperationName Name, auto Operation, Moves moves = Moves::nothing>
struct Counted;

template <OperationName Name, class R, class... Args, R (*Operation)(Args...), Moves moves>
struct Counted<Name, Operation, moves> {
  static R call(Args... args) {
    const R result = Operation(args...);
    if (FuseMetrics* metrics = mount_state().metrics; metrics != nullptr) {
      const int outcome = result < 0 ? static_cast<int>(result) : 0;
      metrics->operation_done(Name.view(), outcome);
      if constexpr (moves == Moves::bytes_read) {
        fuse_bufvec* const answer = *std::get<1>(std::tie(args...));
        metrics->read_done(result < 0 ? static_cast<int>(result) : static_cast<int>(fuse_buf_size(answer)));
      }
      if constexpr (moves == Moves::bytes_written) metrics->write_done(static_cast<int>(result));
    }
    return result;
  }
};

}  // namespace

void* init(fuse_conn_info* connection, fuse_config* config) {
  config->use_ino = 1;              // st_ino from getattr (a hash of the path), stable across mounts
  config->attr_timeout = 1.0;       // the kernel's attribute and entry caches: as long as ours
  config->entry_timeout = 1.0;
  // A name found missing stays missing for as long as a found one keeps its attributes: cp and
  // the shell look a new name up twice before creating it, and each lookup is a LIST on every
  // server. Another client's new file is seen within this time, as its changes are.
  config->negative_timeout = 1.0;
  config->hard_remove = 1;          // unlink of an open file removes it; no .fuse_hidden renames
  config->kernel_cache = 0;         // open() decides keep_cache from the version (close-to-open)
  connection->max_read = kMaxRequestBytes;  // must equal the max_read mount option (main.cc)
  connection->max_write = kMaxRequestBytes;
  // The kernel keeps the smaller of this and the mount's read_ahead_kb, raised by main.cc.
  connection->max_readahead = kKernelReadAheadKib * 1024;
  // Written bytes move from the kernel to the spool file by splice(2), not through a buffer of
  // ours: one copy of every written byte fewer.
  if ((connection->capable & FUSE_CAP_SPLICE_READ) != 0) connection->want |= FUSE_CAP_SPLICE_READ;
  // Every readdir carries the attributes (readdirplus), not only the first batch of a listing:
  // they come with the same LIST anyway, and without them `ls -l` of 10 000 entries made
  // 10 000 getattr round trips after the first few hundred.
  connection->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
  return fuse_get_context()->private_data;
}

fuse_operations operations() {
  fuse_operations ops{};
  ops.init = init;
  ops.getattr = Counted<"getattr", getattr>::call;
  ops.opendir = Counted<"opendir", opendir>::call;
  ops.readdir = Counted<"readdir", readdir>::call;
  ops.releasedir = Counted<"releasedir", releasedir>::call;
  ops.mkdir = Counted<"mkdir", mkdir>::call;
  ops.rmdir = Counted<"rmdir", rmdir>::call;
  ops.open = Counted<"open", open>::call;
  ops.create = Counted<"create", create>::call;
  ops.read_buf = Counted<"read", read_buf, Moves::bytes_read>::call;
  ops.write_buf = Counted<"write", write_buf, Moves::bytes_written>::call;
  ops.truncate = Counted<"truncate", truncate>::call;
  ops.flush = Counted<"flush", flush>::call;
  ops.fsync = Counted<"fsync", fsync>::call;
  ops.release = Counted<"release", release>::call;
  ops.unlink = Counted<"unlink", unlink>::call;
  ops.rename = Counted<"rename", rename>::call;
  ops.symlink = Counted<"symlink", symlink>::call;
  ops.readlink = Counted<"readlink", readlink>::call;
  ops.chmod = Counted<"chmod", chmod>::call;
  ops.chown = Counted<"chown", chown>::call;
  ops.utimens = Counted<"utimens", utimens>::call;
  ops.statfs = Counted<"statfs", statfs>::call;
  ops.link = Counted<"link", link>::call;
  ops.mknod = Counted<"mknod", mknod>::call;
  ops.setxattr = Counted<"setxattr", setxattr>::call;
  ops.listxattr = Counted<"listxattr", listxattr>::call;
  ops.removexattr = Counted<"removexattr", removexattr>::call;
  ops.fallocate = Counted<"fallocate", fallocate>::call;
  ops.copy_file_range = Counted<"copy_file_range", copy_file_range>::call;
  return ops;
}

}  // namespace dfs::fuse
