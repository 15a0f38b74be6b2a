// The request target the server parses ("/<percent-encoded path>?key=value&..."): whatever it
// accepts, the client's to_string() writes back in a form that parses to the same target, and the
// path inside obeys the path rules.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/percent_encoding.h"
#include "common/request_target.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const auto parsed = dfs::RequestTarget::parse(raw);
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message().empty(), "a refused target says why");
    return 0;
  }
  FUZZ_CHECK(!raw.empty() && raw.front() == '/', "only targets starting with '/' are accepted");

  // The path is decoded exactly once: the same as decoding the raw path and applying the rules.
  const auto decoded = dfs::percent_decode(raw.substr(0, raw.find('?')));
  FUZZ_CHECK(decoded.ok(), "an accepted target has a well-formed path encoding");
  const auto path = dfs::RemotePath::parse(*decoded);
  FUZZ_CHECK(path && *path == parsed->path, "the path is the decoded raw path under the path rules");

  const std::string written = parsed->to_string();
  const auto again = dfs::RequestTarget::parse(written);
  FUZZ_CHECK(again.ok(), "what to_string() writes parses");
  FUZZ_CHECK(again->path == parsed->path, "the path survives a round trip");
  FUZZ_CHECK(again->query == parsed->query, "the query survives a round trip");
  FUZZ_CHECK(again->to_string() == written, "to_string() is a fixed point");
  for (const auto& [key, value] : parsed->query) {
    const auto found = parsed->get(key);
    FUZZ_CHECK(found && *found == value, "every query key is found with its value");
  }
  return 0;
}
