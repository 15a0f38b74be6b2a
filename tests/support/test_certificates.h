// Throw-away certificates for TLS tests, made at test time with the openssl command line in a
// folder of the test's: a CA, a server certificate it signed for 127.0.0.1 (subjectAltName
// IP:127.0.0.1), one it signed for another host only, and a second CA that signed nothing
// of ours. Each lives two days; nothing is reused between runs.
#pragma once

#include <filesystem>
#include <string>

namespace dfs::testing {

struct TestCertificates {
  // Makes them all in `dir` (created when missing); throws with openssl's output on failure.
  explicit TestCertificates(const std::filesystem::path& dir);

  std::filesystem::path ca_file;             // the CA that signed both server certificates
  std::filesystem::path server_cert_file;    // for IP:127.0.0.1
  std::filesystem::path server_key_file;
  std::filesystem::path other_host_cert_file;  // for DNS:elsewhere.example only
  std::filesystem::path other_host_key_file;
  std::filesystem::path unrelated_ca_file;   // trusts none of the above

  // Server config lines serving `cert` and `key` (default: the 127.0.0.1 certificate).
  std::string server_yaml() const;
  std::string server_yaml(const std::filesystem::path& cert, const std::filesystem::path& key) const;
};

}  // namespace dfs::testing
