// Checks HTTP Basic credentials against the users file. The slow hash runs once per user and
// password: afterwards an HMAC of the password under a per-process random key is compared in
// constant time. Slow checks run one at a time, so concurrent first requests cost one hash and a
// password guesser gets at most one core. The file is re-read when it changes on disk.
#pragma once

#include <openssl/evp.h>
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/error.h"
#include "server/users_file.h"

namespace dfs::server {

class Authenticator {
 public:
  static Result<std::unique_ptr<Authenticator>> open(const std::filesystem::path& users_file);

  // `authorization` is the Authorization header's value; returns the user name.
  Result<std::string> authenticate(std::string_view authorization);

 private:
  explicit Authenticator(std::filesystem::path file);
  Status reload_if_changed();
  // HMAC-SHA256 of user and password under this process's random key; empty if OpenSSL fails.
  std::string fast_mac(std::string_view user, std::string_view password);

  std::filesystem::path file_;
  struct FreeMac {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MAC_CTX, FreeMac> mac_;  // keyed with the random key
  std::mutex mac_mutex_;                      // one MAC at a time through mac_
  std::mutex mutex_;  // guards users_, stamp_ and verified_
  UsersFile users_;
  struct Stamp {
    ino_t inode = 0;
    off_t size = -1;
    std::int64_t mtime_ns = 0;
    friend bool operator==(const Stamp&, const Stamp&) = default;
  } stamp_;
  std::map<std::string, std::string, std::less<>> verified_;  // user -> fast_mac of a checked password
  std::mutex slow_mutex_;
};

}  // namespace dfs::server
