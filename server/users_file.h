// The users file: one "name:pbkdf2-sha256:<iterations>:<salt hex>:<hash hex>" line per user,
// '#' comments. Passwords exist only as salted PBKDF2-HMAC-SHA256 hashes (OpenSSL).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"

namespace dfs::server {

inline constexpr std::uint32_t kDefaultPasswordIterations = 600'000;

struct PasswordHash {
  std::uint32_t iterations = kDefaultPasswordIterations;
  std::string salt;  // raw bytes
  std::string hash;  // raw bytes, 32

  static PasswordHash create(std::string_view password, std::uint32_t iterations);
  // Constant-time comparison of the derived key.
  bool matches(std::string_view password) const;
};

// User names: 1-64 of [A-Za-z0-9._-], not starting with '.' or '-' (they name folders).
Status check_user_name(std::string_view name);

class UsersFile {
 public:
  static Result<UsersFile> load(const std::filesystem::path& file);
  // Adds or replaces `user`, writing the file atomically: a new file gets mode 0600, an existing
  // one keeps its owner, group and mode.
  static Status set_password(const std::filesystem::path& file, std::string_view user, std::string_view password,
                             std::uint32_t iterations = kDefaultPasswordIterations);

  const PasswordHash* find(std::string_view user) const;
  std::size_t size() const { return users_.size(); }

 private:
  std::map<std::string, PasswordHash, std::less<>> users_;
};

}  // namespace dfs::server
