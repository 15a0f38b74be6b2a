#include "tests/support/test_certificates.h"

#include <fstream>
#include <stdexcept>

#include "tests/support/shell.h"

namespace dfs::testing {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

void openssl(const std::string& arguments) {
  const auto r = run_shell("openssl " + arguments + " 2>&1", 30);
  if (r.exit_code != 0) throw std::runtime_error("openssl " + arguments + " failed:\n" + r.output);
}

// Own request configs, so the machine's openssl.cnf cannot add or change extensions.
std::string request_config(const std::string& common_name, bool ca) {
  std::string text = "[req]\nprompt = no\ndistinguished_name = dn\n";
  if (ca) text += "x509_extensions = ca\n";
  text += "[dn]\nCN = " + common_name + "\n";
  if (ca) text += "[ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n";
  return text;
}

constexpr const char* kNewKey = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";

void make_ca(const fs::path& dir, const std::string& name, const std::string& common_name) {
  write(dir / (name + ".cnf"), request_config(common_name, true));
  openssl("req -x509 -config " + shell_quote((dir / (name + ".cnf")).string()) + " " + kNewKey + " -days 2 -keyout " +
          shell_quote((dir / (name + ".key")).string()) + " -out " + shell_quote((dir / (name + ".pem")).string()));
}

void make_server(const fs::path& dir, const std::string& name, const std::string& ca, const std::string& subject_alt_name) {
  const auto base = dir / name;
  write(base.string() + ".cnf", request_config(name, false));
  write(base.string() + ".ext", "basicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature,keyEncipherment\n"
                                "extendedKeyUsage = serverAuth\nsubjectAltName = " + subject_alt_name + "\n");
  openssl("req -new -config " + shell_quote(base.string() + ".cnf") + " " + kNewKey + " -keyout " +
          shell_quote(base.string() + ".key") + " -out " + shell_quote(base.string() + ".csr"));
  openssl("x509 -req -days 2 -in " + shell_quote(base.string() + ".csr") + " -CA " + shell_quote((dir / (ca + ".pem")).string()) +
          " -CAkey " + shell_quote((dir / (ca + ".key")).string()) + " -CAcreateserial -extfile " +
          shell_quote(base.string() + ".ext") + " -out " + shell_quote(base.string() + ".pem"));
}

}  // namespace

TestCertificates::TestCertificates(const fs::path& dir) {
  fs::create_directories(dir);
  make_ca(dir, "ca", "dfs test CA");
  make_ca(dir, "unrelated-ca", "an unrelated test CA");
  make_server(dir, "server", "ca", "IP:127.0.0.1");
  make_server(dir, "other-host", "ca", "DNS:elsewhere.example");
  ca_file = dir / "ca.pem";
  server_cert_file = dir / "server.pem";
  server_key_file = dir / "server.key";
  other_host_cert_file = dir / "other-host.pem";
  other_host_key_file = dir / "other-host.key";
  unrelated_ca_file = dir / "unrelated-ca.pem";
}

std::string TestCertificates::server_yaml() const { return server_yaml(server_cert_file, server_key_file); }

std::string TestCertificates::server_yaml(const fs::path& cert, const fs::path& key) const {
  return "tls_cert_file: " + cert.string() + "\ntls_key_file: " + key.string() + "\n";
}

}  // namespace dfs::testing
