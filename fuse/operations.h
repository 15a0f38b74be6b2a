// The FUSE surface of dfs (libfuse's path-based API, see docs/architecture.md "FUSE"): every
// operation is a short function that turns the kernel's request into one DfsClient call and one
// answer, errno by errno_reply.h. One file per concern:
//   attributes.cc        getattr (lookup)
//   directories.cc       opendir, readdir, releasedir, mkdir, rmdir
//   file_operations.cc   open, create, read, write, truncate, flush, fsync, release (the spool)
//   namespace_changes.cc unlink, rename, symlink, readlink, chmod, chown, utimens, statfs
//   unsupported.cc       what dfs cannot do honestly, with the errno that says so
#pragma once

#include <fuse.h>

namespace dfs::fuse {

// The table main.cc hands to fuse_new().
fuse_operations operations();

void* init(fuse_conn_info* connection, fuse_config* config);

int getattr(const char* path, struct stat* st, fuse_file_info* fi);

int opendir(const char* path, fuse_file_info* fi);
int readdir(const char* path, void* buffer, fuse_fill_dir_t filler, off_t offset, fuse_file_info* fi,
            fuse_readdir_flags flags);
int releasedir(const char* path, fuse_file_info* fi);
int mkdir(const char* path, mode_t mode);
int rmdir(const char* path);

int open(const char* path, fuse_file_info* fi);
int create(const char* path, mode_t mode, fuse_file_info* fi);
// Answers in memory libfuse takes over: a read-ahead block is sent without a copy.
int read_buf(const char* path, fuse_bufvec** buffer, size_t size, off_t offset, fuse_file_info* fi);
// Writes come as a fuse_bufvec: spliced straight from the kernel into the spool file when it can.
int write_buf(const char* path, fuse_bufvec* data, off_t offset, fuse_file_info* fi);
int truncate(const char* path, off_t size, fuse_file_info* fi);
int flush(const char* path, fuse_file_info* fi);
int fsync(const char* path, int datasync, fuse_file_info* fi);
int release(const char* path, fuse_file_info* fi);

int unlink(const char* path);
int rename(const char* from, const char* to, unsigned int flags);
int symlink(const char* target, const char* link);
int readlink(const char* path, char* buffer, size_t size);
int chmod(const char* path, mode_t mode, fuse_file_info* fi);
int chown(const char* path, uid_t uid, gid_t gid, fuse_file_info* fi);
int utimens(const char* path, const struct timespec times[2], fuse_file_info* fi);
int statfs(const char* path, struct statvfs* st);

int link(const char* from, const char* to);
int mknod(const char* path, mode_t mode, dev_t device);
int setxattr(const char* path, const char* name, const char* value, size_t size, int flags);
int listxattr(const char* path, char* list, size_t size);
int removexattr(const char* path, const char* name);
int fallocate(const char* path, int mode, off_t offset, off_t length, fuse_file_info* fi);
ssize_t copy_file_range(const char* path_in, fuse_file_info* fi_in, off_t offset_in, const char* path_out,
                        fuse_file_info* fi_out, off_t offset_out, size_t size, int flags);

}  // namespace dfs::fuse
