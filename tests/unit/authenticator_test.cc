// Pins server/authenticator.h: HTTP Basic credentials are checked against a users file made by
// set_password; every failure is Errc::unauthorized; a rewritten users file takes effect without
// a restart (and drops passwords verified under the old file).
#include "server/authenticator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "server/users_file.h"
#include "tests/unit/temp_dir.h"

namespace dfs::server {
namespace {

using testing::TempDir;

constexpr std::uint32_t kFast = 1000;

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int k = 3; k >= 0; --k) out += kAlphabet[(v >> (6 * k)) & 63];
  }
  if (in.size() - i == 1) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (in.size() - i == 2) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string basic(std::string_view user, std::string_view password) {
  return "Basic " + base64(std::string(user) + ":" + std::string(password));
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(UsersFile::set_password(users_, "alice", "wonderland", kFast).ok());
    ASSERT_TRUE(UsersFile::set_password(users_, "bob", "builder", kFast).ok());
    auto opened = Authenticator::open(users_);
    ASSERT_TRUE(opened.ok()) << opened.error().message();
    auth_ = std::move(*opened);
  }

  void expect_unauthorized(std::string_view header) {
    const auto user = auth_->authenticate(header);
    ASSERT_FALSE(user.ok()) << "'" << header << "' authenticated as " << *user;
    EXPECT_EQ(user.error().code(), Errc::unauthorized) << "'" << header << "': " << user.error().message();
  }

  TempDir dir_;
  std::filesystem::path users_ = dir_ / "users";
  std::unique_ptr<Authenticator> auth_;
};

TEST(Base64Helper, EncodesTheRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST_F(AuthenticatorTest, ValidBasicCredentialsReturnTheUser) {
  const auto user = auth_->authenticate(basic("alice", "wonderland"));
  ASSERT_TRUE(user.ok()) << user.error().message();
  EXPECT_EQ(*user, "alice");
  const auto other = auth_->authenticate(basic("bob", "builder"));
  ASSERT_TRUE(other.ok()) << other.error().message();
  EXPECT_EQ(*other, "bob");
}

TEST_F(AuthenticatorTest, RepeatedValidCredentialsKeepWorking) {
  for (int i = 0; i < 3; ++i) {
    const auto user = auth_->authenticate(basic("alice", "wonderland"));
    ASSERT_TRUE(user.ok()) << "attempt " << i << ": " << user.error().message();
    EXPECT_EQ(*user, "alice");
  }
}

TEST_F(AuthenticatorTest, WrongPasswordIsUnauthorizedAndNamesTheUser) {
  const auto user = auth_->authenticate(basic("alice", "zebra42"));
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().code(), Errc::unauthorized);
  EXPECT_NE(user.error().message().find("'alice'"), std::string::npos) << user.error().message();
  EXPECT_EQ(user.error().message().find("zebra42"), std::string::npos)
      << "the message must not echo the password: " << user.error().message();
}

TEST_F(AuthenticatorTest, AnotherUsersPasswordIsUnauthorized) {
  expect_unauthorized(basic("alice", "builder"));
}

TEST_F(AuthenticatorTest, WrongPasswordAfterARightOneIsStillUnauthorized) {
  ASSERT_TRUE(auth_->authenticate(basic("alice", "wonderland")).ok());
  expect_unauthorized(basic("alice", "wonderlanD"));
  expect_unauthorized(basic("alice", ""));
}

TEST_F(AuthenticatorTest, UnknownUserIsUnauthorized) {
  expect_unauthorized(basic("mallory", "wonderland"));
}

TEST_F(AuthenticatorTest, MalformedHeadersAreUnauthorized) {
  expect_unauthorized("");
  expect_unauthorized("Bearer x");
  expect_unauthorized("Basic");
  expect_unauthorized("Basic ");
  expect_unauthorized("Basic !!!");
  expect_unauthorized("Basic !!!!");
  expect_unauthorized("Basic " + base64("alicewonderland"));  // no colon
  expect_unauthorized("Basic " + base64("alice:wonderland").substr(1));  // not a multiple of 4
  expect_unauthorized("Digest username=\"alice\"");
}

TEST_F(AuthenticatorTest, PasswordMayContainColons) {
  ASSERT_TRUE(UsersFile::set_password(users_, "carol", "a:b:c", kFast).ok());
  testing::set_mtime(users_, std::chrono::system_clock::time_point(std::chrono::seconds(1'500'000'000)));
  const auto user = auth_->authenticate(basic("carol", "a:b:c"));
  ASSERT_TRUE(user.ok()) << user.error().message();
  EXPECT_EQ(*user, "carol");
}

TEST_F(AuthenticatorTest, RewrittenUsersFileReplacesTheOldPassword) {
  // The old password is verified (and remembered) before the file changes.
  ASSERT_TRUE(auth_->authenticate(basic("alice", "wonderland")).ok());

  ASSERT_TRUE(UsersFile::set_password(users_, "alice", "looking-glass", kFast).ok());
  // Make the change visible whatever the file system's timestamp granularity.
  testing::set_mtime(users_, std::chrono::system_clock::time_point(std::chrono::seconds(1'600'000'000)));

  expect_unauthorized(basic("alice", "wonderland"));
  const auto user = auth_->authenticate(basic("alice", "looking-glass"));
  ASSERT_TRUE(user.ok()) << user.error().message();
  EXPECT_EQ(*user, "alice");
  const auto bob = auth_->authenticate(basic("bob", "builder"));
  EXPECT_TRUE(bob.ok()) << "bob was not touched";
}

TEST_F(AuthenticatorTest, UserAddedToTheFileIsAcceptedWithoutRestart) {
  expect_unauthorized(basic("dave", "pw"));
  ASSERT_TRUE(UsersFile::set_password(users_, "dave", "pw", kFast).ok());
  testing::set_mtime(users_, std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)));
  const auto user = auth_->authenticate(basic("dave", "pw"));
  ASSERT_TRUE(user.ok()) << user.error().message();
  EXPECT_EQ(*user, "dave");
}

TEST(AuthenticatorOpen, MissingUsersFileIsAnError) {
  TempDir dir;
  const auto opened = Authenticator::open(dir / "no-users");
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message().find("no-users"), std::string::npos) << opened.error().message();
}

TEST(AuthenticatorOpen, MalformedUsersFileIsAConfigError) {
  TempDir dir;
  testing::write_file(dir / "users", "alice:not-a-hash\n");
  const auto opened = Authenticator::open(dir / "users");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code(), Errc::config);
}

}  // namespace
}  // namespace dfs::server
