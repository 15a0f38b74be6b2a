#include "client-core/version_reader.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <vector>

#include "common/placement.h"

namespace dfs::client {
namespace {

// A ranged read of more than this is cut into stripes of this size, fetched at once and spread
// over the part's holders: one stream from one server ran at a fraction of what two do.
constexpr std::uint64_t kStripe = 2 << 20;

// The slice of one part a read needs.
struct Piece {
  int part = 0;                   // 0-based
  std::uint64_t offset_in_part = 0;
  std::uint64_t length = 0;
  std::uint64_t file_offset = 0;
  bool whole_part = false;
  std::size_t stripe = 0;  // which stripe of its part's range: picks the holder to try first
  std::size_t buffer = 0;  // which destination buffer it lands in
};

std::vector<Piece> pieces_of(const EntryInfo& entry, std::uint64_t offset, std::uint64_t length) {
  std::vector<Piece> pieces;
  const std::uint64_t size = entry.attributes.size;
  const std::uint64_t end = offset + length;
  for (int k = 0; k < entry.parts; ++k) {
    const std::uint64_t start = part_offset(size, entry.parts, k);
    const std::uint64_t stop = start + part_size(size, entry.parts, k);
    const std::uint64_t from = std::max(start, offset);
    const std::uint64_t to = std::min(stop, end);
    if (from >= to) continue;
    if (from == start && to == stop) {
      pieces.push_back({k, 0, to - from, from, true, 0});  // whole: checked against the part's XXH3
      continue;
    }
    std::size_t stripe = 0;
    for (std::uint64_t at = from; at < to; at += kStripe, ++stripe) {
      const std::uint64_t stripe_end = std::min(to, at + kStripe);
      pieces.push_back({k, at - start, stripe_end - at, at, false, stripe});
    }
  }
  return pieces;
}

// Cuts the pieces at the joints between destination buffers (file offsets, ascending), so each
// is received into one buffer, and notes which. A whole part cut in two is read as two ranges.
void fit_to_buffers(std::vector<Piece>& pieces, const std::vector<std::uint64_t>& joints) {
  if (joints.empty()) return;
  std::vector<Piece> fitted;
  fitted.reserve(pieces.size() + joints.size());
  for (Piece piece : pieces) {
    auto joint = std::ranges::upper_bound(joints, piece.file_offset);
    piece.buffer = static_cast<std::size_t>(joint - joints.begin());
    while (joint != joints.end() && *joint < piece.file_offset + piece.length) {
      Piece head = piece;
      head.whole_part = false;
      head.length = *joint - piece.file_offset;
      fitted.push_back(head);
      piece.whole_part = false;
      piece.offset_in_part += head.length;
      piece.file_offset += head.length;
      piece.length -= head.length;
      ++piece.buffer;
      ++joint;
    }
    fitted.push_back(piece);
  }
  pieces = std::move(fitted);
}

// Holders of a part in the order to try them: parts start on different servers, so a whole-file
// read spreads over the cluster instead of queueing on the lowest-numbered holder.
// Stripes of one part alternate between its holders the same way.
std::vector<int> candidates_for(const EntryInfo& entry, int part, std::size_t stripe, int server_count) {
  std::vector<int> order;
  const auto bits = entry.holders[static_cast<std::size_t>(part)];
  for (int i = 0; i < server_count; ++i) {
    const int s = (part + i) % server_count;
    if (bits & (std::uint64_t{1} << s)) order.push_back(s);
  }
  if (!order.empty()) std::rotate(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(stripe % order.size()), order.end());
  return order;
}

class ReadProgress {
 public:
  ReadProgress(const ProgressCallback& callback, std::uint64_t total) : callback_(callback), total_(total) {}
  void add(std::uint64_t bytes) { report(done_.fetch_add(bytes) + bytes); }
  void take_back(std::uint64_t bytes) { done_.fetch_sub(bytes); }

 private:
  void report(std::uint64_t done) {
    if (!callback_) return;
    std::lock_guard lock(mutex_);
    callback_(std::min(done, total_), total_);
  }
  const ProgressCallback& callback_;
  std::uint64_t total_;
  std::atomic<std::uint64_t> done_{0};
  std::mutex mutex_;
};

Error all_copies_failed(const RemotePath& path, int part, const std::vector<Error>& errors) {
  std::string text;
  bool same_code = true;
  for (const auto& e : errors) {
    if (!text.empty()) text += "; ";
    text += e.message();
    same_code = same_code && e.code() == errors.front().code();
  }
  return Error(same_code ? errors.front().code() : Errc::io_error,
               "no copy of part " + std::to_string(part + 1) + " of " + path.display() + " could be read: " + text);
}

}  // namespace

Status VersionReader::read(const RemotePath& path, const EntryInfo& entry, std::uint64_t offset, std::uint64_t length,
                           const RangeSink& sink, const ProgressCallback& progress,
                           std::span<const std::span<char>> destination) {
  if (length == 0) return {};
  if (!entry.complete()) {
    return Error(Errc::incomplete, "cannot rebuild " + path.display() + ": " + entry.missing_text() +
                                       "; start the servers that hold it and try again");
  }
  auto pieces = pieces_of(entry, offset, length);
  std::vector<std::uint64_t> buffer_starts{offset};  // file offset of each destination buffer
  std::vector<std::uint64_t> joints;                 // the same without the first
  for (std::size_t i = 0; i + 1 < destination.size(); ++i) {
    buffer_starts.push_back(buffer_starts.back() + destination[i].size());
    joints.push_back(buffer_starts.back());
  }
  fit_to_buffers(pieces, joints);
  std::vector<std::optional<Error>> errors(pieces.size());
  ReadProgress reporter(progress, length);

  fan_out_.run(pieces.size(), [&](std::size_t index) {
    const Piece& piece = pieces[index];
    std::vector<Error> failures;
    for (const int server : candidates_for(entry, piece.part, piece.stripe, pool_.size())) {
      std::uint64_t received = 0;
      BodySink part_sink = [&](std::string_view bytes) -> Status {
        if (received + bytes.size() > piece.length) {
          return Error(Errc::corruption, "server " + pool_.address(server).display() + " sent more bytes than asked");
        }
        if (auto st = sink(piece.file_offset + received, bytes); !st) return st;
        received += bytes.size();
        reporter.add(bytes.size());
        return {};
      };
      std::optional<PartRange> range;
      if (!piece.whole_part) range = PartRange{piece.offset_in_part, piece.length};
      auto got = pool_.with_connection<PartInfo>(server, [&](ServerConnection& c) {
        const auto into = destination.empty()
                              ? std::span<char>()
                              : destination[piece.buffer].subspan(
                                    static_cast<std::size_t>(piece.file_offset - buffer_starts[piece.buffer]),
                                    static_cast<std::size_t>(piece.length));
        return c.get_part(path, piece.part + 1, entry.version, range, part_sink, into);
      });
      if (got && received != piece.length) {
        got = Error(Errc::corruption, "server " + pool_.address(server).display() + " sent " + std::to_string(received) +
                                          " of " + std::to_string(piece.length) + " bytes");
      }
      if (got) return;
      reporter.take_back(received);
      failures.push_back(got.error());
    }
    if (failures.empty()) {
      errors[index] = Error(Errc::incomplete, "cannot rebuild " + path.display() + ": part " +
                                                  std::to_string(piece.part + 1) + " is on no reachable server");
    } else {
      errors[index] = all_copies_failed(path, piece.part, failures);
    }
  });
  for (auto& e : errors) {
    if (e) return *e;
  }
  return {};
}

}  // namespace dfs::client
