#include "fuse/kernel_read_ahead.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace dfs::fuse {
namespace {

// mountinfo writes space, tab, newline and backslash in paths as \040, \011, \012 and \134.
std::string unescape(std::string_view field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      const std::string_view octal = field.substr(i + 1, 3);
      if (octal.size() == 3 && octal.find_first_not_of("01234567") == std::string_view::npos) {
        out += static_cast<char>(std::stoi(std::string(octal), nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

}  // namespace

Result<std::string> device_of_mount(std::string_view mountinfo, const std::filesystem::path& mountpoint) {
  std::string found;
  std::istringstream lines{std::string(mountinfo)};
  for (std::string line; std::getline(lines, line);) {
    // "ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS ..."
    std::istringstream fields(line);
    std::string id, parent, device, root, point;
    if (!(fields >> id >> parent >> device >> root >> point)) continue;
    if (unescape(point) == mountpoint.string()) found = device;  // the last one is on top
  }
  if (found.empty()) return Error(Errc::not_found, "no mount at " + mountpoint.string() + " in /proc/self/mountinfo");
  return found;
}

Status set_kernel_read_ahead(const std::filesystem::path& mountpoint, unsigned kib) {
  std::ifstream info("/proc/self/mountinfo");
  if (!info) return Error(Errc::io_error, "cannot read /proc/self/mountinfo");
  std::stringstream text;
  text << info.rdbuf();
  auto device = device_of_mount(text.str(), mountpoint);
  if (!device) return device.error();
  const std::string knob = "/sys/class/bdi/" + *device + "/read_ahead_kb";
  std::ofstream out(knob);
  out << kib << "\n";
  out.flush();
  if (!out) return Error(Errc::io_error, "cannot write " + knob + " (dfs-fuse runs without root?)");
  return {};
}

}  // namespace dfs::fuse
