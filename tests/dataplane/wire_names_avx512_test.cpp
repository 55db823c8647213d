// The AVX-512 name check must give check_adjacent_names()'s verdict and component ends on every
// input: valid name pairs of every size around its limits (126 octets, 15 components), and the
// same pairs damaged one octet at a time.
#include "dataplane/wire_names_avx512.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace dmsc::wire {
namespace {

// A valid wire name of exactly `length` octets with components of 1..max_component octets.
std::vector<std::uint8_t> random_name(std::mt19937_64& random, std::size_t length, std::size_t max_component) {
  std::vector<std::uint8_t> name;
  while (name.size() < length) {
    const std::size_t rest = length - name.size();
    std::size_t component = rest - 1;  // the rest as one component
    if (rest > 2) component = std::min<std::size_t>(rest - 1, 1 + random() % max_component);
    if (rest - 1 - component == 1) component = rest - 1;  // never leave a 1-octet hole
    name.push_back(static_cast<std::uint8_t>(component));
    for (std::size_t i = 0; i < component; ++i) name.push_back(static_cast<std::uint8_t>('a' + random() % 26));
  }
  return name;
}

void expect_same_verdict(const std::vector<std::uint8_t>& names, std::size_t destination_length) {
  const std::size_t source_length = names.size() - destination_length;
  PacketHeader walked, permuted;
  const bool walk_ok = detail::check_adjacent_names(names.data(), destination_length, source_length, walked);
  const bool avx512_ok = detail::check_adjacent_names_avx512(names.data(), destination_length, source_length, permuted);
  ASSERT_EQ(walk_ok, avx512_ok) << "destination " << destination_length << " source " << source_length;
  if (!walk_ok) return;
  ASSERT_EQ(walked.destination_component_count, permuted.destination_component_count);
  ASSERT_EQ(0, std::memcmp(walked.destination_component_ends, permuted.destination_component_ends,
                           walked.destination_component_count));
}

TEST(WireNamesAvx512, AgreesWithTheWalk) {
  if (!names_avx512_supported()) GTEST_SKIP() << "this CPU has no AVX-512 VBMI";
  std::mt19937_64 random(7);
  std::size_t valid = 0;
  for (std::size_t round = 0; round < 200000; ++round) {
    const std::size_t destination_length = 1 + random() % 100;
    const std::size_t source_length = random() % 40;
    const std::size_t max_component = 1 + random() % 12;  // short components reach 15 and beyond
    std::vector<std::uint8_t> names = random_name(random, destination_length, max_component);
    const std::vector<std::uint8_t> source = random_name(random, source_length, max_component);
    names.insert(names.end(), source.begin(), source.end());
    expect_same_verdict(names, destination_length);
    PacketHeader header;
    valid += detail::check_adjacent_names(names.data(), destination_length, source_length, header);
    // One damaged octet: a length octet that overruns, stops short, or is zero.
    names[random() % names.size()] = static_cast<std::uint8_t>(random() % 64);
    expect_same_verdict(names, destination_length);
  }
  EXPECT_GT(valid, 150000u);  // most undamaged pairs are valid (some have > 32 components)
}

TEST(WireNamesAvx512, BoundaryCases) {
  if (!names_avx512_supported()) GTEST_SKIP() << "this CPU has no AVX-512 VBMI";
  // The root source name; pairs of 62-64 octets (one register or two) and of 126 and 127 (the
  // walk); 14-17 components.
  expect_same_verdict({3, 'a', 'b', 'c'}, 4);
  for (const std::size_t total : {62, 63, 64, 65, 126, 127}) {
    const std::size_t destination = total / 2, source = total - destination;
    std::vector<std::uint8_t> pair(total, 'x');  // two names of one component each
    pair[0] = static_cast<std::uint8_t>(destination - 1);
    pair[destination] = static_cast<std::uint8_t>(source - 1);
    expect_same_verdict(pair, destination);
    pair[destination] = static_cast<std::uint8_t>(source);  // the source overruns by one
    expect_same_verdict(pair, destination);
  }
  for (std::size_t components : {14, 15, 16, 17}) {
    std::vector<std::uint8_t> names;
    for (std::size_t i = 0; i < components; ++i) names.insert(names.end(), {1, 'a'});
    expect_same_verdict(names, names.size());
    expect_same_verdict(names, 2);
  }
  expect_same_verdict({0}, 1);        // an empty component
  expect_same_verdict({2, 'a'}, 2);   // overruns the destination
  expect_same_verdict({1, 'a', 5, 'b'}, 2);  // the source overruns
}

}  // namespace
}  // namespace dmsc::wire
