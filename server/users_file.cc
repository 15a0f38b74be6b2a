#include "server/users_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "common/protocol.h"

namespace dfs::server {
namespace {

std::string derive(std::string_view password, const std::string& salt, std::uint32_t iterations) {
  std::string out(32, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throw std::runtime_error("OpenSSL PBKDF2 failed");
  }
  return out;
}

std::string to_hex(const std::string& raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : raw) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = hex[i + static_cast<std::size_t>(k)];
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else return false;
      v = v * 16 + d;
    }
    out += static_cast<char>(v);
  }
  return true;
}

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = line.find(sep, start);
    out.push_back(line.substr(start, pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

}  // namespace

PasswordHash PasswordHash::create(std::string_view password, std::uint32_t iterations) {
  PasswordHash h;
  h.iterations = iterations;
  h.salt.resize(16);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(h.salt.data()), static_cast<int>(h.salt.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
  h.hash = derive(password, h.salt, iterations);
  return h;
}

bool PasswordHash::matches(std::string_view password) const {
  const std::string candidate = derive(password, salt, iterations);
  return candidate.size() == hash.size() && CRYPTO_memcmp(candidate.data(), hash.data(), hash.size()) == 0;
}

Status check_user_name(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return Error(Errc::invalid_argument, "bad user name '" + std::string(name.substr(0, 64)) + "': " + std::string(why));
  };
  if (name.empty() || name.size() > 64) return bad("must be 1 to 64 characters");
  if (name.front() == '.' || name.front() == '-') return bad("must not start with '.' or '-'");
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return bad("only letters, digits, '.', '_' and '-' are allowed");
  }
  return {};
}

Result<UsersFile> UsersFile::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    return Error(Errc::config, file.string() + ": cannot read the users file; create it with 'dfs-server passwd " +
                                   file.string() + " USER'");
  }
  UsersFile users;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split(line, ':');
    auto bad = [&](std::string_view why) {
      return Error(Errc::config, file.string() + ":" + std::to_string(number) + ": " + std::string(why));
    };
    if (fields.size() != 5 || fields[1] != "pbkdf2-sha256") {
      return bad("expected name:pbkdf2-sha256:ITERATIONS:SALT:HASH (made by 'dfs-server passwd')");
    }
    if (auto st = check_user_name(fields[0]); !st) return bad(st.error().message());
    PasswordHash h;
    const auto iterations = protocol::parse_u64(fields[2]);
    if (!iterations || *iterations < 1 || *iterations > 100'000'000) return bad("bad iteration count");
    h.iterations = static_cast<std::uint32_t>(*iterations);
    if (!from_hex(fields[3], h.salt) || h.salt.empty()) return bad("salt is not lowercase hex");
    if (!from_hex(fields[4], h.hash) || h.hash.size() != 32) return bad("hash is not 64 lowercase hex digits");
    users.users_[std::string(fields[0])] = std::move(h);
  }
  return users;
}

const PasswordHash* UsersFile::find(std::string_view user) const {
  const auto it = users_.find(user);
  return it == users_.end() ? nullptr : &it->second;
}

Status UsersFile::set_password(const std::filesystem::path& file, std::string_view user, std::string_view password,
                               std::uint32_t iterations) {
  if (auto st = check_user_name(user); !st) return st;
  if (password.empty()) return Error(Errc::invalid_argument, "the password is empty");
  std::vector<std::string> lines;
  bool replaced = false;
  const PasswordHash h = PasswordHash::create(password, iterations);
  const std::string entry = std::string(user) + ":pbkdf2-sha256:" + std::to_string(h.iterations) + ":" +
                            to_hex(h.salt) + ":" + to_hex(h.hash);
  if (std::ifstream in(file); in) {
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with(std::string(user) + ":")) {
        if (!replaced) lines.push_back(entry);
        replaced = true;
      } else {
        lines.push_back(line);
      }
    }
  }
  if (!replaced) lines.push_back(entry);

  const std::string temp = file.string() + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error::from_errno(errno, "write " + temp);
  // An existing file keeps its owner, group and mode: a service reading it as its own user
  // (the packaged /etc/dfs/users, root:dfs 0640) must still read it after root changed a password.
  struct stat existing {};
  if (::stat(file.c_str(), &existing) == 0 &&
      (::fchown(fd, existing.st_uid, existing.st_gid) != 0 || ::fchmod(fd, existing.st_mode & 07777) != 0)) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return Error::from_errno(err, "keep the owner and mode of " + file.string() + " (run as its owner or root)");
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), file.c_str()) != 0) {
    ::unlink(temp.c_str());
    return Error::from_errno(ok ? errno : err, "write " + file.string());
  }
  return {};
}

}  // namespace dfs::server
