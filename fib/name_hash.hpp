#pragma once
// Keyed hashing of every prefix of a name in one pass.
//
// The state is chained through the name's wire octets (length octets included, so the
// framing is part of the input): the hash of a prefix depends on every octet before its end,
// in order. This is not an XOR of per-component hashes, whose collisions an attacker could
// construct by permuting components. Every step multiplies by table-secret
// constants (the wyhash "mum" mix), so without the key nobody can aim names at one bucket.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fib/name.hpp"

namespace dmsc::fib {

struct NameHashKey {
  std::uint64_t seed;
  std::uint64_t multiplier_a;  // odd
  std::uint64_t multiplier_b;  // odd
};

NameHashKey make_name_hash_key(std::uint64_t key);  // 0: random

inline constexpr std::size_t kMaxHashedWords = 255 / 8 + 1;

namespace detail {

inline std::uint64_t mum(std::uint64_t a, std::uint64_t b) {
  const __uint128_t product = static_cast<__uint128_t>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

inline std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline std::uint64_t load32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// 1..8 bytes read without touching memory outside [p, p+n). Injective for a given n.
// (Used to compare short names; hashing reads whole words.)
inline std::uint64_t load_tail(const std::uint8_t* p, std::size_t n) {
  if (n >= 4) return load32(p) | (load32(p + n - 4) << 32);
  return std::uint64_t{p[0]} | (std::uint64_t{p[n / 2]} << 8) | (std::uint64_t{p[n - 1]} << 16);
}

}  // namespace detail

// The hash of a prefix, from the name's octets and where the prefix ends.
//
// The name is consumed as one stream of 8-octet words, chained through one multiply each:
// S(0) = seed, S(j+1) = mum(S(j) ^ word(j), a). The prefix ending at octet E hashes as
// mum(S(E/8) ^ L(E), b ^ E), where L(E) is the 8 octets ending at E (the octets of word E/8
// that belong to the prefix, plus some before them, already in the chain: harmless, and it is
// one load with no mask and no read past E). Prefixes shorter than 8 octets use load_tail.
// (S(E/8), L(E), E) determines the prefix's octets, so distinct prefixes only collide through
// the keyed multiplies. No branch depends on component lengths (random in real names, they
// made branch predictors miss on every component).
//
// chain_states() writes S(0) .. S(words); prefix_hash_at() finalizes the prefix ending at
// `end` from S(end/8). Writer and readers must hash alike: both go through these two.
inline void chain_states(const NameHashKey& key, const std::uint8_t* name, std::size_t words,
                         std::uint64_t* states) {
  std::uint64_t state = key.seed;
  states[0] = state;
  for (std::size_t j = 0; j < words; ++j) {
    state = detail::mum(state ^ detail::load64(name + 8 * j), key.multiplier_a);
    states[j + 1] = state;
  }
}

inline std::uint64_t prefix_hash_at(const NameHashKey& key, const std::uint8_t* name, std::size_t end,
                                    const std::uint64_t* states) {
  const std::uint64_t last = end >= 8 ? detail::load64(name + end - 8) : detail::load_tail(name, end);
  return detail::mum(states[end / 8] ^ last, key.multiplier_b ^ end);
}

// The per-name part of hashing: component boundaries and the chain state at every word.
// prefix_hash() then gives the hash of any prefix with one multiply, so a lookup hashes only
// the prefixes it probes.
struct NamePrefixHasher {
  const std::uint8_t* bytes;
  std::size_t components;
  // Room for every component a 255-octet buffer can frame, even malformed (empty components
  // take 1 octet), so the parse needs no bound check; only the first max_depth count. Unused
  // entries cost no cache lines.
  std::uint8_t ends[kMaxEncodedNameLength];
  std::uint64_t states[kMaxHashedWords];  // S(0) .. S(full words); only those are written

  // Prepares the first max_depth components of the wire name [bytes, bytes+length)
  // (length <= kMaxEncodedNameLength). A malformed name is cut after its last whole component.
  void init(const NameHashKey& key, const std::uint8_t* name, std::size_t length,
            std::size_t max_depth = kMaxNameComponents) {
    bytes = name;
    std::size_t depth = 0;
    std::size_t offset = 0;
    while (offset < length) {
      offset += 1 + name[offset];
      ends[depth++] = static_cast<std::uint8_t>(offset);
    }
    if (offset > length) --depth;  // the last component overran the name
    if (depth > max_depth) depth = max_depth;
    components = depth;
    offset = depth == 0 ? 0 : ends[depth - 1];
    chain_states(key, name, offset / 8, states);  // offset: the end of the last component
  }

  // The hash of the first `depth` components, 1 <= depth <= components.
  std::uint64_t prefix_hash(const NameHashKey& key, std::size_t depth) const {
    return prefix_hash_at(key, bytes, ends[depth - 1], states);
  }
};

}  // namespace dmsc::fib
