#include "client-core/version_writer.h"

#include <algorithm>
#include <bit>
#include <atomic>
#include <mutex>
#include <set>
#include <vector>

#include "common/checksum.h"
#include "common/placement.h"

namespace dfs::client {
namespace {

constexpr std::size_t kHashChunk = 1 << 20;

// The XXH3 of bytes [offset, offset + length) of `data`, read through a bounded buffer.
Result<std::uint64_t> checksum_of(const ByteSource& data, std::uint64_t offset, std::uint64_t length) {
  Xxh3Hasher hasher;
  std::vector<char> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(length, kHashChunk)));
  while (length > 0) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, buffer.size()));
    auto got = data.read_at(offset, buffer.data(), want);
    if (!got) return got.error();
    if (*got == 0) return Error(Errc::io_error, "the data to write ended " + std::to_string(length) + " bytes early");
    hasher.update(buffer.data(), *got);
    offset += *got;
    length -= *got;
  }
  return hasher.digest();
}

// Calls the progress callback one thread at a time, with bytes of the file (each byte is sent
// twice, once per copy).
class ProgressReporter {
 public:
  ProgressReporter(const ProgressCallback& callback, std::uint64_t total, int copies)
      : callback_(callback), total_(total), copies_(static_cast<std::uint64_t>(copies)) {}
  void add(std::uint64_t stream_bytes) {
    if (!callback_) return;
    const auto sent = sent_.fetch_add(stream_bytes) + stream_bytes;
    std::lock_guard lock(mutex_);
    callback_(std::min(total_, sent / copies_), total_);
  }

 private:
  const ProgressCallback& callback_;
  std::uint64_t total_;
  std::uint64_t copies_;
  std::atomic<std::uint64_t> sent_{0};
  std::mutex mutex_;
};

// The most telling code among several failures: one the caller acts on (conflict: retry newer;
// no_space, unauthorized: tell the user) before the generic "a server is unreachable".
Errc dominant_code(const std::vector<Error>& errors) {
  for (const Errc preferred : {Errc::conflict, Errc::unauthorized, Errc::no_space, Errc::too_large, Errc::bad_path}) {
    for (const auto& e : errors) {
      if (e.code() == preferred) return preferred;
    }
  }
  return errors.empty() ? Errc::io_error : errors.front().code();
}

std::string join_messages(const std::vector<Error>& errors) {
  std::set<std::string> seen;
  std::string text;
  for (const auto& e : errors) {
    if (!seen.insert(e.message()).second) continue;
    if (!text.empty()) text += "; ";
    text += e.message();
  }
  return text;
}

}  // namespace

struct VersionWriter::StoreOutcome {
  explicit StoreOutcome(int parts) : holders(static_cast<std::size_t>(parts), 0) {}
  void stored(int part, int server) {
    std::lock_guard lock(mutex);
    holders[static_cast<std::size_t>(part)] |= std::uint64_t{1} << server;
  }
  void failed(Error error) {
    std::lock_guard lock(mutex);
    failures.push_back(std::move(error));
  }
  std::mutex mutex;
  std::vector<std::uint64_t> holders;  // per 0-based part, a bit per server that stored it
  std::vector<Error> failures;
};

Result<EntryInfo> VersionWriter::write(const RemotePath& path, const VersionId& version,
                                       const protocol::EntryAttributes& attributes, const ByteSource& data,
                                       const ProgressCallback& progress, protocol::CommitDurability durability) {
  const int n = pool_.size();
  if (part_size(attributes.size, n, 0) <= ServerConnection::kSmallBodyMax) {
    return write_small(path, version, attributes, data, progress, durability);
  }
  const PartPlacement placement(path, n);
  const std::uint64_t size = attributes.size;
  StoreOutcome outcome(n);
  ProgressReporter reporter(progress, size, 2);

  fan_out_.run(static_cast<std::size_t>(n), [&](std::size_t index) {
    const int k = static_cast<int>(index);
    const std::uint64_t offset = part_offset(size, n, k);
    const std::uint64_t length = part_size(size, n, k);
    auto checksum = checksum_of(data, offset, length);
    if (!checksum) {
      outcome.failed(checksum.error().with_context("reading part " + std::to_string(k + 1) + " of the data"));
      return;
    }
    protocol::PartDescriptor descriptor{k + 1, n, version, length, *checksum, attributes};
    const auto servers = placement.servers_of_part(k);
    fan_out_.run(servers.size(), [&](std::size_t copy) {
      const int server = servers[copy];
      std::uint64_t sent = 0;
      BodySource source = [&](char* buffer, std::size_t want) -> Result<std::size_t> {
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(want, length - sent));
        if (take == 0) return std::size_t{0};
        auto got = data.read_at(offset + sent, buffer, take);
        if (!got) return got.error();
        sent += *got;
        reporter.add(*got);
        return *got;
      };
      auto st = pool_.with_connection(server, [&](ServerConnection& c) {
        if (data.fd >= 0) return c.put_part_from_file(path, descriptor, data.fd, offset, [&](std::size_t n) { reporter.add(n); });
        return c.put_part(path, descriptor, source);
      });
      if (st) {
        outcome.stored(k, server);
      } else {
        outcome.failed(st.error());
      }
    });
  });
  return commit_if_enough(path, version, attributes, n, outcome, durability);
}

Result<EntryInfo> VersionWriter::write_small(const RemotePath& path, const VersionId& version,
                                             const protocol::EntryAttributes& attributes, const ByteSource& data,
                                             const ProgressCallback& progress, protocol::CommitDurability durability) {
  const int n = pool_.size();
  const std::uint64_t size = attributes.size;
  // At most n x kSmallBodyMax bytes: read once, then every part and its checksum come from here.
  std::string bytes(static_cast<std::size_t>(size), '\0');
  for (std::uint64_t have = 0; have < size;) {
    auto got = data.read_at(have, bytes.data() + have, static_cast<std::size_t>(size - have));
    if (!got) return got.error().with_context("reading the data to write");
    if (*got == 0) return Error(Errc::io_error, "the data to write ended " + std::to_string(size - have) + " bytes early");
    have += *got;
  }
  // One request per server, with every part it holds (two, in placement order).
  struct ServerShare {
    int server;
    std::vector<protocol::PartDescriptor> parts;
    std::string bytes;  // the parts' bytes one after the other
  };
  const PartPlacement placement(path, n);
  std::vector<ServerShare> shares;
  for (int k = 0; k < n; ++k) {
    const std::uint64_t length = part_size(size, n, k);
    const std::string_view part(bytes.data() + part_offset(size, n, k), static_cast<std::size_t>(length));
    const protocol::PartDescriptor descriptor{k + 1, n, version, length, xxh3(part.data(), part.size()), attributes};
    for (const int server : placement.servers_of_part(k)) {
      auto share = std::find_if(shares.begin(), shares.end(), [&](const ServerShare& s) { return s.server == server; });
      if (share == shares.end()) share = shares.insert(shares.end(), ServerShare{server, {}, {}});
      share->parts.push_back(descriptor);
      share->bytes.append(part);
    }
  }
  std::vector<int> servers;
  for (const auto& share : shares) servers.push_back(share.server);
  const auto outcomes = pool_.exchange_all(servers, [&](std::size_t i, ServerConnection& connection) {
    return connection.send_parts(path, shares[i].parts, shares[i].bytes, durability);
  });
  StoreOutcome outcome(n);
  for (std::size_t i = 0; i < shares.size(); ++i) {
    for (const auto& d : shares[i].parts) {
      if (outcomes[i]) outcome.stored(d.part - 1, shares[i].server);
    }
    if (!outcomes[i]) outcome.failed(outcomes[i].error());
  }
  if (progress) progress(size, size);
  return commit_if_enough(path, version, attributes, n, outcome, durability);
}

Result<EntryInfo> VersionWriter::write_copy(const RemotePath& path, const EntryInfo& from, const VersionId& version,
                                            const protocol::EntryAttributes& attributes) {
  const int n = from.parts;
  StoreOutcome outcome(n);
  struct Copy {
    int part;
    int server;
  };
  std::vector<Copy> copies;
  std::vector<int> servers;
  for (int k = 0; k < n; ++k) {
    for (int s = 0; s < pool_.size(); ++s) {
      if (from.holders[static_cast<std::size_t>(k)] & (std::uint64_t{1} << s)) {
        copies.push_back({k, s});
        servers.push_back(s);
      }
    }
  }
  const auto outcomes = pool_.exchange_all(servers, [&](std::size_t i, ServerConnection& connection) {
    const auto [k, server] = copies[i];
    protocol::PartDescriptor descriptor{k + 1, n, version, part_size(attributes.size, n, k), 0, attributes};
    return connection.send_copy(path, descriptor, from.version);
  });
  for (std::size_t i = 0; i < copies.size(); ++i) {
    if (outcomes[i]) {
      outcome.stored(copies[i].part, copies[i].server);
    } else {
      outcome.failed(outcomes[i].error());
    }
  }
  return commit_if_enough(path, version, attributes, n, outcome, protocol::CommitDurability::now);
}

VersionWriter::CommitOutcome VersionWriter::commit_on(const RemotePath& path, const VersionId& version,
                                                     std::uint64_t servers_bits,
                                                     protocol::CommitDurability durability) {
  std::vector<int> servers;
  for (int s = 0; s < pool_.size(); ++s) {
    if (servers_bits & (std::uint64_t{1} << s)) servers.push_back(s);
  }
  const auto outcomes = pool_.exchange_all(servers, [&](std::size_t, ServerConnection& connection) {
    return connection.send_commit(path, version, durability);
  });
  CommitOutcome outcome;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i]) {
      outcome.committed |= std::uint64_t{1} << servers[i];
    } else {
      outcome.failed.push_back(outcomes[i].error());
    }
  }
  return outcome;
}

Status VersionWriter::make_durable(const RemotePath& path, const EntryInfo& written) {
  std::uint64_t holding = 0;
  for (const auto bits : written.holders) holding |= bits;
  if (holding == 0) return {};
  const auto committed = commit_on(path, written.version, holding, protocol::CommitDurability::now);
  const bool every_part_durable = std::all_of(written.holders.begin(), written.holders.end(),
                                              [&](std::uint64_t bits) { return (bits & committed.committed) != 0; });
  if (every_part_durable) return {};
  return Error(dominant_code(committed.failed), "could not make the commit of " + path.display() + " durable: " +
                                                    join_messages(committed.failed));
}

Result<EntryInfo> VersionWriter::commit_if_enough(const RemotePath& path, const VersionId& version,
                                                  const protocol::EntryAttributes& attributes, int parts,
                                                  StoreOutcome& outcome, protocol::CommitDurability durability) {
  std::vector<int> short_parts;
  std::uint64_t storing_servers = 0;
  bool degraded = false;  // some part on fewer than the 2 servers placement names
  for (int k = 0; k < parts; ++k) {
    const auto bits = outcome.holders[static_cast<std::size_t>(k)];
    storing_servers |= bits;
    if (std::popcount(bits) < min_copies_) short_parts.push_back(k + 1);
    if (std::popcount(bits) < 2) degraded = true;
  }
  if (!short_parts.empty()) {
    std::string which;
    for (const int p : short_parts) which += (which.empty() ? "" : ", ") + std::to_string(p);
    return Error(dominant_code(outcome.failures),
                 "could not store " + std::to_string(min_copies_) + (min_copies_ == 1 ? " copy" : " copies") +
                     " of part" + (short_parts.size() == 1 ? " " : "s ") + which + " of " + path.display() +
                     ", so the previous version stays: " + join_messages(outcome.failures));
  }

  // Every server holding a part hears the commit; one that does not is rolled forward by
  // readers (a commit anywhere makes the version usable) and by heal.
  const auto committed = commit_on(path, version, storing_servers, durability);
  if (committed.none_committed()) {
    return Error(dominant_code(committed.failed), "could not commit " + path.display() +
                                                      ", so the previous version stays: " +
                                                      join_messages(committed.failed));
  }

  if (degraded) counters_.degraded_writes.fetch_add(1, std::memory_order_relaxed);
  EntryInfo info;
  info.name = std::string(path.name());
  info.attributes = attributes;
  info.version = version;
  info.parts = parts;
  info.holders = std::move(outcome.holders);
  return info;
}

}  // namespace dfs::client
