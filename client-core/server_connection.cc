#include "client-core/server_connection.h"

#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/sendfile.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <span>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "client-core/deadline_socket.h"
#include "client-core/tls_client.h"
#include "common/checksum.h"
#include "common/percent_encoding.h"
#include "common/request_target.h"

namespace dfs::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kChunk = 1 << 20;
constexpr std::size_t kMaxErrorBody = 64 * 1024;


std::string seconds_text(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

// sendfile(2) cannot take MSG_NOSIGNAL: while it runs, SIGPIPE is blocked in this thread and a
// pending one is taken back afterwards, so a server that hangs up gives EPIPE, not a dead client
// (and the process's own signal handling is left alone).
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_only, &previous_);
  }
  ~SigpipeBlock() {
    if (!was_pending_) {
      sigset_t pipe_only;
      sigemptyset(&pipe_only);
      sigaddset(&pipe_only, SIGPIPE);
      const timespec no_wait{0, 0};
      while (sigtimedwait(&pipe_only, nullptr, &no_wait) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t previous_{};
  bool was_pending_ = false;
};

std::string first_line(std::string text) {
  const auto nl = text.find('\n');
  if (nl != std::string::npos) text.resize(nl);
  return text;
}

}  // namespace

std::string basic_authorization(const Credentials& c) {
  const std::string plain = c.user + ":" + c.password;
  std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
  out.resize(static_cast<std::size_t>(n));
  return "Basic " + out;
}

struct ServerConnection::Impl {
  ServerAddress address;
  Credentials credentials;
  Timeouts timeouts;
  std::string authorization;
  asio::io_context io;
  ClientStream stream{io};
  beast::flat_buffer buffer;
  bool connected = false;
  std::vector<char> chunk;
  // Made on the first TLS connection and kept for the reconnections.
  std::unique_ptr<asio::ssl::context> tls_context;
  TlsRejection tls_rejection;

  Impl(ServerAddress a, Credentials c, Timeouts t)
      : address(std::move(a)), credentials(std::move(c)), timeouts(t), authorization(basic_authorization(credentials)) {}

  // Runs one asynchronous operation to completion; the stream's expiry bounds it.
  template <class Start>
  beast::error_code run(Start&& start) {
    beast::error_code result = asio::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  Error network_error(const beast::error_code& ec, std::string_view doing) {
    close();
    if (ec == beast::error::timeout) {
      const auto limit = doing == "connecting" ? timeouts.connect : timeouts.io;
      return Error(Errc::timeout, "server " + address.display() + " timed out after " + seconds_text(limit) + " " +
                                      std::string(doing));
    }
    return Error(Errc::unavailable, "server " + address.display() + ": " + ec.message() + " while " + std::string(doing));
  }

  Error http_error(int status, std::string_view kind, const std::string& body) {
    std::string message = first_line(body);
    if (message.empty()) message = "HTTP " + std::to_string(status);
    const Errc code = errc_from_token(kind).value_or(errc_from_http_status(status));
    return Error(code, "server " + address.display() + ": " + message);
  }

  template <class Parser>
  Error http_error(Parser& parser, const std::string& body) {
    return http_error(static_cast<int>(parser.get().result_int()), parser.get()[protocol::kErrorKind], body);
  }

  // Beast sizes each socket read by the buffer's free space, which is tiny after a header:
  // room for big reads before a body is streamed (without it a GET ran at 0.23x the disk).
  void reserve_for_body() { buffer.reserve(kChunk); }

  void close() {
    stream.tcp().close();
    stream.stop_tls();
    connected = false;
    buffer.clear();
  }

  Status ensure_connected() {
    if (connected) return {};
    buffer.clear();
    tcp::resolver::results_type endpoints;
    beast::error_code ec;
    const auto ip = asio::ip::make_address(address.host, ec);
    std::vector<tcp::endpoint> targets;
    if (!ec) {
      targets.emplace_back(ip, address.port);
    } else {
      tcp::resolver resolver(io);
      auto results = resolver.resolve(address.host, std::to_string(address.port), ec);
      if (ec) return Error(Errc::unavailable, "server " + address.display() + ": cannot resolve host: " + ec.message());
      for (const auto& r : results) targets.push_back(r.endpoint());
    }
    stream.expires_after(timeouts.connect);
    ec = stream.tcp().connect(targets);
    if (ec) return network_error(ec, "connecting");
    if (address.tls.enabled) {
      if (auto st = start_tls(); !st) return st;
    }
    connected = true;
    buffer.reserve(kHeaderReadRoom);
    return {};
  }

  // The TLS handshake on a new TCP connection, with its certificate checks; bounded by the
  // I/O timeout (a server that accepted the connection is there, so not the connect timeout).
  Status start_tls() {
    if (!tls_context) {
      auto made = make_client_tls_context(address.tls);
      if (!made) {
        close();
        return made.error().with_context("server " + address.display());
      }
      tls_context = std::move(*made);
    }
    stream.start_tls(*tls_context);
    prepare_tls_session(stream.tls(), address.host, tls_rejection);
    stream.expires_after(timeouts.io);
    const auto ec = run([&](auto h) { stream.tls().async_handshake(asio::ssl::stream_base::client, h); });
    if (!ec) return {};
    close();
    return Error(Errc::unavailable, "server " + address.display() + ": " + tls_failure_text(tls_rejection, ec, address.host));
  }

  // A new plain connection that ends or garbles the answer: most likely a TLS server.
  Error plain_to_tls_hint(const beast::error_code& ec, std::string_view doing) {
    close();
    return Error(Errc::unavailable, "server " + address.display() + " closed the connection without an HTTP answer (" +
                                        ec.message() + " while " + std::string(doing) +
                                        "); if it serves TLS, set 'tls: true' in the client config");
  }

  // Up to `room` bytes of a body whose header was read: those that came with the header first,
  // then straight from the socket into `into`. Through Beast's parser every byte was copied once
  // more, out of `buffer` (7 % of dfs-fuse's CPU on a cold read).
  std::pair<beast::error_code, std::size_t> read_body_some(char* into, std::size_t room) {
    if (buffer.size() > 0) {
      const std::size_t n = std::min(room, buffer.size());
      std::memcpy(into, buffer.data().data(), n);
      buffer.consume(n);
      return {{}, n};
    }
    std::size_t n = 0;
    stream.expires_after(timeouts.io);
    const auto ec = run([&](auto h) {
      stream.async_read_some(asio::buffer(into, room), [&n, h](beast::error_code e, std::size_t got) mutable {
        n = got;
        h(e);
      });
    });
    return {ec, n};
  }

  // Reads a whole (small) response after a header was read into `parser`.
  template <class Parser>
  Result<std::string> read_small_body(Parser& parser) {
    std::string body;
    char buf[4096];
    while (!parser.is_done() && body.size() < kMaxErrorBody) {
      parser.get().body().data = buf;
      parser.get().body().size = sizeof buf;
      stream.expires_after(timeouts.io);
      auto ec = run([&](auto h) { http::async_read(stream, buffer, parser, h); });
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return network_error(ec, "reading an answer");
      body.append(buf, sizeof buf - parser.get().body().size);
    }
    if (!parser.is_done() || !parser.get().keep_alive()) close();
    return body;
  }

  // Every request leaves whole from here (a large part's body is sent raw after its header),
  // so a string body holds at most a small part's bytes.
  using Request = http::request<http::string_body>;
  using Decorate = std::function<void(Request&)>;
  using Parser = http::response_parser<http::buffer_body>;

  // The request sent last whose answer is not read yet: kept so that it can be sent again on a
  // fresh connection when the kept-alive one turns out to be closed.
  std::optional<Request> pending;
  bool pending_header_only = false;  // its body goes out later, after 100 Continue
  bool pending_on_reused = false;    // it went out on a connection an earlier request used
  bool pending_body_sent = false;    // a large body followed it: never sent twice
  std::chrono::steady_clock::time_point pending_sent_at;
  std::string pending_doing;  // for messages: "storing a part"

  Request new_request(std::string_view method, const RequestTarget& target) {
    Request req;
    req.method_string(method);
    req.target(target.to_string());
    req.version(11);
    req.set(http::field::host, address.host);
    req.set(http::field::authorization, authorization);
    req.keep_alive(true);
    return req;
  }

  static bool stale_connection(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
  }

  // Sends `req` (or only its header), connecting first when needed.
  Status send(Request req, bool header_only, std::string_view doing) {
    pending = std::move(req);
    pending_header_only = header_only;
    pending_body_sent = false;
    pending_doing = doing;
    return write_pending(true);
  }

  // A kept-alive connection that the server closed meanwhile fails at once; the request is then
  // sent again, once, afresh. The callers send nothing a server acts on twice in a harmful way
  // (plain requests, a small part stored again, or a header whose body has not left).
  Status write_pending(bool may_retry) {
    for (;;) {
      pending_on_reused = connected;
      if (auto st = ensure_connected(); !st) return st;
      stream.expires_after(timeouts.io);
      pending_sent_at = std::chrono::steady_clock::now();
      beast::error_code ec;
      if (pending_header_only) {
        http::request_serializer<http::string_body> serializer(*pending);
        ec = run([&](auto h) { http::async_write_header(stream, serializer, h); });
      } else {
        ec = run([&](auto h) { http::async_write(stream, *pending, h); });
      }
      if (!ec) return {};
      if (may_retry && pending_on_reused && stale_connection(ec)) {
        close();
        may_retry = false;
        continue;
      }
      return network_error(ec, pending_doing);
    }
  }

  // Reads the header of the answer to `pending` into `parser`, waiting at most the I/O timeout
  // from when the request left.
  Status read_answer_header(std::optional<Parser>& parser) {
    for (int attempt = 0;; ++attempt) {
      parser.emplace();
      parser->body_limit(std::numeric_limits<std::uint64_t>::max());
      stream.expires_at(pending_sent_at + timeouts.io);
      const auto ec = run([&](auto h) { http::async_read_header(stream, buffer, *parser, h); });
      if (!ec) return {};
      if (attempt == 0 && pending_on_reused && !pending_body_sent && stale_connection(ec)) {
        close();
        if (auto st = write_pending(false); !st) return st;
        continue;
      }
      if (!pending_on_reused && !pending_body_sent && !address.tls.enabled &&
          (stale_connection(ec) || ec.category() == beast::error_code(http::error::bad_version).category())) {
        return plain_to_tls_hint(ec, pending_doing);
      }
      return network_error(ec, pending_doing);
    }
  }

  // Sends a request without a body and reads the answer's header into `parser`.
  Status request_header(std::string_view method, const RequestTarget& target, const Decorate& decorate,
                        std::optional<Parser>& parser, std::string_view doing) {
    Request req = new_request(method, target);
    if (decorate) decorate(req);
    req.prepare_payload();
    if (auto st = send(std::move(req), false, doing); !st) return st;
    return read_answer_header(parser);
  }

  // Turns a non-2xx answer (its small body read) into an Error; ok for 2xx.
  Status check_status(Parser& parser) {
    if (parser.get().result_int() / 100 == 2) return {};
    auto body = read_small_body(parser);
    if (!body) return body.error();
    return http_error(parser, *body);
  }

  // The answer to `pending`, whose whole text is small; returns it for 2xx.
  Result<std::string> read_answer() {
    std::optional<Parser> parser;
    if (auto st = read_answer_header(parser); !st) return st.error();
    if (auto st = check_status(*parser); !st) return st.error();
    return read_small_body(*parser);
  }

  // A request without a body whose whole answer is small text; returns it for 2xx.
  Result<std::string> simple(std::string_view method, const RequestTarget& target, const Decorate& decorate = {}) {
    Request req = new_request(method, target);
    if (decorate) decorate(req);
    req.prepare_payload();
    if (auto st = send(std::move(req), false, "sending a request"); !st) return st.error();
    return read_answer();
  }

  // The PUT request of one part, or of several of one version (`part=K,L`, their checksums in
  // that order); its body (or nothing yet) is the caller's.
  Request part_request(const RemotePath& path, std::span<const protocol::PartDescriptor> parts) {
    std::string numbers;
    std::string checksums;
    for (const auto& d : parts) {
      numbers += (numbers.empty() ? "" : ",") + std::to_string(d.part);
      checksums += (checksums.empty() ? "" : ",") + format_checksum(d.checksum);
    }
    const auto& first = parts.front();
    RequestTarget target{path, {{"part", numbers}, {"version", first.version.to_string()}}};
    Request req = new_request("PUT", target);
    protocol::write_attribute_headers(first.attributes, first.parts, [&](std::string_view n, std::string v) { req.set(n, v); });
    req.set(protocol::kChecksum, checksums);
    return req;
  }

  // Sends small parts whole, header and body in one write, without Expect: 100-continue (a
  // refusal then comes after the body, which for so few bytes costs nothing).
  Status send_small_parts(const RemotePath& path, std::span<const protocol::PartDescriptor> parts, std::string body,
                          protocol::CommitDurability durability) {
    Request req = part_request(path, parts);
    if (durability == protocol::CommitDurability::later) req.set(protocol::kFlush, "later");
    req.body() = std::move(body);
    req.prepare_payload();
    return send(std::move(req), false, parts.size() == 1 ? "storing a part" : "storing parts");
  }

  // A large part: header first with Expect: 100-continue, so a refusal (full disk, bad
  // credentials, too large) arrives before any body byte; then `send_body` writes the raw
  // bytes (Content-Length framing); then the answer.
  Status put_large(const RemotePath& path, const protocol::PartDescriptor& d, const std::function<Status()>& send_body);
};

ServerConnection::ServerConnection(ServerAddress address, Credentials credentials, Timeouts timeouts)
    : impl_(std::make_unique<Impl>(std::move(address), std::move(credentials), timeouts)) {}
ServerConnection::~ServerConnection() = default;
ServerConnection::ServerConnection(ServerConnection&&) noexcept = default;
ServerConnection& ServerConnection::operator=(ServerConnection&&) noexcept = default;

const ServerAddress& ServerConnection::address() const { return impl_->address; }

Status ServerConnection::Impl::put_large(const RemotePath& path, const protocol::PartDescriptor& d,
                                         const std::function<Status()>& send_body) {
  Request req = part_request(path, std::span(&d, 1));
  req.set(http::field::expect, "100-continue");
  req.content_length(d.part_size);
  if (auto st = send(std::move(req), true, "waiting for the server to accept a part"); !st) return st;
  std::optional<Parser> interim;
  if (auto st = read_answer_header(interim); !st) return st;
  if (interim->get().result() != http::status::continue_) {
    auto body = read_small_body(*interim);
    close();  // the request's body was never sent
    if (!body) return body.error();
    return http_error(*interim, *body);
  }
  if (auto st = send_body(); !st) return st;
  pending_sent_at = std::chrono::steady_clock::now();
  pending_body_sent = true;
  pending_doing = "waiting for a part to be stored";
  auto answer = read_answer();
  if (!answer) return answer.error();
  return {};
}

Status ServerConnection::send_parts(const RemotePath& path, std::span<const protocol::PartDescriptor> parts,
                                    std::string_view bytes, protocol::CommitDurability durability) {
  std::uint64_t total = 0;
  for (const auto& d : parts) total += d.part_size;
  if (parts.empty() || bytes.size() != total || bytes.size() > kSmallBodyMax * parts.size()) {
    return Error(Errc::invalid_argument, "send_parts takes whole parts of at most " + std::to_string(kSmallBodyMax) +
                                             " bytes each, and exactly their bytes");
  }
  return impl_->send_small_parts(path, parts, std::string(bytes), durability);
}

Status ServerConnection::send_copy(const RemotePath& path, const protocol::PartDescriptor& d, const VersionId& from) {
  auto& s = *impl_;
  RequestTarget target{path, {{"part", std::to_string(d.part)}, {"version", d.version.to_string()}}};
  Impl::Request req = s.new_request("PUT", target);
  protocol::write_attribute_headers(d.attributes, d.parts, [&](std::string_view n, std::string v) { req.set(n, v); });
  req.set(protocol::kCopyFrom, from.to_string());
  req.prepare_payload();
  return s.send(std::move(req), false, "copying a part");
}

Status ServerConnection::send_commit(const RemotePath& path, const VersionId& version,
                                     protocol::CommitDurability durability) {
  auto& s = *impl_;
  Impl::Request req = s.new_request("PUT", RequestTarget{path, {{"version", version.to_string()}}});
  if (durability == protocol::CommitDurability::later) req.set(protocol::kFlush, "later");
  req.prepare_payload();
  return s.send(std::move(req), false, "committing");
}

Status ServerConnection::finish() {
  if (!impl_->pending) return Error(Errc::invalid_argument, "finish() without a request sent");
  auto answer = impl_->read_answer();
  impl_->pending.reset();
  if (!answer) return answer.error();
  return {};
}

Status ServerConnection::put_part(const RemotePath& path, const protocol::PartDescriptor& d, const BodySource& source) {
  auto& s = *impl_;
  if (d.part_size <= kSmallBodyMax) {
    std::string body(static_cast<std::size_t>(d.part_size), '\0');
    for (std::uint64_t have = 0; have < d.part_size;) {
      auto got = source(body.data() + have, static_cast<std::size_t>(d.part_size - have));
      if (!got) return got.error();
      if (*got == 0) return Error(Errc::io_error, "the data source ended " + std::to_string(d.part_size - have) + " bytes early");
      have += *got;
    }
    if (auto st = s.send_small_parts(path, std::span(&d, 1), std::move(body), protocol::CommitDurability::now); !st) return st;
    return finish();
  }
  return s.put_large(path, d, [&]() -> Status {
    if (s.chunk.size() < kChunk) s.chunk.resize(kChunk);
    for (std::uint64_t sent = 0; sent < d.part_size;) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, d.part_size - sent));
      auto got = source(s.chunk.data(), want);
      if (!got) {
        s.close();
        return got.error();
      }
      if (*got == 0) {
        s.close();
        return Error(Errc::io_error, "the data source ended " + std::to_string(d.part_size - sent) + " bytes early");
      }
      s.stream.expires_after(s.timeouts.io);
      auto ec = s.run([&](auto h) { asio::async_write(s.stream, asio::buffer(s.chunk.data(), *got), h); });
      if (ec) return s.network_error(ec, "sending a part");
      sent += *got;
    }
    return {};
  });
}

Status ServerConnection::put_part_from_file(const RemotePath& path, const protocol::PartDescriptor& d, int fd,
                                            std::uint64_t offset, const std::function<void(std::size_t)>& on_sent) {
  auto& s = *impl_;
  std::uint64_t read_so_far = 0;
  const BodySource read_file = [&](char* into, std::size_t size) -> Result<std::size_t> {
    for (;;) {
      const auto n = ::pread(fd, into, size, static_cast<off_t>(offset + read_so_far));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Error::from_errno(errno, "reading the file to store");
      read_so_far += static_cast<std::uint64_t>(n);
      if (on_sent && n > 0) on_sent(static_cast<std::size_t>(n));
      return static_cast<std::size_t>(n);
    }
  };
  // sendfile(2) would put the file's bytes on the socket unencrypted: over TLS they are read
  // here and sent through the TLS stream. Small parts are read and sent with their header.
  if (s.address.tls.enabled || d.part_size <= kSmallBodyMax) return put_part(path, d, read_file);
  return s.put_large(path, d, [&]() -> Status {
    // The header is out; the body is the part's raw bytes (Content-Length framing), so they can
    // go straight from the page cache to the socket.
    const int socket = s.stream.tcp().native_handle();  // non-blocking, as DeadlineSocket made it
    const SigpipeBlock no_sigpipe;
    auto position = static_cast<off_t>(offset);
    std::uint64_t left = d.part_size;
    while (left > 0) {
      const auto n = ::sendfile(socket, fd, &position,
                                static_cast<std::size_t>(std::min<std::uint64_t>(left, kChunk)));
      if (n > 0) {
        left -= static_cast<std::uint64_t>(n);
        if (on_sent) on_sent(static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) {
        s.close();
        return Error(Errc::io_error, "the file to store ended " + std::to_string(left) + " bytes early");
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd ready{socket, POLLOUT, 0};
        const int r = ::poll(&ready, 1, static_cast<int>(s.timeouts.io.count()));
        if (r == 0) return s.network_error(beast::error::timeout, "sending a part");
        if (r < 0 && errno != EINTR) {
          const int err = errno;
          s.close();
          return Error::from_errno(err, "waiting to send a part to server " + s.address.display());
        }
        continue;
      }
      const int err = errno;
      if (err == EPIPE || err == ECONNRESET) {
        return s.network_error(beast::error_code(err, boost::system::system_category()), "sending a part");
      }
      s.close();
      return Error::from_errno(err, "sending a part to server " + s.address.display());
    }
    return {};
  });
}

Status ServerConnection::put_copy(const RemotePath& path, const protocol::PartDescriptor& d, const VersionId& from) {
  if (auto st = send_copy(path, d, from); !st) return st;
  return finish();
}

Status ServerConnection::commit(const RemotePath& path, const VersionId& version) {
  if (auto st = send_commit(path, version); !st) return st;
  return finish();
}

Status ServerConnection::drop(const RemotePath& path, const VersionId& version) {
  RequestTarget target{path, {{std::string(protocol::kQueryVersion), version.to_string()}, {std::string(protocol::kQueryDrop), "1"}}};
  auto body = impl_->simple("PUT", target);
  if (!body) return body.error();
  return {};
}

Result<PartInfo> ServerConnection::get_part(const RemotePath& path, int part, const std::optional<VersionId>& version,
                                            const std::optional<PartRange>& range, const BodySink& sink,
                                            std::span<char> into) {
  auto& s = *impl_;
  RequestTarget target{path, {{"part", std::to_string(part)}}};
  if (version) target.query.emplace("version", version->to_string());
  if (range && range->length == 0) return Error(Errc::invalid_argument, "empty range");
  std::optional<Impl::Parser> parser;
  auto st = s.request_header("GET", target, [&](Impl::Request& req) {
    if (range) {
      req.set(http::field::range, "bytes=" + std::to_string(range->offset) + "-" +
                                      std::to_string(range->offset + range->length - 1));
    }
  }, parser, "reading a part");
  if (!st) return st.error();
  if (auto checked = s.check_status(*parser); !checked) return checked.error();
  auto& res = parser->get();
  {
    PartInfo info;
    info.committed = res[protocol::kCommitted] == "1";
    auto attributes = protocol::read_attribute_headers(
        [&](std::string_view name) -> std::optional<std::string_view> {
          const auto v = res[name];
          return v.empty() ? std::nullopt : std::optional<std::string_view>(v);
        },
        info.descriptor.parts);
    auto version_seen = VersionId::parse(res[protocol::kVersion]);
    const auto part_size = protocol::parse_u64(res[protocol::kPartSize]);
    const auto checksum = parse_checksum(res[protocol::kChecksum]);
    if (!attributes || !version_seen || !part_size || !checksum) {
      s.close();
      return Error(Errc::corruption, "server " + s.address.display() + " sent a part without valid dfs headers");
    }
    info.descriptor.part = part;
    info.descriptor.version = *version_seen;
    info.descriptor.part_size = *part_size;
    info.descriptor.checksum = *checksum;
    info.descriptor.attributes = *attributes;

    const std::uint64_t expected = range ? std::min(range->length, *part_size - std::min(range->offset, *part_size))
                                         : *part_size;
    const auto length = parser->content_length();
    if (!length || *length != expected) {
      s.close();
      return Error(Errc::corruption, "server " + s.address.display() + " answered with an unexpected length");
    }
    if (!into.empty() && into.size() != expected) {
      s.close();
      return Error(Errc::corruption, "server " + s.address.display() + " has " + std::to_string(expected) +
                                         " bytes of part " + std::to_string(part) + " of " + path.display() +
                                         " where " + std::to_string(into.size()) + " were expected");
    }
    Xxh3Hasher hasher;
    if (into.empty() && s.chunk.size() < kChunk) s.chunk.resize(kChunk);
    for (std::uint64_t received = 0; received < expected;) {
      char* const target = into.empty() ? s.chunk.data() : into.data() + received;
      const auto room = static_cast<std::size_t>(
          std::min<std::uint64_t>(expected - received, into.empty() ? s.chunk.size() : expected));
      const auto [ec, n] = s.read_body_some(target, room);
      if (ec == beast::error::timeout) return s.network_error(ec, "reading a part");
      // A body cut short is how a server refuses to send a bad block (or how it looks when it
      // died mid-answer): not a reason to count the server as down, so not `unavailable`.
      if (ec || n == 0) {
        s.close();
        return Error(Errc::io_error, "server " + s.address.display() + " cut part " + std::to_string(part) + " of " +
                                         path.display() + " short (" + (ec ? ec.message() : "end of stream") +
                                         "; it may have found a bad block, or stopped)");
      }
      received += n;
      if (!range) hasher.update(target, n);
      if (auto st = sink(std::string_view(target, n)); !st) {
        s.close();
        return st.error();
      }
    }
    s.buffer.shrink_to_fit();
    if (!res.keep_alive()) s.close();
    if (!range && hasher.digest() != *checksum) {
      return Error(Errc::corruption, "part " + std::to_string(part) + " of " + path.display() + " from server " +
                                         s.address.display() + " failed its checksum");
    }
    return info;
  }
}

Result<ListPage> ServerConnection::list(const RemotePath& dir, const ListOptions& options) {
  auto& s = *impl_;
  RequestTarget target{dir, {}};
  if (options.name) target.query.emplace("name", *options.name);
  if (options.after) target.query.emplace("after", *options.after);
  if (options.limit) target.query.emplace("limit", std::to_string(*options.limit));
  std::optional<Impl::Parser> parser;
  if (auto st = s.request_header("LIST", target, {}, parser, "listing"); !st) return st.error();
  if (auto checked = s.check_status(*parser); !checked) return checked.error();
  auto& res = parser->get();
  {
    ListPage page;
    if (const auto next = res[protocol::kNext]; !next.empty()) {
      auto decoded = percent_decode(next);
      if (decoded) page.next = std::move(*decoded);
    }
    page.free_bytes = protocol::parse_u64(res[protocol::kFreeBytes]).value_or(0);
    page.total_bytes = protocol::parse_u64(res[protocol::kTotalBytes]).value_or(0);
    std::string pending;
    char buf[64 * 1024];
    s.reserve_for_body();
    auto take_lines = [&](bool final) -> Status {
      std::size_t start = 0;
      for (;;) {
        const auto nl = pending.find('\n', start);
        if (nl == std::string::npos) break;
        auto record = protocol::parse_list_record(std::string_view(pending).substr(start, nl - start));
        if (!record) return record.error().with_context("server " + s.address.display());
        page.records.push_back(std::move(*record));
        start = nl + 1;
      }
      pending.erase(0, start);
      if (final && !pending.empty()) return Error(Errc::corruption, "server " + s.address.display() + " sent a LIST answer cut short");
      return {};
    };
    while (!parser->is_done()) {
      res.body().data = buf;
      res.body().size = sizeof buf;
      s.stream.expires_after(s.timeouts.io);
      auto ec = s.run([&](auto h) { http::async_read(s.stream, s.buffer, *parser, h); });
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return s.network_error(ec, "reading a LIST answer");
      pending.append(buf, sizeof buf - res.body().size);
      if (auto st = take_lines(false); !st) {
        s.close();
        return st.error();
      }
    }
    if (auto st = take_lines(true); !st) return st.error();
    s.buffer.shrink_to_fit();
    if (!res.keep_alive()) s.close();
    return page;
  }
}

Status ServerConnection::exit() {
  auto body = impl_->simple("EXIT", RequestTarget{});
  impl_->close();
  if (!body) return body.error();
  return {};
}

}  // namespace dfs::client
