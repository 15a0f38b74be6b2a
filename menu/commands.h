// The operations of dfc, one function per subcommand, shared by the one-shot command line and
// the menu. Each returns the exit code DESIGN.md promises (0 ok, 1 operation failed, 2 usage or
// config error, 3 incomplete or not found) and prints exactly one line on `err` when it fails.
// Successful put/get/rm/rmdir/mv/mkdir print nothing on `out` (scripts rely on that) unless
// `confirm` asks for a line, as the menu does for people.
#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <string>

#include "client-core/dfs_client.h"

namespace dfs::menu {

struct CommandContext {
  client::DfsClient& client;
  std::ostream& out;         // results: listings, info tables, menu confirmations
  std::ostream& err;         // failures, warnings and the progress bar
  int progress_columns = 0;  // width of the terminal behind `err`; 0: not a terminal, no bar
  bool confirm = false;      // say what a successful transfer did (the menu)
};

// Remote paths arrive as typed and are checked here: a bad one is a usage error (exit 2).
int put_command(CommandContext& ctx, const std::string& local, const std::optional<std::string>& remote);
int get_command(CommandContext& ctx, const std::string& remote, const std::optional<std::string>& local);
// A directory's entries, or the one entry `path` names when it is not a directory.
int ls_command(CommandContext& ctx, const std::string& path, bool long_format);
// Every entry below `dir`, paths relative to it (the menu's LIST).
int tree_command(CommandContext& ctx, const std::string& dir);
int rm_command(CommandContext& ctx, const std::string& path);
int rmdir_command(CommandContext& ctx, const std::string& dir);
// `to` may be a directory (or end in '/'): then `from` moves into it under its own name.
int mv_command(CommandContext& ctx, const std::string& from, const std::string& to, bool no_clobber);
int mkdir_command(CommandContext& ctx, const std::string& dir, bool parents);
// Exit 3 (with the table printed) when readers cannot rebuild the file.
int info_command(CommandContext& ctx, const std::string& path);

// Servers up or down, and what the entries below `path` need. Exit 0 only when healthy; 3 when
// some entry cannot be rebuilt, else 1.
int status_command(CommandContext& ctx, const std::string& path);

struct HealFlags {
  bool verify = false;
  std::chrono::seconds staged_grace{3600};
  std::chrono::seconds tombstone_age{86400};
};
// One line per repair and a summary. Exit 0 when everything below `path` is whole again; 1 when
// an action failed or a server did not answer; 3 when some entry cannot be rebuilt.
int heal_command(CommandContext& ctx, const std::string& path, const HealFlags& flags);

}  // namespace dfs::menu
