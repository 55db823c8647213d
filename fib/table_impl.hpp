#pragma once
// Internal to the FIB: bucket and entry layout, and the probe shared by the writer
// (table.cpp) and the readers (table_lookup.cpp). Not a public header.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <unordered_map>

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
inline std::uint32_t depths_up_to(std::size_t n) { return n >= 32 ? ~0u : (1u << n) - 1; }
inline std::uint32_t depth_bit(std::size_t depth) { return 1u << (depth - 1); }

// Compares two names of `length` octets (both buffers hold at least that many).
inline bool same_name(const std::uint8_t* a, const std::uint8_t* b, std::size_t length) {
  if (length >= 8) {
    std::size_t i = 0;
    for (; i + 8 <= length; i += 8)
      if (detail::load64(a + i) != detail::load64(b + i)) return false;
    return i == length || detail::load64(a + length - 8) == detail::load64(b + length - 8);
  }
  return length == 0 || detail::load_tail(a, length) == detail::load_tail(b, length);
}

// A cache line: seven slots {tag:32 | entry handle:32}, 0 = empty, and the number of
// entries whose home is this bucket or an earlier one but which live further on (linear
// probing); readers only continue to the next bucket while it is non-zero.
struct alignas(64) Bucket {
  static constexpr std::size_t kSlots = 7;
  std::atomic<std::uint64_t> slots[kSlots];
  std::atomic<std::uint32_t> overflow;
  std::uint32_t used;  // writer only
};
static_assert(sizeof(Bucket) == 64);

inline std::uint32_t tag_of(std::uint64_t hash) {
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  return tag == 0 ? 1 : tag;
}

struct SlotRef {
  std::size_t bucket;
  std::size_t slot;
};

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
  const Entry* entry_at(std::uint64_t slot) const {
    return static_cast<const Entry*>(arena.block(static_cast<std::uint32_t>(slot)));
  }

  // Reader-safe exact-match probe.
  const Entry* probe(std::uint64_t hash, const std::uint8_t* bytes, std::size_t length) const {
    const std::uint32_t tag = tag_of(hash);
    std::size_t index = home_index(hash);
    while (true) {
      const Bucket& bucket = buckets[index];
      for (const auto& slot_word : bucket.slots) {
        const std::uint64_t slot = slot_word.load(std::memory_order_acquire);
        if ((slot >> 32) != tag) continue;
        const Entry* e = entry_at(slot);
        if (e->name_length == length && same_name(e->name, bytes, length)) return e;
      }
      if (bucket.overflow.load(std::memory_order_acquire) == 0) return nullptr;
      index = next_index(index);
    }
  }
};

}  // namespace dmsc::fib
