// The server's users file (server/users_file.h) from arbitrary bytes. Every user a loaded file
// holds has a valid name and a usable hash record. Passwords are never derived here: the file
// may ask for 100 million PBKDF2 iterations, which is allowed but not something to fuzz.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/users_file.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FuzzMemoryFile file;  // one per process: libFuzzer calls this function for every input
  file.assign(data, size);
  const auto users = dfs::server::UsersFile::load(file.path());
  if (!users) {
    FUZZ_CHECK(users.error().code() == dfs::Errc::config, "a refused users file is a config error");
    return 0;
  }
  // Every name at the start of a line is either a user with a valid record or absent.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t named = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto end = text.find('\n', pos);
    const std::string_view line = text.substr(pos, end == std::string_view::npos ? text.npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    const std::string_view name = line.substr(0, line.find(':'));
    const auto* hash = users->find(name);
    if (hash == nullptr) continue;
    ++named;
    FUZZ_CHECK(dfs::server::check_user_name(name).ok(), "every user has a valid name");
    FUZZ_CHECK(hash->iterations >= 1 && hash->iterations <= 100'000'000, "iterations are in range");
    FUZZ_CHECK(!hash->salt.empty(), "every user has a salt");
    FUZZ_CHECK(hash->hash.size() == 32, "every hash is 32 bytes");
  }
  FUZZ_CHECK(users->size() <= named, "every user comes from a line of the file");
  return 0;
}
