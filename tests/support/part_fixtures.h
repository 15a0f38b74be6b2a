// Test data for part-level tests: random bytes, a descriptor that matches them, a body source
// over a string, and a GET that collects the whole answer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "client-core/server_connection.h"

namespace dfs::testing {

std::string random_bytes(std::size_t size, std::uint64_t seed);
// The single part (1 of 1) of a file whose bytes are `data`.
protocol::PartDescriptor descriptor_for(const std::string& data, VersionId version);
client::BodySource source_of(const std::string& data);
Result<std::string> get_all(client::ServerConnection& connection, const RemotePath& path, int part,
                            std::optional<VersionId> version = {}, std::optional<client::PartRange> range = {});
// Files below `root` whose names start with ".tmp." (parts being received).
int temp_part_files_in(const std::filesystem::path& root);
// Stores `data` as the single part of `path` at `version` and commits it.
Status put_and_commit(client::ServerConnection& connection, const RemotePath& path, const std::string& data,
                      VersionId version);

}  // namespace dfs::testing
