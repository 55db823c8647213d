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

inline constexpr std::size_t kHashBlock = 16;  // octets the chain consumes per multiply
inline constexpr std::size_t kMaxHashedBlocks = 255 / kHashBlock + 1;

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

// min(a, b) and max(a, b) without a branch: one compare and one cmov. Compilers turn some
// ternaries and min()s into branches, which miss when the operands vary from name to name;
// the arithmetic form (mask and xors) takes five instructions.
inline std::size_t branchless_min(std::size_t a, std::size_t b) {
#if defined(__x86_64__)
  asm("cmpq %1, %0\n\tcmovaq %1, %0" : "+r"(a) : "r"(b) : "cc");
  return a;
#else
  return a < b ? a : b;
#endif
}
inline std::size_t branchless_max(std::size_t a, std::size_t b) {
#if defined(__x86_64__)
  asm("cmpq %1, %0\n\tcmovbq %1, %0" : "+r"(a) : "r"(b) : "cc");
  return a;
#else
  return a < b ? b : a;
#endif
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
// The name is consumed as one stream of 16-octet blocks, two words each, chained through one
// multiply a block (wyhash's mum, the key in both factors):
//   S(0) = seed, S(j+1) = mum(S(j) ^ word(2j), a ^ word(2j+1)).
// The prefix ending at octet E hashes as mum(S(E/16) ^ L(E-16), b ^ E ^ L(E-8)), where L(x)
// is the 8 octets from x (for E < 16: from 0 and from E-8; for E < 8: load_tail). Those
// loads cover the octets after block E/16 (plus some before them, already in the chain:
// harmless, and no mask, no read past E). (S(E/16), the loaded octets, E) determine the
// prefix's octets, so distinct prefixes only collide through the keyed multiplies. No branch
// depends on component lengths (random in real names, they made branch predictors miss on
// every component).
//
// chain_states() writes S(0) .. S(blocks); prefix_hash_at() finalizes the prefix ending at
// `end` from S(end/16). Writer and readers must hash alike: both go through these two.
inline std::uint64_t chain_step(const NameHashKey& key, std::uint64_t state, const std::uint8_t* block) {
  return detail::mum(state ^ detail::load64(block), key.multiplier_a ^ detail::load64(block + 8));
}

inline void chain_states(const NameHashKey& key, const std::uint8_t* name, std::size_t blocks,
                         std::uint64_t* states) {
  std::uint64_t state = key.seed;
  states[0] = state;
  for (std::size_t j = 0; j < blocks; ++j) {
    state = chain_step(key, state, name + kHashBlock * j);
    states[j + 1] = state;
  }
}

inline std::uint64_t prefix_hash_at(const NameHashKey& key, const std::uint8_t* name, std::size_t end,
                                    const std::uint64_t* states) {
  std::uint64_t first, second;
  if (end >= 8) [[likely]] {
    // One code path for 8..255 (a branch on end >= 16 missed for about half the names):
    // below 16 the first word is the name's first 8 octets.
    first = detail::load64(name + (detail::branchless_max(end, 16) - 16));
    second = detail::load64(name + end - 8);
  } else {
    first = detail::load_tail(name, end);
    second = 0;
  }
  return detail::mum(states[end / kHashBlock] ^ first, key.multiplier_b ^ end ^ second);
}

// The per-name part of hashing: component boundaries and the chain state at every block.
// prefix_hash() then gives the hash of any prefix with one multiply, so a lookup hashes only
// the prefixes it probes.
struct NamePrefixHasher {
  const std::uint8_t* bytes;
  std::size_t components;
  // Room for every component a 255-octet buffer can frame, even malformed (empty components
  // take 1 octet), so the parse needs no bound check; only the first max_depth count. Unused
  // entries cost no cache lines.
  std::uint8_t ends[kMaxEncodedNameLength];
  std::uint64_t states[kMaxHashedBlocks];  // S(0) .. S(full blocks); only those are written

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
    chain_states(key, name, offset / kHashBlock, states);  // offset: the end of the last component
  }

  // The hash of the first `depth` components, 1 <= depth <= components.
  std::uint64_t prefix_hash(const NameHashKey& key, std::size_t depth) const {
    return prefix_hash_at(key, bytes, ends[depth - 1], states);
  }
};

}  // namespace dmsc::fib
