// How dfc shows entries: `ls`, `ls -l` and the menu's LIST. Pure text, no client calls, so
// the formats are pinned by unit tests. Directories end in '/', and an entry that cannot be
// rebuilt says so on its own line: "big.iso [incomplete] (missing part 2)".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "client-core/dfs_client.h"
#include "common/protocol.h"

namespace dfs::menu {

// "docs/" for a directory, the name as it is otherwise.
std::string entry_name(const client::EntryInfo& entry);
// "missing part 2", "missing parts 2, 3"; "" when the entry is complete.
std::string missing_parts_text(const client::EntryInfo& entry);
// "" when the entry is complete, else " [incomplete] (missing part 2)" / "(missing parts 2, 3)".
std::string incomplete_suffix(const client::EntryInfo& entry);
// "drwxr-xr-x", "-rw-r--r--", "lrwxrwxrwx": kind and permission bits, as ls -l shows them.
std::string mode_text(const protocol::EntryAttributes& attributes);
// "2024-05-01 12:34" in the local time zone.
std::string mtime_text(std::int64_t mtime_ns);

// `ls`: one entry a line.
std::string format_short(const std::vector<client::EntryInfo>& entries);
// `ls -l`: mode, size (right-aligned), mtime, name; a symlink whose target is in
// `link_targets` (by entry name) shows "name -> target".
std::string format_long(const std::vector<client::EntryInfo>& entries,
                        const std::map<std::string, std::string>& link_targets = {});
// The menu's LIST: a path relative to the listed directory, "docs/" or "docs/a.txt [incomplete] ...".
std::string format_tree_line(const std::string& relative_path, const client::EntryInfo& entry);

}  // namespace dfs::menu
