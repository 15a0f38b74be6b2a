// One handler per method. Each receives an authenticated Exchange whose target is parsed.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "server/http_exchange.h"

namespace dfs::server {

asio::awaitable<void> handle_get(Exchange& ex);   // a part version, whole or one Range
asio::awaitable<void> handle_put(Exchange& ex);   // a part version, a metadata copy, or a commit
asio::awaitable<void> handle_list(Exchange& ex);  // the part versions under a directory
asio::awaitable<void> handle_exit(Exchange& ex);  // answer, then close the connection

}  // namespace dfs::server
