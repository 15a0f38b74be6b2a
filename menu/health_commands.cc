// dfc status and dfc heal: the cluster's health for a person (and an exit code for scripts),
// and the repair with one line per action.
#include <cstdio>

#include "menu/commands.h"
#include "menu/error_report.h"
#include "menu/progress_bar.h"

namespace dfs::menu {
namespace {

std::string server_line(const client::ServerHealth& s) {
  std::string line = s.server.display();
  if (line.size() < 28) line.resize(28, ' ');
  if (s.error) return line + "  DOWN  " + s.error->message();
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.1f ms", static_cast<double>(s.latency.count()) / 1000.0);
  return line + "  up    " + latency + "  free " + format_size(static_cast<double>(s.free_bytes)) + " of " +
         format_size(static_cast<double>(s.total_bytes));
}

std::string counts_line(const client::HealthCounts& c) {
  return "entries " + std::to_string(c.entries) + ", under-replicated " + std::to_string(c.under_replicated) +
         ", incomplete " + std::to_string(c.incomplete) + ", pending " + std::to_string(c.pending) + ", to clean " +
         std::to_string(c.to_clean);
}

std::string plural(std::uint64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

Result<RemotePath> parse_top(const std::string& path) { return RemotePath::parse(path.empty() ? "/" : path); }

}  // namespace

int status_command(CommandContext& ctx, const std::string& path) {
  auto top = parse_top(path);
  if (!top) return report_failure(ctx.err, top.error());
  auto status = ctx.client.status(*top);
  if (!status) return report_failure(ctx.err, status.error());
  int down = 0;
  for (const auto& s : status->servers) {
    ctx.out << server_line(s) << "\n";
    if (s.error) ++down;
  }
  const auto& c = status->counts;
  ctx.out << counts_line(c) << "\n";
  if (status->healthy()) {
    ctx.out << "healthy\n";
    return 0;
  }
  std::string why;
  const auto add = [&](std::uint64_t n, const std::string& text) {
    if (n > 0) why += (why.empty() ? "" : ", ") + text;
  };
  add(static_cast<std::uint64_t>(down), plural(static_cast<std::uint64_t>(down), "server down", "servers down"));
  add(c.incomplete, plural(c.incomplete, "entry cannot be rebuilt", "entries cannot be rebuilt"));
  add(c.under_replicated, std::to_string(c.under_replicated) + " under-replicated");
  add(c.pending, std::to_string(c.pending) + " pending");
  ctx.out << "not healthy: " << why
          << (down > 0 ? "; bring the servers back, then run 'dfc heal'" : "; run 'dfc heal'") << "\n";
  return c.incomplete > 0 ? 3 : 1;
}

int heal_command(CommandContext& ctx, const std::string& path, const HealFlags& flags) {
  auto top = parse_top(path);
  if (!top) return report_failure(ctx.err, top.error());
  client::HealOptions options;
  options.verify = flags.verify;
  options.staged_grace = flags.staged_grace;
  options.tombstone_age = flags.tombstone_age;
  options.on_action = [&](const std::string& line) { ctx.out << line << "\n" << std::flush; };
  auto report = ctx.client.heal(*top, options);
  if (!report) return report_failure(ctx.err, report.error());
  const auto& r = *report;
  for (const auto& e : r.unanswered) report_warning(ctx.err, e);

  std::string summary = "heal: checked " + plural(r.found.entries, "entry", "entries");
  if (flags.verify) summary += ", verified " + plural(r.copies_verified, "copy", "copies");
  if (!r.actions() && r.failures == 0) {
    summary += "; nothing to repair";
  } else {
    summary += "; copied " + plural(r.parts_copied, "part", "parts") + " (" + std::to_string(r.copies_repaired) +
               " repaired), " + plural(r.commits, "commit", "commits") + ", dropped " +
               plural(r.staged_dropped, "staged version", "staged versions") + " and " +
               plural(r.tombstones_dropped, "tombstone", "tombstones") + "; " +
               plural(r.failures, "failure", "failures");
  }
  ctx.out << summary << "\n";
  if (r.found.incomplete > 0) {
    return report_failure(ctx.err, Error(Errc::incomplete, plural(r.found.incomplete, "entry", "entries") +
                                                               " cannot be rebuilt: a part is on no server that "
                                                               "answered (see 'dfc ls' for [incomplete])"));
  }
  if (r.failures > 0 || !r.unanswered.empty()) {
    return report_failure(ctx.err, Error(Errc::unavailable, "heal did not finish: " +
                                                                 plural(r.failures, "action", "actions") + " failed, " +
                                                                 plural(r.unanswered.size(), "server", "servers") +
                                                                 " did not answer; run 'dfc heal' again once they are up"));
  }
  return 0;
}

}  // namespace dfs::menu
