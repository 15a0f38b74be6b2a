#include "common/request_target.h"

#include "common/percent_encoding.h"

namespace dfs {

Result<RequestTarget> RequestTarget::parse(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return Error(Errc::bad_path, "request target must start with '/'");
  }
  const auto question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  auto decoded = percent_decode(raw_path);
  if (!decoded) return Error(Errc::bad_path, "bad path: " + decoded.error().message());
  auto path = RemotePath::parse(*decoded);
  if (!path) return path.error();

  RequestTarget out;
  out.path = std::move(*path);
  if (question == std::string_view::npos) return out;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!key || !value) return Error(Errc::invalid_argument, "malformed query string");
    if (!out.query.emplace(std::move(*key), std::move(*value)).second) {
      return Error(Errc::invalid_argument, "query parameter given twice");
    }
  }
  return out;
}

std::string RequestTarget::to_string() const {
  std::string out = "/";
  out += percent_encode(path.str(), true);
  char separator = '?';
  for (const auto& [key, value] : query) {
    out += separator;
    out += percent_encode(key);
    out += '=';
    out += percent_encode(value);
    separator = '&';
  }
  return out;
}

std::optional<std::string_view> RequestTarget::get(std::string_view key) const {
  const auto it = query.find(key);
  if (it == query.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace dfs
