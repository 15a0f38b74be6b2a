#include "server/staged_sweeper.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/remote_path.h"
#include "server/confined_dir.h"
#include "server/part_file_format.h"
#include "server/version_folder.h"

namespace dfs::server {
namespace {

constexpr int kMaxDepth = 2048;  // a path of 4096 bytes has at most 2048 components

std::chrono::system_clock::time_point modified_at(int dir_fd, const std::string& name, bool& exists) {
  struct stat st {};
  exists = ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  return std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec) +
                                                std::chrono::nanoseconds(st.st_mtim.tv_nsec));
}

}  // namespace

StagedSweeper::StagedSweeper(PartStore& store, ServerLog& log, std::chrono::seconds staged_max_age,
                             std::chrono::seconds interval)
    : store_(store),
      log_(log),
      staged_max_age_(staged_max_age),
      interval_(interval),
      started_(std::chrono::system_clock::now()) {}

StagedSweeper::~StagedSweeper() { stop(); }

SweepReport StagedSweeper::sweep_and_log() {
  const SweepReport report = sweep_once();
  if (report.temp_files_removed + report.staged_parts_removed > 0) {
    log_.notice("sweep: removed " + std::to_string(report.temp_files_removed) + " temp files and " +
                std::to_string(report.staged_parts_removed) + " uncommitted staged parts");
  }
  return report;
}

void StagedSweeper::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      sweep_and_log();
      lock.lock();
    }
  });
}

void StagedSweeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SweepReport StagedSweeper::sweep_once() {
  SweepReport report;
  auto users = list_names(store_.root_fd(), "data root");
  if (!users) {
    log_.error("sweep: " + users.error().message());
    return report;
  }
  for (const auto& user : *users) {
    if (user.starts_with('.')) continue;  // .users and other operator files
    auto dir = open_dir_beneath(store_.root_fd(), user);
    if (!dir) continue;  // a file, or a symlink: not a user folder
    sweep_tree(dir->get(), user, "", report, 0);
  }
  staged_backlog_.store(report.staged_versions_kept, std::memory_order_relaxed);
  return report;
}

void StagedSweeper::sweep_tree(int dir_fd, const std::string& user, const std::string& relative,
                               SweepReport& report, int depth) {
  if (depth > kMaxDepth) return;
  auto names = list_names(dir_fd, relative);
  if (!names) return;
  for (const auto& name : *names) {
    auto child = open_dir_beneath(dir_fd, name);
    if (!child) continue;  // files and symlinks are skipped
    const std::string child_relative = relative.empty() ? name : relative + "/" + name;
    if (name == kReservedName) {
      auto entries = list_names(child->get(), child_relative);
      if (!entries) continue;
      for (const auto& entry : *entries) sweep_entry(child->get(), user, child_relative, entry, report);
    } else {
      sweep_tree(child->get(), user, child_relative, report, depth + 1);
    }
  }
}

void StagedSweeper::sweep_entry(int versions_fd, const std::string& user, const std::string& folder,
                                const std::string& name, SweepReport& report) {
  auto entry = open_dir_beneath(versions_fd, name);
  if (!entry) return;
  const auto now = std::chrono::system_clock::now();
  const auto staged_cutoff = now - staged_max_age_;
  const auto temp_cutoff = std::max(started_, staged_cutoff);

  const std::string key = entry_lock_key(user, folder + "/" + name);
  auto lock = store_.locks().lock(key);
  auto names = list_names(entry->get(), name);
  if (!names) return;
  auto state = VersionFolder::from_names(*names);
  store_.mark_pending(key, state);  // answered commits whose markers the group commit writes next
  for (const auto& temp : state.temp_files) {
    bool exists = false;
    if (modified_at(entry->get(), temp, exists) < temp_cutoff && exists &&
        ::unlinkat(entry->get(), temp.c_str(), 0) == 0) {
      ++report.temp_files_removed;
    }
  }
  const VersionId* newest_committed = state.newest_committed();
  for (const auto& [version, files] : state.versions) {
    if (files.committed) continue;
    // Staged versions older than the committed one can never win; newer ones wait their age out.
    bool expired = newest_committed != nullptr && version < *newest_committed;
    if (!expired) {
      expired = true;
      for (const int part : files.parts) {
        bool exists = false;
        expired = expired && modified_at(entry->get(), part_file_name(version, part), exists) < staged_cutoff;
      }
    }
    if (!expired) {
      ++report.staged_versions_kept;
      continue;
    }
    for (const int part : files.parts) {
      if (::unlinkat(entry->get(), part_file_name(version, part).c_str(), 0) == 0) ++report.staged_parts_removed;
    }
  }
}

}  // namespace dfs::server
