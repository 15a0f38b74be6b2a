#include "tests/support/client_fixture.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>

#include "common/placement.h"
#include "server/part_file_format.h"

namespace dfs::testing {

namespace {

constexpr std::size_t kChunkBytes = 1024 * 1024;

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The `/proc/self/status` field `key` ("VmHWM:") in bytes.
std::optional<std::uint64_t> status_kib_field(std::string_view key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(key)) continue;
    return std::stoull(line.substr(key.size())) * 1024;  // "VmHWM:    1234 kB"
  }
  return std::nullopt;
}

}  // namespace

client::ClientConfig client_config_for(const TestCluster& cluster) {
  client::ClientConfig config;
  config.servers = cluster.addresses();
  config.credentials = cluster.credentials();
  return config;
}

Result<std::string> get_bytes(client::DfsClient& client, const RemotePath& path,
                              const std::filesystem::path& scratch_file) {
  auto got = client.get_file(path, scratch_file);
  if (!got) return got.error();
  std::string bytes = read_local_file(scratch_file);
  std::filesystem::remove(scratch_file);
  return bytes;
}

Result<client::EntryInfo> put_bytes(client::DfsClient& client, const RemotePath& path, std::string_view bytes,
                                    const client::WriteOptions& options) {
  return client.put(path, client::ByteSource::from_memory(bytes), options);
}

RemotePath remote(std::string_view raw) {
  auto path = RemotePath::parse(raw);
  if (!path) throw std::invalid_argument(path.error().message());
  return *path;
}

void write_pseudo_random_file(const std::filesystem::path& file, std::uint64_t size, std::uint64_t seed) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot create " + file.string());
  std::string chunk(kChunkBytes, '\0');
  std::uint64_t word = seed * 0x100000001b3ULL;
  for (std::uint64_t done = 0; done < size;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, size - done));
    for (std::size_t i = 0; i < n; i += 8) {
      const std::uint64_t v = splitmix64(word++);
      std::memcpy(chunk.data() + i, &v, std::min<std::size_t>(8, n - i));
    }
    out.write(chunk.data(), static_cast<std::streamsize>(n));
    done += n;
  }
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

void write_local_file(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string read_local_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string difference_between(const std::filesystem::path& a, const std::filesystem::path& b) {
  const auto size_a = std::filesystem::file_size(a), size_b = std::filesystem::file_size(b);
  if (size_a != size_b) return "sizes " + std::to_string(size_a) + " and " + std::to_string(size_b);
  std::ifstream in_a(a, std::ios::binary), in_b(b, std::ios::binary);
  if (!in_a || !in_b) return "cannot open both files";
  std::string chunk_a(kChunkBytes, '\0'), chunk_b(kChunkBytes, '\0');
  for (std::uint64_t done = 0; done < size_a;) {
    const auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(kChunkBytes, size_a - done));
    in_a.read(chunk_a.data(), n);
    in_b.read(chunk_b.data(), n);
    if (in_a.gcount() != n || in_b.gcount() != n) return "short read at byte " + std::to_string(done);
    if (std::memcmp(chunk_a.data(), chunk_b.data(), static_cast<std::size_t>(n)) != 0) {
      const auto at = std::mismatch(chunk_a.begin(), chunk_a.begin() + n, chunk_b.begin()).first - chunk_a.begin();
      return "first difference at byte " + std::to_string(done + static_cast<std::uint64_t>(at));
    }
    done += static_cast<std::uint64_t>(n);
  }
  return "";
}

std::vector<std::string> folder_names(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

RemotePath path_with_offset(const RemotePath& dir, std::string_view stem, int x, int servers) {
  for (int k = 0; k < 10'000; ++k) {
    const auto path = dir.child(std::string(stem) + std::to_string(k));
    if (placement_offset(path, servers) == x) return path;
  }
  throw std::runtime_error("no name " + std::string(stem) + "<k> with offset " + std::to_string(x));
}

std::vector<PartOnDisk> parts_on_disk(const std::filesystem::path& server_root, const std::string& user,
                                      const RemotePath& path) {
  auto folder = server_root / user;
  const RemotePath parent = path.parent();
  for (const auto component : parent.components()) folder /= std::string(component);
  folder = folder / ".dfs" / std::string(path.name());
  std::vector<PartOnDisk> parts;
  if (!std::filesystem::is_directory(folder)) return parts;
  std::set<VersionId> committed;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const auto name = server::parse_version_file_name(entry.path().filename().string());
    if (!name) continue;
    if (name->part == 0) {
      committed.insert(name->version);
      continue;
    }
    std::string header(server::kPartHeaderBytes, '\0');
    std::ifstream in(entry.path(), std::ios::binary);
    in.read(header.data(), static_cast<std::streamsize>(header.size()));
    auto descriptor = server::decode_part_header(header);
    if (!descriptor) throw std::runtime_error(entry.path().string() + ": " + descriptor.error().message());
    parts.push_back({name->version, name->part, descriptor->part_size, descriptor->attributes.size, false});
  }
  for (auto& part : parts) part.committed = committed.contains(part.version);
  std::sort(parts.begin(), parts.end(), [](const PartOnDisk& a, const PartOnDisk& b) {
    return a.version != b.version ? a.version < b.version : a.part < b.part;
  });
  return parts;
}

std::vector<int> part_numbers_of(const std::vector<PartOnDisk>& parts, const VersionId& version) {
  std::vector<int> numbers;
  for (const auto& part : parts) {
    if (part.version == version) numbers.push_back(part.part);
  }
  return numbers;  // parts_on_disk sorted them
}

bool reset_peak_resident_bytes() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.close();
  return static_cast<bool>(out);
}

std::optional<std::uint64_t> peak_resident_bytes() { return status_kib_field("VmHWM:"); }
std::optional<std::uint64_t> resident_bytes() { return status_kib_field("VmRSS:"); }

ContinueAtExit::~ContinueAtExit() {
  if (cluster_.running(server_)) cluster_.signal(server_, SIGCONT);
}

std::filesystem::path part_file_of(const TestCluster& cluster, int server, const RemotePath& path, int part) {
  auto folder = cluster.root(server) / cluster.credentials().user;
  const RemotePath parent = path.parent();
  for (const auto component : parent.components()) folder /= std::string(component);
  folder = folder / ".dfs" / std::string(path.name());
  const auto parts = parts_on_disk(cluster.root(server), cluster.credentials().user, path);
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (it->part == part) return folder / (it->version.to_string() + ".p" + std::to_string(part));
  }
  throw std::runtime_error("server " + std::to_string(server) + " holds no part " + std::to_string(part) + " of " +
                           path.display());
}

std::string replication_problem(const TestCluster& cluster, const RemotePath& path) {
  std::optional<VersionId> version;
  for (int s = 0; s < cluster.size(); ++s) {
    const std::string where = path.display() + " on " + cluster.address(s).name + ": ";
    const auto parts = parts_on_disk(cluster.root(s), cluster.credentials().user, path);
    if (parts.size() != 2) return where + std::to_string(parts.size()) + " part files, not 2";
    const auto expected = PartPlacement(path, cluster.size()).parts_on_server(s);
    for (const auto& p : parts) {
      if (!p.committed) return where + "part " + std::to_string(p.part) + " is not committed";
      if (p.part != expected[0] + 1 && p.part != expected[1] + 1) return where + "holds part " + std::to_string(p.part);
      if (version && p.version != *version) return where + "holds two versions";
      version = p.version;
    }
  }
  return "";
}

client::HealReport heal_everything(client::DfsClient& client, client::HealOptions options,
                                   std::vector<std::string>* lines) {
  std::vector<std::string> said;
  options.on_action = [&](const std::string& line) { said.push_back(line); };
  auto report = client.heal(RemotePath(), options);
  if (!report) throw std::runtime_error(report.error().message());
  if (lines) *lines = said;
  return *report;
}

client::ClusterStatus status_of(client::DfsClient& client) {
  auto status = client.status(RemotePath());
  if (!status) throw std::runtime_error(status.error().message());
  return *status;
}

}  // namespace dfs::testing
