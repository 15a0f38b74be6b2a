#include "common/remote_path.h"

#include <cctype>

namespace dfs {
namespace {

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

Error bad(std::string_view raw, std::string_view why) {
  std::string shown(raw.substr(0, 80));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (raw.size() > 80) shown += "...";
  return Error(Errc::bad_path, "bad path '" + shown + "': " + std::string(why));
}

// Why `name` is not an acceptable component, or nullptr when it is.
const char* name_problem(std::string_view name) {
  if (name.empty()) return "empty component ('//')";
  if (name.size() > kMaxNameBytes) return "a name is longer than 255 bytes";
  if (name == "." || name == "..") return "'.' and '..' are not file names";
  if (name == kReservedName) return "the name '.dfs' is reserved for dfs's own use";
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == 0) return "contains a NUL byte";
    if (c == '/') return "a name cannot contain '/'";
    if (c == '\\') return "contains a backslash; use '/' between names";
    if (c < 0x20 || c == 0x7f) return "contains a control character";
    if (c == '%' && i + 2 < name.size() && is_hex(name[i + 1]) && is_hex(name[i + 2])) {
      return "contains a percent-encoded sequence; names are decoded exactly once";
    }
  }
  return nullptr;
}

}  // namespace

Status RemotePath::check_name(std::string_view name) {
  if (const char* why = name_problem(name)) return bad(name, why);
  return {};
}

Result<RemotePath> RemotePath::parse(std::string_view raw) {
  if (raw.size() > kMaxPathBytes) return bad(raw, "longer than 4096 bytes");
  if (raw.find('\0') != std::string_view::npos) return bad(raw, "contains a NUL byte");
  std::string_view rest = raw;
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);

  std::vector<std::string_view> parts;
  std::size_t begin = 0;
  while (begin <= rest.size() && !rest.empty()) {
    const auto slash = rest.find('/', begin);
    const std::size_t end = slash == std::string_view::npos ? rest.size() : slash;
    const std::string_view component = rest.substr(begin, end - begin);
    if (component == ".") {
      // dropped
    } else if (component == "..") {
      if (parts.empty()) return bad(raw, "'..' climbs above the root");
      parts.pop_back();
    } else if (const char* why = name_problem(component)) {
      return bad(raw, why);
    } else {
      parts.push_back(component);
    }
    if (slash == std::string_view::npos) break;
    begin = slash + 1;
  }
  std::string normalised;
  normalised.reserve(rest.size());
  for (const auto& p : parts) {
    if (!normalised.empty()) normalised += '/';
    normalised += p;
  }
  return RemotePath(std::move(normalised));
}

std::string_view RemotePath::name() const {
  const auto slash = path_.rfind('/');
  return slash == std::string::npos ? std::string_view(path_) : std::string_view(path_).substr(slash + 1);
}

RemotePath RemotePath::parent() const {
  const auto slash = path_.rfind('/');
  return slash == std::string::npos ? RemotePath() : RemotePath(path_.substr(0, slash));
}

RemotePath RemotePath::child(std::string_view name) const {
  return RemotePath(path_.empty() ? std::string(name) : path_ + "/" + std::string(name));
}

std::vector<std::string_view> RemotePath::components() const& {
  std::vector<std::string_view> out;
  std::string_view rest = path_;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    out.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace dfs
