// Pins common/percent_encoding.h: every byte survives encode/decode, only the unreserved set is
// left alone, malformed escapes are errors, and decoding is done exactly once.
#include "common/percent_encoding.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace dfs {
namespace {

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string must_decode(std::string_view encoded) {
  auto decoded = percent_decode(encoded);
  EXPECT_TRUE(decoded.ok()) << encoded << ": " << (decoded.ok() ? "" : decoded.error().message());
  return decoded.ok() ? *decoded : std::string();
}

TEST(PercentEncoding, EveryByteValueRoundTripsAlone) {
  for (int b = 0; b < 256; ++b) {
    const std::string raw(1, static_cast<char>(b));
    for (const bool keep_slash : {false, true}) {
      const std::string encoded = percent_encode(raw, keep_slash);
      const auto decoded = percent_decode(encoded);
      ASSERT_TRUE(decoded.ok()) << "byte " << b << " -> " << encoded;
      EXPECT_EQ(*decoded, raw) << "byte " << b;
    }
  }
}

TEST(PercentEncoding, AllByteValuesRoundTripInOneString) {
  std::string raw;
  for (int b = 255; b >= 0; --b) raw += static_cast<char>(b);
  raw += raw;
  EXPECT_EQ(must_decode(percent_encode(raw)), raw);
  EXPECT_EQ(must_decode(percent_encode(raw, true)), raw);
}

TEST(PercentEncoding, LeavesOnlyUnreservedBytesUnencoded) {
  for (int b = 0; b < 256; ++b) {
    const auto c = static_cast<unsigned char>(b);
    const std::string encoded = percent_encode(std::string(1, static_cast<char>(b)));
    if (is_unreserved(c)) {
      EXPECT_EQ(encoded, std::string(1, static_cast<char>(b))) << "byte " << b;
    } else {
      ASSERT_EQ(encoded.size(), 3u) << "byte " << b;
      EXPECT_EQ(encoded[0], '%') << "byte " << b;
      EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(encoded[1])) &&
                  std::isxdigit(static_cast<unsigned char>(encoded[2])))
          << "byte " << b << " -> " << encoded;
    }
  }
}

TEST(PercentEncoding, EncodedTextHasNoSpacesEqualsOrSlashes) {
  // LIST records rely on this: an encoded name is one token of one key=value field.
  const std::string encoded = percent_encode("a b=c/d%e\n\tf+g&h?i#j");
  EXPECT_EQ(encoded.find_first_of(" =/\n\t+&?#"), std::string::npos) << encoded;
}

TEST(PercentEncoding, UsesUppercaseHexAsRfc3986Recommends) {
  EXPECT_EQ(percent_encode("a b"), "a%20b");
  EXPECT_EQ(percent_encode("/"), "%2F");
  EXPECT_EQ(percent_encode("\xff"), "%FF");
  EXPECT_EQ(percent_encode("100%"), "100%25");
  EXPECT_EQ(percent_encode("naïve"), "na%C3%AFve");
}

TEST(PercentEncoding, KeepSlashLeavesSlashesAndStillEncodesTheRest) {
  EXPECT_EQ(percent_encode("dir/my file.txt", true), "dir/my%20file.txt");
  EXPECT_EQ(percent_encode("dir/my file.txt", false), "dir%2Fmy%20file.txt");
  EXPECT_EQ(percent_encode("/a//b/", true), "/a//b/");
  EXPECT_EQ(percent_encode("a\\b", true), "a%5Cb");  // a backslash is not a slash
}

TEST(PercentEncoding, UnreservedTextIsUnchanged) {
  const std::string text = "ABCXYZabcxyz0189-._~";
  EXPECT_EQ(percent_encode(text), text);
  EXPECT_EQ(must_decode(text), text);
  EXPECT_EQ(percent_encode(""), "");
  EXPECT_EQ(must_decode(""), "");
}

TEST(PercentDecoding, AcceptsBothHexCases) {
  EXPECT_EQ(must_decode("%2f"), "/");
  EXPECT_EQ(must_decode("%2F"), "/");
  EXPECT_EQ(must_decode("%c3%A9"), "\xc3\xa9");
  EXPECT_EQ(must_decode("%00"), std::string("\0", 1));
}

TEST(PercentDecoding, LeavesPlusAndOtherBytesAlone) {
  // '+' means space only in HTML forms; in paths it is a plus.
  EXPECT_EQ(must_decode("a+b"), "a+b");
  EXPECT_EQ(must_decode("a b=c"), "a b=c");
  EXPECT_EQ(must_decode("naïve"), "naïve");
}

TEST(PercentDecoding, DecodesExactlyOnce) {
  EXPECT_EQ(must_decode("%252e"), "%2e");
  EXPECT_EQ(must_decode("%252E%252E%252F"), "%2E%2E%2F");
  EXPECT_EQ(must_decode("%25"), "%");
  EXPECT_EQ(must_decode("%2525"), "%25");
  EXPECT_EQ(must_decode("%2e%2e"), "..");
}

TEST(PercentDecoding, EncodingTwiceNeedsDecodingTwice) {
  const std::string raw = "a b/c";
  const std::string twice = percent_encode(percent_encode(raw));
  EXPECT_EQ(must_decode(twice), percent_encode(raw));
  EXPECT_EQ(must_decode(must_decode(twice)), raw);
}

TEST(PercentDecoding, RejectsMalformedEscapes) {
  for (const std::string_view bad : {"%", "%4", "%zz", "%g0", "%0g", "abc%", "abc%4", "%%", "%%41", "% 20",
                                     "%-1", "%+1", "%4 ", "a%2", "%x41", "ok%2fthen%"}) {
    const auto decoded = percent_decode(bad);
    EXPECT_FALSE(decoded.ok()) << "'" << bad << "' decoded to '" << (decoded.ok() ? *decoded : "") << "'";
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.error().code(), Errc::invalid_argument) << bad;
    }
  }
}

TEST(PercentDecoding, ErrorNamesTheBytePosition) {
  const auto decoded = percent_decode("abc%zz");
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message().find("3"), std::string::npos) << decoded.error().message();
}

}  // namespace
}  // namespace dfs
