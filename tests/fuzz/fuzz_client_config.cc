// The client's configuration (client-core/client_config.h) in both formats, YAML dfc.yaml and
// classic dfc.conf, from arbitrary bytes. A configuration that loads has at least two servers
// with one-word names and real ports, unique in name (any case) and address, credentials, and
// every number in its documented range.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "client-core/client_config.h"
#include "common/config_map.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// A folder that does not exist, so a relative password_file resolves to nothing.
constexpr const char* kSource = "/nonexistent-dfs-fuzz/dfc.yaml";

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

bool one_word(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // An absolute password_file could name a device that blocks on read (/dev/stdin, /dev/ptmx):
  // a hang of the harness, not a finding. The YAML parser itself decides whether the key is there.
  if (const auto map = dfs::ConfigMap::parse(text, kSource); map && map->has("password_file")) return 0;

  const auto config = dfs::client::parse_client_config(text, kSource);
  if (!config) {
    FUZZ_CHECK(config.error().code() == dfs::Errc::config, "a refused configuration is a config error");
    FUZZ_CHECK(config.error().message().starts_with(kSource), "every mistake names the file");
    return 0;
  }
  FUZZ_CHECK(config->servers.size() >= 2, "at least two servers");
  for (std::size_t i = 0; i < config->servers.size(); ++i) {
    const auto& server = config->servers[i];
    FUZZ_CHECK(one_word(server.name), "a server name is one word without control characters");
    FUZZ_CHECK(!server.host.empty(), "a server has a host");
    FUZZ_CHECK(server.port != 0, "a server has a port to connect to");
    for (std::size_t j = 0; j < i; ++j) {
      const auto& earlier = config->servers[j];
      FUZZ_CHECK(lowered(earlier.name) != lowered(server.name), "server names differ in more than case");
      FUZZ_CHECK(earlier.port != server.port || lowered(earlier.host) != lowered(server.host),
                 "server addresses differ");
    }
  }
  FUZZ_CHECK(!config->credentials.user.empty(), "a user name is given");
  FUZZ_CHECK(!config->credentials.password.empty(), "a password is given");
  FUZZ_CHECK(config->min_copies == 1 || config->min_copies == 2, "min_copies is 1 or 2");
  constexpr long long kDay = 86'400'000;
  FUZZ_CHECK(config->timeouts.connect.count() >= 1 && config->timeouts.connect.count() <= kDay,
             "connect_timeout_ms is 1 ms to one day");
  FUZZ_CHECK(config->timeouts.io.count() >= 1 && config->timeouts.io.count() <= kDay, "io_timeout_ms is 1 ms to one day");
  FUZZ_CHECK(config->down_backoff.count() >= 0 && config->down_backoff.count() <= kDay,
             "down_backoff_ms is 0 to one day");
  FUZZ_CHECK(config->spool_limit_bytes % (1u << 20) == 0, "the spool limit is whole MiB");
  return 0;
}
