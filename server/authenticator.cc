#include "server/authenticator.h"
#include "common/wall_time.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <optional>
#include <stdexcept>

namespace dfs::server {
namespace {

Error unauthorized(std::string_view why) { return Error(Errc::unauthorized, std::string(why)); }

// Decodes standard base64; nullopt on anything malformed.
std::optional<std::string> base64_decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0 || in.size() > 4096) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = 0;
  if (in.back() == '=') ++padding;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

}  // namespace

Result<std::unique_ptr<Authenticator>> Authenticator::open(const std::filesystem::path& users_file) {
  auto auth = std::unique_ptr<Authenticator>(new Authenticator(users_file));
  if (auto st = auth->reload_if_changed(); !st) return st.error();
  return auth;
}

Authenticator::Authenticator(std::filesystem::path file) : file_(std::move(file)), mac_key_(32, '\0') {
  if (RAND_bytes(reinterpret_cast<unsigned char*>(mac_key_.data()), static_cast<int>(mac_key_.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
}

Status Authenticator::reload_if_changed() {
  struct stat st {};
  if (::stat(file_.c_str(), &st) != 0) return Error::from_errno(errno, "users file " + file_.string());
  const Stamp now{st.st_ino, st.st_size, ns_of(st.st_mtim)};
  std::lock_guard lock(mutex_);
  if (now == stamp_) return {};
  auto users = UsersFile::load(file_);
  if (!users) return users.error();
  users_ = std::move(*users);
  stamp_ = now;
  verified_.clear();
  return {};
}

std::string Authenticator::fast_mac(std::string_view user, std::string_view password) const {
  std::string message(user);
  message += '\0';
  message += password;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), mac_key_.data(), static_cast<int>(mac_key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

Result<std::string> Authenticator::authenticate(std::string_view authorization) {
  if (authorization.empty()) return unauthorized("credentials required (HTTP Basic)");
  if (!authorization.starts_with("Basic ")) return unauthorized("only HTTP Basic credentials are accepted");
  const auto decoded = base64_decode(authorization.substr(6));
  if (!decoded) return unauthorized("malformed Basic credentials");
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return unauthorized("malformed Basic credentials");
  const std::string_view user = std::string_view(*decoded).substr(0, colon);
  const std::string_view password = std::string_view(*decoded).substr(colon + 1);
  const Error wrong = unauthorized("wrong user name or password for user '" + std::string(user.substr(0, 64)) + "'");

  if (auto st = reload_if_changed(); !st) return Error(Errc::unavailable, st.error().message());
  const std::string mac = fast_mac(user, password);
  auto cached = [&] {
    std::lock_guard lock(mutex_);
    const auto it = verified_.find(user);
    return it != verified_.end() && CRYPTO_memcmp(it->second.data(), mac.data(), mac.size()) == 0;
  };
  if (cached()) return std::string(user);

  std::lock_guard slow(slow_mutex_);
  if (cached()) return std::string(user);  // another request verified it meanwhile
  std::optional<PasswordHash> hash;
  {
    std::lock_guard lock(mutex_);
    if (const PasswordHash* found = users_.find(user)) hash = *found;
  }
  if (!hash) {
    // Spend the same time as for a real user, so a guesser cannot tell names apart.
    static const PasswordHash decoy = PasswordHash::create("decoy", kDefaultPasswordIterations);
    (void)decoy.matches(password);
    return wrong;
  }
  if (!hash->matches(password)) return wrong;
  std::lock_guard lock(mutex_);
  verified_[std::string(user)] = mac;
  return std::string(user);
}

}  // namespace dfs::server
