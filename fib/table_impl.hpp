#pragma once
// Internal to the FIB: bucket and entry layout, and the probe shared by the writer
// (table.cpp) and the readers (table_lookup.cpp). Not a public header.

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

// One prefix: real (group != nullptr) or, at start_depth only, a virtual placeholder that
// tells readers how deep the real prefixes below it go.
struct Entry {
  std::atomic<const NextHopGroup*> group;  // nullptr: virtual
  // At start_depth: bit d-1 set when real prefixes of depth d may exist below this entry. Bits
  // are set on insert and cleared only when the last descendant goes, so a reader may probe
  // a depth in vain, never skip one that holds a prefix.
  std::atomic<std::uint32_t> descendant_depths;
  std::uint32_t generation;   // writer only
  std::uint32_t descendants;  // writer only: real prefixes below, at start_depth
  std::uint8_t name_length;
  std::uint8_t depth;
  std::uint8_t name[];        // wire form, name_length octets

  static std::size_t bytes_for(std::size_t name_length) { return offsetof(Entry, name) + name_length; }
};
static_assert(offsetof(Entry, name) == 22, "entry header is part of bytes_per_entry");
static_assert(kMaxNameComponents <= 32, "descendant_depths has one bit per depth");

// Bit mask of depths 1..n (bit d-1 for depth d).
inline std::uint32_t depths_up_to(std::size_t n) {  // n <= 32
  return static_cast<std::uint32_t>((std::uint64_t{1} << n) - 1);
}
inline std::uint32_t depth_bit(std::size_t depth) { return 1u << (depth - 1); }

// Compares two names of `length` octets (both buffers hold at least that many). Overlapping
// loads instead of a byte tail: no read outside either name, few branches.
inline bool same_name(const std::uint8_t* a, const std::uint8_t* b, std::size_t length) {
  if (length >= 16) {
    __m128i differ = _mm_setzero_si128();
    for (std::size_t i = 0; i + 16 < length; i += 16)
      differ = _mm_or_si128(differ, _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)),
                                                  _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i))));
    differ = _mm_or_si128(
        differ, _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + length - 16)),
                              _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + length - 16))));
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
  std::uint8_t start_depth = 2;
  std::atomic<const NextHopGroup*> root_group{nullptr};  // the default route "/"

  // Writer-only state.
  Arena arena;
  std::unordered_map<NextHopSet, NextHopGroup*, NextHopSetHasher> groups;
  std::size_t real_entries = 0;
  std::size_t virtual_entries = 0;
  std::size_t slot_limit = 0;  // entries (real + virtual) allowed: keeps probe runs short
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
