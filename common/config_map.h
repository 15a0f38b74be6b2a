// Reading YAML configuration (yaml-cpp) so that every mistake names the file, the line and the
// key: "conf/dfs1.yaml:4: key 'listen': expected HOST:PORT". Unknown keys are errors too, so a
// typo never silently falls back to a default.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace YAML {
class Node;
}

namespace dfs {

class ConfigMap {
 public:
  // Loads a file whose top level must be a mapping.
  static Result<ConfigMap> load_file(const std::filesystem::path& file);
  static Result<ConfigMap> parse(std::string_view text, std::string source_name);

  ConfigMap(const ConfigMap&);
  ConfigMap& operator=(const ConfigMap&);
  ~ConfigMap();

  bool has(std::string_view key) const;
  // Each read leaves `out` unchanged when the key is absent.
  Status read(std::string_view key, std::string& out) const;
  Status read(std::string_view key, std::uint64_t& out) const;
  Status read(std::string_view key, bool& out) const;
  Status require(std::string_view key) const;
  // A sequence of mappings, such as `servers:`.
  Result<std::vector<ConfigMap>> read_list(std::string_view key) const;
  Status reject_unknown_keys(const std::vector<std::string_view>& known) const;

  // An error pointing at `key` (or at this mapping when the key is absent).
  Error error_at(std::string_view key, std::string_view what) const;
  const std::string& source() const { return source_; }
  // Where this mapping starts, "file:line".
  std::string location() const;

 private:
  ConfigMap(std::unique_ptr<YAML::Node> node, std::string source);
  std::unique_ptr<YAML::Node> node_;
  std::string source_;
};

}  // namespace dfs
