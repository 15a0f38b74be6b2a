// Where put, get and mv send a file, by the rules of cp and mv: a destination that is a
// directory (or ends in '/') receives the file under its own name; no destination means "here"
// (the remote root for put, the current directory for get).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "client-core/dfs_client.h"
#include "common/error.h"
#include "common/remote_path.h"

namespace dfs::menu {

// Whether a remote path is an existing directory (false when nothing is there).
using RemoteDirectoryProbe = std::function<Result<bool>(const RemotePath&)>;
RemoteDirectoryProbe directory_probe(client::DfsClient& client);

// `target` (a remote path as typed) itself, or target/`name` when it ends in '/' or is a directory.
// Errc::bad_path for a path that breaks the path rules.
Result<RemotePath> destination_in(std::string_view target, std::string_view name,
                                  const RemoteDirectoryProbe& is_directory);

// `dfc put LOCAL [REMOTE]`: /<LOCAL's name> without REMOTE, else destination_in(REMOTE, name).
Result<RemotePath> put_destination(const std::filesystem::path& local, const std::optional<std::string>& remote,
                                   const RemoteDirectoryProbe& is_directory);

// `dfc get REMOTE [LOCAL]`: ./<REMOTE's name> without LOCAL; LOCAL/<name> when LOCAL is an
// existing directory or ends in '/'; else LOCAL.
Result<std::filesystem::path> get_destination(const RemotePath& remote, const std::optional<std::string>& local);

}  // namespace dfs::menu
