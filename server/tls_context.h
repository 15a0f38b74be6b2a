// The server's TLS setup: the certificate chain and private key named by tls_cert_file and
// tls_key_file, loaded and checked once at start-up, so a bad file stops the server with a
// message naming the key and the file instead of failing every handshake later.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "common/error.h"
#include "server/server_config.h"

namespace dfs::server {

// Errc::config naming the key, the file and what is wrong with it.
Result<std::unique_ptr<boost::asio::ssl::context>> load_tls_context(const ServerConfig& config);

}  // namespace dfs::server
