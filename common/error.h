// The one error type of dfs. Every boundary (storage, HTTP, client, CLI, FUSE) passes a Result,
// and each kind of failure is mapped to an HTTP status, an exit code and an errno in one place
// (error.cc), so a message written deep in the server reaches the user unchanged.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace dfs {

enum class Errc {
  invalid_argument,       // malformed request or value (HTTP 400, exit 2)
  bad_path,               // a path that breaks the path rules or escapes the user's root (400)
  unauthorized,           // unknown user or wrong password (401)
  not_found,              // no such file, part or version (404, exit 3)
  method_not_allowed,     // HTTP method other than GET, PUT, LIST, EXIT (405)
  conflict,               // a newer version is already committed (409)
  too_large,              // body over the configured limit (413)
  range_not_satisfiable,  // Range outside the part (416)
  no_space,               // the disk is full (507, ENOSPC)
  unavailable,            // server stopping or unreachable (503)
  corruption,             // stored bytes fail their checksum
  io_error,               // any other operating-system failure
  timeout,                // a deadline passed
  config,                 // a configuration file is wrong (exit 2)
  incomplete,             // a file cannot be rebuilt from the parts that exist (exit 3)
  // File-system answers of the client (never sent by a server), so FUSE can map them to errno.
  already_exists,  // EEXIST
  not_empty,       // ENOTEMPTY: rmdir of a directory that still has entries
  is_directory,    // EISDIR: a file operation on a directory
  not_directory,   // ENOTDIR: a directory operation on a file
};

std::string_view errc_name(Errc code);

class Error {
 public:
  Error(Errc code, std::string message) : code_(code), message_(std::move(message)) {}

  // Builds an error from an errno value; ENOSPC, ENOENT, ELOOP/EXDEV and ETIMEDOUT get their own
  // codes so that callers can decide on them (EACCES stays io_error: a server-side permission
  // problem must not look like bad credentials). `what` names the operation and the object.
  static Error from_errno(int errno_value, std::string_view what);

  Errc code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message starts with `context: `.
  Error with_context(std::string_view context) const;

 private:
  Errc code_;
  std::string message_;
};

int http_status(Errc code);
Errc errc_from_http_status(int status);
// One word per code ("corruption", "no_space"...), sent in X-Dfs-Error beside the status so the
// client knows the exact kind even where several share a status (500).
std::string_view errc_token(Errc code);
std::optional<Errc> errc_from_token(std::string_view token);
int exit_code(Errc code);  // 0 ok, 1 operation failed, 2 usage or config, 3 incomplete or not found
int to_errno(Errc code);

// A value or an Error. Small on purpose: ok(), value(), error(), and * / -> for the value.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_{Errc::io_error, ""};
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace dfs
