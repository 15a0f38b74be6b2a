#include "common/config_map.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "common/protocol.h"

namespace dfs {
namespace {

std::string at_line(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return source + ":" + std::to_string(mark.line + 1);
}

}  // namespace

ConfigMap::ConfigMap(std::unique_ptr<YAML::Node> node, std::string source)
    : node_(std::move(node)), source_(std::move(source)) {}
ConfigMap::ConfigMap(const ConfigMap& other)
    : node_(std::make_unique<YAML::Node>(*other.node_)), source_(other.source_) {}
ConfigMap& ConfigMap::operator=(const ConfigMap& other) {
  node_ = std::make_unique<YAML::Node>(*other.node_);
  source_ = other.source_;
  return *this;
}
ConfigMap::~ConfigMap() = default;

Result<ConfigMap> ConfigMap::parse(std::string_view text, std::string source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return Error(Errc::config, at_line(source_name, e.mark) + ": " + e.msg);
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) {
    return Error(Errc::config, at_line(source_name, root.Mark()) + ": expected a mapping of key: value lines");
  }
  return ConfigMap(std::make_unique<YAML::Node>(root), std::move(source_name));
}

Result<ConfigMap> ConfigMap::load_file(const std::filesystem::path& file) {
  // An ifstream opens a directory without complaint and reads nothing from it, which would pass
  // as an empty configuration; say what is wrong instead.
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return Error(Errc::config, file.string() + ": is a directory, not a configuration file");
  }
  std::ifstream in(file);
  if (!in) return Error(Errc::config, file.string() + ": cannot open the configuration file");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), file.string());
}

std::string ConfigMap::location() const { return at_line(source_, node_->Mark()); }

Error ConfigMap::error_at(std::string_view key, std::string_view what) const {
  const YAML::Node value = (*node_)[std::string(key)];
  const YAML::Mark mark = value ? value.Mark() : node_->Mark();
  return Error(Errc::config, at_line(source_, mark) + ": key '" + std::string(key) + "': " + std::string(what));
}

bool ConfigMap::has(std::string_view key) const { return static_cast<bool>((*node_)[std::string(key)]); }

Status ConfigMap::require(std::string_view key) const {
  if (!has(key)) return error_at(key, "is required");
  return {};
}

Status ConfigMap::read(std::string_view key, std::string& out) const {
  const YAML::Node value = (*node_)[std::string(key)];
  if (!value) return {};
  if (!value.IsScalar()) return error_at(key, "expected a single value");
  out = value.Scalar();
  return {};
}

Status ConfigMap::read(std::string_view key, std::uint64_t& out) const {
  std::string text;
  if (auto st = read(key, text); !st) return st;
  if (!has(key)) return {};
  const auto v = protocol::parse_u64(text);
  if (!v) return error_at(key, "expected a whole number, got '" + text + "'");
  out = *v;
  return {};
}

Status ConfigMap::read(std::string_view key, bool& out) const {
  std::string text;
  if (auto st = read(key, text); !st) return st;
  if (!has(key)) return {};
  if (text == "true" || text == "yes" || text == "on") {
    out = true;
  } else if (text == "false" || text == "no" || text == "off") {
    out = false;
  } else {
    return error_at(key, "expected true or false, got '" + text + "'");
  }
  return {};
}

Result<std::vector<ConfigMap>> ConfigMap::read_list(std::string_view key) const {
  const YAML::Node value = (*node_)[std::string(key)];
  std::vector<ConfigMap> out;
  if (!value) return out;
  if (!value.IsSequence()) return error_at(key, "expected a list of entries ('- name: ...')");
  for (const auto& item : value) {
    if (!item.IsMap()) {
      return Error(Errc::config, at_line(source_, item.Mark()) + ": key '" + std::string(key) +
                                     "': each entry must be a mapping");
    }
    out.push_back(ConfigMap(std::make_unique<YAML::Node>(item), source_));
  }
  return out;
}

Status ConfigMap::reject_unknown_keys(const std::vector<std::string_view>& known) const {
  for (const auto& entry : *node_) {
    const std::string key = entry.first.Scalar();
    bool found = false;
    for (const auto k : known) found = found || k == key;
    if (!found) {
      std::string names;
      for (const auto k : known) names += (names.empty() ? "" : ", ") + std::string(k);
      return Error(Errc::config, at_line(source_, entry.first.Mark()) + ": unknown key '" + key +
                                     "' (known keys: " + names + ")");
    }
  }
  return {};
}

}  // namespace dfs
