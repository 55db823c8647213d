#pragma once
// Deterministic service-name workloads for the FIB tests and benchmarks.
//
// Prefixes look like a service mesh's: /<namespace>/<service>/<method>/..., with a small set
// of first components (16), a larger set of second components (1024) and random deeper ones,
// 2..8 components, about 40 octets of text on average. Lookup names extend a random prefix by
// 0..3 random components; a configurable share are misses (an unknown first component).

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "fib/name.hpp"

namespace dmsc::tools {

class NameGenerator {
 public:
  explicit NameGenerator(std::uint64_t seed, std::size_t first_level = 16,
                         std::size_t second_level = 1024)
      : random_(seed) {
    for (std::size_t i = 0; i < first_level; ++i) first_.push_back(random_word(3, 6));
    for (std::size_t i = 0; i < second_level; ++i) second_.push_back(random_word(4, 10));
  }

  // A prefix of min_depth..max_depth components.
  fib::Name prefix(std::size_t min_depth = 2, std::size_t max_depth = 8) {
    const std::size_t depth = std::uniform_int_distribution<std::size_t>(min_depth, max_depth)(random_);
    fib::Name name;
    for (std::size_t i = 0; i < depth; ++i) {
      std::string component;
      if (i == 0) component = pick(first_);
      else if (i == 1) component = pick(second_);
      else component = random_word(3, 9);
      (void)name.append(component);
    }
    return name;
  }

  // `base` extended by 0..max_extra random components (within the name limits).
  fib::Name extend(const fib::Name& base, std::size_t max_extra = 3) {
    fib::Name name = base;
    const std::size_t extra = std::uniform_int_distribution<std::size_t>(0, max_extra)(random_);
    for (std::size_t i = 0; i < extra; ++i) (void)name.append(random_word(3, 9));
    return name;
  }

  // A name no prefix of this generator matches ('_' never appears in generated words).
  fib::Name miss() {
    fib::Name name;
    std::string unknown = "_";
    unknown += random_word(3, 6);
    (void)name.append(unknown);
    (void)name.append(pick(second_));
    (void)name.append(random_word(3, 9));
    return name;
  }

  std::mt19937_64& random() { return random_; }

 private:
  std::string random_word(std::size_t min_length, std::size_t max_length) {
    const std::size_t length =
        std::uniform_int_distribution<std::size_t>(min_length, max_length)(random_);
    std::string word(length, 'a');
    for (char& c : word) c = static_cast<char>('a' + random_() % 26);
    return word;
  }
  const std::string& pick(const std::vector<std::string>& words) {
    return words[random_() % words.size()];
  }

  std::mt19937_64 random_;
  std::vector<std::string> first_;
  std::vector<std::string> second_;
};

}  // namespace dmsc::tools
