#include "menu/remote_target.h"

namespace dfs::menu {

RemoteDirectoryProbe directory_probe(client::DfsClient& client) {
  return [&client](const RemotePath& path) -> Result<bool> {
    auto entry = client.stat(path);
    if (entry) return entry->is_dir();
    if (entry.error().code() == Errc::not_found) return false;
    return entry.error();
  };
}

Result<RemotePath> destination_in(std::string_view target, std::string_view name,
                                  const RemoteDirectoryProbe& is_directory) {
  auto path = RemotePath::parse(target);
  if (!path) return path.error();
  if (path->is_root() || target.ends_with('/')) return path->child(name);
  auto directory = is_directory(*path);
  if (!directory) return directory.error();
  return *directory ? path->child(name) : *path;
}

Result<RemotePath> put_destination(const std::filesystem::path& local, const std::optional<std::string>& remote,
                                   const RemoteDirectoryProbe& is_directory) {
  const std::string name = local.filename().string();
  const std::string shown = local.string();
  if (name.empty() || name == "." || name == "..") {
    return Error(Errc::invalid_argument, "'" + shown + "' does not name a file; dfc put stores one file");
  }
  if (auto st = RemotePath::check_name(name); !st) {
    return st.error().with_context("local file '" + shown + "' cannot keep its name in dfs");
  }
  return destination_in(remote.value_or("/"), name, is_directory);
}

Result<std::filesystem::path> get_destination(const RemotePath& remote, const std::optional<std::string>& local) {
  if (remote.is_root()) return Error(Errc::is_directory, "/ is a directory; dfc get fetches one file");
  const std::filesystem::path name(remote.name());
  if (!local) return name;
  const std::filesystem::path target(*local);
  std::error_code ignored;
  if (local->ends_with('/') || std::filesystem::is_directory(target, ignored)) return target / name;
  return target;
}

}  // namespace dfs::menu
