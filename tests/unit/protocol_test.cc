// Pins common/protocol.h: LIST records survive a round trip for any legal name and any value,
// the parser is strict on what it knows and lenient on what it does not, and the attribute
// headers round trip with defaults and header-naming errors.
#include "common/protocol.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace dfs::protocol {
namespace {

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

const std::vector<EntryKind> kAllKinds = {EntryKind::file, EntryKind::dir, EntryKind::symlink,
                                          EntryKind::tombstone};

ListRecord sample_record() {
  ListRecord r;
  r.name = "report 2024=final.txt";
  r.committed = true;
  r.descriptor.part = 2;
  r.descriptor.parts = 4;
  r.descriptor.version = VersionId{0x17a2b3c4d5e6f789ULL, 0x0000beefU};
  r.descriptor.part_size = 12345;
  r.descriptor.checksum = 0x2d06800538d394c2ULL;
  r.descriptor.attributes = {EntryKind::file, 49380, 0640, 1000, 1001, 1700000000123456789LL};
  return r;
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string field; in >> field;) out.push_back(field);
  return out;
}

std::string join_fields(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : " ") + f;
  return out;
}

// The formatted sample record with the field for `key` removed or replaced by `key=value`.
std::string sample_line_with(std::string_view key, std::optional<std::string> value) {
  std::vector<std::string> fields;
  bool found = false;
  for (const auto& f : split_fields(format_list_record(sample_record()))) {
    if (f.substr(0, f.find('=')) == key) {
      found = true;
      if (value) fields.push_back(std::string(key) + "=" + *value);
    } else {
      fields.push_back(f);
    }
  }
  EXPECT_TRUE(found) << "the sample record has no field '" << key << "'";
  return join_fields(fields);
}

// The error message without the record it quotes, so that checks for a word in the reason are not
// satisfied by the quoted record itself (which contains every key).
std::string reason_of(const Error& error, std::string_view line) {
  std::string message = error.message();
  for (std::size_t length = line.size(); length >= 16; --length) {
    const auto at = message.find(line.substr(0, length));
    if (at != std::string::npos) {
      message.erase(at, length);
      break;
    }
  }
  return message;
}

ListRecord must_parse(std::string_view line) {
  auto r = parse_list_record(line);
  EXPECT_TRUE(r.ok()) << line << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : ListRecord();
}

// ---------------------------------------------------------------------------------------------
// Kinds

TEST(EntryKindText, EveryKindRoundTrips) {
  for (const EntryKind kind : kAllKinds) {
    EXPECT_EQ(parse_kind(kind_name(kind)), kind) << kind_name(kind);
  }
  EXPECT_EQ(kind_name(EntryKind::file), "file");
  EXPECT_EQ(kind_name(EntryKind::dir), "dir");
  EXPECT_EQ(kind_name(EntryKind::symlink), "symlink");
  EXPECT_EQ(kind_name(EntryKind::tombstone), "tombstone");
}

TEST(EntryKindText, RejectsUnknownSpellings) {
  for (const std::string_view text : {"", "File", "FILE", "directory", "link", "deleted", " file", "file "}) {
    EXPECT_FALSE(parse_kind(text).has_value()) << "'" << text << "'";
  }
}

// ---------------------------------------------------------------------------------------------
// LIST records: round trips

TEST(ListRecord, SampleRecordRoundTrips) {
  const ListRecord r = sample_record();
  EXPECT_EQ(must_parse(format_list_record(r)), r);
}

TEST(ListRecord, FormatIsOneLineOfSpaceSeparatedKeyValueFieldsInTheDocumentedOrder) {
  const std::string line = format_list_record(sample_record());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  std::vector<std::string> keys;
  for (const auto& f : split_fields(line)) {
    ASSERT_NE(f.find('='), std::string::npos) << f;
    keys.push_back(f.substr(0, f.find('=')));
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "kind", "part", "parts", "version", "committed", "size",
                                            "psize", "xxh3", "mode", "uid", "gid", "mtime"}));
}

TEST(ListRecord, FormatsKnownValuesAsTheSpecSays) {
  const std::string line = format_list_record(sample_record());
  EXPECT_EQ(line,
            "name=report%202024%3Dfinal.txt kind=file part=2 parts=4 version=17a2b3c4d5e6f789-0000beef "
            "committed=1 size=49380 psize=12345 xxh3=2d06800538d394c2 mode=640 uid=1000 gid=1001 "
            "mtime=1700000000123456789");
}

TEST(ListRecord, OddNamesRoundTripAsOneToken) {
  const std::vector<std::string> names = {
      "plain.txt", "my file.txt", "  two  spaces  ", "a=b", "=", "==x==", "100%", "50% off", "%",
      "naïve 日本語.txt", "emoji 😀", "a+b&c;d?e#f", ".hidden", "...", "x.dfs", std::string(255, 'n'),
      "\xff\x80 high bytes"};
  for (const auto& name : names) {
    ListRecord r = sample_record();
    r.name = name;
    const std::string line = format_list_record(r);
    EXPECT_EQ(split_fields(line).size(), 13u) << "the name must stay one token: " << line;
    EXPECT_EQ(must_parse(line), r) << name;
  }
}

TEST(ListRecord, EveryKindRoundTrips) {
  for (const EntryKind kind : kAllKinds) {
    ListRecord r = sample_record();
    r.descriptor.attributes.kind = kind;
    for (const bool committed : {false, true}) {
      r.committed = committed;
      EXPECT_EQ(must_parse(format_list_record(r)), r) << kind_name(kind) << " committed=" << committed;
    }
  }
}

TEST(ListRecord, ExtremeValuesRoundTrip) {
  ListRecord r = sample_record();
  r.descriptor.part = kMaxParts;
  r.descriptor.parts = kMaxParts;
  r.descriptor.version = VersionId{std::numeric_limits<std::uint64_t>::max(), kMaxU32};
  r.descriptor.part_size = kMaxU64;
  r.descriptor.checksum = kMaxU64;
  r.descriptor.attributes = {EntryKind::file, kMaxU64, 07777, kMaxU32, kMaxU32,
                             std::numeric_limits<std::int64_t>::max()};
  EXPECT_EQ(must_parse(format_list_record(r)), r);

  r.descriptor.part = 1;
  r.descriptor.parts = 1;
  r.descriptor.version = VersionId{0, 0};
  r.descriptor.part_size = 0;
  r.descriptor.checksum = 0;
  r.descriptor.attributes = {EntryKind::dir, 0, 0, 0, 0, std::numeric_limits<std::int64_t>::min()};
  EXPECT_EQ(must_parse(format_list_record(r)), r);
}

TEST(ListRecord, BigFileSizesRoundTrip) {
  for (const std::uint64_t size : std::vector<std::uint64_t>{0, 1, 4294967295ULL, 4294967296ULL, 10737418247ULL,
                                   1ULL << 53, (1ULL << 63) + 1, kMaxU64}) {
    ListRecord r = sample_record();
    r.descriptor.attributes.size = size;
    r.descriptor.part_size = size / 4 + 1;
    EXPECT_EQ(must_parse(format_list_record(r)), r) << size;
  }
}

TEST(ListRecord, RandomRecordsRoundTrip) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    ListRecord r;
    r.name = "f" + std::to_string(rng()) + (i % 2 ? " x=y%" : "");
    r.descriptor.parts = static_cast<int>(rng() % kMaxParts) + 1;
    r.descriptor.part = static_cast<int>(rng() % r.descriptor.parts) + 1;
    r.descriptor.version = VersionId{rng(), static_cast<std::uint32_t>(rng())};
    r.descriptor.part_size = rng() >> (rng() % 64);
    r.descriptor.checksum = rng();
    r.descriptor.attributes = {kAllKinds[rng() % 4],
                               rng() >> (rng() % 64),
                               static_cast<std::uint32_t>(rng() % 010000),
                               static_cast<std::uint32_t>(rng()),
                               static_cast<std::uint32_t>(rng()),
                               static_cast<std::int64_t>(rng())};
    r.committed = rng() % 2 == 1;
    ASSERT_EQ(must_parse(format_list_record(r)), r) << format_list_record(r);
  }
}

// ---------------------------------------------------------------------------------------------
// LIST records: leniency

TEST(ListRecord, FieldOrderDoesNotMatter) {
  const ListRecord r = sample_record();
  auto fields = split_fields(format_list_record(r));
  std::reverse(fields.begin(), fields.end());
  EXPECT_EQ(must_parse(join_fields(fields)), r);
  std::mt19937 rng(3);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(fields.begin(), fields.end(), rng);
    EXPECT_EQ(must_parse(join_fields(fields)), r) << join_fields(fields);
  }
}

TEST(ListRecord, IgnoresUnknownKeys) {
  const ListRecord r = sample_record();
  const std::string line = format_list_record(r);
  EXPECT_EQ(must_parse(line + " future=1"), r);
  EXPECT_EQ(must_parse("zz=whatever " + line + " empty= nlink=3"), r);
  EXPECT_EQ(must_parse(line + " xattr=%00%01%zz"), r) << "unknown values are not interpreted";
}

TEST(ListRecord, OptionalAttributesTakeDefaultsWhenAbsent) {
  std::string line = format_list_record(sample_record());
  for (const std::string_view key : {"mode", "uid", "gid", "mtime"}) {
    std::vector<std::string> kept;
    for (const auto& f : split_fields(line)) {
      if (f.substr(0, f.find('=')) != key) kept.push_back(f);
    }
    line = join_fields(kept);
  }
  const ListRecord parsed = must_parse(line);
  const EntryAttributes defaults;
  EXPECT_EQ(parsed.descriptor.attributes.mode, defaults.mode);
  EXPECT_EQ(parsed.descriptor.attributes.uid, defaults.uid);
  EXPECT_EQ(parsed.descriptor.attributes.gid, defaults.gid);
  EXPECT_EQ(parsed.descriptor.attributes.mtime_ns, defaults.mtime_ns);
  EXPECT_EQ(parsed.descriptor.attributes.size, sample_record().descriptor.attributes.size);
}

// ---------------------------------------------------------------------------------------------
// LIST records: rejections

TEST(ListRecord, RejectsEachMissingRequiredField) {
  for (const std::string_view key : {"name", "kind", "part", "parts", "version", "committed", "size", "psize",
                                     "xxh3"}) {
    const std::string line = sample_line_with(key, std::nullopt);
    const auto parsed = parse_list_record(line);
    EXPECT_FALSE(parsed.ok()) << "accepted a record without '" << key << "': " << line;
    if (!parsed.ok()) {
      EXPECT_NE(reason_of(parsed.error(), line).find("missing"), std::string::npos) << parsed.error().message();
    }
  }
}

TEST(ListRecord, RejectsEmptyAndFieldlessLines) {
  for (const std::string_view line : {"", " ", "garbage", "name"}) {
    EXPECT_FALSE(parse_list_record(line).ok()) << "'" << line << "'";
  }
}

struct BadField {
  std::string key;
  std::string value;
  std::string mentioned;  // the message must name what is wrong
};

TEST(ListRecord, RejectsMalformedValues) {
  const std::vector<BadField> cases = {
      {"version", "xyz", "version"},
      {"version", "17A2B3C4D5E6F789-0000BEEF", "version"},
      {"version", "17a2b3c4d5e6f789", "version"},
      {"version", "", "version"},
      {"xxh3", "2d06800538d394c", "checksum"},
      {"xxh3", "2d06800538d394c20", "checksum"},
      {"xxh3", "2d06800538d394cg", "checksum"},
      {"xxh3", "", "checksum"},
      {"kind", "directory", "kind"},
      {"kind", "", "kind"},
      {"part", "0", "part"},
      {"part", "65", "part"},
      {"part", "-1", "part"},
      {"part", "x", "part"},
      {"parts", "0", "part"},
      {"parts", "65", "part"},
      {"committed", "2", "committed"},
      {"committed", "true", "committed"},
      {"committed", "", "committed"},
      {"size", "-1", "size"},
      {"size", "18446744073709551616", "size"},
      {"size", "1.5", "size"},
      {"psize", "0x10", "size"},
      {"psize", "", "size"},
      {"mode", "10000", "mode"},
      {"mode", "8", "mode"},
      {"mode", "-1", "mode"},
      {"uid", "4294967296", "uid"},
      {"gid", "-5", "gid"},
      {"mtime", "soon", "mtime"},
      {"mtime", "9223372036854775808", "mtime"},
  };
  for (const auto& c : cases) {
    const std::string line = sample_line_with(c.key, c.value);
    const auto parsed = parse_list_record(line);
    ASSERT_FALSE(parsed.ok()) << "accepted " << c.key << "='" << c.value << "'";
    EXPECT_NE(reason_of(parsed.error(), line).find(c.mentioned), std::string::npos)
        << c.key << "='" << c.value << "' gave: " << parsed.error().message();
  }
}

TEST(ListRecord, RejectsPartLargerThanParts) {
  const std::string line = sample_line_with("part", "5");  // parts=4
  const auto parsed = parse_list_record(line);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(reason_of(parsed.error(), line).find("parts"), std::string::npos)
      << parsed.error().message();
  EXPECT_TRUE(parse_list_record(sample_line_with("part", "4")).ok());
}

TEST(ListRecord, RejectsNamesThatBreakThePathRules) {
  for (const std::string_view encoded : {"%2E%2E", "%2e%2e", "..", ".", "%2E", "", "%2F", "a%2Fb", "a/b", "%2Fetc",
                                         "%2Edfs", ".dfs", "%00", "a%00b", "%5C", "..%5C..%5Cetc", "a%0Ab",
                                         "%7F", "%252e", "%2525%32%65"}) {
    const std::string line = sample_line_with("name", std::string(encoded));
    const auto parsed = parse_list_record(line);
    EXPECT_FALSE(parsed.ok()) << "accepted name=" << encoded << " as '" << (parsed.ok() ? parsed->name : "") << "'";
    if (!parsed.ok()) {
      EXPECT_NE(reason_of(parsed.error(), line).find("name"), std::string::npos) << parsed.error().message();
    }
  }
}

TEST(ListRecord, RejectsMalformedPercentEncodingInTheName) {
  for (const std::string_view encoded : {"%", "%zz", "abc%4"}) {
    EXPECT_FALSE(parse_list_record(sample_line_with("name", std::string(encoded))).ok()) << encoded;
  }
}

TEST(ListRecord, RejectsANameOf256Bytes) {
  ListRecord r = sample_record();
  r.name = std::string(256, 'n');
  EXPECT_FALSE(parse_list_record(format_list_record(r)).ok());
}

// ---------------------------------------------------------------------------------------------
// Attribute headers

using HeaderMap = std::map<std::string, std::string, std::less<>>;

HeaderSetter setter_into(HeaderMap& headers) {
  return [&headers](std::string_view name, std::string value) { headers[std::string(name)] = std::move(value); };
}

HeaderGetter getter_from(const HeaderMap& headers) {
  return [&headers](std::string_view name) -> std::optional<std::string_view> {
    const auto it = headers.find(name);
    if (it == headers.end()) return std::nullopt;
    return std::string_view(it->second);
  };
}

HeaderMap required_headers() {
  return {{std::string(kKind), "file"}, {std::string(kSize), "100"}, {std::string(kParts), "4"}};
}

TEST(AttributeHeaders, RoundTripThroughAMap) {
  const std::vector<EntryAttributes> samples = {
      {},
      {EntryKind::file, 49380, 0640, 1000, 1001, 1700000000123456789LL},
      {EntryKind::dir, 0, 0755, 0, 0, 0},
      {EntryKind::symlink, 11, 0777, 5, 6, -1},
      {EntryKind::tombstone, 0, 0, kMaxU32, kMaxU32, std::numeric_limits<std::int64_t>::min()},
      {EntryKind::file, kMaxU64, 07777, 1, 2, std::numeric_limits<std::int64_t>::max()},
  };
  for (const auto& attributes : samples) {
    for (const int parts : {1, 4, kMaxParts}) {
      HeaderMap headers;
      write_attribute_headers(attributes, parts, setter_into(headers));
      int read_parts = -1;
      const auto read = read_attribute_headers(getter_from(headers), read_parts);
      ASSERT_TRUE(read.ok()) << read.error().message();
      EXPECT_EQ(*read, attributes);
      EXPECT_EQ(read_parts, parts);
    }
  }
}

TEST(AttributeHeaders, WritesExactlyTheSevenAttributeHeaders) {
  HeaderMap headers;
  write_attribute_headers({EntryKind::dir, 7, 0755, 1, 2, 3}, 4, setter_into(headers));
  EXPECT_EQ(headers.size(), 7u);
  EXPECT_EQ(headers[std::string(kKind)], "dir");
  EXPECT_EQ(headers[std::string(kSize)], "7");
  EXPECT_EQ(headers[std::string(kParts)], "4");
  EXPECT_EQ(headers[std::string(kUid)], "1");
  EXPECT_EQ(headers[std::string(kGid)], "2");
  EXPECT_EQ(headers[std::string(kMtime)], "3");
  // Mode travels as octal digits.
  EXPECT_EQ(std::stoul(headers[std::string(kMode)], nullptr, 8), 0755u);
}

TEST(AttributeHeaders, MissingOptionalHeadersTakeDefaults) {
  const HeaderMap headers = required_headers();
  int parts = 0;
  const auto read = read_attribute_headers(getter_from(headers), parts);
  ASSERT_TRUE(read.ok()) << read.error().message();
  const EntryAttributes defaults;
  EXPECT_EQ(read->kind, EntryKind::file);
  EXPECT_EQ(read->size, 100u);
  EXPECT_EQ(read->mode, defaults.mode);
  EXPECT_EQ(read->mode, 0644u);
  EXPECT_EQ(read->uid, 0u);
  EXPECT_EQ(read->gid, 0u);
  EXPECT_EQ(read->mtime_ns, 0);
  EXPECT_EQ(parts, 4);
}

TEST(AttributeHeaders, MissingRequiredHeaderIsAnErrorNamingIt) {
  for (const std::string_view name : {kKind, kSize, kParts}) {
    HeaderMap headers = required_headers();
    headers.erase(std::string(name));
    int parts = 0;
    const auto read = read_attribute_headers(getter_from(headers), parts);
    ASSERT_FALSE(read.ok()) << "accepted headers without " << name;
    EXPECT_EQ(read.error().code(), Errc::invalid_argument);
    EXPECT_NE(read.error().message().find(name), std::string::npos) << read.error().message();
    EXPECT_NE(read.error().message().find("missing"), std::string::npos) << read.error().message();
  }
}

TEST(AttributeHeaders, MalformedHeaderIsAnErrorNamingIt) {
  const std::vector<std::pair<std::string_view, std::string>> cases = {
      {kKind, "directory"}, {kKind, ""},        {kKind, "FILE"},
      {kSize, "-1"},        {kSize, "abc"},     {kSize, ""},
      {kSize, "1 "},        {kSize, "18446744073709551616"},
      {kParts, "0"},        {kParts, "65"},     {kParts, "-4"},
      {kParts, "four"},     {kParts, ""},
      {kMode, "10000"},     {kMode, "77777"},   {kMode, "8"},
      {kMode, "-1"},        {kMode, "0x1ff"},   {kMode, ""},
      {kUid, "4294967296"}, {kUid, "-1"},       {kUid, "root"},
      {kGid, "4294967296"}, {kGid, " 1"},
      {kMtime, "1.5"},      {kMtime, "9223372036854775808"}, {kMtime, "now"},
  };
  for (const auto& [name, value] : cases) {
    HeaderMap headers = required_headers();
    headers[std::string(name)] = value;
    int parts = 0;
    const auto read = read_attribute_headers(getter_from(headers), parts);
    ASSERT_FALSE(read.ok()) << "accepted " << name << ": '" << value << "'";
    EXPECT_EQ(read.error().code(), Errc::invalid_argument);
    EXPECT_NE(read.error().message().find(name), std::string::npos)
        << name << ": '" << value << "' gave: " << read.error().message();
  }
}

TEST(AttributeHeaders, AcceptsTheBoundaryValues) {
  HeaderMap headers = required_headers();
  headers[std::string(kMode)] = "7777";
  headers[std::string(kParts)] = "64";
  headers[std::string(kUid)] = "4294967295";
  headers[std::string(kMtime)] = "-5";
  int parts = 0;
  const auto read = read_attribute_headers(getter_from(headers), parts);
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(read->mode, 07777u);
  EXPECT_EQ(read->uid, kMaxU32);
  EXPECT_EQ(read->mtime_ns, -5);
  EXPECT_EQ(parts, 64);

  headers[std::string(kParts)] = "1";
  headers[std::string(kMode)] = "0";
  const auto read_one = read_attribute_headers(getter_from(headers), parts);
  ASSERT_TRUE(read_one.ok()) << read_one.error().message();
  EXPECT_EQ(read_one->mode, 0u);
  EXPECT_EQ(parts, 1);
}

// ---------------------------------------------------------------------------------------------
// parse_u64

TEST(ParseU64, AcceptsPlainDecimalUpToTheMaximum) {
  EXPECT_EQ(parse_u64("0"), std::optional<std::uint64_t>(0));
  EXPECT_EQ(parse_u64("1"), std::optional<std::uint64_t>(1));
  EXPECT_EQ(parse_u64("4096"), std::optional<std::uint64_t>(4096));
  EXPECT_EQ(parse_u64("18446744073709551615"), std::optional<std::uint64_t>(kMaxU64));
}

TEST(ParseU64, RejectsAnythingButAWholeUnsignedDecimal) {
  for (const std::string_view text : {"", "-1", "-0", "+1", " 1", "1 ", "1\n", "18446744073709551616",
                                      "99999999999999999999", "0x10", "1e3", "1.0", "1,000", "abc", "12a",
                                      "\xef\xbc\x91"}) {
    EXPECT_FALSE(parse_u64(text).has_value()) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace dfs::protocol
