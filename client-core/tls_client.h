// The client side of TLS: whom to trust (the CA bundle of tls_ca_file, or the system's store),
// what each handshake checks (the chain, and that the certificate names the configured host;
// SNI carries a host name), and one message a person can act on when a check fails.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <memory>
#include <string>

#include "client-core/deadline_socket.h"
#include "client-core/server_connection.h"
#include "common/error.h"

namespace dfs::client {

// Why the certificate checks of the latest handshake failed; written by its verify callback.
struct TlsRejection {
  int chain_error = 0;         // an X509_V_ERR_* value; 0: the chain was fine
  bool wrong_host = false;     // the chain was fine but the certificate names another host
};

// A context trusting `settings.ca_file` (or the system's store). Errc::config naming
// tls_ca_file and the file when it cannot be used.
Result<std::unique_ptr<boost::asio::ssl::context>> make_client_tls_context(const TlsSettings& settings);

// Sets up the TLS session of a new connection to `host`: SNI for a host name, peer
// verification, and host-name verification that records its verdict in `rejection` (which
// must outlive the handshake).
void prepare_tls_session(ClientStream::Tls& tls, const std::string& host, TlsRejection& rejection);

// The failed handshake's cause without the server's name, e.g. "TLS certificate not trusted
// (check tls_ca_file)".
std::string tls_failure_text(const TlsRejection& rejection, const boost::beast::error_code& ec,
                             const std::string& host);

}  // namespace dfs::client
