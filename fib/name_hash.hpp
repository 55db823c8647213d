#pragma once
// Keyed hashing of every prefix of a name in one pass.
//
// The state is chained through the components: the hash of prefix i is a function of the
// hash of prefix i-1 and the wire bytes of component i (length octet included, so the framing
// is part of the input). This is not an XOR of per-component hashes, whose collisions an
// attacker could construct by permuting components. Every step multiplies by table-secret
// constants (the wyhash "mum" mix), so without the key nobody can aim names at one bucket.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace dmsc::fib {

struct NameHashKey {
  std::uint64_t seed;
  std::uint64_t multiplier_a;  // odd
  std::uint64_t multiplier_b;  // odd
};

NameHashKey make_name_hash_key(std::uint64_t key);  // 0: random

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
inline std::uint64_t load_tail(const std::uint8_t* p, std::size_t n) {
  if (n >= 4) return load32(p) | (load32(p + n - 4) << 32);
  return std::uint64_t{p[0]} | (std::uint64_t{p[n / 2]} << 8) | (std::uint64_t{p[n - 1]} << 16);
}

}  // namespace detail

// Hashes every prefix of the valid wire name [bytes, bytes+length): hashes[i] and ends[i]
// describe the first i+1 components. Stops after max_depth components. Returns the count.
inline std::size_t hash_name_prefixes(const NameHashKey& key, const std::uint8_t* bytes,
                                      std::size_t length, std::size_t max_depth,
                                      std::uint64_t* hashes, std::uint8_t* ends) {
  std::uint64_t state = key.seed;
  std::size_t offset = 0;
  std::size_t depth = 0;
  while (offset < length && depth < max_depth) {
    const std::size_t component_bytes = std::size_t{bytes[offset]} + 1;
    if (component_bytes > length - offset) break;  // malformed: stop at the last whole component
    const std::uint8_t* p = bytes + offset;
    std::size_t remaining = component_bytes;
    while (remaining > 8) {
      state = detail::mum(state ^ detail::load64(p), key.multiplier_a);
      p += 8;
      remaining -= 8;
    }
    state = detail::mum(state ^ detail::load_tail(p, remaining), key.multiplier_b ^ (remaining << 1));
    offset += component_bytes;
    hashes[depth] = state;
    ends[depth] = static_cast<std::uint8_t>(offset);
    ++depth;
  }
  return depth;
}

}  // namespace dmsc::fib
