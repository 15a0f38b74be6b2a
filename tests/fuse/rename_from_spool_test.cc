// A rename right after a file is written (how rsync, git and editors save) takes the bytes from
// the mount's spool instead of reading them back from the servers: no GET of the old name
// reaches any server, and the new name holds exactly the bytes written. A file the mount did
// not write is still moved whole, read from the servers.
#include <gtest/gtest.h>

#include <string>

#include "tests/fuse/mounted_store.h"
#include "tests/support/client_fixture.h"

namespace dfs::testing {
namespace {

class RenameFromSpool : public MountedStore {
 protected:
  // One log line per request: the test checks which requests reached the servers.
  TestClusterOptions cluster_options() const override { return {.verbose = true}; }
};

// GET requests for `path` in every server's log so far.
int gets_of(const TestCluster& cluster, const std::string& path) {
  int count = 0;
  for (int i = 0; i < cluster.size(); ++i) {
    const std::string log = cluster.log(i);
    for (std::size_t at = log.find("GET "); at != std::string::npos; at = log.find("GET ", at + 4)) {
      const auto line_end = log.find('\n', at);
      const auto line = log.substr(at, line_end == std::string::npos ? std::string::npos : line_end - at);
      if (line.find(" " + path + "?") != std::string::npos) ++count;
    }
  }
  return count;
}

TEST_F(RenameFromSpool, AFileJustWrittenIsRenamedWithoutReadingItBack) {
  // 3 MiB of bytes that differ everywhere, written and closed, then renamed over another file.
  auto written = in_mount(
      "head -c 3145728 /dev/urandom > " + local("src").string() + " && echo old > final"
      " && cp " + local("src").string() + " .final.tmp && mv .final.tmp final && cmp " +
      local("src").string() + " final");
  ASSERT_EQ(written.exit_code, 0) << written.output;
  EXPECT_EQ(gets_of(cluster(), "/.final.tmp"), 0) << "the rename read the old name back from a server";
  EXPECT_EQ(error_code(client().stat(remote("/.final.tmp"))), Errc::not_found);
  auto entry = client().stat(remote("/final"));
  ASSERT_TRUE(entry.ok()) << error_message(entry);
  EXPECT_EQ(entry->attributes.size, 3145728u);

  // After a remount nothing is kept: the same rename reads the bytes from the servers.
  remount();
  auto again = in_mount("mv final moved && cmp " + local("src").string() + " moved");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_GT(gets_of(cluster(), "/final"), 0) << "a file this mount did not write must be read to be moved";
}

}  // namespace
}  // namespace dfs::testing
