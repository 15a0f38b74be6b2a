#include "client-core/tls_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <cerrno>
#include <cstring>

namespace dfs::client {

namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> make_client_tls_context(const TlsSettings& settings) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  if (settings.ca_file.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) return Error(Errc::config, "cannot load the system's trusted CAs (" + ec.message() + "); set tls_ca_file");
    return context;
  }
  if (::access(settings.ca_file.c_str(), R_OK) != 0) {
    return Error(Errc::config, "key 'tls_ca_file': " + settings.ca_file + ": cannot read it: " + std::strerror(errno));
  }
  context->load_verify_file(settings.ca_file, ec);
  if (ec) {
    ERR_clear_error();
    return Error(Errc::config, "key 'tls_ca_file': " + settings.ca_file + ": not a PEM bundle of CA certificates");
  }
  return context;
}

void prepare_tls_session(ClientStream::Tls& tls, const std::string& host, TlsRejection& rejection) {
  rejection = {};
  boost::system::error_code not_an_address;
  boost::asio::ip::make_address(host, not_an_address);
  // SNI takes host names only (RFC 6066); an IP address is checked against the certificate alone.
  if (not_an_address) SSL_set_tlsext_host_name(tls.native_handle(), host.c_str());
  tls.set_verify_mode(ssl::verify_peer);
  tls.set_verify_callback(
      [&rejection, check = ssl::host_name_verification(host)](bool preverified, ssl::verify_context& ctx) {
        if (!preverified) {
          rejection.chain_error = X509_STORE_CTX_get_error(ctx.native_handle());
          return false;
        }
        if (!check(preverified, ctx)) {
          rejection.wrong_host = true;
          return false;
        }
        return true;
      });
}

std::string tls_failure_text(const TlsRejection& rejection, const boost::beast::error_code& ec, const std::string& host) {
  if (rejection.wrong_host) {
    return "TLS certificate is not for " + host + " (its subjectAltName must name it: IP:" + host + " or DNS:" + host +
           ")";
  }
  switch (rejection.chain_error) {
    case 0:
      break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "TLS certificate not trusted (check tls_ca_file)";
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return std::string("TLS certificate rejected: ") + X509_verify_cert_error_string(rejection.chain_error) +
             " (renew the server's certificate, or check the clocks)";
    default:
      return std::string("TLS certificate rejected: ") + X509_verify_cert_error_string(rejection.chain_error);
  }
  if (ec == boost::beast::error::timeout) return "TLS handshake timed out (is the server set up for TLS?)";
  return "TLS handshake failed: " + ec.message() +
         " (does the server serve TLS, with tls_cert_file and tls_key_file in its config?)";
}

}  // namespace dfs::client
