#include "fib/name.hpp"

#include <gtest/gtest.h>

namespace dmsc::fib {
namespace {

TEST(Name, ParsesAndFormatsCanonically) {
  auto name = Name::parse("/svc/payments/charge");
  ASSERT_TRUE(name.ok()) << name.error();
  EXPECT_EQ(name->component_count(), 3u);
  EXPECT_EQ(name->component(1), "payments");
  EXPECT_EQ(name->to_string(), "/svc/payments/charge");
  const std::uint8_t wire[] = {3, 's', 'v', 'c', 8, 'p', 'a', 'y', 'm', 'e', 'n', 't', 's',
                               6, 'c', 'h', 'a', 'r', 'g', 'e'};
  ASSERT_EQ(name->wire().size(), sizeof(wire));
  EXPECT_TRUE(std::equal(name->wire().begin(), name->wire().end(), wire));
}

TEST(Name, RootIsTheEmptyName) {
  auto root = Name::parse("/");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->is_root());
  EXPECT_EQ(root->to_string(), "/");
  EXPECT_TRUE(root->is_prefix_of(*Name::parse("/a")));
}

TEST(Name, PercentEscapesHaveOneCanonicalForm) {
  auto name = Name::parse("/a%2fb/%00%ff/x y%41");
  ASSERT_FALSE(name.ok());  // the space must be escaped
  name = Name::parse("/a%2fb/%00%ff/%7e%41");
  ASSERT_TRUE(name.ok()) << name.error();
  EXPECT_EQ(name->component(0), std::string_view("a/b"));
  EXPECT_EQ(name->component(1), std::string_view("\x00\xff", 2));
  // '~' is unreserved: written bare; hex is upper case.
  EXPECT_EQ(name->to_string(), "/a%2Fb/%00%FF/~A");
  auto again = Name::parse(name->to_string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *name);
}

TEST(Name, ErrorsSayWhatIsWrong) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"", "starts with '/'"},
      {"svc", "starts with '/'"},
      {"/svc//x", "empty component"},
      {"/svc/", "trailing '/'"},
      {"/a%4", "two hex digits"},
      {"/a%zz", "two hex digits"},
      {"/a\tb", "%XX"},
  };
  for (const Case& c : cases) {
    auto name = Name::parse(c.text);
    ASSERT_FALSE(name.ok()) << c.text;
    EXPECT_NE(name.error().find(c.says), std::string::npos) << c.text << ": " << name.error();
  }
}

TEST(Name, LimitsAreEnforced) {
  std::string long_component = "/" + std::string(kMaxComponentLength, 'x');
  EXPECT_TRUE(Name::parse(long_component).ok());
  EXPECT_FALSE(Name::parse(long_component + "x").ok());
  std::string deep;
  for (std::size_t i = 0; i < kMaxNameComponents; ++i) deep += "/c";
  EXPECT_TRUE(Name::parse(deep).ok());
  auto too_deep = Name::parse(deep + "/c");
  ASSERT_FALSE(too_deep.ok());
  EXPECT_NE(too_deep.error().find("components"), std::string::npos);
  std::string long_name;
  for (int i = 0; i < 20; ++i) long_name.append("/").append(12, 'n');  // 20 * 13 = 260 octets
  auto too_long = Name::parse(long_name);
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().find("255 octets"), std::string::npos);
}

TEST(Name, WireCheckNamesEveryMalformation) {
  const std::uint8_t empty_component[] = {1, 'a', 0};
  const std::uint8_t overrun[] = {1, 'a', 5, 'b'};
  std::size_t count = 0;
  EXPECT_EQ(check_wire_name(empty_component, sizeof(empty_component), nullptr, &count),
            NameError::kEmptyComponent);
  EXPECT_EQ(check_wire_name(overrun, sizeof(overrun), nullptr, &count),
            NameError::kComponentOverrun);
  std::vector<std::uint8_t> deep;
  for (std::size_t i = 0; i <= kMaxNameComponents; ++i) deep.insert(deep.end(), {1, 'c'});
  EXPECT_EQ(check_wire_name(deep.data(), deep.size(), nullptr, &count),
            NameError::kTooManyComponents);
  std::vector<std::uint8_t> huge(300, 1);
  EXPECT_EQ(check_wire_name(huge.data(), huge.size(), nullptr, &count), NameError::kTooLong);
  std::uint8_t ends[kMaxNameComponents];
  const std::uint8_t good[] = {1, 'a', 2, 'b', 'c'};
  EXPECT_EQ(check_wire_name(good, sizeof(good), ends, &count), NameError::kNone);
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(ends[0], 2);
  EXPECT_EQ(ends[1], 5);
  EXPECT_FALSE(Name::from_wire(overrun).ok());
}

TEST(Name, PrefixRelations) {
  auto name = *Name::parse("/svc/payments/charge");
  EXPECT_EQ(name.prefix(2).to_string(), "/svc/payments");
  EXPECT_TRUE(name.prefix(2).is_prefix_of(name));
  EXPECT_FALSE(Name::parse("/svc/pay")->is_prefix_of(name));
  EXPECT_FALSE(name.is_prefix_of(name.prefix(2)));
  Name built;
  ASSERT_TRUE(built.append("svc").ok());
  EXPECT_EQ(built, name.prefix(1));
  EXPECT_FALSE(built.append("").ok());
}

}  // namespace
}  // namespace dmsc::fib
