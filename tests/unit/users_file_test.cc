// Pins server/users_file.h: set_password writes a 0600 file of salted PBKDF2 hashes that load()
// reads back (an existing file keeps its mode), replaces one user without touching the others,
// user names are safe folder names, and every malformed line is reported with the file and line
// number.
#include "server/users_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/unit/temp_dir.h"

namespace dfs::server {
namespace {

using testing::read_file;
using testing::TempDir;
using testing::write_file;

constexpr std::uint32_t kFast = 1000;  // iterations: fast tests, same code path

// A well-formed line for `user` (any password), as set_password writes it.
std::string valid_line(const TempDir& dir, const std::string& user) {
  const auto file = dir / ("line-" + user);
  EXPECT_TRUE(UsersFile::set_password(file, user, "pw", kFast).ok());
  std::string text = read_file(file);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

TEST(UsersFile, SetPasswordCreatesTheFileWithMode0600) {
  TempDir dir;
  const auto file = dir / "users";
  ASSERT_TRUE(UsersFile::set_password(file, "alice", "s3cret", kFast).ok());
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST(UsersFile, SetPasswordKeepsTheModeOfAnExistingFile) {
  TempDir dir;
  const auto file = dir / "users";
  ASSERT_TRUE(UsersFile::set_password(file, "alice", "s3cret", kFast).ok());
  ASSERT_EQ(::chmod(file.c_str(), 0640), 0);
  ASSERT_TRUE(UsersFile::set_password(file, "bob", "other", kFast).ok());
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_uid, ::getuid());
}

TEST(UsersFile, SetPasswordWritesOnePbkdf2LinePerUser) {
  TempDir dir;
  const auto file = dir / "users";
  ASSERT_TRUE(UsersFile::set_password(file, "alice", "s3cret", kFast).ok());
  const std::string text = read_file(file);
  EXPECT_TRUE(text.starts_with("alice:pbkdf2-sha256:1000:")) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_EQ(text.find("s3cret"), std::string::npos) << "the password itself is stored";
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp")) << "the temp file was left behind";
}

TEST(UsersFile, LoadReadsBackWhatSetPasswordWrote) {
  TempDir dir;
  const auto file = dir / "users";
  ASSERT_TRUE(UsersFile::set_password(file, "alice", "s3cret", kFast).ok());
  const auto users = UsersFile::load(file);
  ASSERT_TRUE(users.ok()) << users.error().message();
  EXPECT_EQ(users->size(), 1u);
  const PasswordHash* alice = users->find("alice");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->iterations, kFast);
  EXPECT_EQ(alice->hash.size(), 32u);
  EXPECT_FALSE(alice->salt.empty());
  EXPECT_EQ(users->find("bob"), nullptr);
  EXPECT_EQ(users->find("alic"), nullptr);
}

TEST(UsersFile, RightPasswordMatchesAndWrongOnesDoNot) {
  TempDir dir;
  const auto file = dir / "users";
  ASSERT_TRUE(UsersFile::set_password(file, "alice", "correct horse", kFast).ok());
  const auto users = UsersFile::load(file);
  ASSERT_TRUE(users.ok()) << users.error().message();
  const PasswordHash* alice = users->find("alice");
  ASSERT_NE(alice, nullptr);
  EXPECT_TRUE(alice->matches("correct horse"));
  EXPECT_FALSE(alice->matches("correct horsE"));
  EXPECT_FALSE(alice->matches("correct horse "));
  EXPECT_FALSE(alice->matches("correct"));
  EXPECT_FALSE(alice->matches(""));
}

TEST(PasswordHash, SamePasswordGetsADifferentSaltAndHashEachTime) {
  const auto a = PasswordHash::create("same", kFast);
  const auto b = PasswordHash::create("same", kFast);
  EXPECT_NE(a.salt, b.salt);
  EXPECT_NE(a.hash, b.hash);
  EXPECT_TRUE(a.matches("same"));
  EXPECT_TRUE(b.matches("same"));
}

TEST(PasswordHash, IterationCountIsPartOfTheHash) {
  auto h = PasswordHash::create("pw", kFast);
  ASSERT_TRUE(h.matches("pw"));
  h.iterations = kFast + 1;
  EXPECT_FALSE(h.matches("pw"));
}

TEST(UsersFile, ReplacingAUserKeepsTheOthersUnchanged) {
  TempDir dir;
  const auto file = dir / "users";
  ASSERT_TRUE(UsersFile::set_password(file, "alice", "old", kFast).ok());
  ASSERT_TRUE(UsersFile::set_password(file, "bob", "bobpw", kFast).ok());
  ASSERT_TRUE(UsersFile::set_password(file, "carol", "carolpw", kFast).ok());
  const std::string before = read_file(file);
  const std::string bob_line = before.substr(before.find("bob:"), before.find('\n', before.find("bob:")) - before.find("bob:"));

  ASSERT_TRUE(UsersFile::set_password(file, "alice", "new", kFast).ok());
  const std::string after = read_file(file);
  EXPECT_NE(after.find(bob_line), std::string::npos) << "bob's line changed";
  const auto users = UsersFile::load(file);
  ASSERT_TRUE(users.ok()) << users.error().message();
  EXPECT_EQ(users->size(), 3u);
  ASSERT_NE(users->find("alice"), nullptr);
  EXPECT_TRUE(users->find("alice")->matches("new"));
  EXPECT_FALSE(users->find("alice")->matches("old"));
  ASSERT_NE(users->find("bob"), nullptr);
  EXPECT_TRUE(users->find("bob")->matches("bobpw"));
  ASSERT_NE(users->find("carol"), nullptr);
  EXPECT_TRUE(users->find("carol")->matches("carolpw"));
}

TEST(UsersFile, ReplacingAUserWhoseNameIsAPrefixOfAnotherKeepsTheOther) {
  TempDir dir;
  const auto file = dir / "users";
  ASSERT_TRUE(UsersFile::set_password(file, "al", "alpw", kFast).ok());
  ASSERT_TRUE(UsersFile::set_password(file, "alice", "alicepw", kFast).ok());
  ASSERT_TRUE(UsersFile::set_password(file, "al", "alpw2", kFast).ok());
  const auto users = UsersFile::load(file);
  ASSERT_TRUE(users.ok()) << users.error().message();
  EXPECT_EQ(users->size(), 2u);
  ASSERT_NE(users->find("alice"), nullptr);
  EXPECT_TRUE(users->find("alice")->matches("alicepw"));
  EXPECT_TRUE(users->find("al")->matches("alpw2"));
}

TEST(UsersFile, SetPasswordKeepsCommentLines) {
  TempDir dir;
  const auto file = dir / "users";
  write_file(file, "# operators of dfs1\n");
  ASSERT_TRUE(UsersFile::set_password(file, "alice", "pw", kFast).ok());
  EXPECT_TRUE(read_file(file).starts_with("# operators of dfs1\nalice:"));
  EXPECT_TRUE(UsersFile::load(file).ok());
}

TEST(UsersFile, SetPasswordRefusesBadNamesAndEmptyPasswordsWithoutWriting) {
  TempDir dir;
  const auto file = dir / "users";
  for (const char* user : {"", ".x", "a/b", "a:b"}) {
    const auto st = UsersFile::set_password(file, user, "pw", kFast);
    ASSERT_FALSE(st.ok()) << "'" << user << "'";
    EXPECT_EQ(st.error().code(), Errc::invalid_argument);
  }
  const auto st = UsersFile::set_password(file, "alice", "", kFast);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(UserName, AcceptsLettersDigitsDotUnderscoreDash) {
  for (const std::string& name : {std::string("alice"), std::string("a"), std::string("A.b_c-9"), std::string("9lives"),
                                  std::string("x."), std::string(64, 'n')}) {
    const auto st = check_user_name(name);
    EXPECT_TRUE(st.ok()) << "'" << name << "': " << (st ? "" : st.error().message());
  }
}

TEST(UserName, RejectsNamesThatAreNotSafeFolderNames) {
  for (const std::string& name : {std::string(""), std::string(".x"), std::string("."), std::string(".."),
                                  std::string("-x"), std::string("a/b"), std::string("a b"), std::string("a:b"),
                                  std::string("a\\b"), std::string("a\nb"), std::string("caf\xc3\xa9"),
                                  std::string("a\0b", 3), std::string(65, 'n')}) {
    const auto st = check_user_name(name);
    ASSERT_FALSE(st.ok()) << "'" << name << "' accepted";
    EXPECT_EQ(st.error().code(), Errc::invalid_argument);
  }
}

TEST(UsersFile, LoadSkipsCommentsAndBlankLines) {
  TempDir dir;
  const auto file = dir / "users";
  write_file(file, "# comment\n\n" + valid_line(dir, "alice") + "\n# another\n\n" + valid_line(dir, "bob") + "\n");
  const auto users = UsersFile::load(file);
  ASSERT_TRUE(users.ok()) << users.error().message();
  EXPECT_EQ(users->size(), 2u);
  ASSERT_NE(users->find("bob"), nullptr);
  EXPECT_TRUE(users->find("bob")->matches("pw"));
}

TEST(UsersFile, MissingFileIsAConfigErrorNamingTheFile) {
  TempDir dir;
  const auto file = dir / "no-such-users";
  const auto users = UsersFile::load(file);
  ASSERT_FALSE(users.ok());
  EXPECT_EQ(users.error().code(), Errc::config);
  EXPECT_NE(users.error().message().find(file.string()), std::string::npos) << users.error().message();
}

TEST(UsersFile, MalformedLinesAreReportedWithFileAndLineNumber) {
  TempDir dir;
  const std::string good = valid_line(dir, "alice");
  // Fields of the good line: name, scheme, iterations, salt, hash.
  const auto f = [&](int index) {
    std::size_t start = 0;
    for (int i = 0; i < index; ++i) start = good.find(':', start) + 1;
    return good.substr(start, good.find(':', start) - start);
  };
  const std::string salt = f(3);
  const std::string hash = f(4);
  const std::vector<std::string> bad_lines = {
      "alice",                                                         // no fields
      "alice:pbkdf2-sha256:1000:" + salt,                              // too few fields
      good + ":extra",                                                 // too many fields
      "alice:md5:1000:" + salt + ":" + hash,                           // unknown scheme
      "alice:pbkdf2-sha256:0:" + salt + ":" + hash,                    // zero iterations
      "alice:pbkdf2-sha256:many:" + salt + ":" + hash,                 // not a number
      "alice:pbkdf2-sha256:-5:" + salt + ":" + hash,                   // negative
      "alice:pbkdf2-sha256:1000::" + hash,                             // empty salt
      "alice:pbkdf2-sha256:1000:XYZ1:" + hash,                         // salt not hex
      "alice:pbkdf2-sha256:1000:" + salt + ":" + hash.substr(2),       // hash too short
      "alice:pbkdf2-sha256:1000:" + salt + ":" + hash + "00",          // hash too long
      "alice:pbkdf2-sha256:1000:" + salt + ":" + hash.substr(0, 63),   // odd hex length
      ".alice:pbkdf2-sha256:1000:" + salt + ":" + hash,                // bad user name
      "a b:pbkdf2-sha256:1000:" + salt + ":" + hash,                   // bad user name
  };
  for (const auto& bad : bad_lines) {
    const auto file = dir / "users";
    write_file(file, "# header\n" + valid_line(dir, "bob") + "\n" + bad + "\n");
    const auto users = UsersFile::load(file);
    ASSERT_FALSE(users.ok()) << "accepted: " << bad;
    EXPECT_EQ(users.error().code(), Errc::config) << bad;
    EXPECT_NE(users.error().message().find(file.string() + ":3:"), std::string::npos)
        << bad << " -> " << users.error().message();
  }
}

}  // namespace
}  // namespace dfs::server
