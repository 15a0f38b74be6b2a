// Pins common/host_port.h: HOST:PORT with IPv6 in brackets, port 0 to 65535, and an error that
// quotes the text and says what to write for anything else.
#include "common/host_port.h"

#include <gtest/gtest.h>

#include <string>

namespace dfs {
namespace {

TEST(HostPort, SplitsHostAndPort) {
  std::string host;
  std::uint16_t port = 7;
  ASSERT_TRUE(parse_host_port("127.0.0.1:10001", host, port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 10001);
  ASSERT_TRUE(parse_host_port("dfs1.example.org:65535", host, port).ok());
  EXPECT_EQ(host, "dfs1.example.org");
  EXPECT_EQ(port, 65535);
}

TEST(HostPort, PortZeroIsLeftToTheCaller) {
  std::string host;
  std::uint16_t port = 7;
  ASSERT_TRUE(parse_host_port("localhost:0", host, port).ok());
  EXPECT_EQ(host, "localhost");
  EXPECT_EQ(port, 0);
}

TEST(HostPort, Ipv6InBracketsLosesTheBrackets) {
  std::string host;
  std::uint16_t port = 0;
  ASSERT_TRUE(parse_host_port("[::1]:10001", host, port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 10001);
  ASSERT_TRUE(parse_host_port("[fe80::1:2]:80", host, port).ok());
  EXPECT_EQ(host, "fe80::1:2");
  EXPECT_EQ(port, 80);
}

TEST(HostPort, RefusesAnythingElseQuotingTheTextAndLeavingTheOutputsAlone) {
  for (const char* text : {"", "x", "10001", ":80", "h:", "h:-1", "h:+1", "h:8O", "h:65536", "h:99999",
                           "[]:80", "[::1]", "[::1]80", "[::1:80", "::1:80", "a:b:80", "h :80", "http://h:80",
                           "user@h:80", "h:80 "}) {
    std::string host = "unchanged";
    std::uint16_t port = 7;
    const auto st = parse_host_port(text, host, port);
    ASSERT_FALSE(st.ok()) << "'" << text << "' accepted as " << host << " port " << port;
    EXPECT_EQ(st.error().code(), Errc::config);
    EXPECT_NE(st.error().message().find(std::string("'") + text + "'"), std::string::npos) << st.error().message();
    EXPECT_EQ(host, "unchanged") << text;
    EXPECT_EQ(port, 7) << text;
  }
}

TEST(HostPort, SaysWhatToWriteInstead) {
  std::string host;
  std::uint16_t port = 0;
  const auto unbracketed = parse_host_port("::1:80", host, port);
  ASSERT_FALSE(unbracketed.ok());
  EXPECT_NE(unbracketed.error().message().find("[::1]:10001"), std::string::npos) << unbracketed.error().message();
  const auto no_port = parse_host_port("127.0.0.1", host, port);
  ASSERT_FALSE(no_port.ok());
  EXPECT_NE(no_port.error().message().find("HOST:PORT"), std::string::npos) << no_port.error().message();
  const auto big_port = parse_host_port("h:70000", host, port);
  ASSERT_FALSE(big_port.ok());
  EXPECT_NE(big_port.error().message().find("0 to 65535"), std::string::npos) << big_port.error().message();
}

}  // namespace
}  // namespace dfs
