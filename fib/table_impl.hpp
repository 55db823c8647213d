#pragma once
// Internal to the FIB: bucket and entry layout, and the probe shared by the writer
// (table.cpp) and the readers (table_lookup.cpp). Not a public header.

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <unordered_map>

#include <immintrin.h>

#include "fib/arena.hpp"
#include "fib/name_hash.hpp"
#include "fib/table.hpp"

namespace dmsc::fib {

// One prefix and its next-hop group.
struct Entry {
  std::atomic<const NextHopGroup*> group;  // never nullptr while the entry is linked
  std::uint32_t generation;  // writer only
  std::uint8_t name_length;
  std::uint8_t depth;
  std::uint8_t name[];       // wire form, name_length octets

  static std::size_t bytes_for(std::size_t name_length) { return offsetof(Entry, name) + name_length; }
};
static_assert(offsetof(Entry, name) == 14, "entry header is part of bytes_per_entry");
static_assert(kMaxNameComponents <= 32, "depth masks have one bit per depth");

// Bit mask of depths 1..n (bit d-1 for depth d).
inline std::uint32_t depths_up_to(std::size_t n) {  // n <= 32
  return static_cast<std::uint32_t>((std::uint64_t{1} << n) - 1);
}
inline std::uint32_t depth_bit(std::size_t depth) { return 1u << (depth - 1); }
inline std::size_t deepest(std::uint32_t depths) { return 32 - std::countl_zero(depths); }  // depths != 0

// Compares two names of `length` octets (both buffers hold at least that many). Overlapping
// loads instead of a byte tail: no read outside either name, and for names of 16..64 octets
// (nearly all) no branch on the length, which varies from name to name.
inline bool same_name(const std::uint8_t* a, const std::uint8_t* b, std::size_t length) {
  const auto load = [](const std::uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
  if (length >= 16) {
    const std::size_t last = length - 16;
    __m128i differ = _mm_or_si128(_mm_xor_si128(load(a), load(b)), _mm_xor_si128(load(a + last), load(b + last)));
    // Without branches (a plain min() compiled to one that missed on names around 32 octets).
    const std::size_t second = detail::branchless_min(last, 16), third = detail::branchless_min(last, 32);
    differ = _mm_or_si128(differ, _mm_xor_si128(load(a + second), load(b + second)));
    differ = _mm_or_si128(differ, _mm_xor_si128(load(a + third), load(b + third)));
    for (std::size_t i = 48; i < last; i += 16)  // longer than 64 octets
      differ = _mm_or_si128(differ, _mm_xor_si128(load(a + i), load(b + i)));
    return _mm_testz_si128(differ, differ) != 0;
  }
  if (length >= 8)
    return ((detail::load64(a) ^ detail::load64(b)) |
            (detail::load64(a + length - 8) ^ detail::load64(b + length - 8))) == 0;
  return length == 0 || detail::load_tail(a, length) == detail::load_tail(b, length);
}

// A cache line: seven slots, each a tag (0 = empty) and an entry handle, kept in two arrays so
// that one pair of 16-octet compares tests all tags; and the number of entries whose home is
// this bucket or an earlier one but which live further on (linear probing): readers only
// continue to the next bucket while it is non-zero.
//
// Publication protocol (one writer, readers never wait). A slot is not one atomic word, so:
// - insert: build the entry, store the handle, then store the tag (both release). A reader
//   that sees the tag therefore sees that handle (or a later one) and the entry behind it.
// - erase: store tag 0 (release) and leave the handle. The entry is retired to QSBR, so its
//   memory stays valid until every reader that could have seen the tag passed a quiescent
//   state.
// - readers: load the tags (SIMD; on x86 aligned 4-octet lanes are single-copy atomic, and
//   loads are not reordered with older loads; the acquire fence keeps the compiler from
//   hoisting the handle load above them), then the handle of a matching slot.
// A reader may pair a tag with a newer handle when the slot was erased and reused meanwhile.
// That handle names a live, fully built entry (its tag was published after it), merely a
// different one: the name compare fails and the reader falls back to the full probe, which
// re-reads the bucket. A lookup concurrent with the erase of its own prefix may miss it, as it
// may with any atomic scheme. It never reads freed memory and never returns an entry whose
// name differs from the probed prefix.
struct alignas(64) Bucket {
  static constexpr std::size_t kSlots = 7;
  std::atomic<std::uint32_t> tags[kSlots];
  std::atomic<std::uint32_t> overflow;
  std::atomic<std::uint32_t> handles[kSlots];
  std::uint32_t used;  // writer only
};
static_assert(sizeof(Bucket) == 64);
static_assert(sizeof(std::atomic<std::uint32_t>) == 4 && std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(offsetof(Bucket, tags) == 0 && offsetof(Bucket, overflow) == 28 &&
              offsetof(Bucket, handles) == 32 && offsetof(Bucket, used) == 60,
              "match_tags() loads tags and overflow as two 16-octet lanes");

// Bit i set when slot i holds `tag` (never 0).
inline unsigned match_tags(const Bucket& bucket, std::uint32_t tag) {
  const __m128i wanted = _mm_set1_epi32(static_cast<int>(tag));
  const auto* lanes = reinterpret_cast<const __m128i*>(&bucket);
  const __m128i low = _mm_load_si128(lanes);
  const __m128i high = _mm_load_si128(lanes + 1);  // lane 3 is the overflow count
  std::atomic_thread_fence(std::memory_order_acquire);
  const unsigned mask =
      static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(low, wanted)))) |
      static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(high, wanted)))) << 4;
  return mask & 0x7f;
}

inline std::uint32_t tag_of(std::uint64_t hash) {
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  return tag == 0 ? 1 : tag;
}

// A blocked Bloom filter over every prefix in the table: a lookup asks it which of a name's
// prefixes may be in the table and probes the hash table only for those, deepest first.
//
// Blocked by the start of the name: a prefix of depth d sits in the 64-octet line chosen by
// the hash of its first min(d, kBlockDepth) components, as two bits chosen by its own hash.
// So every prefix of a name that is at least kBlockDepth deep is tested in one line, which
// the burst prefetches: a lookup reads one filter line (two when the table has prefixes
// shallower than kBlockDepth), not one per depth. This is NDN-DPDK's two-stage idea (a
// virtual entry at a start depth telling which depths exist below it) made exact per prefix
// instead of per depth, and moved out of the hash table into a few MB that stay in cache.
//
// A line holds the prefixes under one or a few start-depth prefixes. Absent prefixes test
// positive with probability about (bits set / 512)^2: a wasted bucket probe, never a wrong
// answer. Under a start-depth prefix with thousands of descendants its line fills up and
// tests positive for most depths: lookups under it then probe the depths present below it,
// deepest first, as the two-stage scheme always did: bounded by the depths, never by the
// name. (stats(true).fullest_filter_line shows how full the fullest line is.)
//
// The writer keeps a saturating count per bit (8 bits; a bit whose count reached 255 stays
// set: more false positives, never a false negative). It sets bits after publishing the
// entry and clears them after unpublishing it, so a reader never skips a linked entry.
struct PrefixFilter {
  static constexpr std::size_t kBlockDepth = 2;
  static constexpr std::size_t kLineBits = 512;

  std::atomic<std::uint64_t>* words = nullptr;  // line_count lines of 8 words
  std::uint8_t* counts = nullptr;               // writer only, one per bit
  std::size_t line_count = 0;
  std::size_t word_bytes = 0;
  std::size_t count_bytes = 0;

  // block_hash: the hash of the prefix's first min(depth, kBlockDepth) components. Its low
  // half picks the line (as it picks a bucket: independent of the bits, which come from the
  // high half of the prefix's own hash).
  std::size_t line_of(std::uint64_t block_hash) const {
    return static_cast<std::size_t>((block_hash & 0xffffffffu) * line_count >> 32);
  }
  const std::atomic<std::uint64_t>* line(std::uint64_t block_hash) const { return words + 8 * line_of(block_hash); }
  // The line a prefix of `depth` components with this hash tests in, given the line of the
  // name's block prefix (a prefix no deeper than the block depth is its own block prefix).
  const std::atomic<std::uint64_t>* line_for(std::size_t depth, const std::atomic<std::uint64_t>* block_line,
                                             std::uint64_t hash) const {
    if (depth < kBlockDepth) [[unlikely]]
      return line(hash);
    return block_line;
  }
  static unsigned first_bit(std::uint64_t hash) { return static_cast<unsigned>(hash >> 55); }
  static unsigned second_bit(std::uint64_t hash) { return static_cast<unsigned>(hash >> 46) & 511; }

  static bool test(const std::atomic<std::uint64_t>* line, std::uint64_t hash) {
    const unsigned a = first_bit(hash), b = second_bit(hash);
    return (line[a / 64].load(std::memory_order_acquire) >> (a % 64) &
            line[b / 64].load(std::memory_order_acquire) >> (b % 64) & 1) != 0;
  }
  void add(std::uint64_t block_hash, std::uint64_t hash) {
    const std::size_t base = line_of(block_hash) * kLineBits;
    add_bit(base + first_bit(hash));
    add_bit(base + second_bit(hash));
  }
  void remove(std::uint64_t block_hash, std::uint64_t hash) {
    const std::size_t base = line_of(block_hash) * kLineBits;
    remove_bit(base + first_bit(hash));
    remove_bit(base + second_bit(hash));
  }

 private:
  void add_bit(std::size_t bit) {
    if (counts[bit] == 255) return;
    if (counts[bit]++ == 0) {
      std::atomic<std::uint64_t>& word = words[bit / 64];
      word.store(word.load(std::memory_order_relaxed) | std::uint64_t{1} << (bit % 64), std::memory_order_release);
    }
  }
  void remove_bit(std::size_t bit) {
    if (counts[bit] == 255 || counts[bit] == 0) return;  // saturated (sticky), or a writer bug
    if (--counts[bit] == 0) {
      std::atomic<std::uint64_t>& word = words[bit / 64];
      word.store(word.load(std::memory_order_relaxed) & ~(std::uint64_t{1} << (bit % 64)), std::memory_order_release);
    }
  }
};

// Filter lines per prefix of capacity: 16 bits a prefix when prefixes spread evenly.
inline constexpr std::size_t kFilterBitsPerPrefix = 16;

struct NextHopSetHasher {
  std::size_t operator()(const NextHopSet& set) const {
    std::uint64_t h = set.count;
    for (std::size_t i = 0; i < set.count; ++i)
      h = detail::mum(h ^ (std::uint64_t{set.hops[i].face} << 32 | set.hops[i].weight),
                      0x9E3779B97F4A7C15ull);
    return h;
  }
};

struct Table::Impl {
  explicit Impl(Arena&& arena_) : arena(std::move(arena_)) {}

  NameHashKey key;
  Bucket* buckets = nullptr;
  std::size_t bucket_count = 0;
  std::size_t bucket_bytes = 0;
  PrefixFilter filter;
  // Bit d-1 set while the table holds prefixes of depth d: lookups hash no other depths.
  std::atomic<std::uint32_t> depths_present{0};
  std::atomic<const NextHopGroup*> root_group{nullptr};  // the default route "/"

  // Writer-only state.
  Arena arena;
  std::unordered_map<NextHopSet, NextHopGroup*, NextHopSetHasher> groups;
  std::size_t entries = 0;  // in the hash table (the default route is not)
  std::uint32_t prefixes_at_depth[kMaxNameComponents + 1] = {};
  std::uint32_t root_generation = 0;
  std::uint32_t writes_since_reclaim = 0;

  // The low half of the hash picks the bucket (multiply-shift: any bucket count), the high
  // half is the tag.
  std::size_t home_index(std::uint64_t hash) const {
    return static_cast<std::size_t>((hash & 0xffffffffu) * bucket_count >> 32);
  }
  std::size_t next_index(std::size_t index) const { return index + 1 == bucket_count ? 0 : index + 1; }
  const Bucket& home(std::uint64_t hash) const { return buckets[home_index(hash)]; }
  const Entry* entry_at(std::uint32_t handle) const {
    return static_cast<const Entry*>(arena.block(handle));
  }

  // Reader-safe exact-match probe.
  const Entry* probe(std::uint64_t hash, const std::uint8_t* bytes, std::size_t length) const {
    const std::uint32_t tag = tag_of(hash);
    std::size_t index = home_index(hash);
    while (true) {
      const Bucket& bucket = buckets[index];
      for (unsigned match = match_tags(bucket, tag); match != 0; match &= match - 1) {
        const Entry* e = entry_at(bucket.handles[std::countr_zero(match)].load(std::memory_order_acquire));
        if (e->name_length == length && same_name(e->name, bytes, length)) return e;
      }
      if (bucket.overflow.load(std::memory_order_acquire) == 0) return nullptr;
      index = next_index(index);
    }
  }
};

}  // namespace dmsc::fib
