// Pins server/part_store.h (with part_writer.h and part_reader.h) on a real temp root: bytes come
// back exactly as written at any offset, nothing becomes visible before a good finish(), commits
// order versions and drop older ones, LIST pages, metadata-only copies keep the data, damaged
// files are reported as corruption block by block, and planted symlinks are refused.
#include "server/part_store.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/checksum.h"
#include "server/confined_dir.h"
#include "server/part_file_format.h"
#include "tests/support/resident_pages.h"
#include "tests/unit/temp_dir.h"

namespace dfs::server {
namespace {

namespace fs = std::filesystem;
using protocol::EntryKind;
using protocol::ListRecord;
using protocol::PartDescriptor;
using testing::TempDir;

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * kKiB;

const VersionId v1{0x1000, 7};
const VersionId v2{0x2000, 7};
const VersionId v3{0x3000, 7};

std::string random_bytes(std::uint64_t size, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

RemotePath path_of(std::string_view text) {
  auto path = RemotePath::parse(text);
  EXPECT_TRUE(path.ok()) << text;
  return path ? *path : RemotePath();
}

PartDescriptor descriptor_for(const VersionId& version, int part, const std::string& data) {
  PartDescriptor d;
  d.part = part;
  d.parts = 4;
  d.version = version;
  d.part_size = data.size();
  d.checksum = xxh3(data.data(), data.size());
  d.attributes.kind = EntryKind::file;
  d.attributes.size = 4 * data.size();
  d.attributes.mode = 0640;
  d.attributes.uid = 1000;
  d.attributes.gid = 1000;
  d.attributes.mtime_ns = 1'700'000'000'000'000'000LL;
  return d;
}

class PartStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = PartStore::open(root_);
    ASSERT_TRUE(opened.ok()) << opened.error().message();
    store_ = std::move(*opened);
  }

  // Streams `data` in uneven pieces, as a network body arrives, then finishes.
  Status put(std::string_view user, std::string_view path, const PartDescriptor& d, const std::string& data,
             protocol::CommitDurability durability = protocol::CommitDurability::now) {
    auto writer = store_->begin_part(user, path_of(path), d);
    if (!writer) return writer.error();
    std::size_t done = 0;
    std::size_t piece = 1;
    while (done < data.size()) {
      const std::size_t take = std::min(piece, data.size() - done);
      if (auto st = (*writer)->write(data.data() + done, take); !st) return st;
      done += take;
      piece = piece * 3 + 17;  // 1, 20, 77, 248, ... crosses block boundaries at odd places
    }
    return store_->store_parts(std::span(&*writer, 1), durability);
  }

  Status put(std::string_view path, const VersionId& version, int part, const std::string& data,
             protocol::CommitDurability durability = protocol::CommitDurability::now) {
    return put("alice", path, descriptor_for(version, part, data), data, durability);
  }

  Status commit(std::string_view path, const VersionId& version) {
    return store_->commit("alice", path_of(path), version);
  }

  Result<PartReader> open_part(std::string_view path, int part, std::optional<VersionId> version = std::nullopt) {
    return store_->open_part("alice", path_of(path), part, version);
  }

  // Reads [offset, offset + length) however many calls it takes.
  static Result<std::string> read_range(PartReader& reader, std::uint64_t offset, std::uint64_t length) {
    std::string out;
    while (out.size() < length) {
      auto chunk = reader.read(offset + out.size(), length - out.size());
      if (!chunk) return chunk.error();
      if (chunk->empty()) break;
      if (chunk->size() > length - out.size()) return Error(Errc::io_error, "read returned more than asked");
      out.append(chunk->data(), chunk->size());
    }
    return out;
  }

  fs::path folder(std::string_view version_folder) const { return root_ / "alice" / version_folder; }

  static std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    if (!fs::exists(dir)) return names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::vector<ListRecord> list_entries(std::string_view dir, const std::vector<std::string>& names) {
    std::vector<ListRecord> records;
    const auto st = store_->list_entries("alice", path_of(dir), names,
                                         [&](const ListRecord& record) { records.push_back(record); });
    EXPECT_TRUE(st.ok()) << st.error().message();
    return records;
  }

  TempDir tmp_;
  fs::path root_ = tmp_ / "data";
  std::unique_ptr<PartStore> store_;
};

TEST(PartStorePaths, VersionFolderAndLockKeyFollowTheLayout) {
  EXPECT_EQ(version_folder_of(path_of("a.txt")), ".dfs/a.txt");
  EXPECT_EQ(version_folder_of(path_of("docs/2024/a.txt")), "docs/2024/.dfs/a.txt");
  EXPECT_EQ(entry_lock_key("alice", "docs/.dfs/a.txt"), "alice/docs/.dfs/a.txt");
}

TEST(PartStoreOpen, CreatesAMissingRoot) {
  TempDir tmp;
  const auto root = tmp / "deep" / "data";
  const auto store = PartStore::open(root);
  ASSERT_TRUE(store.ok()) << store.error().message();
  EXPECT_TRUE(fs::is_directory(root));
  const auto space = (*store)->space();
  ASSERT_TRUE(space.ok()) << space.error().message();
  EXPECT_GT(space->total_bytes, 0u);
  EXPECT_LE(space->free_bytes, space->total_bytes);
}

TEST_F(PartStoreTest, StoresThePartUnderTheUsersFolderWithAnOperatorReadableName) {
  const std::string data = random_bytes(1000, 1);
  ASSERT_TRUE(put("docs/a.txt", v1, 2, data).ok());
  EXPECT_EQ(names_in(folder("docs/.dfs/a.txt")), (std::vector<std::string>{part_file_name(v1, 2)}));
  const auto on_disk = fs::file_size(folder("docs/.dfs/a.txt") / part_file_name(v1, 2));
  EXPECT_EQ(on_disk, data_offset(data.size()) + data.size());
  ASSERT_TRUE(commit("docs/a.txt", v1).ok());
  EXPECT_EQ(names_in(folder("docs/.dfs/a.txt")),
            (std::vector<std::string>{commit_marker_name(v1), part_file_name(v1, 2)}));
}

TEST_F(PartStoreTest, PartsOfEverySizeReadBackIdenticalAtAnyOffset) {
  const std::uint64_t block = kBlockBytes;
  const std::vector<std::uint64_t> sizes = {0, 1, block, block + 1, 3 * kMiB + 7};
  std::mt19937_64 rng(99);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const std::uint64_t size = sizes[i];
    SCOPED_TRACE("size " + std::to_string(size));
    const std::string path = "f" + std::to_string(i);
    const std::string data = random_bytes(size, static_cast<std::uint32_t>(i + 1));
    const auto d = descriptor_for(v1, 1, data);
    ASSERT_TRUE(put("alice", path, d, data).ok());
    ASSERT_TRUE(commit(path, v1).ok());

    auto reader = open_part(path, 1);
    ASSERT_TRUE(reader.ok()) << reader.error().message();
    EXPECT_EQ(reader->descriptor(), d);
    EXPECT_TRUE(reader->committed());
    const auto whole = read_range(*reader, 0, size);
    ASSERT_TRUE(whole.ok()) << whole.error().message();
    ASSERT_TRUE(*whole == data) << "whole part differs";

    // Ranges at and around every block boundary, plus random ones.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    for (std::uint64_t b = 0; b <= size / block + 1; ++b) {
      for (const std::int64_t delta : {-2, -1, 0, 1}) {
        const std::int64_t start = static_cast<std::int64_t>(b * block) + delta;
        if (start < 0 || static_cast<std::uint64_t>(start) >= size) continue;
        for (const std::uint64_t len : {std::uint64_t{1}, std::uint64_t{3}, block, block + 5, 2 * kMiB}) {
          ranges.emplace_back(start, std::min(len, size - start));
        }
      }
    }
    for (int r = 0; r < 40 && size > 0; ++r) {
      const std::uint64_t start = rng() % size;
      ranges.emplace_back(start, 1 + rng() % (size - start));
    }
    for (const auto& [offset, length] : ranges) {
      const auto got = read_range(*reader, offset, length);
      ASSERT_TRUE(got.ok()) << "offset " << offset << ": " << got.error().message();
      ASSERT_TRUE(*got == data.substr(offset, length)) << "offset " << offset << " length " << length;
    }
    // At the end there is nothing more to read.
    const auto at_end = reader->read(size, 100);
    ASSERT_TRUE(at_end.ok());
    EXPECT_TRUE(at_end->empty());
  }
}

// Whether files in `dir` can be opened with O_DIRECT (not every filesystem allows it).
bool allows_direct_io(const fs::path& dir) {
  const fs::path probe = dir / "direct-probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_DIRECT | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
  fs::remove(probe);
  return fd >= 0;
}

// Pages of [offset, offset + length) of `file` in the page cache.
std::ptrdiff_t cached_pages(const fs::path& file, std::uint64_t offset, std::uint64_t length) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << file;
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const auto mapped = static_cast<std::size_t>((offset + length + page - 1) / page * page);
  void* map = ::mmap(nullptr, mapped, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  EXPECT_NE(map, MAP_FAILED);
  const auto resident = testing::resident_pages(map, mapped, static_cast<std::size_t>(offset / page));
  ::munmap(map, mapped);
  return resident;
}

TEST_F(PartStoreTest, ABodyReceivedIntoTheWritersBufferReadsBackAndALargePartBypassesThePageCache) {
  const bool direct_here = allows_direct_io(root_);
  const std::vector<std::uint64_t> sizes = {5000, kMiB - 1, kMiB, kMiB + 1, 2 * kMiB + 4095, 4 * kMiB + 4097};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const std::uint64_t size = sizes[i];
    SCOPED_TRACE("size " + std::to_string(size));
    const std::string path = "r" + std::to_string(i);
    const std::string data = random_bytes(size, static_cast<std::uint32_t>(i + 50));
    auto writer = store_->begin_part("alice", path_of(path), descriptor_for(v1, 1, data));
    ASSERT_TRUE(writer.ok()) << writer.error().message();
    PartWriter& w = **writer;
    EXPECT_EQ(w.direct(), direct_here && size >= kMiB);
    // As a PUT arrives: a few bytes came with the header, the rest is read into the buffer.
    std::size_t done = std::min<std::size_t>(100, data.size());
    ASSERT_TRUE(w.write(data.data(), done).ok());
    for (std::size_t piece = 7000; done < data.size(); piece += 65537) {
      const auto space = w.receive_space();
      ASSERT_FALSE(space.empty());
      const std::size_t take = std::min({piece, space.size(), data.size() - done});
      std::copy_n(data.data() + done, take, space.data());
      ASSERT_TRUE(w.received(take).ok());
      done += take;
    }
    ASSERT_TRUE(store_->store_parts(std::span(&*writer, 1)).ok());
    if (w.direct()) {
      // Nothing of the data went through the page cache but its last partial 4 KiB block.
      const fs::path file = folder(".dfs/" + path) / part_file_name(v1, 1);
      EXPECT_EQ(cached_pages(file, data_offset(size), size / 4096 * 4096), 0);
    }
    ASSERT_TRUE(commit(path, v1).ok());
    auto reader = open_part(path, 1);
    ASSERT_TRUE(reader.ok()) << reader.error().message();
    const auto whole = read_range(*reader, 0, size);
    ASSERT_TRUE(whole.ok()) << whole.error().message();
    ASSERT_TRUE(*whole == data) << "part differs";
  }
}

TEST_F(PartStoreTest, OneReadReturnsAtMostWhatWasAskedAndNoMoreThanOneMiB) {
  const std::string data = random_bytes(3 * kMiB + 7, 5);
  ASSERT_TRUE(put("big", v1, 1, data).ok());
  auto reader = open_part("big", 1, v1);
  ASSERT_TRUE(reader.ok()) << reader.error().message();
  const auto small = reader->read(10, 5);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(*small, data.substr(10, 5));
  const auto large = reader->read(100, 3 * kMiB);
  ASSERT_TRUE(large.ok());
  EXPECT_GT(large->size(), 0u);
  EXPECT_LE(large->size(), kMiB);
  EXPECT_EQ(*large, data.substr(100, large->size()));
}

TEST_F(PartStoreTest, ReadWithAnUnboundedMaxStopsAtThePartEnd) {
  const std::string data = random_bytes(1000, 6);
  ASSERT_TRUE(put("small", v1, 1, data).ok());
  auto reader = open_part("small", 1, v1);
  ASSERT_TRUE(reader.ok()) << reader.error().message();
  const auto rest = reader->read(5, std::numeric_limits<std::uint64_t>::max());
  ASSERT_TRUE(rest.ok()) << rest.error().message();
  EXPECT_EQ(*rest, data.substr(5));
}

TEST_F(PartStoreTest, WrongChecksumAtFinishStoresNothing) {
  const std::string data = random_bytes(300 * kKiB, 2);
  auto d = descriptor_for(v1, 1, data);
  d.checksum ^= 1;
  {
    auto writer = store_->begin_part("alice", path_of("docs/a.txt"), d);
    ASSERT_TRUE(writer.ok()) << writer.error().message();
    ASSERT_TRUE((*writer)->write(data.data(), data.size()).ok());
    const auto st = store_->store_parts(std::span(&*writer, 1));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), Errc::invalid_argument) << st.error().message();
    EXPECT_TRUE(names_in(folder("docs/.dfs/a.txt")).size() <= 1u) << "at most the writer's own temp file";
    for (const auto& name : names_in(folder("docs/.dfs/a.txt"))) {
      EXPECT_TRUE(name.starts_with(kTempPrefix)) << name << " became visible";
    }
  }
  EXPECT_TRUE(names_in(folder("docs/.dfs/a.txt")).empty());
  const auto reader = open_part("docs/a.txt", 1, v1);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code(), Errc::not_found);
}

TEST_F(PartStoreTest, ShortBodyAtFinishStoresNothing) {
  const std::string data = random_bytes(1000, 3);
  {
    auto writer = store_->begin_part("alice", path_of("a"), descriptor_for(v1, 1, data));
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->write(data.data(), 999).ok());
    EXPECT_EQ((*writer)->remaining(), 1u);
    const auto st = store_->store_parts(std::span(&*writer, 1));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), Errc::invalid_argument);
  }
  EXPECT_TRUE(names_in(folder(".dfs/a")).empty());
}

TEST_F(PartStoreTest, WritingMoreThanThePartSizeIsRefused) {
  const std::string data = random_bytes(1000, 4);
  auto writer = store_->begin_part("alice", path_of("a"), descriptor_for(v1, 1, data));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->write(data.data(), 1000).ok());
  const auto st = (*writer)->write("x", 1);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::invalid_argument);
}

TEST_F(PartStoreTest, WriterDestroyedWithoutFinishLeavesNoFile) {
  const std::string data = random_bytes(600 * kKiB, 5);
  {
    auto writer = store_->begin_part("alice", path_of("docs/a.txt"), descriptor_for(v1, 1, data));
    ASSERT_TRUE(writer.ok()) << writer.error().message();
    ASSERT_TRUE((*writer)->write(data.data(), data.size() / 2).ok());
    EXPECT_EQ(names_in(folder("docs/.dfs/a.txt")).size(), 1u) << "the temp file exists while receiving";
  }
  EXPECT_TRUE(names_in(folder("docs/.dfs/a.txt")).empty());
}

TEST_F(PartStoreTest, StagedVersionIsReadableByVersionButInvisibleUntilCommitted) {
  const std::string data = random_bytes(100, 6);
  ASSERT_TRUE(put("a", v1, 1, data).ok());

  const auto newest = open_part("a", 1);
  ASSERT_FALSE(newest.ok());
  EXPECT_EQ(newest.error().code(), Errc::not_found);
  auto staged = open_part("a", 1, v1);
  ASSERT_TRUE(staged.ok()) << staged.error().message();
  EXPECT_FALSE(staged->committed());

  ASSERT_TRUE(commit("a", v1).ok());
  auto committed = open_part("a", 1);
  ASSERT_TRUE(committed.ok()) << committed.error().message();
  EXPECT_TRUE(committed->committed());
  EXPECT_EQ(committed->descriptor().version, v1);
  const auto bytes = read_range(*committed, 0, data.size());
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, data);
}

TEST_F(PartStoreTest, CommittingTwiceIsFine) {
  ASSERT_TRUE(put("a", v1, 1, "x").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  const auto again = commit("a", v1);
  EXPECT_TRUE(again.ok()) << again.error().message();
}

TEST_F(PartStoreTest, CommitRemovesOlderVersionsAndKeepsNewerStagedOnes) {
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(put("a", v1, 2, "ONE").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  ASSERT_TRUE(put("a", v2, 1, "two").ok());
  ASSERT_TRUE(put("a", v3, 1, "three").ok());
  ASSERT_TRUE(commit("a", v2).ok());

  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{commit_marker_name(v2), part_file_name(v2, 1),
                                                                   part_file_name(v3, 1)}));
  const auto old = open_part("a", 1, v1);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code(), Errc::not_found);
  auto newest = open_part("a", 1);
  ASSERT_TRUE(newest.ok()) << newest.error().message();
  EXPECT_EQ(newest->descriptor().version, v2) << "the staged v3 is not served";
  const auto part2 = open_part("a", 2);
  ASSERT_FALSE(part2.ok()) << "part 2 of v1 must not be served once v2 is committed";
  EXPECT_EQ(part2.error().code(), Errc::not_found);
}

TEST_F(PartStoreTest, ACommitDurableLaterIsServedAtOnceAndWhatItSupersedesIsGoneByTheStoresEnd) {
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  ASSERT_TRUE(put("a", v2, 1, "two").ok());
  ASSERT_TRUE(store_->commit("alice", path_of("a"), v2, protocol::CommitDurability::later).ok());
  auto newest = open_part("a", 1);
  ASSERT_TRUE(newest.ok()) << newest.error().message();
  EXPECT_EQ(newest->descriptor().version, v2) << "recorded before the answer: every reader sees it";
  store_.reset();  // a clean stop: the pending batch is flushed first
  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{commit_marker_name(v2), part_file_name(v2, 1)}));
}

TEST_F(PartStoreTest, ADurableCommitOfAVersionCommittedLaterRemovesWhatItSupersedesBeforeItReturns) {
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  ASSERT_TRUE(put("a", v2, 1, "two").ok());
  ASSERT_TRUE(store_->commit("alice", path_of("a"), v2, protocol::CommitDurability::later).ok());
  ASSERT_TRUE(commit("a", v2).ok());
  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{commit_marker_name(v2), part_file_name(v2, 1)}));
}

// The mount's close: parts and commit both durable `later`. Readers see the version committed
// as soon as the commit is answered, though its marker waits for the group commit to make the
// parts durable first; a clean stop leaves the marker on the disk and the old version gone.
TEST_F(PartStoreTest, PartsAndCommitDurableLaterAreServedAtOnceAndOnTheDiskByTheStoresEnd) {
  constexpr auto later = protocol::CommitDurability::later;
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  ASSERT_TRUE(put("a", v2, 1, "two", later).ok());
  ASSERT_TRUE(put("a", v2, 3, "owt", later).ok());
  ASSERT_TRUE(store_->commit("alice", path_of("a"), v2, later).ok());
  auto newest = open_part("a", 3);
  ASSERT_TRUE(newest.ok()) << newest.error().message();
  EXPECT_EQ(newest->descriptor().version, v2);
  EXPECT_TRUE(newest->committed()) << "answered commits are served as committed";
  const auto records = list_entries("", {"a"});
  ASSERT_FALSE(records.empty());
  for (const auto& r : records) {
    if (r.descriptor.version == v2) {
      EXPECT_TRUE(r.committed) << "part " << r.descriptor.part;
    }
  }
  EXPECT_TRUE(store_->commit("alice", path_of("a"), v2, later).ok()) << "committing twice is fine";
  store_.reset();
  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{commit_marker_name(v2), part_file_name(v2, 1),
                                                                   part_file_name(v2, 3)}));
}

// fsync after a close: a durable commit of parts stored `later` returns with its marker written
// and the version it supersedes removed.
TEST_F(PartStoreTest, ADurableCommitOfPartsStoredLaterIsOnTheDiskWhenItReturns) {
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  ASSERT_TRUE(put("a", v2, 1, "two", protocol::CommitDurability::later).ok());
  ASSERT_TRUE(commit("a", v2).ok());
  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{commit_marker_name(v2), part_file_name(v2, 1)}));
  auto newest = open_part("a", 1);
  ASSERT_TRUE(newest.ok()) << newest.error().message();
  EXPECT_EQ(newest->descriptor().version, v2);
}

// Sets or clears the immutable flag of `dir` (chattr +i), under which a folder takes no new
// name, not even root's. False where the filesystem or the user cannot (tmpfs, no root).
bool set_immutable(const fs::path& dir, bool on) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  int flags = 0;
  if (!fd.valid() || ::ioctl(fd.get(), FS_IOC_GETFLAGS, &flags) != 0) return false;
  flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
  return ::ioctl(fd.get(), FS_IOC_SETFLAGS, &flags) == 0;
}

// A marker the group commit cannot write (its folder takes no new name) leaves the commit that
// was answered pending and served, not dropped; a later batch writes it, and it is on the disk
// for the next start of the store.
TEST_F(PartStoreTest, ACommitWhoseMarkerCannotBeWrittenStaysServedAndIsWrittenByALaterBatch) {
  constexpr auto later = protocol::CommitDurability::later;
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  ASSERT_TRUE(put("a", v2, 1, "two", later).ok());
  if (!set_immutable(folder(".dfs/a"), true)) GTEST_SKIP() << "cannot make a folder immutable here (root on ext4 needed)";
  struct Mutable {
    fs::path dir;
    ~Mutable() { set_immutable(dir, false); }  // or the temp dir cannot be removed
  } undo{folder(".dfs/a")};
  ASSERT_TRUE(store_->commit("alice", path_of("a"), v2, later).ok());
  // A durable commit of another entry returns once every batch before it is flushed.
  ASSERT_TRUE(put("b", v1, 1, "bee").ok());
  ASSERT_TRUE(commit("b", v1).ok());

  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{commit_marker_name(v1), part_file_name(v1, 1),
                                                                   part_file_name(v2, 1)}))
      << "no marker of v2 could be written";
  EXPECT_EQ(store_->markers_waiting(), 1u);
  auto served = open_part("a", 1);
  ASSERT_TRUE(served.ok()) << served.error().message();
  EXPECT_EQ(served->descriptor().version, v2) << "the answered commit must stay served";
  EXPECT_TRUE(served->committed());

  ASSERT_TRUE(set_immutable(folder(".dfs/a"), false));
  ASSERT_TRUE(put("c", v1, 1, "sea", later).ok());  // the next batch
  ASSERT_TRUE(commit("c", v1).ok());
  EXPECT_EQ(store_->markers_waiting(), 0u);
  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{commit_marker_name(v2), part_file_name(v2, 1)}))
      << "the marker is written and v1 goes";

  store_.reset();
  auto reopened = PartStore::open(root_);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message();
  store_ = std::move(*reopened);
  auto after = open_part("a", 1);
  ASSERT_TRUE(after.ok()) << after.error().message();
  EXPECT_EQ(after->descriptor().version, v2);
  EXPECT_TRUE(after->committed());
}

// Parts stored `later` are no commit: nothing is served before one. And an older version's
// commit after a pending newer one is a conflict, as after a written one.
TEST_F(PartStoreTest, APendingCommitRanksLikeAWrittenOne) {
  constexpr auto later = protocol::CommitDurability::later;
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(put("a", v2, 1, "two", later).ok());
  auto before = open_part("a", 1);
  EXPECT_FALSE(before.ok()) << "nothing is committed yet";
  ASSERT_TRUE(store_->commit("alice", path_of("a"), v2, later).ok());
  const auto st = store_->commit("alice", path_of("a"), v1, later);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::conflict) << st.error().message();
}

// A small part's file gets its whole length without fallocate: an empty one (a 2-byte file's
// parts 3 and 4) holds only its header, and was once read as truncated, which failed the copy
// a chmod or utimens makes of it.
TEST_F(PartStoreTest, AnEmptyPartStoredLaterIsWholeAndCopiesIntoANewVersion) {
  ASSERT_TRUE(put("z", v1, 1, "", protocol::CommitDurability::later).ok());
  ASSERT_TRUE(store_->commit("alice", path_of("z"), v1, protocol::CommitDurability::later).ok());
  const auto copied = store_->copy_part("alice", path_of("z"), descriptor_for(v2, 1, ""), v1);
  ASSERT_TRUE(copied.ok()) << copied.error().message();
  auto reader = open_part("z", 1, v2);
  ASSERT_TRUE(reader.ok()) << reader.error().message();
  EXPECT_EQ(reader->descriptor().part_size, 0u);
}

TEST_F(PartStoreTest, CommitOfAnOlderVersionAfterANewerOneIsAConflict) {
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(put("a", v2, 1, "two").ok());
  ASSERT_TRUE(commit("a", v2).ok());
  const auto st = commit("a", v1);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::conflict) << st.error().message();
  auto newest = open_part("a", 1);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->descriptor().version, v2);
}

TEST_F(PartStoreTest, CommitOfAnUnknownVersionIsNotFound) {
  for (const char* path : {"never-written", "docs/never-written"}) {
    const auto st = commit(path, v1);
    ASSERT_FALSE(st.ok()) << path;
    EXPECT_EQ(st.error().code(), Errc::not_found) << path;
  }
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  const auto st = commit("a", v2);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::not_found);
  EXPECT_FALSE(fs::exists(folder(".dfs/a") / commit_marker_name(v2))) << "a marker without parts was written";
  const auto other_user = store_->commit("bob", path_of("a"), v1);
  ASSERT_FALSE(other_user.ok());
  EXPECT_EQ(other_user.error().code(), Errc::not_found);
}

TEST_F(PartStoreTest, FinishingAPartOlderThanTheCommittedVersionIsAConflict) {
  const std::string data = random_bytes(1000, 7);
  auto late = store_->begin_part("alice", path_of("a"), descriptor_for(v1, 1, data));
  ASSERT_TRUE(late.ok());
  ASSERT_TRUE((*late)->write(data.data(), data.size()).ok());
  ASSERT_TRUE(put("a", v2, 1, "newer").ok());
  ASSERT_TRUE(commit("a", v2).ok());
  const auto st = store_->store_parts(std::span(&*late, 1));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::conflict) << st.error().message();
  late->reset();
  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{commit_marker_name(v2), part_file_name(v2, 1)}));
}

TEST_F(PartStoreTest, AddingAPartToTheCommittedVersionIsAllowed) {
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  ASSERT_TRUE(put("a", v1, 2, "ONE").ok()) << "heal restores a missing part of the committed version";
  auto reader = open_part("a", 2);
  ASSERT_TRUE(reader.ok()) << reader.error().message();
  EXPECT_TRUE(reader->committed());
}

// Heal's drop (PUT ?version=V&drop=1): staged versions and committed tombstones go; committed
// data never does, even when its header cannot be read to prove what it is.
TEST_F(PartStoreTest, DropRemovesAStagedVersionAndLeavesTheCommittedOne) {
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  ASSERT_TRUE(put("a", v2, 1, "two").ok());
  ASSERT_TRUE(put("a", v2, 2, "TWO").ok());
  const auto st = store_->drop("alice", path_of("a"), v2);
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{commit_marker_name(v1), part_file_name(v1, 1)}));
  const auto again = store_->drop("alice", path_of("a"), v2);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Errc::not_found);
}

TEST_F(PartStoreTest, DropRefusesCommittedDataAndTakesACommittedTombstone) {
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  const auto refused = store_->drop("alice", path_of("a"), v1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Errc::conflict) << refused.error().message();
  EXPECT_TRUE(open_part("a", 1).ok()) << "the committed data is untouched";

  auto tombstone = descriptor_for(v2, 1, "");
  tombstone.attributes.kind = EntryKind::tombstone;
  tombstone.attributes.size = 0;
  ASSERT_TRUE(put("alice", "a", tombstone, "").ok());
  ASSERT_TRUE(commit("a", v2).ok());
  const auto dropped = store_->drop("alice", path_of("a"), v2);
  ASSERT_TRUE(dropped.ok()) << dropped.error().message();
  EXPECT_TRUE(names_in(folder(".dfs/a")).empty()) << "the delete and everything before it are gone";
  EXPECT_TRUE(list_entries("", {"a"}).empty());
}

TEST_F(PartStoreTest, DropRefusesACommittedVersionWhoseHeaderCannotBeRead) {
  ASSERT_TRUE(put("a", v1, 1, "some bytes").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  fs::resize_file(folder(".dfs/a") / part_file_name(v1, 1), 10);  // not even a header left
  const auto st = store_->drop("alice", path_of("a"), v1);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::conflict);
  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{commit_marker_name(v1), part_file_name(v1, 1)}));
}

TEST_F(PartStoreTest, OpenPartOfMissingThingsIsNotFound) {
  ASSERT_TRUE(put("docs/a", v1, 1, "one").ok());
  ASSERT_TRUE(commit("docs/a", v1).ok());
  const std::vector<std::pair<std::string, int>> cases = {{"docs/a", 2}, {"docs/b", 1}, {"nodir/a", 1}};
  for (const auto& [path, part] : cases) {
    const auto reader = open_part(path, part);
    ASSERT_FALSE(reader.ok()) << path << " part " << part;
    EXPECT_EQ(reader.error().code(), Errc::not_found) << path;
  }
  const auto unknown_version = open_part("docs/a", 1, v2);
  ASSERT_FALSE(unknown_version.ok());
  EXPECT_EQ(unknown_version.error().code(), Errc::not_found);
  const auto other_user = store_->open_part("bob", path_of("docs/a"), 1, std::nullopt);
  ASSERT_FALSE(other_user.ok());
  EXPECT_EQ(other_user.error().code(), Errc::not_found);
}

TEST_F(PartStoreTest, UsersDoNotSeeEachOthersFiles) {
  ASSERT_TRUE(put("alice", "a", descriptor_for(v1, 1, "alice's"), "alice's").ok());
  ASSERT_TRUE(put("bob", "a", descriptor_for(v1, 1, "bob's!"), "bob's!").ok());
  ASSERT_TRUE(store_->commit("alice", path_of("a"), v1).ok());
  ASSERT_TRUE(store_->commit("bob", path_of("a"), v1).ok());
  auto bob = store_->open_part("bob", path_of("a"), 1, std::nullopt);
  ASSERT_TRUE(bob.ok());
  const auto bytes = read_range(*bob, 0, 6);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "bob's!");
}

TEST_F(PartStoreTest, ListPagesSortedNamesWithLimitAfterAndNext) {
  for (const char* name : {"e", "b", "d", "a", "c"}) ASSERT_TRUE(put(std::string("docs/") + name, v1, 1, name).ok());
  ASSERT_TRUE(put("docs/sub/deeper", v1, 1, "x").ok());  // not an entry of docs itself
  const RemotePath docs = path_of("docs");

  ListQuery query;
  query.limit = 2;
  auto page = store_->list_page("alice", docs, query);
  ASSERT_TRUE(page.ok()) << page.error().message();
  EXPECT_EQ(page->names, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(page->next.has_value());

  query.after = page->next;
  page = store_->list_page("alice", docs, query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->names, (std::vector<std::string>{"c", "d"}));
  ASSERT_TRUE(page->next.has_value());

  query.after = page->next;
  page = store_->list_page("alice", docs, query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->names, (std::vector<std::string>{"e"}));
  EXPECT_FALSE(page->next.has_value()) << "the last page has no continuation";
}

TEST_F(PartStoreTest, ListPageThatEndsExactlyAtTheLastNameHasNoNext) {
  for (const char* name : {"a", "b"}) ASSERT_TRUE(put(name, v1, 1, name).ok());
  ListQuery query;
  query.limit = 2;
  const auto page = store_->list_page("alice", RemotePath(), query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->names, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(page->next.has_value());
}

TEST_F(PartStoreTest, ListPageAfterANameThatIsGoneStartsAtTheNextOne) {
  for (const char* name : {"a", "c", "e"}) ASSERT_TRUE(put(name, v1, 1, name).ok());
  ListQuery query;
  query.after = "b";
  const auto page = store_->list_page("alice", RemotePath(), query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->names, (std::vector<std::string>{"c", "e"}));
}

TEST_F(PartStoreTest, ListPageOfAnEmptyOrMissingDirectoryIsEmpty) {
  for (const auto& [user, dir] : std::vector<std::pair<std::string, std::string>>{
           {"alice", ""}, {"alice", "nothing/here"}, {"nobody", ""}}) {
    const auto page = store_->list_page(user, path_of(dir), ListQuery{});
    ASSERT_TRUE(page.ok()) << user << " " << dir << ": " << page.error().message();
    EXPECT_TRUE(page->names.empty());
    EXPECT_FALSE(page->next.has_value());
  }
}

TEST_F(PartStoreTest, ListPageWithANameReturnsOnlyThatName) {
  for (const char* name : {"a", "b", "c"}) ASSERT_TRUE(put(name, v1, 1, name).ok());
  ListQuery query;
  query.name = "b";
  const auto page = store_->list_page("alice", RemotePath(), query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->names, (std::vector<std::string>{"b"}));
  EXPECT_FALSE(page->next.has_value());
  const auto records = list_entries("", page->names);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].name, "b");
}

// LIST keeps the headers it read (PartHeaderCache); a part stored again under the same name
// is a new file, and its new header is what the next listing shows.
TEST_F(PartStoreTest, APartStoredAgainUnderItsNameIsListedWithItsNewHeader) {
  auto first = descriptor_for(v1, 1, "one");
  ASSERT_TRUE(put("alice", "a", first, "one").ok());
  auto records = list_entries("", {"a"});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].descriptor.attributes.mode, 0640u);
  ASSERT_TRUE(store_->drop("alice", path_of("a"), v1).ok());
  EXPECT_TRUE(list_entries("", {"a"}).empty());
  auto again = first;
  again.attributes.mode = 0600;
  ASSERT_TRUE(put("alice", "a", again, "one").ok());
  records = list_entries("", {"a"});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].descriptor.attributes.mode, 0600u) << "the header listed before the drop was shown";
}

// A part file replaced behind the server's back (an operator restoring one) has another inode:
// the next listing reads its header.
TEST_F(PartStoreTest, APartFileReplacedOnTheDiskIsListedWithItsOwnHeader) {
  auto mode_640 = descriptor_for(v1, 1, "one");
  auto mode_600 = mode_640;
  mode_600.attributes.mode = 0600;
  ASSERT_TRUE(put("alice", "a", mode_640, "one").ok());
  ASSERT_TRUE(put("alice", "b", mode_600, "one").ok());
  auto records = list_entries("", {"a"});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].descriptor.attributes.mode, 0640u);
  const auto part_name = part_file_name(v1, 1);
  const fs::path replacement = folder(".dfs/a") / "replacement";
  fs::copy_file(folder(".dfs/b") / part_name, replacement);
  fs::rename(replacement, folder(".dfs/a") / part_name);
  records = list_entries("", {"a"});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].descriptor.attributes.mode, 0600u) << "the header of the file before was shown";
}

TEST_F(PartStoreTest, ListEntriesEmitsEveryPartVersionWithItsDescriptorAndCommitState) {
  const auto d1 = descriptor_for(v1, 1, "one");
  const auto d3 = descriptor_for(v1, 3, "uno");
  const auto staged = descriptor_for(v2, 1, "two");
  const auto other = descriptor_for(v1, 2, "other");
  ASSERT_TRUE(put("alice", "docs/x", d1, "one").ok());
  ASSERT_TRUE(put("alice", "docs/x", d3, "uno").ok());
  ASSERT_TRUE(commit("docs/x", v1).ok());
  ASSERT_TRUE(put("alice", "docs/x", staged, "two").ok());
  ASSERT_TRUE(put("alice", "docs/y", other, "other").ok());

  const auto records = list_entries("docs", {"y", "x", "missing"});
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0], (ListRecord{"y", other, false})) << "entries come in the order asked";
  EXPECT_EQ(records[1], (ListRecord{"x", d1, true}));
  EXPECT_EQ(records[2], (ListRecord{"x", d3, true}));
  EXPECT_EQ(records[3], (ListRecord{"x", staged, false}));
}

TEST_F(PartStoreTest, ListOfTheRootListsRootEntries) {
  ASSERT_TRUE(put("top", v1, 1, "t").ok());
  ASSERT_TRUE(put("docs/inner", v1, 1, "i").ok());
  const auto page = store_->list_page("alice", RemotePath(), ListQuery{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->names, (std::vector<std::string>{"top"}));
  const auto records = list_entries("", page->names);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].descriptor.version, v1);
}

TEST_F(PartStoreTest, CopyPartTakesDataAndChecksumOfTheOldVersionWithNewAttributes) {
  const std::string data = random_bytes(300 * kKiB + 3, 8);
  const auto old = descriptor_for(v1, 2, data);
  ASSERT_TRUE(put("alice", "docs/a", old, data).ok());
  ASSERT_TRUE(commit("docs/a", v1).ok());

  PartDescriptor changed;
  changed.part = 2;
  changed.parts = 4;
  changed.version = v2;
  changed.attributes.kind = EntryKind::file;
  changed.attributes.mode = 0600;
  changed.attributes.uid = 42;
  changed.attributes.gid = 43;
  changed.attributes.mtime_ns = 1'800'000'000'000'000'000LL;
  changed.attributes.size = 0;  // taken from v1
  changed.part_size = 0;        // taken from v1
  changed.checksum = 0;         // taken from v1
  const auto st = store_->copy_part("alice", path_of("docs/a"), changed, v1);
  ASSERT_TRUE(st.ok()) << st.error().message();
  ASSERT_TRUE(commit("docs/a", v2).ok());

  auto reader = open_part("docs/a", 2);
  ASSERT_TRUE(reader.ok()) << reader.error().message();
  const auto& d = reader->descriptor();
  EXPECT_EQ(d.version, v2);
  EXPECT_EQ(d.part_size, old.part_size);
  EXPECT_EQ(d.checksum, old.checksum);
  EXPECT_EQ(d.attributes.size, old.attributes.size);
  EXPECT_EQ(d.attributes.mode, 0600u);
  EXPECT_EQ(d.attributes.uid, 42u);
  EXPECT_EQ(d.attributes.gid, 43u);
  EXPECT_EQ(d.attributes.mtime_ns, changed.attributes.mtime_ns);
  const auto bytes = read_range(*reader, 0, data.size());
  ASSERT_TRUE(bytes.ok()) << bytes.error().message();
  EXPECT_TRUE(*bytes == data);
}

TEST_F(PartStoreTest, CopyPartFromAMissingVersionIsNotFound) {
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  const auto st = store_->copy_part("alice", path_of("a"), descriptor_for(v3, 1, ""), v2);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::not_found);
  EXPECT_EQ(names_in(folder(".dfs/a")), (std::vector<std::string>{part_file_name(v1, 1)}));
}

TEST_F(PartStoreTest, CopyPartWithADifferentPartCountIsRefused) {
  ASSERT_TRUE(put("a", v1, 1, "one").ok());
  auto changed = descriptor_for(v2, 1, "");
  changed.parts = 3;
  const auto st = store_->copy_part("alice", path_of("a"), changed, v1);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::invalid_argument);
}

TEST_F(PartStoreTest, FlippedDataByteFailsOnlyTheBlockHoldingIt) {
  const std::string data = random_bytes(3 * kBlockBytes + 100, 9);
  ASSERT_TRUE(put("a", v1, 1, data).ok());
  ASSERT_TRUE(commit("a", v1).ok());
  const fs::path file = folder(".dfs/a") / part_file_name(v1, 1);
  {
    const int fd = ::open(file.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    const off_t where = static_cast<off_t>(data_offset(data.size()) + kBlockBytes + 12345);
    char byte = 0;
    ASSERT_EQ(::pread(fd, &byte, 1, where), 1);
    byte = static_cast<char>(byte ^ 0x40);
    ASSERT_EQ(::pwrite(fd, &byte, 1, where), 1);
    ::close(fd);
  }

  auto reader = open_part("a", 1);
  ASSERT_TRUE(reader.ok()) << "the header and block table are intact: " << reader.error().message();
  const auto block0 = read_range(*reader, 0, kBlockBytes);
  ASSERT_TRUE(block0.ok()) << block0.error().message();
  EXPECT_TRUE(*block0 == data.substr(0, kBlockBytes));
  for (const auto& [offset, length] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {kBlockBytes, 1}, {kBlockBytes + 12345, 1}, {2 * kBlockBytes - 1, 1}, {kBlockBytes - 10, 20}, {0, data.size()}}) {
    const auto bad = reader->read(offset, length);
    ASSERT_FALSE(bad.ok()) << "offset " << offset << " length " << length << " returned damaged bytes";
    EXPECT_EQ(bad.error().code(), Errc::corruption);
    EXPECT_NE(bad.error().message().find("block 1"), std::string::npos) << bad.error().message();
  }
  const auto tail = read_range(*reader, 2 * kBlockBytes, data.size() - 2 * kBlockBytes);
  ASSERT_TRUE(tail.ok()) << tail.error().message();
  EXPECT_TRUE(*tail == data.substr(2 * kBlockBytes));
}

TEST_F(PartStoreTest, TruncatedPartFileIsCorruptionAtOpen) {
  const std::string data = random_bytes(kBlockBytes + 1, 10);
  ASSERT_TRUE(put("a", v1, 1, data).ok());
  ASSERT_TRUE(commit("a", v1).ok());
  const fs::path file = folder(".dfs/a") / part_file_name(v1, 1);
  const auto full = fs::file_size(file);
  for (const std::uintmax_t size : {full - 1, std::uintmax_t{data_offset(data.size())}, std::uintmax_t{2000},
                                    std::uintmax_t{500}, std::uintmax_t{0}}) {
    fs::resize_file(file, size);
    const auto reader = open_part("a", 1);
    ASSERT_FALSE(reader.ok()) << "opened a part cut to " << size << " bytes";
    EXPECT_EQ(reader.error().code(), Errc::corruption) << size << ": " << reader.error().message();
  }
}

TEST_F(PartStoreTest, DamagedHeaderIsCorruptionAtOpenAndTheRecordIsNotListed) {
  ASSERT_TRUE(put("a", v1, 1, "some bytes").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  const fs::path file = folder(".dfs/a") / part_file_name(v1, 1);
  {
    const int fd = ::open(file.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    char byte = 0;
    ASSERT_EQ(::pread(fd, &byte, 1, 20), 1);
    byte = static_cast<char>(byte ^ 0x01);
    ASSERT_EQ(::pwrite(fd, &byte, 1, 20), 1);
    ::close(fd);
  }
  const auto reader = open_part("a", 1);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code(), Errc::corruption) << reader.error().message();
  EXPECT_TRUE(list_entries("", {"a"}).empty());
}

TEST_F(PartStoreTest, SymlinkedDirectoryInTheUsersFolderIsRefused) {
  TempDir outside;
  ASSERT_TRUE(put("docs/a", v1, 1, "legit").ok());  // creates alice/
  fs::create_directory_symlink(outside.path(), root_ / "alice" / "evil");

  const auto writer = store_->begin_part("alice", path_of("evil/a"), descriptor_for(v1, 1, "x"));
  ASSERT_FALSE(writer.ok()) << "wrote through alice/evil";
  EXPECT_EQ(writer.error().code(), Errc::bad_path) << writer.error().message();
  EXPECT_TRUE(names_in(outside.path()).empty()) << "something was created outside the root";

  // Even a version folder planted outside is not read.
  fs::create_directories(outside.path() / ".dfs");
  fs::copy(folder("docs/.dfs/a"), outside.path() / ".dfs" / "a");
  const auto reader = open_part("evil/a", 1, v1);
  ASSERT_FALSE(reader.ok()) << "read through alice/evil";
  EXPECT_EQ(reader.error().code(), Errc::bad_path) << reader.error().message();
  const auto st = commit("evil/a", v1);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::bad_path);
  const auto page = store_->list_page("alice", path_of("evil"), ListQuery{});
  EXPECT_FALSE(page.ok() && !page->names.empty()) << "listed a folder outside the root";
}

TEST_F(PartStoreTest, SymlinkedVersionFolderOrPartFileIsRefused) {
  TempDir outside;
  ASSERT_TRUE(put("a", v1, 1, "legit").ok());
  ASSERT_TRUE(commit("a", v1).ok());
  // A version folder that is a symlink to a copy of a real one.
  fs::copy(folder(".dfs/a"), outside.path() / "a-copy");
  fs::create_directory_symlink(outside.path() / "a-copy", folder(".dfs/b"));
  const auto via_folder = open_part("b", 1, v1);
  ASSERT_FALSE(via_folder.ok());
  EXPECT_EQ(via_folder.error().code(), Errc::bad_path) << via_folder.error().message();
  const auto write_via_folder = store_->begin_part("alice", path_of("b"), descriptor_for(v2, 1, "x"));
  ASSERT_FALSE(write_via_folder.ok());
  EXPECT_EQ(write_via_folder.error().code(), Errc::bad_path);

  // A part file that is a symlink.
  fs::create_directories(folder(".dfs/c"));
  fs::create_symlink(outside.path() / "a-copy" / part_file_name(v1, 1), folder(".dfs/c") / part_file_name(v1, 1));
  const auto via_file = open_part("c", 1, v1);
  ASSERT_FALSE(via_file.ok());
  EXPECT_EQ(via_file.error().code(), Errc::bad_path) << via_file.error().message();
}

TEST_F(PartStoreTest, SymlinkedUserFolderIsRefused) {
  TempDir outside;
  fs::create_directories(root_);
  fs::create_directory_symlink(outside.path(), root_ / "mallory");
  const auto writer = store_->begin_part("mallory", path_of("a"), descriptor_for(v1, 1, "x"));
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().code(), Errc::bad_path) << writer.error().message();
  const auto reader = store_->open_part("mallory", path_of("a"), 1, std::nullopt);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code(), Errc::bad_path) << reader.error().message();
  EXPECT_TRUE(names_in(outside.path()).empty());
}

TEST_F(PartStoreTest, RootPathHasNoParts) {
  const auto writer = store_->begin_part("alice", RemotePath(), descriptor_for(v1, 1, "x"));
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().code(), Errc::bad_path);
}

}  // namespace
}  // namespace dfs::server
