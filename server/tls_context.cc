#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace dfs::server {
namespace {

namespace ssl = boost::asio::ssl;

Error file_error(std::string_view key, const std::filesystem::path& file, std::string_view what) {
  return Error(Errc::config, "key '" + std::string(key) + "': " + file.string() + ": " + std::string(what));
}

// OpenSSL's reason for a failed load, e.g. "no start line" for a file that is not PEM. Asio
// takes the error off OpenSSL's queue into `ec`.
std::string openssl_reason(const boost::system::error_code& ec) {
  ERR_clear_error();
  return ec.message();
}

Status check_readable(std::string_view key, const std::filesystem::path& file) {
  if (::access(file.c_str(), R_OK) != 0) return file_error(key, file, std::string("cannot read it: ") + std::strerror(errno));
  return {};
}

}  // namespace

Result<std::unique_ptr<ssl::context>> load_tls_context(const ServerConfig& config) {
  if (auto st = check_readable("tls_cert_file", config.tls_cert_file); !st) return st.error();
  if (auto st = check_readable("tls_key_file", config.tls_key_file); !st) return st.error();
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  // TLS 1.2 and 1.3 only; the client core asks for the same.
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(config.tls_cert_file.string(), ec);
  if (ec) {
    return file_error("tls_cert_file", config.tls_cert_file,
                      "not a PEM certificate chain (" + openssl_reason(ec) + ")");
  }
  context->use_private_key_file(config.tls_key_file.string(), ssl::context::pem, ec);
  if (ec) {
    const std::string reason = openssl_reason(ec);
    if (reason.find("mismatch") != std::string::npos) {
      return file_error("tls_key_file", config.tls_key_file, "is not the private key of the certificate in " +
                                                                 config.tls_cert_file.string());
    }
    return file_error("tls_key_file", config.tls_key_file, "not a PEM private key (" + reason + ")");
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    return file_error("tls_key_file", config.tls_key_file,
                      "is not the private key of the certificate in " + config.tls_cert_file.string());
  }
  return context;
}

}  // namespace dfs::server
