#include "tests/support/part_fixtures.h"

#include <cstring>
#include <memory>
#include <random>

#include "common/checksum.h"

namespace dfs::testing {

std::string random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(size, '\0');
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    const std::uint64_t v = rng();
    std::memcpy(out.data() + i, &v, 8);
  }
  for (; i < size; ++i) out[i] = static_cast<char>(rng());
  return out;
}

protocol::PartDescriptor descriptor_for(const std::string& data, VersionId version) {
  protocol::PartDescriptor d;
  d.part = 1;
  d.parts = 1;
  d.version = version;
  d.part_size = data.size();
  d.checksum = xxh3(data.data(), data.size());
  d.attributes.size = data.size();
  d.attributes.mode = 0640;
  d.attributes.mtime_ns = 1'700'000'000'123'456'789;
  return d;
}

client::BodySource source_of(const std::string& data) {
  auto offset = std::make_shared<std::size_t>(0);
  return [&data, offset](char* buf, std::size_t size) -> Result<std::size_t> {
    const std::size_t n = std::min(size, data.size() - *offset);
    std::memcpy(buf, data.data() + *offset, n);
    *offset += n;
    return n;
  };
}

Result<std::string> get_all(client::ServerConnection& connection, const RemotePath& path, int part,
                            std::optional<VersionId> version, std::optional<client::PartRange> range) {
  std::string out;
  auto info = connection.get_part(path, part, version, range, [&](std::string_view bytes) {
    out.append(bytes);
    return Status();
  });
  if (!info) return info.error();
  return out;
}

Status put_and_commit(client::ServerConnection& connection, const RemotePath& path, const std::string& data,
                      VersionId version) {
  if (auto st = connection.put_part(path, descriptor_for(data, version), source_of(data)); !st) return st;
  return connection.commit(path, version);
}

int temp_part_files_in(const std::filesystem::path& root) {
  int count = 0;
  for (const auto& item : std::filesystem::recursive_directory_iterator(root)) {
    if (item.path().filename().string().starts_with(".tmp.")) ++count;
  }
  return count;
}

}  // namespace dfs::testing
