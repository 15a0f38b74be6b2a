// The client's TCP layer on real loopback sockets: Beast's operations run on it, every wait
// ends at the expiry with beast::error::timeout, and a connect moves on to the next address.
// The peer is a plain listening socket of the test; the bounds assert behaviour, not speed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client-core/deadline_socket.h"
#include "common/unique_fd.h"

namespace dfs::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A socket listening on 127.0.0.1 at an ephemeral port.
struct Listener {
  UniqueFd fd{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  tcp::endpoint endpoint;

  Listener() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd.get(), 8) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen on loopback: " << std::strerror(errno);
    }
    endpoint = tcp::endpoint(asio::ip::address_v4::loopback(), ntohs(address.sin_port));
  }
  UniqueFd accept_one() const { return UniqueFd(::accept4(fd.get(), nullptr, nullptr, SOCK_CLOEXEC)); }
};

// An address where nothing listens: a port bound and released again.
tcp::endpoint refusing_endpoint() {
  const Listener released;
  return released.endpoint;  // no longer listening once `released` is closed
}

// Runs one asynchronous read_some on `socket` to completion, as ServerConnection does.
std::pair<beast::error_code, std::size_t> read_some(asio::io_context& io, DeadlineSocket& socket, char* into,
                                                    std::size_t room) {
  std::pair<beast::error_code, std::size_t> outcome{asio::error::would_block, 0};
  socket.async_read_some(asio::buffer(into, room),
                         [&](beast::error_code ec, std::size_t n) { outcome = {ec, n}; });
  io.restart();
  io.run();
  return outcome;
}

// A client stream connected to the test's listener, and the peer it accepted.
class DeadlineSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stream_.expires_after(std::chrono::seconds(10));
    const std::vector<tcp::endpoint> targets{listener_.endpoint};
    ASSERT_FALSE(socket().connect(targets));
    peer_ = listener_.accept_one();
    ASSERT_TRUE(peer_.valid());
  }
  DeadlineSocket& socket() { return stream_.tcp(); }

  Listener listener_;
  asio::io_context io_;
  ClientStream stream_{io_};
  UniqueFd peer_;
};

TEST_F(DeadlineSocketTest, ReadsWhatThePeerSentThenTheEnd) {
  ASSERT_EQ(::send(peer_.get(), "hello", 5, MSG_NOSIGNAL), 5);
  peer_.reset();

  char buffer[64];
  std::string got;
  beast::error_code ec;
  while (!ec) {
    socket().expires_after(std::chrono::seconds(10));
    auto [e, n] = read_some(io_, socket(), buffer, sizeof buffer);
    ec = e;
    got.append(buffer, n);
  }
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
}

TEST_F(DeadlineSocketTest, AReadFromASilentPeerEndsAtTheExpiry) {
  char buffer[16];  // the peer never writes
  socket().expires_after(milliseconds(300));
  const auto start = Clock::now();
  const auto [ec, n] = read_some(io_, socket(), buffer, sizeof buffer);
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  EXPECT_EQ(ec, beast::error::timeout) << ec.message();
  EXPECT_EQ(n, 0u);
  EXPECT_GE(took, milliseconds(300));
  EXPECT_LT(took, milliseconds(5000));

  // An expiry already past fails the next operation without waiting.
  socket().expires_at(Clock::now() - milliseconds(1));
  const auto again = Clock::now();
  EXPECT_EQ(read_some(io_, socket(), buffer, sizeof buffer).first, beast::error::timeout);
  EXPECT_LT(Clock::now() - again, milliseconds(1000));
}

TEST(DeadlineSocket, ConnectMovesOnToTheNextAddressWhenOneRefuses) {
  Listener listener;
  asio::io_context io;
  DeadlineSocket socket(io);
  socket.expires_after(std::chrono::seconds(10));
  const std::vector<tcp::endpoint> refused_only{refusing_endpoint()};
  EXPECT_EQ(socket.connect(refused_only), asio::error::connection_refused);
  EXPECT_FALSE(socket.is_open());

  const std::vector<tcp::endpoint> targets{refusing_endpoint(), listener.endpoint};
  socket.expires_after(std::chrono::seconds(10));
  EXPECT_FALSE(socket.connect(targets));
  EXPECT_TRUE(socket.is_open());
  EXPECT_TRUE(listener.accept_one().valid());
}

TEST_F(DeadlineSocketTest, ARequestOfManyPiecesLeavesWhole) {
  // Each header field is four buffers to Beast: far more than one sendmsg gathers.
  http::request<http::string_body> request{http::verb::put, "/a/b?part=1", 11};
  for (int i = 0; i < 100; ++i) request.set("X-Field-" + std::to_string(i), std::string(i, 'v'));
  request.body() = std::string(300 * 1000, 'b');
  request.prepare_payload();
  std::ostringstream expected;
  expected << request;

  std::string received;
  std::thread reader([&] {
    char buffer[64 * 1024];
    for (;;) {
      const ssize_t n = ::recv(peer_.get(), buffer, sizeof buffer, 0);
      if (n <= 0) return;
      received.append(buffer, static_cast<std::size_t>(n));
    }
  });
  beast::error_code written = asio::error::would_block;
  http::async_write(stream_, request, [&](beast::error_code ec, std::size_t) { written = ec; });
  io_.run();
  socket().close();
  reader.join();
  EXPECT_FALSE(written) << written.message();
  EXPECT_EQ(received.size(), expected.str().size());
  EXPECT_TRUE(received == expected.str());
}

}  // namespace
}  // namespace dfs::client
