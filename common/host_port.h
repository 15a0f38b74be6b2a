// "HOST:PORT" as written in configuration files and on command lines, shared by the server's
// listen address and the client's server list so that both accept and refuse the same things.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace dfs {

// Splits "HOST:PORT" into its parts: "127.0.0.1:10001", "dfs1.example:10001", "[::1]:10001" (an
// IPv6 address must be in brackets, which are not kept in `host`). The port may be 0 to 65535:
// 0 is how a listener asks for any free port, so a caller that connects must refuse it itself.
// Errc::config naming the text and what to write instead; `host` and `port` are left unchanged
// on error.
Status parse_host_port(std::string_view text, std::string& host, std::uint16_t& port);

// Where a listener of our own binds (admin_listen: the metrics endpoint).
struct ListenAddress {
  std::string host;  // an IP address, IPv6 without brackets
  std::uint16_t port = 0;  // 0: any free port
  std::string display() const;  // "127.0.0.1:9100", "[::1]:9100"
};

// "HOST:PORT", ":PORT" or "PORT", where HOST must be an IP address (a listener binds without a
// name lookup) and is 127.0.0.1 when left out: the metrics stay on the machine unless an
// operator names an address. Errc::config saying what to write.
Result<ListenAddress> parse_bind_address(std::string_view text);

}  // namespace dfs
