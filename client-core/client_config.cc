#include "client-core/client_config.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

#include "common/config_map.h"
#include "common/host_port.h"
#include "common/unique_fd.h"

namespace dfs::client {
namespace {

namespace fs = std::filesystem;

// A longer wait is a typo (a value in microseconds, an extra zero), and larger values would
// overflow the clock arithmetic of deadlines.
constexpr std::uint64_t kMaxMilliseconds = 86'400'000;  // one day
// Configuration and password files are a few lines; anything larger is the wrong file (or
// /dev/zero), and reading it whole must not take the memory of the machine.
constexpr std::size_t kMaxFileBytes = 1 << 20;

constexpr std::string_view kWhitespace = " \t\r\n\v\f";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The next line of `text` from `pos` (without its '\n'), advancing `pos` past it.
std::string_view next_line(std::string_view text, std::size_t& pos) {
  const auto end = text.find('\n', pos);
  const auto line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
  pos = end == std::string_view::npos ? text.size() : end + 1;
  return line;
}

bool is_comment_or_blank(std::string_view line) { return line.empty() || line.front() == '#'; }

std::string_view first_word(std::string_view line) { return line.substr(0, line.find_first_of(kWhitespace)); }

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  for (line = trim(line); !line.empty(); line = trim(line)) {
    words.push_back(first_word(line));
    line.remove_prefix(words.back().size());
  }
  return words;
}

// Errc::config naming `file` and the operating system's reason.
Result<std::string> read_small_file(const fs::path& file) {
  auto fail = [&](int error) { return Error(Errc::config, "cannot read " + file.string() + ": " + std::strerror(error)); };
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fail(errno);
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno);
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxFileBytes) {
      return Error(Errc::config, file.string() + " is larger than 1 MiB; is it the right file?");
    }
  }
  return text;
}

// What is wrong with a server's name, if anything. Names appear in messages and commands
// ("dfc info" says which server holds a part), so they are one word.
std::optional<std::string> name_problem(std::string_view name) {
  if (name.empty()) return "is empty; give the server a name such as dfs1";
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return "'" + std::string(name) + "' has a space or control character; use one word such as dfs1";
  }
  return std::nullopt;
}

// The index of an earlier server with the same name (in any case: "DFS1" and "dfs1" would read
// as one server in every message) or the same address.
std::optional<std::size_t> same_name(const std::vector<ServerAddress>& earlier, const ServerAddress& server) {
  for (std::size_t i = 0; i < earlier.size(); ++i) {
    if (iequals(earlier[i].name, server.name)) return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> same_address(const std::vector<ServerAddress>& earlier, const ServerAddress& server) {
  for (std::size_t i = 0; i < earlier.size(); ++i) {
    if (earlier[i].port == server.port && iequals(earlier[i].host, server.host)) return i;
  }
  return std::nullopt;
}

// Fills host and port of `server` from "HOST:PORT"; the message says what is wrong.
Status parse_server_address(std::string_view text, ServerAddress& server) {
  if (auto st = parse_host_port(text, server.host, server.port); !st) return st;
  if (server.port == 0) {
    return Error(Errc::config, "'" + std::string(text) + "' has port 0; write the port the server listens on, e.g. 10001");
  }
  return {};
}

constexpr std::string_view kAtLeastTwo = "dfs keeps every part on 2 servers, so list at least 2";

// ---------------------------------------------------------------------------------------------
// Classic: the seed's dfc.conf.

// "Username: demo" → "demo" when `line` starts with `keyword` (any case) and a colon.
std::optional<std::string_view> keyword_value(std::string_view line, std::string_view keyword) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || !iequals(trim(line.substr(0, colon)), keyword)) return std::nullopt;
  return trim(line.substr(colon + 1));
}

Result<ClientConfig> parse_classic(std::string_view text, const std::string& source) {
  ClientConfig config;
  config.source = source;
  std::vector<std::size_t> server_lines;
  std::size_t user_line = 0;
  std::size_t password_line = 0;
  std::size_t line_number = 0;
  auto at = [&](std::size_t line, const std::string& what) {
    return Error(Errc::config, source + ":" + std::to_string(line) + ": " + what);
  };
  // Sets a one-per-file value such as the user name.
  auto take = [&](std::string_view keyword, std::string_view example, std::string_view value, std::string& out,
                  std::size_t& seen_at) -> Status {
    if (seen_at != 0) {
      return at(line_number, "a second '" + std::string(keyword) + ":' line (the first is line " +
                                 std::to_string(seen_at) + "); keep one");
    }
    if (value.empty()) {
      return at(line_number, "'" + std::string(keyword) + ":' has no value; write e.g. '" + std::string(example) + "'");
    }
    out = std::string(value);
    seen_at = line_number;
    return {};
  };

  for (std::size_t pos = 0; pos < text.size();) {
    const std::string_view line = trim(next_line(text, pos));
    ++line_number;
    if (is_comment_or_blank(line)) continue;
    if (iequals(first_word(line), "server")) {
      const auto words = split_words(line);
      if (words.size() != 3) {
        return at(line_number, "expected 'Server NAME HOST:PORT', e.g. 'Server DFS1 127.0.0.1:10001'");
      }
      ServerAddress server;
      server.name = std::string(words[1]);
      // The same rule as dfc.yaml's: a control character would garble every message naming it.
      if (const auto why = name_problem(server.name)) return at(line_number, "server name " + *why);
      if (auto st = parse_server_address(words[2], server); !st) return at(line_number, st.error().message());
      if (const auto i = same_name(config.servers, server)) {
        return at(line_number, "server name '" + server.name + "' is already used on line " +
                                   std::to_string(server_lines[*i]) + "; give each server its own name");
      }
      if (const auto i = same_address(config.servers, server)) {
        return at(line_number, "address " + std::string(words[2]) + " is already server " + config.servers[*i].name +
                                   "'s (line " + std::to_string(server_lines[*i]) +
                                   "); each server needs its own HOST:PORT");
      }
      config.servers.push_back(std::move(server));
      server_lines.push_back(line_number);
    } else if (const auto user = keyword_value(line, "username")) {
      if (auto st = take("Username", "Username: demo", *user, config.credentials.user, user_line); !st) return st.error();
    } else if (const auto password = keyword_value(line, "password")) {
      if (auto st = take("Password", "Password: SECRET", *password, config.credentials.password, password_line); !st) {
        return st.error();
      }
    } else {
      // Only the first word: a mistyped "Pasword: secret" must not print the secret.
      const auto word = first_word(line).substr(0, first_word(line).find(':'));
      return at(line_number, "unknown line starting '" + std::string(word.substr(0, 40)) +
                                 "'; expected 'Server NAME HOST:PORT', 'Username: NAME' or 'Password: SECRET'");
    }
  }
  if (config.servers.size() < 2) {
    return at(server_lines.empty() ? line_number : server_lines.front(),
              "only one server listed; " + std::string(kAtLeastTwo) +
                  " 'Server NAME HOST:PORT' lines");
  }
  if (user_line == 0) return at(line_number, "no 'Username:' line; add one, e.g. 'Username: demo'");
  if (password_line == 0) return at(line_number, "no 'Password:' line; add one, e.g. 'Password: SECRET'");
  return config;
}

// ---------------------------------------------------------------------------------------------
// YAML: dfc.yaml.

// Classic when any line starts with the word "Server": no YAML line of dfc.yaml does, and a
// classic file that puts "Username:" first still reads as classic.
bool looks_classic(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    if (iequals(first_word(trim(next_line(text, pos))), "server")) return true;
  }
  return false;
}

bool has_settings(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    if (!is_comment_or_blank(trim(next_line(text, pos)))) return true;
  }
  return false;
}

// Unquoted, "address: [::1]:10001" is a YAML list followed by junk, and yaml-cpp's complaint
// ("end of map not found") does not say so; the line that caused it, if any, for a hint.
std::optional<std::size_t> unquoted_ipv6_line(std::string_view text) {
  std::size_t line_number = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::string_view line = trim(next_line(text, pos));
    ++line_number;
    if (line.substr(0, 2) == "- ") line = trim(line.substr(2));
    if (line.substr(0, 8) == "address:" && trim(line.substr(8)).substr(0, 1) == "[") return line_number;
  }
  return std::nullopt;
}


Status read_milliseconds(const ConfigMap& map, std::string_view key, std::uint64_t min,
                         std::chrono::milliseconds& out) {
  std::uint64_t value = static_cast<std::uint64_t>(out.count());
  if (auto st = map.read(key, value); !st) return st;
  if (value < min || value > kMaxMilliseconds) {
    return map.error_at(key, "must be from " + std::to_string(min) + " to " + std::to_string(kMaxMilliseconds) +
                                 " (milliseconds), got " + std::to_string(value));
  }
  out = std::chrono::milliseconds(value);
  return {};
}

// `tls:` and `tls_ca_file:` of `map` over `inherited` (the cluster's, for a server entry). A
// relative CA file is taken from the configuration file's folder, like password_file.
Result<TlsSettings> read_tls(const ConfigMap& map, const TlsSettings& inherited) {
  TlsSettings tls = inherited;
  if (auto st = map.read("tls", tls.enabled); !st) return st.error();
  std::string ca_file;
  if (auto st = map.read("tls_ca_file", ca_file); !st) return st.error();
  if (map.has("tls_ca_file")) {
    if (ca_file.empty()) return map.error_at("tls_ca_file", "is empty; name the PEM file of the CA that signed the servers' certificates");
    fs::path file = ca_file;
    if (file.is_relative()) file = fs::path(map.source()).parent_path() / file;
    if (::access(file.c_str(), R_OK) != 0) return map.error_at("tls_ca_file", file.string() + ": " + std::strerror(errno));
    tls.ca_file = file.string();
    if (!tls.enabled) return map.error_at("tls_ca_file", "is given but 'tls' is not true; add 'tls: true' or remove it");
  }
  return tls;
}

Result<std::vector<ServerAddress>> read_servers(const ConfigMap& map, const TlsSettings& cluster_tls) {
  if (!map.has("servers")) {
    return map.error_at("servers", "is required; list each server as '- name: dfs1' with 'address: HOST:PORT' below it");
  }
  auto entries = map.read_list("servers");
  if (!entries) return entries.error();
  if (entries->size() < 2) {
    return map.error_at("servers", std::string(entries->empty() ? "lists no server; " : "lists only one server; ") +
                                       std::string(kAtLeastTwo));
  }
  std::vector<ServerAddress> servers;
  for (const auto& entry : *entries) {
    ServerAddress server;
    std::string address;
    for (auto st : {entry.reject_unknown_keys({"name", "address", "tls", "tls_ca_file"}), entry.require("name"),
                    entry.read("name", server.name),
                    entry.require("address")}) {
      if (!st) return st.error();
    }
    // Unquoted, "[::1]:10001" is a YAML list; say how to write it.
    if (auto st = entry.read("address", address); !st) {
      return entry.error_at("address", "expected HOST:PORT; quote an IPv6 address, e.g. '[::1]:10001'");
    }
    if (const auto why = name_problem(server.name)) return entry.error_at("name", *why);
    if (auto st = parse_server_address(address, server); !st) return entry.error_at("address", st.error().message());
    auto tls = read_tls(entry, cluster_tls);
    if (!tls) return tls.error();
    server.tls = std::move(*tls);
    if (const auto i = same_name(servers, server)) {
      return entry.error_at("name", "'" + server.name + "' is already the name of the server at " +
                                        (*entries)[*i].location() + "; give each server its own name");
    }
    if (const auto i = same_address(servers, server)) {
      return entry.error_at("address", address + " is already the address of " + servers[*i].name + " (" +
                                           (*entries)[*i].location() + "); each server needs its own HOST:PORT");
    }
    servers.push_back(std::move(server));
  }
  return servers;
}

// `password:` or the first line of `password_file:`, whose relative path is taken from the
// configuration file's folder so that the pair can move together.
Result<std::string> read_password(const ConfigMap& map, const std::string& source) {
  const bool inline_password = map.has("password");
  const bool password_file = map.has("password_file");
  if (inline_password && password_file) {
    return map.error_at("password_file", "and 'password' are both given; keep one of them");
  }
  if (!inline_password && !password_file) {
    return map.error_at("password", "is required; add 'password: SECRET' or 'password_file: FILE' (its first line)");
  }
  std::string value;
  if (inline_password) {
    if (auto st = map.read("password", value); !st) {
      return map.error_at("password", "expected the password as one value; quote it if it starts with [, { or *");
    }
    if (value.empty()) return map.error_at("password", "is empty; write the user's password");
    return value;
  }
  if (auto st = map.read("password_file", value); !st) return st.error();
  if (value.empty()) return map.error_at("password_file", "is empty; name the file whose first line is the password");
  fs::path file = value;
  if (file.is_relative()) file = fs::path(source).parent_path() / file;
  auto text = read_small_file(file);
  if (!text) return map.error_at("password_file", text.error().message());
  std::size_t pos = 0;
  std::string_view first = next_line(*text, pos);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (first.empty()) {
    return map.error_at("password_file", file.string() + " has an empty first line; write the password on it");
  }
  return std::string(first);
}

Result<ClientConfig> parse_yaml(std::string_view text, const std::string& source) {
  auto loaded = ConfigMap::parse(text, source);
  if (!loaded) {
    if (const auto line = unquoted_ipv6_line(text)) {
      return Error(Errc::config, loaded.error().message() + " (line " + std::to_string(*line) +
                                     ": quote an IPv6 address, e.g. address: '[::1]:10001')");
    }
    return loaded.error();
  }
  const ConfigMap& map = *loaded;
  if (auto st = map.reject_unknown_keys({"servers", "user", "password", "password_file", "min_copies",
                                         "connect_timeout_ms", "io_timeout_ms", "down_backoff_ms", "spool_dir",
                                         "spool_limit_mb", "admin_listen", "tls", "tls_ca_file"});
      !st) {
    return st.error();
  }
  ClientConfig config;
  config.source = source;

  auto cluster_tls = read_tls(map, TlsSettings{});
  if (!cluster_tls) return cluster_tls.error();
  auto servers = read_servers(map, *cluster_tls);
  if (!servers) return servers.error();
  config.servers = std::move(*servers);

  if (!map.has("user")) return map.error_at("user", "is required; write the user name the servers know, e.g. 'user: demo'");
  if (auto st = map.read("user", config.credentials.user); !st) return st.error();
  if (config.credentials.user.empty()) return map.error_at("user", "is empty; write the user name the servers know");
  auto password = read_password(map, source);
  if (!password) return password.error();
  config.credentials.password = std::move(*password);

  std::uint64_t min_copies = static_cast<std::uint64_t>(config.min_copies);
  if (auto st = map.read("min_copies", min_copies); !st) return st.error();
  if (min_copies != 1 && min_copies != 2) {
    return map.error_at("min_copies", "must be 1 or 2, got " + std::to_string(min_copies) +
                                          " (2: a write commits only with both copies of every part; 1: also "
                                          "with one, and 'dfc heal' makes the second later)");
  }
  config.min_copies = static_cast<int>(min_copies);

  // A zero timeout would fail every request; a zero back-off only means "retry a down server
  // at once", which is allowed.
  for (auto st : {read_milliseconds(map, "connect_timeout_ms", 1, config.timeouts.connect),
                  read_milliseconds(map, "io_timeout_ms", 1, config.timeouts.io),
                  read_milliseconds(map, "down_backoff_ms", 0, config.down_backoff)}) {
    if (!st) return st.error();
  }

  std::string spool_dir;
  if (auto st = map.read("spool_dir", spool_dir); !st) return st.error();
  config.spool_dir = spool_dir;
  std::uint64_t spool_limit_mb = 0;
  if (auto st = map.read("spool_limit_mb", spool_limit_mb); !st) return st.error();
  if (spool_limit_mb > (std::numeric_limits<std::uint64_t>::max() >> 20)) {
    return map.error_at("spool_limit_mb", "is too large; write the limit in MiB, or 0 for no limit");
  }
  config.spool_limit_bytes = spool_limit_mb << 20;

  if (map.has("admin_listen")) {
    std::string admin_listen;
    if (auto st = map.read("admin_listen", admin_listen); !st) return st.error();
    auto admin = parse_bind_address(admin_listen);
    if (!admin) return map.error_at("admin_listen", admin.error().message());
    config.admin_listen = std::move(*admin);
  }
  return config;
}

// Nothing found at `file`: false; there but not checkable (a folder without permission): error.
Result<bool> file_present(const fs::path& file) {
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) {
    return Error(Errc::config, "cannot look at " + file.string() + ": " + ec.message());
  }
  return fs::exists(status);
}

}  // namespace

Result<ClientConfig> parse_client_config(std::string_view text, const std::string& source_name) {
  // An editor's UTF-8 byte order mark must not hide the "Server" of the first line.
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  if (text.substr(0, bom.size()) == bom) text.remove_prefix(bom.size());
  if (!has_settings(text)) {
    return Error(Errc::config, source_name + ":1: the file has no settings; it needs 'servers:' (at least 2), "
                                             "'user:' and 'password:'");
  }
  if (looks_classic(text)) return parse_classic(text, source_name);
  return parse_yaml(text, source_name);
}

Result<ClientConfig> load_client_config(const fs::path& file) {
  auto text = read_small_file(file);
  if (!text) return text.error();
  return parse_client_config(*text, file.string());
}

Result<fs::path> find_client_config(const std::optional<fs::path>& explicit_path) {
  // A file named on purpose that is missing is a mistake to report, not a reason to quietly
  // use another cluster's configuration.
  if (explicit_path) {
    auto found = file_present(*explicit_path);
    if (!found) return found.error();
    if (!*found) return Error(Errc::config, "configuration file " + explicit_path->string() + " does not exist");
    return *explicit_path;
  }
  const char* from_env = std::getenv("DFS_CONFIG");
  if (from_env != nullptr && *from_env != '\0') {
    auto found = file_present(from_env);
    if (!found) return found.error();
    if (!*found) {
      return Error(Errc::config, std::string("$DFS_CONFIG names ") + from_env +
                                     ", which does not exist; correct it or unset DFS_CONFIG");
    }
    return fs::path(from_env);
  }
  std::vector<fs::path> candidates;
  std::string looked_at = "$DFS_CONFIG (unset)";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') {
    candidates.push_back(fs::path(home) / ".config/dfs/dfc.yaml");
  } else {
    looked_at += ", ~/.config/dfs/dfc.yaml ($HOME unset)";
  }
  candidates.push_back("/etc/dfs/dfc.yaml");
  for (const auto& candidate : candidates) {
    auto found = file_present(candidate);
    if (!found) return found.error();
    if (*found) return candidate;
    looked_at += ", " + candidate.string();
  }
  return Error(Errc::config, "no client configuration found (looked at " + looked_at + "); give one with --config FILE");
}

}  // namespace dfs::client
