#include "menu/info_format.h"

#include <algorithm>
#include <vector>

#include "menu/listing_format.h"

namespace dfs::menu {
namespace {

using Row = std::vector<std::string>;

// Columns padded to their widest cell, two spaces apart; the last column is right-aligned
// (sizes line up by their last digit). The last cell of a shorter row runs on to the end of the
// line ("did not answer: ..."), so it does not widen its column.
std::string render_table(const std::vector<Row>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) widths.resize(std::max(widths.size(), row.size()), 0);
  for (const auto& row : rows) {
    const std::size_t measured = row.size() < widths.size() ? row.size() - 1 : row.size();
    for (std::size_t c = 0; c < measured; ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line += "  ";
      const std::string pad(widths[c] > row[c].size() ? widths[c] - row[c].size() : 0, ' ');
      const bool right = c + 1 == widths.size() && row.size() == widths.size();
      line += right ? pad + row[c] : row[c] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    text += line + "\n";
  }
  return text;
}

std::string server_name(const client::PathInfo& info, std::size_t index) {
  return index < info.servers.size() ? info.servers[index].server.name : "server " + std::to_string(index + 1);
}

std::string readers_text(const client::PathInfo& info) {
  if (!info.entry) return "readers get: nothing (no committed version on any reachable server)\n";
  const auto& entry = *info.entry;
  std::string text = "readers get: version " + entry.version.to_string() + " (" +
                     std::string(protocol::kind_name(entry.attributes.kind)) + ", " +
                     std::to_string(entry.attributes.size) + " bytes), " +
                     (entry.complete() ? "complete" : "incomplete (" + missing_parts_text(entry) + ")") + "\n";
  for (std::size_t part = 0; part < entry.holders.size(); ++part) {
    std::string holders;
    for (std::size_t server = 0; server < 64; ++server) {
      if ((entry.holders[part] >> server & 1u) == 0) continue;
      holders += (holders.empty() ? "" : ", ") + server_name(info, server);
    }
    text += "  part " + std::to_string(part + 1) + " on " + (holders.empty() ? "no reachable server" : holders) + "\n";
  }
  return text;
}

}  // namespace

std::string format_path_info(const RemotePath& path, const client::PathInfo& info) {
  std::string text = path.display() + "\n" + readers_text(info) + "\n";
  std::vector<Row> rows{{"server", "part", "version", "state", "kind", "bytes"}};
  for (const auto& holdings : info.servers) {
    const std::string server = holdings.server.display();
    if (holdings.error) {
      rows.push_back({server, "-", "did not answer: " + holdings.error->message()});
      continue;
    }
    if (holdings.parts.empty()) {
      rows.push_back({server, "-", "holds nothing"});
      continue;
    }
    bool first = true;
    for (const auto& part : holdings.parts) {
      rows.push_back({first ? server : "", std::to_string(part.part), part.version.to_string(),
                      part.committed ? "committed" : "staged", std::string(protocol::kind_name(part.kind)),
                      std::to_string(part.part_size)});
      first = false;
    }
  }
  return text + render_table(rows);
}

}  // namespace dfs::menu
