// DfsClient: lookups, listing, and moving file bytes (put, get, read). The namespace operations
// (remove, mkdir, rename, ...) are in dfs_client_namespace.cc.
#include "client-core/dfs_client.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>

#include "client-core/client_state.h"
#include "client-core/healer.h"
#include "common/unique_fd.h"
#include "common/wall_time.h"

namespace dfs::client {
namespace {

// Entries per LIST page: large enough that a 10 000-entry directory is a few requests per
// server, small enough that one answer stays a few MiB.
constexpr std::size_t kListPageEntries = 5000;
// A directory listing longer than this many pages from one server is refused rather than
// looped over forever (a server that keeps answering "more").
constexpr int kMaxListPages = 100000;

std::uint32_t random_writer_id() {
  std::random_device device;
  return device();
}

// The process's umask, read without changing it (umask() would race with other threads).
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  }
  return 022;
}

}  // namespace

Status write_all_at(int fd, std::uint64_t offset, std::string_view bytes, const std::string& what) {
  while (!bytes.empty()) {
    const auto n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(errno, "writing " + what);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Small public types

std::string EntryInfo::missing_text() const {
  if (missing_parts.empty()) return "";
  std::string parts_text;
  for (const int p : missing_parts) parts_text += (parts_text.empty() ? "" : ", ") + std::to_string(p);
  return (missing_parts.size() == 1 ? "part " : "parts ") + parts_text +
         (missing_parts.size() == 1 ? " is" : " are") + " on no reachable server";
}

ByteSource ByteSource::from_fd(int fd, std::uint64_t size) {
  return ByteSource{size, [fd](std::uint64_t offset, char* buffer, std::size_t length) -> Result<std::size_t> {
                      for (;;) {
                        const auto n = ::pread(fd, buffer, length, static_cast<off_t>(offset));
                        if (n >= 0) return static_cast<std::size_t>(n);
                        if (errno != EINTR) return Error::from_errno(errno, "reading the file to store");
                      }
                    }, fd};
}

ByteSource ByteSource::from_memory(std::string_view bytes) {
  return ByteSource{bytes.size(), [bytes](std::uint64_t offset, char* buffer, std::size_t length) -> Result<std::size_t> {
                      if (offset >= bytes.size()) return std::size_t{0};
                      const auto n = std::min<std::size_t>(length, bytes.size() - static_cast<std::size_t>(offset));
                      std::memcpy(buffer, bytes.data() + offset, n);
                      return n;
                    }};
}

// ---------------------------------------------------------------------------------------------
// Shared state

DfsClient::Impl::Impl(ClientConfig c)
    : config(std::move(c)),
      pool(config.servers, config.credentials, config.timeouts, config.down_backoff),
      clock(random_writer_id()),
      writer(pool, fan_out, config.min_copies, counters),
      reader(pool, fan_out) {}

std::vector<Result<ListPage>> DfsClient::Impl::list_everywhere(const RemotePath& dir, const ListOptions& first,
                                                               bool all_pages) {
  const auto n = static_cast<std::size_t>(pool.size());
  std::vector<Result<ListPage>> answers(n, Error(Errc::io_error, "not asked"));
  fan_out.run(n, [&](std::size_t s) {
    const int server = static_cast<int>(s);
    ListOptions options = first;
    ListPage whole;
    for (int page_count = 0;; ++page_count) {
      if (page_count == kMaxListPages) {
        answers[s] = Error(Errc::io_error, "server " + pool.address(server).display() + " kept answering LIST " +
                                               dir.display() + " with more pages");
        return;
      }
      auto page = pool.with_connection<ListPage>(server, [&](ServerConnection& c) { return c.list(dir, options); });
      if (!page) {
        answers[s] = page.error();
        return;
      }
      if (page_count == 0) {
        whole.free_bytes = page->free_bytes;
        whole.total_bytes = page->total_bytes;
      }
      whole.records.insert(whole.records.end(), std::make_move_iterator(page->records.begin()),
                           std::make_move_iterator(page->records.end()));
      if (!all_pages || !page->next || (options.after && *page->next <= *options.after)) break;
      options.after = std::move(page->next);
    }
    answers[s] = std::move(whole);
  });
  return answers;
}

Error DfsClient::Impl::none_answered(const std::vector<Error>& errors) {
  // Wrong credentials say so on every server alike: one of them is the clearest message.
  for (const auto& e : errors) {
    if (e.code() == Errc::unauthorized) return e;
  }
  std::string text;
  for (const auto& e : errors) text += (text.empty() ? "" : "; ") + e.message();
  return Error(errors.front().code(), "no server of the cluster answered: " + text);
}

Result<MergedAnswers> DfsClient::Impl::ask_all(const RemotePath& dir, const std::optional<std::string>& name) {
  auto answers = list_everywhere(dir, ListOptions{name, std::nullopt, kListPageEntries}, true);
  MergedAnswers merged;
  for (std::size_t s = 0; s < answers.size(); ++s) {
    if (!answers[s]) {
      merged.unreachable.push_back(answers[s].error());
      continue;
    }
    for (const auto& record : answers[s]->records) merged.merge.add(static_cast<int>(s), record);
  }
  if (merged.unreachable.size() == answers.size()) return none_answered(merged.unreachable);
  if (const auto newest = merged.merge.newest_seen()) clock.observe(*newest);
  return merged;
}

Result<EntryInfo> DfsClient::Impl::write_version(const RemotePath& path, protocol::EntryAttributes attributes,
                                                 const ByteSource& data, const ProgressCallback& progress,
                                                 protocol::CommitDurability durability) {
  auto written = writer.write(path, next_version(), attributes, data, progress, durability);
  if (written || written.error().code() != Errc::conflict) return written;
  // A writer whose clock runs ahead committed a newer version: learn it, then write past it.
  if (auto seen = ask_all(path.parent(), std::string(path.name())); !seen) return seen.error();
  return writer.write(path, next_version(), attributes, data, progress, durability);
}

Result<EntryInfo> DfsClient::Impl::write_marker(const RemotePath& path, protocol::EntryKind kind, std::uint32_t mode,
                                                const Owner& owner, protocol::CommitDurability durability) {
  protocol::EntryAttributes attributes;
  attributes.kind = kind;
  attributes.size = 0;
  attributes.mode = mode;
  attributes.uid = owner.uid;
  attributes.gid = owner.gid;
  attributes.mtime_ns = wall_clock_ns();
  return write_version(path, attributes, ByteSource::from_memory({}), {}, durability);
}

Status DfsClient::Impl::check_parent(const RemotePath& path) {
  const RemotePath parent = path.parent();
  if (parent.is_root()) return {};
  auto answers = ask_all(parent.parent(), std::string(parent.name()));
  if (!answers) return answers.error();
  const auto entry = answers->merge.entry(std::string(parent.name()));
  if (!entry) {
    return Error(Errc::not_found, "directory " + parent.display() + " does not exist; create it first (dfc mkdir -p " +
                                      parent.display() + ")");
  }
  if (!entry->is_dir()) return Error(Errc::not_directory, parent.display() + " is not a directory");
  return {};
}

// ---------------------------------------------------------------------------------------------
// Lookups

DfsClient::DfsClient(ClientConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
DfsClient::~DfsClient() = default;

const ClientConfig& DfsClient::config() const { return impl_->config; }
const ClientCounters& DfsClient::counters() const { return impl_->counters; }
int DfsClient::server_count() const { return impl_->pool.size(); }

Result<EntryInfo> DfsClient::stat(const RemotePath& path) {
  if (path.is_root()) {
    EntryInfo root;
    root.attributes.kind = protocol::EntryKind::dir;
    root.attributes.mode = 0755;
    return root;
  }
  auto answers = impl_->ask_all(path.parent(), std::string(path.name()));
  if (!answers) return answers.error();
  auto entry = answers->merge.entry(std::string(path.name()));
  if (!entry) return Error(Errc::not_found, "no such file or directory: " + path.display());
  return std::move(*entry);
}

Result<Listing> DfsClient::list(const RemotePath& dir) {
  if (!dir.is_root()) {
    auto entry = stat(dir);
    if (!entry) return entry.error();
    if (!entry->is_dir()) return Error(Errc::not_directory, dir.display() + " is not a directory");
  }
  auto answers = impl_->ask_all(dir, std::nullopt);
  if (!answers) return answers.error();
  return Listing{answers->merge.entries(), std::move(answers->unreachable)};
}

Result<PathInfo> DfsClient::info(const RemotePath& path) {
  PathInfo info;
  if (path.is_root()) {
    info.entry = *stat(path);
    return info;
  }
  const auto pages = impl_->list_everywhere(path.parent(), ListOptions{std::string(path.name()), std::nullopt, std::nullopt},
                                            true);
  const auto n = pages.size();
  EntryMerge merge;
  for (std::size_t s = 0; s < n; ++s) {
    ServerHoldings holdings{impl_->pool.address(static_cast<int>(s)), std::nullopt, {}};
    if (!pages[s]) {
      holdings.error = pages[s].error();
    } else {
      for (const auto& record : pages[s]->records) {
        merge.add(static_cast<int>(s), record);
        const auto& d = record.descriptor;
        holdings.parts.push_back(HeldPart{d.part, d.version, record.committed, d.part_size, d.attributes.kind});
      }
    }
    info.servers.push_back(std::move(holdings));
  }
  info.entry = merge.entry(std::string(path.name()));
  return info;
}

Result<ClusterSpace> DfsClient::space() {
  // Every LIST answer carries the data disk's space; one entry keeps it small.
  const auto pages = impl_->list_everywhere(RemotePath(), ListOptions{std::nullopt, std::nullopt, 1}, false);
  ClusterSpace space;
  std::vector<Error> failures;
  for (const auto& page : pages) {
    if (!page) {
      failures.push_back(page.error());
      continue;
    }
    space.free_bytes += page->free_bytes / 2;
    space.total_bytes += page->total_bytes / 2;
    ++space.servers_answered;
  }
  if (space.servers_answered == 0) return impl_->none_answered(failures);
  return space;
}

Result<ClusterStatus> DfsClient::status(const RemotePath& top) {
  return Healer(impl_->config, impl_->pool, impl_->fan_out).status(top);
}

Result<HealReport> DfsClient::heal(const RemotePath& top, const HealOptions& options) {
  return Healer(impl_->config, impl_->pool, impl_->fan_out).heal(top, options);
}

// ---------------------------------------------------------------------------------------------
// Bytes

Result<EntryInfo> DfsClient::put(const RemotePath& path, const ByteSource& data, const WriteOptions& options) {
  if (path.is_root()) return Error(Errc::is_directory, "cannot store a file as the root directory");
  if (options.create_parents) {
    // dfc's put: make the folders, and never hide a directory behind a file of the same name.
    if (!path.parent().is_root()) {
      if (auto st = mkdir(path.parent(), 0755, true); !st) return st.error();
    }
    auto existing = stat(path);
    if (existing && existing->is_dir()) {
      return Error(Errc::is_directory, path.display() + " is a directory; give a file name inside it");
    }
    if (!existing && existing.error().code() != Errc::not_found) return existing.error();
  } else if (!options.parent_known) {
    if (auto st = impl_->check_parent(path); !st) return st.error();
  }
  protocol::EntryAttributes attributes;
  attributes.kind = protocol::EntryKind::file;
  attributes.size = data.size;
  attributes.mode = options.mode;
  attributes.uid = options.uid;
  attributes.gid = options.gid;
  attributes.mtime_ns = options.mtime_ns.value_or(wall_clock_ns());
  return impl_->write_version(path, attributes, data, options.progress, options.commit_durability);
}

Status DfsClient::make_durable(const RemotePath& path, const EntryInfo& written) {
  return impl_->writer.make_durable(path, written);
}

Result<EntryInfo> DfsClient::put_file(const std::filesystem::path& local, const RemotePath& path, WriteOptions options) {
  UniqueFd fd(::open(local.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Error::from_errno(errno, "cannot open " + local.string());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::from_errno(errno, "cannot stat " + local.string());
  if (S_ISDIR(st.st_mode)) return Error(Errc::is_directory, local.string() + " is a directory; put stores one file");
  if (!S_ISREG(st.st_mode)) return Error(Errc::invalid_argument, local.string() + " is not a regular file");
  options.mode = st.st_mode & 07777;
  options.uid = st.st_uid;
  options.gid = st.st_gid;
  if (!options.mtime_ns) {
    options.mtime_ns = ns_of(st.st_mtim);
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  return put(path, ByteSource::from_fd(fd.get(), static_cast<std::uint64_t>(st.st_size)), options);
}

Result<EntryInfo> DfsClient::get_file(const RemotePath& path, const std::filesystem::path& local,
                                      const ProgressCallback& progress) {
  auto entry = stat(path);
  if (!entry) return entry.error();
  if (entry->is_dir()) return Error(Errc::is_directory, path.display() + " is a directory; get fetches one file");
  if (entry->attributes.kind == protocol::EntryKind::symlink) {
    auto target = readlink(path);
    if (!target) return target.error();
    return Error(Errc::invalid_argument, path.display() + " is a symbolic link to '" + *target + "'; get that instead");
  }
  if (!entry->complete()) {
    return Error(Errc::incomplete, "cannot rebuild " + path.display() + ": " + entry->missing_text() +
                                       "; start the servers that hold it and try again");
  }

  // The temp file sits beside the destination so the final rename is atomic and never crosses
  // file systems; it is removed on every failure.
  const auto folder = local.has_parent_path() ? local.parent_path() : std::filesystem::path(".");
  std::string temp_name = (folder / ("." + local.filename().string() + ".dfc-XXXXXX")).string();
  UniqueFd fd(::mkostemp(temp_name.data(), O_CLOEXEC));
  if (!fd.valid()) return Error::from_errno(errno, "cannot create a temp file in " + folder.string());
  auto fail = [&](Error error) -> Result<EntryInfo> {
    ::unlink(temp_name.c_str());
    return error;
  };
  const std::uint64_t size = entry->attributes.size;
  if (size > 0) {
    const int rc = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(size));
    if (rc != 0 && rc != EOPNOTSUPP && rc != EINVAL) return fail(Error::from_errno(rc, "cannot reserve space for " + local.string()));
  }
  auto st = impl_->reader.read(path, *entry, 0, size, [&](std::uint64_t offset, std::string_view bytes) {
    return write_all_at(fd.get(), offset, bytes, local.string());
  }, progress);
  if (!st) return fail(st.error());
  const auto mode = static_cast<mode_t>(entry->attributes.mode & 0777) & ~current_umask();
  if (::fchmod(fd.get(), mode) != 0) return fail(Error::from_errno(errno, "cannot set the mode of " + local.string()));
  if (::rename(temp_name.c_str(), local.c_str()) != 0) {
    return fail(Error::from_errno(errno, "cannot move the fetched file into place as " + local.string()));
  }
  return std::move(*entry);
}

Result<std::size_t> DfsClient::read(const RemotePath& path, const EntryInfo& entry, std::uint64_t offset,
                                    std::span<char> buffer) {
  const std::span<char> buffers[] = {buffer};
  return read(path, entry, offset, buffers);
}

Result<std::size_t> DfsClient::read(const RemotePath& path, const EntryInfo& entry, std::uint64_t offset,
                                    std::span<const std::span<char>> buffers) {
  const std::uint64_t size = entry.attributes.size;
  if (offset >= size) return std::size_t{0};
  // The buffers the file's end leaves room for, the last one cut there.
  std::vector<std::span<char>> filled;
  std::uint64_t length = 0;
  for (const auto& b : buffers) {
    if (length == size - offset) break;
    if (b.empty()) continue;
    filled.push_back(b.first(static_cast<std::size_t>(std::min<std::uint64_t>(b.size(), size - offset - length))));
    length += filled.back().size();
  }
  if (length == 0) return std::size_t{0};
  // The bytes are received straight into the buffers: the sink has nothing left to copy.
  auto st = impl_->reader.read(
      path, entry, offset, length, [](std::uint64_t, std::string_view) -> Status { return {}; }, {}, filled);
  if (!st) return st.error();
  return static_cast<std::size_t>(length);
}

}  // namespace dfs::client
