// dfs-server's YAML configuration (server/server_config.h) from arbitrary bytes. A file that
// loads, and then finishes, holds settings in their documented ranges.
#include <cstddef>
#include <cstdint>

#include "server/server_config.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FuzzMemoryFile file;  // one per process: libFuzzer calls this function for every input
  file.assign(data, size);
  auto config = dfs::server::ServerConfig::load_yaml(file.path());
  if (!config) {
    FUZZ_CHECK(config.error().code() == dfs::Errc::config, "a refused configuration is a config error");
    return 0;
  }
  FUZZ_CHECK(config->threads >= 1 && config->threads <= 256, "threads is 1 to 256");
  FUZZ_CHECK(config->header_limit_bytes >= 1024, "header_limit_bytes is at least 1024");
  FUZZ_CHECK(config->idle_timeout.count() >= 100, "idle_timeout_ms is at least 100");
  FUZZ_CHECK(config->sweep_interval.count() >= 1, "sweep_interval_s is at least 1");
  FUZZ_CHECK(!config->listen_host.empty(), "there is a host to listen on");
  if (const auto finished = config->finish(); finished) {
    FUZZ_CHECK(!config->root.empty(), "a finished configuration has a root");
    FUZZ_CHECK(!config->users_file.empty(), "a finished configuration has a users file");
    FUZZ_CHECK(config->max_connections >= 1, "max_connections is at least 1");
  } else {
    FUZZ_CHECK(finished.error().code() == dfs::Errc::config, "a refused configuration is a config error");
  }
  return 0;
}
