// The path rules (common/remote_path.h) and percent-encoding on arbitrary bytes. A path the rules
// accept is normalised, never climbs above the root, and re-parses to itself; encoding then
// decoding gives back every byte.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/percent_encoding.h"
#include "common/remote_path.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// The depth reached by the raw components, walked independently of the parser: negative as soon
// as a ".." would climb above the root.
bool climbs_above_root(std::string_view raw) {
  long depth = 0;
  std::size_t begin = 0;
  while (begin <= raw.size()) {
    const auto slash = raw.find('/', begin);
    const std::string_view component = raw.substr(begin, slash == std::string_view::npos ? raw.npos : slash - begin);
    if (component == "..") {
      if (--depth < 0) return true;
    } else if (!component.empty() && component != ".") {
      ++depth;
    }
    if (slash == std::string_view::npos) break;
    begin = slash + 1;
  }
  return false;
}

void check_path(std::string_view raw) {
  const auto parsed = dfs::RemotePath::parse(raw);
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message().empty(), "a refused path says why");
    return;
  }
  const dfs::RemotePath& path = *parsed;
  const std::string& text = path.str();
  FUZZ_CHECK(!climbs_above_root(raw), "an accepted path never climbs above the root");
  FUZZ_CHECK(text.size() <= raw.size() && text.size() <= dfs::kMaxPathBytes, "normalising never lengthens");
  FUZZ_CHECK(text.empty() || (text.front() != '/' && text.back() != '/'), "no leading or trailing '/'");
  FUZZ_CHECK(path.is_root() == text.empty(), "only the empty path is the root");

  std::string joined;
  for (const auto component : path.components()) {
    FUZZ_CHECK(dfs::RemotePath::check_name(component).ok(), "every component passes the name rules");
    if (!joined.empty()) joined += '/';
    joined += component;
  }
  FUZZ_CHECK(joined == text, "the components join back to the path");

  const auto again = dfs::RemotePath::parse(text);
  FUZZ_CHECK(again && *again == path, "the normalised form re-parses to itself");
  const auto shown = dfs::RemotePath::parse(path.display());
  FUZZ_CHECK(shown && *shown == path, "the displayed form re-parses to the same path");
  if (!path.is_root()) {
    FUZZ_CHECK(path.parent().child(path.name()) == path, "parent plus name is the path");
    FUZZ_CHECK(path.parent().str().size() < text.size(), "the parent is shorter");
  }
}

void check_percent_encoding(std::string_view raw) {
  for (const bool keep_slash : {false, true}) {
    const std::string encoded = dfs::percent_encode(raw, keep_slash);
    for (const char c : encoded) {
      const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                         c == '.' || c == '_' || c == '~' || c == '%' || (keep_slash && c == '/');
      FUZZ_CHECK(plain, "the encoding uses only unreserved bytes, '%' (and '/' when kept)");
    }
    const auto decoded = dfs::percent_decode(encoded);
    FUZZ_CHECK(decoded && *decoded == raw, "decoding the encoding gives back every byte");
  }
  if (const auto decoded = dfs::percent_decode(raw)) {
    FUZZ_CHECK(decoded->size() <= raw.size(), "decoding never lengthens");
    const auto again = dfs::percent_decode(dfs::percent_encode(*decoded));
    FUZZ_CHECK(again && *again == *decoded, "a decoded text survives another round trip");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  check_path(raw);
  check_percent_encoding(raw);
  return 0;
}
