// What the client-library integration tests share: a ClientConfig for a TestCluster, local files
// of pseudo-random bytes written and compared in bounded memory, names with a chosen placement,
// and what a server holds of an entry on its disk (read from the part files themselves, so a
// test sees the layout the servers really have, not what the client believes).
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client-core/client_config.h"
#include "client-core/dfs_client.h"
#include "common/remote_path.h"
#include "common/version_id.h"
#include "tests/support/test_cluster.h"

namespace dfs {
// GoogleTest prints an Errc by name ("not_found") instead of its bytes.
inline void PrintTo(Errc code, std::ostream* out) { *out << errc_name(code); }
}  // namespace dfs

namespace dfs::testing {

// Every server of the cluster in placement order, its credentials, default timeouts, min_copies 2.
client::ClientConfig client_config_for(const TestCluster& cluster);

// The whole file at `path`, read with get_file through `scratch_file` (removed afterwards).
Result<std::string> get_bytes(client::DfsClient& client, const RemotePath& path,
                              const std::filesystem::path& scratch_file);
// put() of bytes held in memory.
Result<client::EntryInfo> put_bytes(client::DfsClient& client, const RemotePath& path, std::string_view bytes,
                                    const client::WriteOptions& options = {});

// The code of a failed result, nullopt for a success (which GoogleTest then prints as such).
template <class T>
std::optional<Errc> error_code(const Result<T>& result) {
  return result.ok() ? std::nullopt : std::optional<Errc>(result.error().code());
}
// The message of a failed result, "(succeeded)" for a success.
template <class T>
std::string error_message(const Result<T>& result) {
  return result.ok() ? "(succeeded)" : result.error().message();
}

// A checked path for a literal in a test; throws std::invalid_argument on a bad one.
RemotePath remote(std::string_view raw);

// `size` bytes of a cheap pseudo-random stream (splitmix64 of the offset and the seed), written
// 1 MiB at a time, so a 200 MiB file costs 1 MiB of memory. Throws on a write error.
void write_pseudo_random_file(const std::filesystem::path& file, std::uint64_t size, std::uint64_t seed);
void write_local_file(const std::filesystem::path& file, std::string_view bytes);
// The whole file (for small files only); throws when it cannot be read.
std::string read_local_file(const std::filesystem::path& file);
// "" when both files hold the same bytes, else what differs ("sizes 10 and 11", "first
// difference at byte 4096"). Streams both 1 MiB at a time.
std::string difference_between(const std::filesystem::path& a, const std::filesystem::path& b);

// The names in a local folder, sorted (to show nothing was left behind in it).
std::vector<std::string> folder_names(const std::filesystem::path& folder);

// `dir/<stem><k>` for the smallest k whose placement offset x among `servers` is `x`.
RemotePath path_with_offset(const RemotePath& dir, std::string_view stem, int x, int servers);

// One part file "<version>.p<K>" a server holds of an entry, read from its 1 KiB header.
struct PartOnDisk {
  VersionId version;
  int part = 0;  // 1-based
  std::uint64_t part_size = 0;
  std::uint64_t file_size = 0;  // the entry's size as the header states it
  bool committed = false;       // "<version>.commit" sits beside it
};
// Every part file of `path` below `server_root` (<root>/<user>/<dir>/.dfs/<name>/), ordered by
// version then part; empty when the server holds nothing of it. Throws on an unreadable header.
std::vector<PartOnDisk> parts_on_disk(const std::filesystem::path& server_root, const std::string& user,
                                      const RemotePath& path);
// The 1-based part numbers a server holds of `version`, ascending.
std::vector<int> part_numbers_of(const std::vector<PartOnDisk>& parts, const VersionId& version);
// The file of part `part` (1-based) of the newest version server `server` holds of `path`;
// throws when it holds none.
std::filesystem::path part_file_of(const TestCluster& cluster, int server, const RemotePath& path, int part);
// "" when every server holds its two placement parts of `path`, all of one version and
// committed, and nothing else; else what is missing, for the failure message.
std::string replication_problem(const TestCluster& cluster, const RemotePath& path);

// heal() of the whole store (throws when no server answers); `lines` receives what it said.
client::HealReport heal_everything(client::DfsClient& client, client::HealOptions options = {},
                                   std::vector<std::string>* lines = nullptr);
// status() of the whole store; throws when no server answers.
client::ClusterStatus status_of(client::DfsClient& client);

// Peak resident memory of this process since the last reset, and the reset itself
// (/proc/self/clear_refs "5"); nullopt where the kernel does not offer it.
bool reset_peak_resident_bytes();
std::optional<std::uint64_t> peak_resident_bytes();
std::optional<std::uint64_t> resident_bytes();

// Sends SIGCONT to a stopped server when the test ends, whichever way it ends, so the cluster's
// teardown never meets a stopped process. Declare it after the cluster.
class ContinueAtExit {
 public:
  ContinueAtExit(TestCluster& cluster, int server) : cluster_(cluster), server_(server) {}
  ~ContinueAtExit();
  ContinueAtExit(const ContinueAtExit&) = delete;
  ContinueAtExit& operator=(const ContinueAtExit&) = delete;

 private:
  TestCluster& cluster_;
  int server_;
};

}  // namespace dfs::testing
