#include "fuse/open_files.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace dfs::fuse {
namespace {

// Limits of the kept spools: a rename follows its file's close at once or not at all.
constexpr std::size_t kMaxKept = 16;
constexpr std::uint64_t kMaxKeptBytes = 256ull << 20;
constexpr auto kKeepFor = std::chrono::seconds(10);

}  // namespace

OpenFiles::OpenFiles(std::filesystem::path spool_dir, std::uint64_t spool_limit_bytes)
    : spool_dir_(std::move(spool_dir)), budget_(spool_limit_bytes) {
  budget_.on_full([this] { drop_all_kept(); });
}

OpenFiles::~OpenFiles() { drop_all_kept(); }

std::shared_ptr<OpenFile> OpenFiles::acquire(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto& slot = files_[path];
  if (slot == nullptr) {
    slot = std::make_shared<OpenFile>();
    slot->path = path;
  }
  ++slot->handles;
  return slot;
}

void OpenFiles::release(const std::shared_ptr<OpenFile>& file) {
  std::string path;
  {
    std::lock_guard lock(mutex_);
    if (--file->handles > 0) return;
    auto it = files_.find(file->path);
    if (it != files_.end() && it->second == file) files_.erase(it);
    path = file->path;
  }
  // Outside mutex_: the order elsewhere is file->mutex, then mutex_.
  std::optional<KeptSpool> clean;
  {
    std::unique_lock file_lock(file->mutex);
    if (file->spool && !file->dirty && !file->removed && file->committed) {
      clean = KeptSpool{std::move(*file->spool), file->committed->version};
      file->spool.reset();
    }
  }
  if (clean) keep(path, std::move(*clean));
}

void OpenFiles::detach(const std::shared_ptr<OpenFile>& file) {
  std::lock_guard lock(mutex_);
  auto it = files_.find(file->path);
  if (it != files_.end() && it->second == file) files_.erase(it);
}

bool OpenFiles::would_keep(std::uint64_t size) { return size <= kMaxKeptBytes; }

void OpenFiles::keep(const std::string& path, KeptSpool kept) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  drop_old_kept(now);
  const std::uint64_t size = kept.spool.size();
  if (!would_keep(size)) return;  // dropped here: its bytes go back to the budget
  kept_.erase(path);
  // Room by age: the oldest go first.
  while (!kept_.empty() && (kept_.size() >= kMaxKept || kept_bytes() + size > kMaxKeptBytes)) {
    kept_.erase(std::min_element(kept_.begin(), kept_.end(),
                                 [](const auto& a, const auto& b) { return a.second.since < b.second.since; }));
  }
  kept_.emplace(path, Kept{std::move(kept), now});
}

std::size_t OpenFiles::kept_count() const {
  std::lock_guard lock(mutex_);
  return kept_.size();
}

std::optional<KeptSpool> OpenFiles::take_kept(const std::string& path) {
  std::lock_guard lock(mutex_);
  drop_old_kept(std::chrono::steady_clock::now());
  auto it = kept_.find(path);
  if (it == kept_.end()) return std::nullopt;
  KeptSpool kept = std::move(it->second.kept);
  kept_.erase(it);
  return kept;
}

std::uint64_t OpenFiles::kept_bytes() const {
  std::uint64_t bytes = 0;
  for (const auto& [path, item] : kept_) bytes += item.kept.spool.size();
  return bytes;
}

void OpenFiles::drop_old_kept(std::chrono::steady_clock::time_point now) {
  std::erase_if(kept_, [&](const auto& item) { return now - item.second.since >= kKeepFor; });
}

void OpenFiles::drop_all_kept() {
  std::lock_guard lock(mutex_);
  kept_.clear();
}

std::shared_ptr<OpenFile> OpenFiles::find(const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : it->second;
}

std::vector<std::pair<std::string, std::shared_ptr<OpenFile>>> OpenFiles::in_directory(const std::string& dir) const {
  std::vector<std::pair<std::string, std::shared_ptr<OpenFile>>> found;
  std::lock_guard lock(mutex_);
  for (const auto& [path, file] : files_) {
    const auto slash = path.rfind('/');
    const std::string_view parent = slash == std::string::npos ? std::string_view() : std::string_view(path).substr(0, slash);
    if (parent == dir) found.emplace_back(path.substr(slash == std::string::npos ? 0 : slash + 1), file);
  }
  return found;
}

void OpenFiles::rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(mutex_);
  const std::string prefix = from + "/";
  std::vector<std::shared_ptr<OpenFile>> moved;
  for (auto it = files_.begin(); it != files_.end();) {
    if (it->first == from || it->first.starts_with(prefix)) {
      moved.push_back(it->second);
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& file : moved) {
    file->path = to + file->path.substr(from.size());
    auto& slot = files_[file->path];
    if (slot != nullptr) slot->removed = true;
    slot = std::move(file);
  }
  page_cache_.erase(from);
  page_cache_.erase(to);
  kept_.erase(from);
  kept_.erase(to);
}

void OpenFiles::remove(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto it = files_.find(path);
  if (it != files_.end()) {
    it->second->removed = true;
    files_.erase(it);
  }
  page_cache_.erase(path);
  kept_.erase(path);
}

bool OpenFiles::page_cache_matches(const std::string& path, const VersionId& version) const {
  std::lock_guard lock(mutex_);
  auto it = page_cache_.find(path);
  return it != page_cache_.end() && it->second == version;
}

void OpenFiles::remember_page_cache(const std::string& path, const VersionId& version) {
  std::lock_guard lock(mutex_);
  page_cache_.insert_or_assign(path, version);
}

void OpenFiles::forget_page_cache(const std::string& path) {
  std::lock_guard lock(mutex_);
  page_cache_.erase(path);
}

}  // namespace dfs::fuse
