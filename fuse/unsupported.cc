// What dfs cannot do honestly answers with the errno that says so, never a silent success and
// never EIO (which reads as "your data is in danger"). Tools then take their fallbacks: cp copies
// without copy_file_range, ls shows no ACLs, ln reports that hard links are not permitted.
#include <cerrno>

#include "fuse/errno_reply.h"
#include "fuse/operations.h"

namespace dfs::fuse {

int link(const char* from, const char* /*to*/) {
  return reply_errno("link", from, EPERM, "hard links are not offered by dfs (a symlink is)");
}

// Regular files come through create(); only FIFOs, sockets and devices reach mknod.
int mknod(const char* path, mode_t /*mode*/, dev_t /*device*/) {
  return reply_errno("mknod", path, EPERM, "dfs stores regular files, directories and symlinks only");
}

// Extended attributes are not stored: setting one is ENOTSUP, listing finds none. getxattr is
// not in the table at all: libfuse then answers ENOSYS, which the kernel remembers for the
// mount and turns into ENOTSUP itself. `ls -l` asks for two attributes per file (an ACL and
// an SELinux label), and answering ENODATA cost two round trips to dfs-fuse per entry. Not
// logged: cp and tar ask on every file.
int setxattr(const char* /*path*/, const char* /*name*/, const char* /*value*/, size_t /*size*/, int /*flags*/) {
  return -ENOTSUP;
}
int listxattr(const char* /*path*/, char* /*list*/, size_t /*size*/) { return 0; }
int removexattr(const char* /*path*/, const char* /*name*/) { return -ENODATA; }

int fallocate(const char* /*path*/, int /*mode*/, off_t /*offset*/, off_t /*length*/, fuse_file_info* /*fi*/) {
  return -EOPNOTSUPP;
}

ssize_t copy_file_range(const char* /*path_in*/, fuse_file_info* /*fi_in*/, off_t /*offset_in*/,
                        const char* /*path_out*/, fuse_file_info* /*fi_out*/, off_t /*offset_out*/, size_t /*size*/,
                        int /*flags*/) {
  return -EOPNOTSUPP;
}

}  // namespace dfs::fuse
