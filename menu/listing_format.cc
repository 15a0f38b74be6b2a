#include "menu/listing_format.h"

#include <algorithm>
#include <ctime>

namespace dfs::menu {

std::string entry_name(const client::EntryInfo& entry) { return entry.is_dir() ? entry.name + "/" : entry.name; }

std::string missing_parts_text(const client::EntryInfo& entry) {
  if (entry.complete()) return "";
  std::string text = entry.missing_parts.size() == 1 ? "missing part " : "missing parts ";
  for (std::size_t i = 0; i < entry.missing_parts.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(entry.missing_parts[i]);
  }
  return text;
}

std::string incomplete_suffix(const client::EntryInfo& entry) {
  return entry.complete() ? "" : " [incomplete] (" + missing_parts_text(entry) + ")";
}

std::string mode_text(const protocol::EntryAttributes& attributes) {
  std::string text = "-rwxrwxrwx";
  if (attributes.kind == protocol::EntryKind::dir) text[0] = 'd';
  if (attributes.kind == protocol::EntryKind::symlink) text[0] = 'l';
  for (int bit = 0; bit < 9; ++bit) {
    if ((attributes.mode & (1u << (8 - bit))) == 0) text[static_cast<std::size_t>(bit) + 1] = '-';
  }
  // setuid, setgid and sticky share the execute columns, as in ls.
  const auto special = [&](std::uint32_t flag, std::size_t column, char with_exec, char without_exec) {
    if ((attributes.mode & flag) != 0) text[column] = text[column] == 'x' ? with_exec : without_exec;
  };
  special(04000, 3, 's', 'S');
  special(02000, 6, 's', 'S');
  special(01000, 9, 't', 'T');
  return text;
}

std::string mtime_text(std::int64_t mtime_ns) {
  // Floor division: a time before 1970 still lands in the right second.
  const std::int64_t seconds = mtime_ns / 1'000'000'000 - (mtime_ns % 1'000'000'000 < 0 ? 1 : 0);
  const auto when = static_cast<std::time_t>(seconds);
  std::tm local{};
  if (::localtime_r(&when, &local) == nullptr) return "(bad time)";
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local);
  return text;
}

std::string format_short(const std::vector<client::EntryInfo>& entries) {
  std::string text;
  for (const auto& entry : entries) text += entry_name(entry) + incomplete_suffix(entry) + "\n";
  return text;
}

std::string format_long(const std::vector<client::EntryInfo>& entries,
                        const std::map<std::string, std::string>& link_targets) {
  std::size_t size_width = 1;
  for (const auto& entry : entries) size_width = std::max(size_width, std::to_string(entry.attributes.size).size());
  std::string text;
  for (const auto& entry : entries) {
    const std::string size = std::to_string(entry.attributes.size);
    text += mode_text(entry.attributes) + "  " + std::string(size_width - size.size(), ' ') + size + "  " +
            mtime_text(entry.attributes.mtime_ns) + "  " + entry_name(entry);
    if (const auto target = link_targets.find(entry.name);
        entry.attributes.kind == protocol::EntryKind::symlink && target != link_targets.end()) {
      text += " -> " + target->second;
    }
    text += incomplete_suffix(entry) + "\n";
  }
  return text;
}

std::string format_tree_line(const std::string& relative_path, const client::EntryInfo& entry) {
  return relative_path + (entry.is_dir() ? "/" : "") + incomplete_suffix(entry);
}

}  // namespace dfs::menu
