#include "common/error.h"

#include <cerrno>
#include <cstring>

namespace dfs {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return "invalid argument";
    case Errc::bad_path: return "bad path";
    case Errc::unauthorized: return "unauthorized";
    case Errc::not_found: return "not found";
    case Errc::method_not_allowed: return "method not allowed";
    case Errc::conflict: return "conflict";
    case Errc::too_large: return "too large";
    case Errc::range_not_satisfiable: return "range not satisfiable";
    case Errc::no_space: return "no space left";
    case Errc::unavailable: return "unavailable";
    case Errc::corruption: return "corruption";
    case Errc::io_error: return "I/O error";
    case Errc::timeout: return "timeout";
    case Errc::config: return "configuration error";
    case Errc::incomplete: return "incomplete";
    case Errc::already_exists: return "already exists";
    case Errc::not_empty: return "directory not empty";
    case Errc::is_directory: return "is a directory";
    case Errc::not_directory: return "not a directory";
  }
  return "unknown error";
}

Error Error::from_errno(int errno_value, std::string_view what) {
  Errc code = Errc::io_error;
  switch (errno_value) {
    case ENOSPC:
    case EDQUOT: code = Errc::no_space; break;
    case ENOENT: code = Errc::not_found; break;
    case ELOOP:
    case EXDEV: code = Errc::bad_path; break;  // openat2 refused a symlink or an escape
    case ETIMEDOUT: code = Errc::timeout; break;
    case EFBIG: code = Errc::too_large; break;
    default: break;
  }
  std::string message(what);
  message += ": ";
  message += std::strerror(errno_value);
  return Error(code, std::move(message));
}

Error Error::with_context(std::string_view context) const {
  std::string message(context);
  message += ": ";
  message += message_;
  return Error(code_, std::move(message));
}

int http_status(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
    case Errc::bad_path: return 400;
    case Errc::unauthorized: return 401;
    case Errc::not_found:
    case Errc::incomplete: return 404;
    case Errc::method_not_allowed: return 405;
    case Errc::conflict:
    case Errc::already_exists:
    case Errc::not_empty: return 409;
    case Errc::is_directory:
    case Errc::not_directory: return 400;
    case Errc::too_large: return 413;
    case Errc::range_not_satisfiable: return 416;
    case Errc::no_space: return 507;
    case Errc::unavailable: return 503;
    case Errc::timeout: return 504;
    case Errc::corruption:
    case Errc::io_error:
    case Errc::config: return 500;
  }
  return 500;
}

Errc errc_from_http_status(int status) {
  switch (status) {
    case 400: return Errc::invalid_argument;
    case 401: return Errc::unauthorized;
    case 404: return Errc::not_found;
    case 405: return Errc::method_not_allowed;
    case 409: return Errc::conflict;
    case 413: return Errc::too_large;
    case 416: return Errc::range_not_satisfiable;
    case 503: return Errc::unavailable;
    case 504: return Errc::timeout;
    case 507: return Errc::no_space;
    default: return Errc::io_error;
  }
}

namespace {
constexpr Errc kAllCodes[] = {Errc::invalid_argument, Errc::bad_path,    Errc::unauthorized, Errc::not_found,
                              Errc::method_not_allowed, Errc::conflict, Errc::too_large,    Errc::range_not_satisfiable,
                              Errc::no_space,           Errc::unavailable, Errc::corruption, Errc::io_error,
                              Errc::timeout,            Errc::config,      Errc::incomplete,
                              Errc::already_exists,     Errc::not_empty,   Errc::is_directory,
                              Errc::not_directory};
}  // namespace

std::string_view errc_token(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::bad_path: return "bad_path";
    case Errc::unauthorized: return "unauthorized";
    case Errc::not_found: return "not_found";
    case Errc::method_not_allowed: return "method_not_allowed";
    case Errc::conflict: return "conflict";
    case Errc::too_large: return "too_large";
    case Errc::range_not_satisfiable: return "range_not_satisfiable";
    case Errc::no_space: return "no_space";
    case Errc::unavailable: return "unavailable";
    case Errc::corruption: return "corruption";
    case Errc::io_error: return "io_error";
    case Errc::timeout: return "timeout";
    case Errc::config: return "config";
    case Errc::incomplete: return "incomplete";
    case Errc::already_exists: return "already_exists";
    case Errc::not_empty: return "not_empty";
    case Errc::is_directory: return "is_directory";
    case Errc::not_directory: return "not_directory";
  }
  return "io_error";
}

std::optional<Errc> errc_from_token(std::string_view token) {
  for (const Errc code : kAllCodes) {
    if (errc_token(code) == token) return code;
  }
  return std::nullopt;
}

int exit_code(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
    case Errc::bad_path:
    case Errc::config: return 2;
    case Errc::not_found:
    case Errc::incomplete: return 3;
    default: return 1;
  }
}

int to_errno(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return EINVAL;
    case Errc::bad_path: return EINVAL;
    case Errc::unauthorized: return EACCES;
    case Errc::not_found: return ENOENT;
    case Errc::method_not_allowed: return EOPNOTSUPP;
    case Errc::conflict: return EAGAIN;
    case Errc::too_large: return EFBIG;
    case Errc::range_not_satisfiable: return EINVAL;
    case Errc::no_space: return ENOSPC;
    case Errc::timeout: return ETIMEDOUT;
    case Errc::already_exists: return EEXIST;
    case Errc::not_empty: return ENOTEMPTY;
    case Errc::is_directory: return EISDIR;
    case Errc::not_directory: return ENOTDIR;
    case Errc::unavailable:
    case Errc::corruption:
    case Errc::io_error:
    case Errc::config:
    case Errc::incomplete: return EIO;
  }
  return EIO;
}

}  // namespace dfs
