// A path inside one user's namespace, already checked against the path rules. Every path that
// crosses a boundary (wire, disk, placement) is a RemotePath, so the rules are applied once.
//
// The rules: at most 4096 bytes; components separated by '/', each 1..255 bytes; no NUL,
// backslash or control character; no '%XX' sequence (names are percent-decoded exactly once, on
// the wire, and a second layer is an escape attempt); "." is dropped and ".." removes the previous
// component but may not climb above the root; the component ".dfs" is reserved for the servers'
// version folders. One leading and one trailing '/' are accepted; any other empty component is not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace dfs {

inline constexpr std::size_t kMaxPathBytes = 4096;
inline constexpr std::size_t kMaxNameBytes = 255;
inline constexpr std::string_view kReservedName = ".dfs";

class RemotePath {
 public:
  RemotePath() = default;  // the root of the namespace

  static Result<RemotePath> parse(std::string_view raw);
  // Checks one component (a file name) against the rules.
  static Status check_name(std::string_view name);

  // Normalised form without leading or trailing '/': "docs/a.txt", "" for the root.
  const std::string& str() const { return path_; }
  // "/docs/a.txt", "/" for the root: what people see.
  std::string display() const { return "/" + path_; }
  bool is_root() const { return path_.empty(); }
  std::string_view name() const;  // last component, "" for the root
  RemotePath parent() const;
  // Appends a component that already passed check_name.
  RemotePath child(std::string_view name) const;
  // Views into this object: calling it on a temporary (path.parent().components()) would leave
  // them dangling, so that does not compile.
  std::vector<std::string_view> components() const&;
  std::vector<std::string_view> components() const&& = delete;

  friend bool operator==(const RemotePath&, const RemotePath&) = default;
  friend auto operator<=>(const RemotePath&, const RemotePath&) = default;

 private:
  explicit RemotePath(std::string normalised) : path_(std::move(normalised)) {}
  std::string path_;
};

}  // namespace dfs
