#include "client-core/tree_walk.h"

#include <map>

namespace dfs::client {
namespace {

// A directory of more entries than this many pages is cut short (and said so), never walked forever.
constexpr int kMaxRounds = 1'000'000;

bool holds_directory(const WalkedEntry& entry) {
  for (const auto& r : entry.records) {
    if (r.record.descriptor.attributes.kind == protocol::EntryKind::dir) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> TreeWalk::list_round(const RemotePath& dir, const ListOptions& options, WalkBatch& batch,
                                                std::vector<std::optional<Error>>& errors) {
  const auto n = static_cast<std::size_t>(pool_.size());
  std::vector<Result<ListPage>> pages(n, Error(Errc::io_error, "not asked"));
  fan_out_.run(n, [&](std::size_t s) {
    pages[s] = pool_.with_connection<ListPage>(static_cast<int>(s), [&](ServerConnection& c) { return c.list(dir, options); });
  });
  // A server's page holds every name it has up to its continuation token (the last name it
  // sent), so names up to the smallest token are complete from everyone.
  std::optional<std::string> boundary;
  for (std::size_t s = 0; s < n; ++s) {
    if (!pages[s]) {
      if (!errors[s]) errors[s] = pages[s].error();
      continue;
    }
    batch.answered |= std::uint64_t{1} << s;
    const auto& next = pages[s]->next;
    if (next && (!options.after || *options.after < *next) && (!boundary || *next < *boundary)) boundary = next;
  }
  std::map<std::string, std::vector<ServerRecord>> by_name;
  for (std::size_t s = 0; s < n; ++s) {
    if (!pages[s]) continue;
    for (auto& record : pages[s]->records) {
      if (boundary && *boundary < record.name) continue;  // asked for again next round
      by_name[record.name].push_back({static_cast<int>(s), std::move(record)});
    }
  }
  for (auto& [name, records] : by_name) {
    if (!RemotePath::check_name(name)) continue;  // a name the path rules refuse cannot be addressed
    batch.entries.push_back({dir.child(name), std::move(records)});
  }
  return boundary;
}

std::vector<std::optional<Error>> TreeWalk::walk(const RemotePath& top,
                                                 const std::function<void(const WalkBatch&)>& visit) {
  std::vector<std::optional<Error>> errors(static_cast<std::size_t>(pool_.size()));
  std::vector<RemotePath> directories;
  if (top.is_root()) {
    directories.push_back(top);
  } else {
    WalkBatch batch;
    list_round(top.parent(), ListOptions{std::string(top.name()), std::nullopt, std::nullopt}, batch, errors);
    for (const auto& entry : batch.entries) {
      if (holds_directory(entry)) directories.push_back(entry.path);
    }
    visit(batch);
  }
  while (!directories.empty()) {
    const RemotePath dir = std::move(directories.back());
    directories.pop_back();
    ListOptions options{std::nullopt, std::nullopt, page_entries_};
    for (int round = 0; round < kMaxRounds; ++round) {
      WalkBatch batch;
      auto next = list_round(dir, options, batch, errors);
      for (const auto& entry : batch.entries) {
        if (holds_directory(entry)) directories.push_back(entry.path);
      }
      visit(batch);
      if (!next) break;
      options.after = std::move(next);
    }
  }
  return errors;
}

}  // namespace dfs::client
