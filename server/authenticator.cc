#include "server/authenticator.h"
#include "common/wall_time.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
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

Authenticator::Authenticator(std::filesystem::path file) : file_(std::move(file)) {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
  // Keyed once: HMAC() fetched the algorithm and set the key up again for every request (about
  // 5% of a server's time on small files).
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  mac_.reset(hmac == nullptr ? nullptr : EVP_MAC_CTX_new(hmac));
  EVP_MAC_free(hmac);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  const bool keyed = mac_ && EVP_MAC_init(mac_.get(), key, sizeof key, params) == 1;
  OPENSSL_cleanse(key, sizeof key);
  if (!keyed) throw std::runtime_error("OpenSSL HMAC-SHA256 is not available");
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

std::string Authenticator::fast_mac(std::string_view user, std::string_view password) {
  const unsigned char separator = 0;
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  std::lock_guard lock(mac_mutex_);
  // A null key starts a new MAC with the key set up in the constructor.
  const bool done = EVP_MAC_init(mac_.get(), nullptr, 0, nullptr) == 1 &&
                    EVP_MAC_update(mac_.get(), reinterpret_cast<const unsigned char*>(user.data()), user.size()) == 1 &&
                    EVP_MAC_update(mac_.get(), &separator, 1) == 1 &&
                    EVP_MAC_update(mac_.get(), reinterpret_cast<const unsigned char*>(password.data()), password.size()) == 1 &&
                    EVP_MAC_final(mac_.get(), out, &length, sizeof out) == 1;
  if (!done) return {};  // matches no stored MAC: the slow check decides
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
  const auto wrong = [&] {
    return unauthorized("wrong user name or password for user '" + std::string(user.substr(0, 64)) + "'");
  };

  if (auto st = reload_if_changed(); !st) return Error(Errc::unavailable, st.error().message());
  const std::string mac = fast_mac(user, password);
  auto cached = [&] {
    std::lock_guard lock(mutex_);
    const auto it = verified_.find(user);
    return !mac.empty() && it != verified_.end() && it->second.size() == mac.size() &&
           CRYPTO_memcmp(it->second.data(), mac.data(), mac.size()) == 0;
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
    return wrong();
  }
  if (!hash->matches(password)) return wrong();
  std::lock_guard lock(mutex_);
  if (!mac.empty()) verified_[std::string(user)] = mac;
  return std::string(user);
}

}  // namespace dfs::server
