#include "menu/tree_listing.h"

#include <algorithm>
#include <utility>

namespace dfs::menu {
namespace {

struct Walk {
  client::DfsClient& client;
  Tree tree;
  // Entries still to be shown, the next one at the back. An explicit stack instead of recursion:
  // paths may nest some 2000 directories deep within 4096 bytes.
  std::vector<std::pair<RemotePath, TreeEntry>> pending;

  // Lists `dir` and queues its entries so that they come next, in name order.
  Status expand(const RemotePath& dir, const std::string& prefix) {
    auto listing = client.list(dir);
    if (!listing) return listing.error();
    for (const auto& error : listing->unreachable) {
      const bool known = std::any_of(tree.unreachable.begin(), tree.unreachable.end(),
                                     [&](const Error& e) { return e.message() == error.message(); });
      if (!known) tree.unreachable.push_back(error);
    }
    for (auto it = listing->entries.rbegin(); it != listing->entries.rend(); ++it) {
      RemotePath child = dir.child(it->name);
      std::string relative = prefix + it->name;
      pending.emplace_back(std::move(child), TreeEntry{std::move(relative), std::move(*it)});
    }
    return {};
  }
};

}  // namespace

Result<Tree> walk_tree(client::DfsClient& client, const RemotePath& top) {
  Walk walk{client, {}, {}};
  if (auto st = walk.expand(top, ""); !st) return st.error();
  while (!walk.pending.empty()) {
    auto [path, item] = std::move(walk.pending.back());
    walk.pending.pop_back();
    const bool is_dir = item.entry.is_dir();
    const std::string prefix = item.relative_path + "/";
    walk.tree.entries.push_back(std::move(item));
    if (!is_dir) continue;
    if (auto st = walk.expand(path, prefix); !st) {
      const Errc code = st.error().code();
      if (code == Errc::not_found || code == Errc::not_directory) continue;  // removed meanwhile
      return st.error();
    }
  }
  return std::move(walk.tree);
}

}  // namespace dfs::menu
