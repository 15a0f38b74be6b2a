#include "fuse/open_files.h"

#include <string_view>
#include <utility>
#include <vector>

namespace dfs::fuse {

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
  std::lock_guard lock(mutex_);
  if (--file->handles > 0) return;
  auto it = files_.find(file->path);
  if (it != files_.end() && it->second == file) files_.erase(it);
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
}

void OpenFiles::remove(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto it = files_.find(path);
  if (it != files_.end()) {
    it->second->removed = true;
    files_.erase(it);
  }
  page_cache_.erase(path);
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
