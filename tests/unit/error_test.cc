// Pins common/error.h: each kind of failure maps once to an HTTP status, an exit code and an
// errno; errno values map back to the kinds callers decide on; context prefixes the message.
#include "common/error.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace dfs {
namespace {

const std::vector<Errc> kAllCodes = {
    Errc::invalid_argument, Errc::bad_path,    Errc::unauthorized, Errc::not_found,
    Errc::method_not_allowed, Errc::conflict,  Errc::too_large,    Errc::range_not_satisfiable,
    Errc::no_space,         Errc::unavailable, Errc::corruption,   Errc::io_error,
    Errc::timeout,          Errc::config,      Errc::incomplete,   Errc::already_exists,
    Errc::not_empty,        Errc::is_directory, Errc::not_directory,
};

// ---------------------------------------------------------------------------------------------
// HTTP statuses

TEST(ErrorHttp, EachDocumentedStatusRoundTrips) {
  for (const int status : {400, 401, 404, 405, 409, 413, 416, 503, 507}) {
    EXPECT_EQ(http_status(errc_from_http_status(status)), status) << status;
  }
}

TEST(ErrorHttp, StatusesMapToTheirCodes) {
  EXPECT_EQ(errc_from_http_status(400), Errc::invalid_argument);
  EXPECT_EQ(errc_from_http_status(401), Errc::unauthorized);
  EXPECT_EQ(errc_from_http_status(404), Errc::not_found);
  EXPECT_EQ(errc_from_http_status(405), Errc::method_not_allowed);
  EXPECT_EQ(errc_from_http_status(409), Errc::conflict);
  EXPECT_EQ(errc_from_http_status(413), Errc::too_large);
  EXPECT_EQ(errc_from_http_status(416), Errc::range_not_satisfiable);
  EXPECT_EQ(errc_from_http_status(503), Errc::unavailable);
  EXPECT_EQ(errc_from_http_status(507), Errc::no_space);
}

TEST(ErrorHttp, CodesMapToTheDocumentedStatuses) {
  EXPECT_EQ(http_status(Errc::invalid_argument), 400);
  EXPECT_EQ(http_status(Errc::bad_path), 400);
  EXPECT_EQ(http_status(Errc::unauthorized), 401);
  EXPECT_EQ(http_status(Errc::not_found), 404);
  EXPECT_EQ(http_status(Errc::method_not_allowed), 405);
  EXPECT_EQ(http_status(Errc::conflict), 409);
  EXPECT_EQ(http_status(Errc::too_large), 413);
  EXPECT_EQ(http_status(Errc::range_not_satisfiable), 416);
  EXPECT_EQ(http_status(Errc::no_space), 507);
  EXPECT_EQ(http_status(Errc::unavailable), 503);
}

TEST(ErrorHttp, CodesWithTheirOwnStatusRoundTrip) {
  for (const Errc code : {Errc::invalid_argument, Errc::unauthorized, Errc::not_found, Errc::method_not_allowed,
                          Errc::conflict, Errc::too_large, Errc::range_not_satisfiable, Errc::no_space,
                          Errc::unavailable}) {
    EXPECT_EQ(errc_from_http_status(http_status(code)), code) << errc_name(code);
  }
}

TEST(ErrorHttp, EveryCodeIsAnErrorStatus) {
  for (const Errc code : kAllCodes) {
    EXPECT_GE(http_status(code), 400) << errc_name(code);
    EXPECT_LE(http_status(code), 599) << errc_name(code);
  }
}

TEST(ErrorHttp, UnknownStatusIsAPlainOperationFailure) {
  for (const int status : {418, 500, 502, 599, 0, 200}) {
    EXPECT_EQ(exit_code(errc_from_http_status(status)), 1) << status;
  }
}

// ---------------------------------------------------------------------------------------------
// Exit codes

TEST(ErrorExitCode, UsageAndConfigAndPathErrorsExitWithTwo) {
  EXPECT_EQ(exit_code(Errc::config), 2);
  EXPECT_EQ(exit_code(Errc::bad_path), 2);
  EXPECT_EQ(exit_code(Errc::invalid_argument), 2);
}

TEST(ErrorExitCode, MissingOrIncompleteFilesExitWithThree) {
  EXPECT_EQ(exit_code(Errc::not_found), 3);
  EXPECT_EQ(exit_code(Errc::incomplete), 3);
}

TEST(ErrorExitCode, EveryOtherFailureExitsWithOne) {
  const std::set<Errc> special = {Errc::config, Errc::bad_path, Errc::invalid_argument, Errc::not_found,
                                  Errc::incomplete};
  for (const Errc code : kAllCodes) {
    if (special.count(code) != 0) continue;
    EXPECT_EQ(exit_code(code), 1) << errc_name(code);
  }
}

// ---------------------------------------------------------------------------------------------
// errno

TEST(ErrorErrno, CodesMapToTheErrnoFuseReports) {
  EXPECT_EQ(to_errno(Errc::no_space), ENOSPC);
  EXPECT_EQ(to_errno(Errc::not_found), ENOENT);
  EXPECT_EQ(to_errno(Errc::unauthorized), EACCES);
  EXPECT_EQ(to_errno(Errc::timeout), ETIMEDOUT);
  EXPECT_EQ(to_errno(Errc::too_large), EFBIG);
  EXPECT_EQ(to_errno(Errc::io_error), EIO);
  EXPECT_EQ(to_errno(Errc::already_exists), EEXIST);
  EXPECT_EQ(to_errno(Errc::not_empty), ENOTEMPTY);
  EXPECT_EQ(to_errno(Errc::is_directory), EISDIR);
  EXPECT_EQ(to_errno(Errc::not_directory), ENOTDIR);
}

TEST(ErrorErrno, EveryCodeMapsToAPositiveErrno) {
  for (const Errc code : kAllCodes) EXPECT_GT(to_errno(code), 0) << errc_name(code);
}

TEST(ErrorErrno, FromErrnoGivesTheCodesCallersDecideOn) {
  EXPECT_EQ(Error::from_errno(ENOSPC, "write").code(), Errc::no_space);
  EXPECT_EQ(Error::from_errno(ENOENT, "open").code(), Errc::not_found);
  EXPECT_EQ(Error::from_errno(ELOOP, "openat2").code(), Errc::bad_path);
  EXPECT_EQ(Error::from_errno(EXDEV, "openat2").code(), Errc::bad_path);
  EXPECT_EQ(Error::from_errno(EIO, "read").code(), Errc::io_error);
}

TEST(ErrorErrno, FromErrnoRoundTripsTheErrnoValuesWithTheirOwnCode) {
  for (const int e : {ENOSPC, ENOENT}) {
    EXPECT_EQ(to_errno(Error::from_errno(e, "op").code()), e) << std::strerror(e);
  }
}

TEST(ErrorErrno, FromErrnoMessageNamesTheOperationAndTheCause) {
  const Error error = Error::from_errno(ENOSPC, "write /srv/dfs/alice/a.txt");
  EXPECT_NE(error.message().find("write /srv/dfs/alice/a.txt"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find(std::strerror(ENOSPC)), std::string::npos) << error.message();
  EXPECT_EQ(error.message().rfind("write /srv/dfs/alice/a.txt", 0), 0u) << "the object comes first: "
                                                                        << error.message();
}

// ---------------------------------------------------------------------------------------------
// Messages and context

TEST(ErrorContext, WithContextPrefixesTheMessageAndKeepsTheCode) {
  const Error inner(Errc::not_found, "no such part");
  const Error outer = inner.with_context("server dfs2 (127.0.0.1:10002)");
  EXPECT_EQ(outer.message(), "server dfs2 (127.0.0.1:10002): no such part");
  EXPECT_EQ(outer.code(), Errc::not_found);
  EXPECT_EQ(inner.message(), "no such part") << "with_context returns a copy";
}

TEST(ErrorContext, ContextsNestOutermostFirst) {
  const Error error = Error(Errc::timeout, "timed out after 1 s").with_context("part 3").with_context("get a.txt");
  EXPECT_EQ(error.message(), "get a.txt: part 3: timed out after 1 s");
  EXPECT_EQ(error.code(), Errc::timeout);
}

TEST(ErrorNames, EveryCodeHasADistinctName) {
  std::set<std::string_view> names;
  for (const Errc code : kAllCodes) {
    EXPECT_FALSE(errc_name(code).empty());
    names.insert(errc_name(code));
  }
  EXPECT_EQ(names.size(), kAllCodes.size());
}

// ---------------------------------------------------------------------------------------------
// Result

TEST(ResultType, HoldsAValueOrAnError) {
  const Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(static_cast<bool>(good));
  EXPECT_EQ(*good, 42);
  EXPECT_EQ(good.value(), 42);

  const Result<int> bad = Error(Errc::conflict, "newer version committed");
  ASSERT_FALSE(bad.ok());
  EXPECT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(bad.error().code(), Errc::conflict);
  EXPECT_EQ(bad.error().message(), "newer version committed");
}

TEST(ResultType, MovesItsValueOut) {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(7);
  ASSERT_TRUE(result.ok());
  const std::unique_ptr<int> taken = std::move(result).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 7);
}

TEST(ResultType, ArrowReachesTheValue) {
  Result<std::string> result = std::string("abc");
  EXPECT_EQ(result->size(), 3u);
  result->push_back('d');
  EXPECT_EQ(*result, "abcd");
}

TEST(StatusType, DefaultIsOkAndAnErrorIsNot) {
  const Status ok;
  EXPECT_TRUE(ok.ok());
  const Status failed = Error(Errc::io_error, "disk on fire");
  EXPECT_FALSE(failed.ok());
  EXPECT_FALSE(static_cast<bool>(failed));
  EXPECT_EQ(failed.error().code(), Errc::io_error);
  EXPECT_EQ(failed.error().message(), "disk on fire");
}

}  // namespace
}  // namespace dfs
