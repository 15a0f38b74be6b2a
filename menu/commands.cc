#include "menu/commands.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <vector>

#include "menu/error_report.h"
#include "menu/info_format.h"
#include "menu/listing_format.h"
#include "menu/progress_bar.h"
#include "menu/remote_target.h"
#include "menu/tree_listing.h"

namespace dfs::menu {
namespace {

namespace fs = std::filesystem;

void warn_unreachable(CommandContext& ctx, const std::vector<Error>& unreachable) {
  for (const auto& error : unreachable) report_warning(ctx.err, error);
}

int done(CommandContext& ctx, const Status& status) { return status ? 0 : report_failure(ctx.err, status.error()); }

}  // namespace

int put_command(CommandContext& ctx, const std::string& local, const std::optional<std::string>& remote) {
  const fs::path local_path(local);
  std::error_code ignored;
  if (fs::is_directory(local_path, ignored)) {
    return report_failure(ctx.err,
                          Error(Errc::is_directory, "'" + local + "' is a directory; dfc put stores one file"));
  }
  auto target = put_destination(local_path, remote, directory_probe(ctx.client));
  if (!target) return report_failure(ctx.err, target.error());

  ProgressTicker ticker(local_path.filename().string(), ctx.err, ctx.progress_columns);
  client::WriteOptions options;
  options.create_parents = true;
  options.progress = ticker.callback();
  auto stored = ctx.client.put_file(local_path, *target, options);
  ticker.finish();
  if (!stored) return report_failure(ctx.err, stored.error());
  if (ctx.confirm) {
    ctx.out << "stored " << local << " at " << target->display() << " (" << stored->attributes.size << " bytes)\n";
  }
  return 0;
}

int get_command(CommandContext& ctx, const std::string& remote, const std::optional<std::string>& local) {
  auto path = RemotePath::parse(remote);
  if (!path) return report_failure(ctx.err, path.error());
  auto target = get_destination(*path, local);
  if (!target) return report_failure(ctx.err, target.error());

  ProgressTicker ticker(std::string(path->name()), ctx.err, ctx.progress_columns);
  auto got = ctx.client.get_file(*path, *target, ticker.callback());
  ticker.finish();
  if (!got) return report_failure(ctx.err, got.error());
  if (ctx.confirm) {
    ctx.out << "fetched " << path->display() << " into " << target->string() << " (" << got->attributes.size
            << " bytes)\n";
  }
  return 0;
}

int ls_command(CommandContext& ctx, const std::string& raw_path, bool long_format) {
  auto path = RemotePath::parse(raw_path);
  if (!path) return report_failure(ctx.err, path.error());

  client::Listing listing;
  auto listed = ctx.client.list(*path);
  if (listed) {
    listing = std::move(*listed);
  } else if (listed.error().code() == Errc::not_directory) {
    // `ls FILE` shows that one entry, named as the user named it.
    auto entry = ctx.client.stat(*path);
    if (!entry) return report_failure(ctx.err, entry.error());
    entry->name = path->display();
    listing.entries.push_back(std::move(*entry));
  } else {
    return report_failure(ctx.err, listed.error());
  }
  warn_unreachable(ctx, listing.unreachable);

  if (!long_format) {
    ctx.out << format_short(listing.entries);
    return 0;
  }
  std::map<std::string, std::string> link_targets;
  for (const auto& entry : listing.entries) {
    if (entry.attributes.kind != protocol::EntryKind::symlink) continue;
    const RemotePath link = entry.name == path->display() ? *path : path->child(entry.name);
    // A target that cannot be read only leaves out the "-> target"; the listing is still right.
    if (auto target = ctx.client.readlink(link)) link_targets[entry.name] = std::move(*target);
  }
  ctx.out << format_long(listing.entries, link_targets);
  return 0;
}

int tree_command(CommandContext& ctx, const std::string& dir) {
  auto path = RemotePath::parse(dir);
  if (!path) return report_failure(ctx.err, path.error());
  auto tree = walk_tree(ctx.client, *path);
  if (!tree) return report_failure(ctx.err, tree.error());
  warn_unreachable(ctx, tree->unreachable);
  if (tree->entries.empty()) ctx.out << "(no files)\n";
  for (const auto& item : tree->entries) ctx.out << format_tree_line(item.relative_path, item.entry) << "\n";
  return 0;
}

int rm_command(CommandContext& ctx, const std::string& raw_path) {
  auto path = RemotePath::parse(raw_path);
  if (!path) return report_failure(ctx.err, path.error());
  return done(ctx, ctx.client.remove(*path));
}

int rmdir_command(CommandContext& ctx, const std::string& dir) {
  auto path = RemotePath::parse(dir);
  if (!path) return report_failure(ctx.err, path.error());
  return done(ctx, ctx.client.rmdir(*path));
}

int mv_command(CommandContext& ctx, const std::string& from, const std::string& to, bool no_clobber) {
  auto source = RemotePath::parse(from);
  if (!source) return report_failure(ctx.err, source.error());
  if (source->is_root())
    return report_failure(ctx.err, Error(Errc::invalid_argument, "the root directory cannot be moved"));
  auto target = destination_in(to, source->name(), directory_probe(ctx.client));
  if (!target) return report_failure(ctx.err, target.error());
  return done(ctx, ctx.client.rename(*source, *target,
                                     no_clobber ? client::RenameMode::no_replace : client::RenameMode::replace));
}

int mkdir_command(CommandContext& ctx, const std::string& dir, bool parents) {
  auto path = RemotePath::parse(dir);
  if (!path) return report_failure(ctx.err, path.error());
  return done(ctx, ctx.client.mkdir(*path, 0755, parents));
}

int info_command(CommandContext& ctx, const std::string& raw_path) {
  auto path = RemotePath::parse(raw_path);
  if (!path) return report_failure(ctx.err, path.error());
  auto info = ctx.client.info(*path);
  if (!info) return report_failure(ctx.err, info.error());
  const bool anything_held = std::any_of(info->servers.begin(), info->servers.end(),
                                         [](const client::ServerHoldings& s) { return s.error || !s.parts.empty(); });
  if (!info->entry && !anything_held) {
    return report_failure(ctx.err, Error(Errc::not_found, "no file or directory at " + path->display()));
  }
  ctx.out << format_path_info(*path, *info);
  ctx.out.flush();
  if (info->entry && !info->entry->complete()) {
    return report_failure(
        ctx.err, Error(Errc::incomplete, path->display() + " cannot be rebuilt: " + missing_parts_text(*info->entry)));
  }
  return 0;
}

}  // namespace dfs::menu
