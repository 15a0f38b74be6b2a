// A directory of 10 000 entries lists whole through the mount: `ls -l` shows every name once,
// each with its own size (the LIST pages of every server merged, then paged out by libfuse).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/fuse/mounted_store.h"
#include "tests/support/client_fixture.h"
#include "tests/support/limited_tmpfs.h"

namespace dfs::testing {
namespace {

class LargeDirectory : public MountedStore {
 protected:
  // The servers' roots on a tmpfs: 10 000 puts are some 120 000 fsyncs (8 parts and 4 commits
  // each), which on this kind of disk take most of a minute and prove nothing about listing
  // (durability has its own tests).
  TestClusterOptions cluster_options() const override { return {.verbose = false, .data_parent = disk_.path()}; }

  void SetUp() override {
    ASSERT_TRUE(disk_.mounted()) << "mounting a tmpfs needs root";
    MountedStore::SetUp();
  }

  ScratchDir scratch_{"dfs-large-directory"};
  LimitedTmpfs disk_{scratch_ / "disk", "1g"};
};

constexpr int kEntries = 10'000;
constexpr int kWriters = 8;  // concurrent puts: enough to keep 4 servers busy on 2 cores

// "f00042": names that sort as numbers do, so the expected listing is in ls order.
std::string name_of(int i) {
  char name[16];
  std::snprintf(name, sizeof name, "f%05d", i);
  return name;
}

TEST_F(LargeDirectory, TenThousandEntriesListWithTheirNamesAndSizes) {
  ASSERT_TRUE(client().mkdir(remote("/big")).ok());
  // Made through the library (the mount's own writes are no faster and not what is tested);
  // file i holds its name followed by i % 7 dots, so sizes differ from entry to entry.
  const auto started = std::chrono::steady_clock::now();
  std::atomic<int> next{0};
  std::mutex failure_mutex;
  std::string first_failure;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&] {
      client::WriteOptions options;
      options.parent_known = true;  // made above
      for (int i = next++; i < kEntries; i = next++) {
        const std::string name = name_of(i);
        auto put = put_bytes(client(), remote("/big/" + name), name + std::string(i % 7, '.'), options);
        if (!put) {
          std::lock_guard lock(failure_mutex);
          if (first_failure.empty()) first_failure = name + ": " + put.error().message();
          return;
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  ASSERT_EQ(first_failure, "");
  const auto created = std::chrono::steady_clock::now();

  auto listed = in_mount("ls -l big", 120);
  const auto done = std::chrono::steady_clock::now();
  ASSERT_EQ(listed.exit_code, 0) << listed.output.substr(0, 2000);

  // ls -l's lines reduced to size and name (fields 5 and 9), after its first line "total N".
  std::vector<std::string> expected;
  for (int i = 0; i < kEntries; ++i) {
    expected.push_back(std::to_string(name_of(i).size() + static_cast<std::size_t>(i % 7)) + ' ' + name_of(i));
  }
  std::vector<std::string> seen;
  std::istringstream lines(listed.output);
  std::string line;
  std::getline(lines, line);
  EXPECT_TRUE(line.starts_with("total ")) << line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    const std::vector<std::string> field{std::istream_iterator<std::string>(fields), {}};
    seen.push_back(field.size() == 9 ? field[4] + ' ' + field[8] : "unexpected line: " + line);
  }
  EXPECT_EQ(seen.size(), expected.size());
  const auto [at_seen, at_expected] = std::ranges::mismatch(seen, expected);
  EXPECT_TRUE(at_seen == seen.end() && at_expected == expected.end())
      << "first difference at line " << (at_seen - seen.begin()) + 2 << ": "
      << (at_seen == seen.end() ? "(none)" : *at_seen) << " instead of "
      << (at_expected == expected.end() ? "(none)" : *at_expected);
  const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::cout << "[ timing   ] " << kEntries << " puts with " << kWriters << " threads: " << ms(created - started)
            << " ms; ls -l through the mount: " << ms(done - created) << " ms\n";
}

}  // namespace
}  // namespace dfs::testing
