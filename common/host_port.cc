#include "common/host_port.h"

#include <arpa/inet.h>

#include <array>

#include "common/protocol.h"

namespace dfs {
namespace {

Error bad(std::string_view text, std::string_view what) {
  // Appended piecewise: GCC 12 at -O3 warns falsely (-Wrestrict) on "'" + std::string(...).
  std::string message = "'";
  message.append(text).append("' ").append(what);
  return Error(Errc::config, std::move(message));
}

}  // namespace

Status parse_host_port(std::string_view text, std::string& host, std::uint16_t& port) {
  constexpr std::string_view example = "HOST:PORT, e.g. 127.0.0.1:10001 or [::1]:10001";
  std::string_view h;
  std::string_view p;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad(text, "is not " + std::string(example));
    }
    h = text.substr(1, close - 1);
    p = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad(text, "has no port; write " + std::string(example));
    h = text.substr(0, colon);
    p = text.substr(colon + 1);
    // Without brackets "::1:80" could be ::1 port 80 or ::1:80 with no port; refuse to guess.
    if (h.find(':') != std::string_view::npos) {
      if (h.find('/') != std::string_view::npos) {
        return bad(text, "is a URL; write only " + std::string(example));
      }
      return bad(text, "has more than one ':'; write an IPv6 address in brackets, e.g. [::1]:10001");
    }
  }
  if (h.empty()) return bad(text, "has no host; write " + std::string(example));
  for (const char c : h) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f || c == '/' || c == '[' || c == ']' || c == '@') {
      return bad(text, "has a host with a character no host name has; write " + std::string(example));
    }
  }
  const auto number = protocol::parse_u64(p);
  if (!number || *number > 65535) return bad(text, "has no valid port; the port is a number from 0 to 65535");
  host = std::string(h);
  port = static_cast<std::uint16_t>(*number);
  return {};
}

std::string ListenAddress::display() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ListenAddress> parse_bind_address(std::string_view text) {
  ListenAddress address{"127.0.0.1", 0};
  std::string_view port_text = text;
  if (text.find(':') == std::string_view::npos || text.front() == ':') {
    if (!port_text.empty() && port_text.front() == ':') port_text.remove_prefix(1);
  } else {
    if (auto st = parse_host_port(text, address.host, address.port); !st) return st.error();
    std::array<unsigned char, 16> binary{};
    if (::inet_pton(AF_INET, address.host.c_str(), binary.data()) != 1 &&
        ::inet_pton(AF_INET6, address.host.c_str(), binary.data()) != 1) {
      return bad(text, "has a host that is not an IP address; write e.g. 127.0.0.1:9100, [::1]:9100 or :9100");
    }
    return address;
  }
  const auto number = protocol::parse_u64(port_text);
  if (!number || *number > 65535) {
    return bad(text, "is not HOST:PORT, :PORT or PORT (port 0 to 65535, 0 picks a free one), e.g. 127.0.0.1:9100");
  }
  address.port = static_cast<std::uint16_t>(*number);
  return address;
}

}  // namespace dfs
