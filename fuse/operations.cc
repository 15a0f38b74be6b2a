#include "fuse/operations.h"

#include "fuse/kernel_read_ahead.h"

namespace dfs::fuse {

namespace {
// One FUSE request at most: max_write here, max_read as a mount option (main.cc).
constexpr unsigned kMaxRequestBytes = 1 << 20;
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
  ops.getattr = getattr;
  ops.opendir = opendir;
  ops.readdir = readdir;
  ops.releasedir = releasedir;
  ops.mkdir = mkdir;
  ops.rmdir = rmdir;
  ops.open = open;
  ops.create = create;
  ops.read = read;
  ops.write_buf = write_buf;
  ops.truncate = truncate;
  ops.flush = flush;
  ops.fsync = fsync;
  ops.release = release;
  ops.unlink = unlink;
  ops.rename = rename;
  ops.symlink = symlink;
  ops.readlink = readlink;
  ops.chmod = chmod;
  ops.chown = chown;
  ops.utimens = utimens;
  ops.statfs = statfs;
  ops.link = link;
  ops.mknod = mknod;
  ops.setxattr = setxattr;
  ops.listxattr = listxattr;
  ops.removexattr = removexattr;
  ops.fallocate = fallocate;
  ops.copy_file_range = copy_file_range;
  return ops;
}

}  // namespace dfs::fuse
