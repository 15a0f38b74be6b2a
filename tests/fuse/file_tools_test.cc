// Files through the mount with ordinary tools: cp/cmp/cat, appends and in-place overwrites
// compared with the same edits on a local reference file, and the mount and the client library
// reading each other's writes.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string_view>

#include "tests/fuse/mounted_store.h"
#include "tests/support/client_fixture.h"
#include "tests/support/resident_pages.h"

namespace dfs::testing {
namespace {

using FileTools = MountedStore;

TEST_F(FileTools, CpOfSmallAndFiveMibFilesReadsBackIdentical) {
  write_local_file(local("small"), "hello, dfs\n");
  write_pseudo_random_file(local("big"), 5 << 20, 7);
  const std::string here = local("").string();
  auto copied = in_mount("cp " + here + "small " + here + "big . && cmp small " + here + "small && cmp big " + here +
                         "big && cat small");
  ASSERT_EQ(copied.exit_code, 0) << copied.output;
  EXPECT_EQ(copied.output, "hello, dfs\n");

  // What the mount committed is what the servers hold: read back with the library.
  auto big = get_bytes(client(), remote("/big"), local("big.back"));
  ASSERT_TRUE(big.ok()) << error_message(big);
  EXPECT_EQ(big->size(), std::size_t{5} << 20);
  auto listed = in_mount("ls && ls -l small | cut -d' ' -f1,5");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_EQ(listed.output, "big\nsmall\n-rw-r--r-- 11\n");
}

TEST_F(FileTools, EchoAppendsMatchALocalReference) {
  const std::string ref = local("ref").string();
  auto appended = in_mount("for i in 1 2 3; do echo line $i >> log; echo line $i >> " + ref + "; done && cmp log " + ref);
  EXPECT_EQ(appended.exit_code, 0) << appended.output;
  auto stored = get_bytes(client(), remote("/log"), local("log.back"));
  ASSERT_TRUE(stored.ok()) << error_message(stored);
  EXPECT_EQ(*stored, "line 1\nline 2\nline 3\n");
}

TEST_F(FileTools, DdNotruncOverwritesMatchALocalReference) {
  write_pseudo_random_file(local("ref"), 3 << 20, 11);
  const std::string ref = local("ref").string();
  const std::string patch = local("patch").string();
  write_pseudo_random_file(patch, 100'000, 12);
  std::string edits = "cp " + ref + " data";
  // Inside the first part, across a part boundary, and past the end (the file grows).
  for (const char* seek : {"5000", "786000", "3100000"}) {
    edits += " && dd if=" + patch + " of=data bs=100000 seek=" + seek + " oflag=seek_bytes conv=notrunc status=none";
    edits += " && dd if=" + patch + " of=" + ref + " bs=100000 seek=" + seek + " oflag=seek_bytes conv=notrunc status=none";
  }
  auto edited = in_mount(edits + " && cmp data " + ref, 60);
  ASSERT_EQ(edited.exit_code, 0) << edited.output;
  auto stored = client().get_file(remote("/data"), local("data.back"));
  ASSERT_TRUE(stored.ok()) << error_message(stored);
  EXPECT_EQ(difference_between(local("data.back"), local("ref")), "");
}

TEST_F(FileTools, OverwritesByWriteOnlyDescriptorsAreReadBackAtOnceFromACachedFile) {
  // Write-only descriptors write past the mount's page cache (direct_io): what the kernel cached
  // of the file before must not hide their bytes from the next read.
  write_pseudo_random_file(local("ref"), 3 << 20, 13);
  const std::string ref = local("ref").string();
  const std::string patch = local("patch").string();
  write_pseudo_random_file(patch, 100'000, 14);
  std::string edits = "cp " + ref + " data && cmp data " + ref;  // cmp fills the page cache
  for (const char* seek : {"5000", "786000", "3100000"}) {
    edits += " && dd if=" + patch + " of=data bs=100000 seek=" + seek + " oflag=seek_bytes conv=notrunc status=none";
    edits += " && dd if=" + patch + " of=" + ref + " bs=100000 seek=" + seek + " oflag=seek_bytes conv=notrunc status=none";
    edits += " && cmp data " + ref;
  }
  auto edited = in_mount(edits, 60);
  EXPECT_EQ(edited.exit_code, 0) << edited.output;
}

TEST_F(FileTools, AWriteOnlyCopyLeavesItsBytesOutOfTheMountsPageCache) {
  constexpr std::size_t kSize = 4 << 20;
  write_pseudo_random_file(local("blob"), kSize, 15);
  ASSERT_EQ(in_mount("cp " + local("blob").string() + " blob").exit_code, 0);  // cp writes O_WRONLY
  const int fd = ::open((mountpoint() / "blob").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  void* mapped = ::mmap(nullptr, kSize, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  ASSERT_NE(mapped, MAP_FAILED);
  EXPECT_EQ(resident_pages(mapped, kSize), 0);  // the copy went to the spool only, not also to the kernel's cache
  // Reading fills the cache, which shows the count above could see the mount's pages.
  EXPECT_TRUE(std::string_view(static_cast<const char*>(mapped), kSize) == read_local_file(local("blob")));
  EXPECT_GT(resident_pages(mapped, kSize), 0);
  ::munmap(mapped, kSize);
}

TEST_F(FileTools, ClientLibraryAndMountReadEachOthersWrites) {
  ASSERT_TRUE(put_bytes(client(), remote("/from-library.txt"), "written by DfsClient\n").ok());
  auto read = in_mount("cat from-library.txt");
  ASSERT_EQ(read.exit_code, 0) << read.output;
  EXPECT_EQ(read.output, "written by DfsClient\n");

  auto written = in_mount("printf 'written through the mount\\n' > from-mount.txt");
  ASSERT_EQ(written.exit_code, 0) << written.output;
  auto stored = get_bytes(client(), remote("/from-mount.txt"), local("back"));
  ASSERT_TRUE(stored.ok()) << error_message(stored);
  EXPECT_EQ(*stored, "written through the mount\n");
}

TEST_F(FileTools, AnOpenAfterAnotherClientsWriteSeesTheNewBytes) {
  ASSERT_EQ(in_mount("echo short > f && cat f && ls -l f >/dev/null").exit_code, 0);
  ASSERT_TRUE(put_bytes(client(), remote("/f"), "a much longer content than before\n").ok());
  auto read = in_mount("cat f");
  ASSERT_EQ(read.exit_code, 0) << read.output;
  EXPECT_EQ(read.output, "a much longer content than before\n");
  ASSERT_TRUE(put_bytes(client(), remote("/f"), "tiny\n").ok());
  EXPECT_EQ(in_mount("cat f").output, "tiny\n");
}

TEST_F(FileTools, AFileBeingWrittenListsBeforeItsFirstClose) {
  // exec 3>: the shell holds the file open (created, written, not yet closed) while ls runs.
  auto listed = in_mount("exec 3> growing && printf 12345 >&3 && ls -l | grep growing | cut -d' ' -f5 && exec 3>&-"
                         " && ls -l growing | cut -d' ' -f5");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_EQ(listed.output, "5\n5\n");
}

TEST_F(FileTools, AFileRemovedWhileOpenLeavesItsNameFree) {
  // The old descriptor's later writes and close must neither bring the name back nor touch the
  // new file of the same name.
  auto replaced = in_mount("exec 3> f && printf old >&3 && rm f && echo new > f && printf more >&3 && exec 3>&- && cat f");
  ASSERT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_EQ(replaced.output, "new\n");
  auto removed = in_mount("exec 3> g && printf data >&3 && rm g && exec 3>&- && ls -A");
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_EQ(removed.output, "f\n");
}

TEST_F(FileTools, MmapReadsTheFile) {
  write_pseudo_random_file(local("blob"), 3 << 20, 5);
  ASSERT_EQ(in_mount("cp " + local("blob").string() + " blob").exit_code, 0);
  const std::string expected = read_local_file(local("blob"));
  const int fd = ::open((mountpoint() / "blob").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  void* mapped = ::mmap(nullptr, expected.size(), PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  ASSERT_NE(mapped, MAP_FAILED);
  EXPECT_TRUE(std::string_view(static_cast<const char*>(mapped), expected.size()) == expected);
  ::munmap(mapped, expected.size());
}

TEST_F(FileTools, AnOpenDescriptorKeepsReadingAcrossChmodAndOtherWriters) {
  write_pseudo_random_file(local("ref"), 3 << 20, 9);
  ASSERT_TRUE(client().put_file(local("ref"), remote("/f")).ok());
  // fd 3 reads the first MiB, then the file's mode changes (a new version with the same bytes,
  // which removes the old one from the servers), then fd 3 reads on; meanwhile a second open sees
  // another client's new bytes.
  auto read = in_mount("exec 3< f && head -c 1048576 <&3 > first && chmod 600 f && cat <&3 > rest && "
                       "cat first rest | cmp - " + local("ref").string() + " && exec 3<&-");
  EXPECT_EQ(read.exit_code, 0) << read.output;
  ASSERT_TRUE(put_bytes(client(), remote("/f"), "replaced\n").ok());
  EXPECT_EQ(in_mount("exec 3< f && cat f && exec 3<&-").output, "replaced\n");
}

}  // namespace
}  // namespace dfs::testing
