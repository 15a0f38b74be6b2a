// dfc: the command-line client of dfs. Without a command it opens the classic menu (PUT, GET,
// LIST, EXIT); with one it runs it and exits (see --help). This file is only the command-line
// wiring: the operations live in commands.cc, the menu in menu_loop.cc.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "client-core/client_config.h"
#include "client-core/dfs_client.h"
#include "menu/commands.h"
#include "menu/error_report.h"
#include "menu/menu_loop.h"
#include "menu/progress_bar.h"

namespace {

using dfs::menu::CommandContext;

constexpr int kUsageExit = 2;

struct Subcommand {
  CLI::App* app;
  std::function<int(CommandContext&)> run;
};

// CLI11 prints help and version itself (exit 0); every other parse error becomes the one
// "dfc: ..." line that all failures get, with where to read more.
int parse_failure(CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == 0) return app.exit(error);
  std::string command = "dfc";
  for (const auto* sub : app.get_subcommands()) command += " " + sub->get_name();
  std::cerr << "dfc: " << error.what() << " (see '" << command << " --help')\n";
  return kUsageExit;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "dfc: the client of the dfs distributed file store.\n"
      "Without a command it opens the menu (PUT, GET, LIST, EXIT).",
      "dfc"};
  app.footer(
      "Remote paths are absolute in your dfs namespace (/docs/a.txt; the leading '/' may be left out).\n"
      "Without --config: $DFS_CONFIG, then ~/.config/dfs/dfc.yaml, then /etc/dfs/dfc.yaml.\n"
      "Exit codes: 0 ok, 1 operation failed, 2 usage or configuration error, 3 file incomplete or not found.");
  app.set_version_flag("--version", "dfc 0.1.0");
  std::string config_file;
  app.add_option("--config", config_file, "client configuration: YAML (dfc.yaml) or the classic dfc.conf")
      ->type_name("FILE");
  app.require_subcommand(0, 1);
  app.fallthrough();  // `dfc put a.txt --config FILE` works as well as `dfc --config FILE put a.txt`

  std::vector<Subcommand> subcommands;
  std::string local, remote, path, target;
  bool long_format = false, no_clobber = false, parents = false;
  // An optional positional: its value when given.
  const auto given = [](const CLI::Option* option, const std::string& value) {
    return option->count() > 0 ? std::optional<std::string>(value) : std::nullopt;
  };

  auto* put = app.add_subcommand("put", "Store a local file in dfs (missing parent directories are made).");
  put->add_option("LOCAL", local, "the local file to store")->required();
  auto* put_remote = put->add_option(
      "REMOTE", remote,
      "where to store it (default /<LOCAL's name>); a directory, or a path ending in '/', receives the file "
      "under its own name");
  subcommands.push_back(
      {put, [&](CommandContext& ctx) { return dfs::menu::put_command(ctx, local, given(put_remote, remote)); }});

  auto* get = app.add_subcommand(
      "get", "Fetch a file from dfs; the local file is replaced only when every part arrived intact.");
  get->add_option("REMOTE", remote, "the file in dfs, e.g. /docs/a.txt")->required();
  auto* get_local = get->add_option(
      "LOCAL", local,
      "where to write it (default ./<REMOTE's name>); an existing directory receives the file under its name");
  subcommands.push_back(
      {get, [&](CommandContext& ctx) { return dfs::menu::get_command(ctx, remote, given(get_local, local)); }});

  auto* ls = app.add_subcommand("ls",
                                "List a directory, or show one file. Directories end in '/'; entries that cannot be "
                                "rebuilt are marked [incomplete] with their missing parts.");
  path = "/";
  ls->add_option("DIR", path, "the directory (or file) to list")->capture_default_str();
  ls->add_flag("-l,--long", long_format, "long format: mode, size in bytes, modification time, name");
  subcommands.push_back({ls, [&](CommandContext& ctx) { return dfs::menu::ls_command(ctx, path, long_format); }});

  auto* rm = app.add_subcommand("rm", "Delete a file (use rmdir for a directory).");
  rm->add_option("PATH", path, "the file to delete")->required();
  subcommands.push_back({rm, [&](CommandContext& ctx) { return dfs::menu::rm_command(ctx, path); }});

  auto* rmdir = app.add_subcommand("rmdir", "Delete an empty directory.");
  rmdir->add_option("DIR", path, "the directory to delete")->required();
  subcommands.push_back({rmdir, [&](CommandContext& ctx) { return dfs::menu::rmdir_command(ctx, path); }});

  auto* mv = app.add_subcommand("mv", "Move or rename a file or directory (a directory moves with everything in it).");
  mv->add_option("FROM", path, "what to move")->required();
  mv->add_option("TO", target,
                 "the new path; an existing directory, or a path ending in '/', receives FROM under its name")
      ->required();
  mv->add_flag("-n,--no-clobber", no_clobber, "fail instead of replacing an existing TO");
  subcommands.push_back(
      {mv, [&](CommandContext& ctx) { return dfs::menu::mv_command(ctx, path, target, no_clobber); }});

  auto* mkdir = app.add_subcommand("mkdir", "Make a directory.");
  mkdir->add_option("DIR", path, "the directory to make")->required();
  mkdir->add_flag("-p,--parents", parents, "make missing parent directories too; no error if DIR exists");
  subcommands.push_back({mkdir, [&](CommandContext& ctx) { return dfs::menu::mkdir_command(ctx, path, parents); }});

  auto* info = app.add_subcommand("info",
                                  "Show which server holds which part of which version of a path, committed "
                                  "or staged, and the version readers get. Exit 3 when it cannot be rebuilt.");
  info->add_option("PATH", path, "the file or directory to describe")->required();
  subcommands.push_back({info, [&](CommandContext& ctx) { return dfs::menu::info_command(ctx, path); }});

  auto* status = app.add_subcommand(
      "status",
      "Show each server up or down (latency, free space) and count entries that are under-replicated, pending "
      "(staged, not committed) or incomplete. Exit 0 only when healthy, 3 when something cannot be rebuilt, else 1.");
  std::string status_path = "/";
  status->add_option("PATH", status_path, "count only below this directory")->capture_default_str();
  subcommands.push_back({status, [&](CommandContext& ctx) { return dfs::menu::status_command(ctx, status_path); }});

  auto* heal = app.add_subcommand(
      "heal",
      "Restore full redundancy: copy missing parts from their other copy, finish pending commits, drop "
      "never-committed versions and old tombstones. One line per action; safe to run again.");
  std::string heal_path = "/";
  dfs::menu::HealFlags heal_flags;
  long long staged_grace_s = heal_flags.staged_grace.count(), tombstone_age_s = heal_flags.tombstone_age.count();
  heal->add_option("PATH", heal_path, "heal only this file or directory (and what is below it)")->capture_default_str();
  heal->add_flag("--verify", heal_flags.verify, "also read every copy and repair each one that fails its checksum");
  heal->add_option("--staged-grace", staged_grace_s, "seconds before a never-committed version is dropped")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  heal->add_option("--tombstone-age", tombstone_age_s, "seconds before a delete is forgotten on every server")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  subcommands.push_back({heal, [&](CommandContext& ctx) {
                           heal_flags.staged_grace = std::chrono::seconds(staged_grace_s);
                           heal_flags.tombstone_age = std::chrono::seconds(tombstone_age_s);
                           return dfs::menu::heal_command(ctx, heal_path, heal_flags);
                         }});

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return parse_failure(app, e);
  }

  auto config_path = dfs::client::find_client_config(
      config_file.empty() ? std::nullopt : std::optional<std::filesystem::path>(config_file));
  if (!config_path) return dfs::menu::report_failure(std::cerr, config_path.error());
  auto config = dfs::client::load_client_config(*config_path);
  if (!config) return dfs::menu::report_failure(std::cerr, config.error());
  dfs::client::DfsClient client(std::move(*config));

  CommandContext ctx{client, std::cout, std::cerr, dfs::menu::terminal_columns(STDERR_FILENO)};
  for (const auto& sub : subcommands) {
    if (*sub.app) return sub.run(ctx);
  }
  ctx.confirm = true;
  return dfs::menu::run_menu(ctx, std::cin);
}
