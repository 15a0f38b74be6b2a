// The request target of the wire protocol: "/<percent-encoded path>?key=value&...". The server
// parses it, the client builds it, with the same code, so both agree on every byte.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/remote_path.h"

namespace dfs {

struct RequestTarget {
  RemotePath path;
  std::map<std::string, std::string, std::less<>> query;

  // Decodes the path exactly once and applies the path rules (Errc::bad_path); a malformed query
  // or a repeated key is Errc::invalid_argument.
  static Result<RequestTarget> parse(std::string_view target);
  std::string to_string() const;

  std::optional<std::string_view> get(std::string_view key) const;
};

}  // namespace dfs
