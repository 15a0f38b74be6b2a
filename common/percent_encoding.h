// RFC 3986 percent-encoding, used for paths in URLs and for names inside LIST records (names may
// hold spaces, '=' and any byte but NUL and '/', so records encode them to stay one token).
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace dfs {

// Encodes every byte outside the unreserved set (A-Z a-z 0-9 - . _ ~); '/' too unless keep_slash.
std::string percent_encode(std::string_view raw, bool keep_slash = false);

// Decodes %XX sequences exactly once. A '%' not followed by two hex digits is an error.
Result<std::string> percent_decode(std::string_view encoded);

}  // namespace dfs
