#pragma once
// Internal to the FIB: entry layout and the state shared by the writer (table.cpp) and the
// readers (table_lookup.cpp). Not a public header.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <unordered_map>

#include "fib/arena.hpp"
#include "fib/name_hash.hpp"
#include "fib/table.hpp"

namespace dmsc::fib {

// One hash-table entry: a real prefix (group != nullptr) or, at start_depth only, a virtual
// placeholder that tells readers how deep the real prefixes below it go.
struct Entry {
  std::atomic<Entry*> next;                   // bucket chain
  std::atomic<const NextHopGroup*> group;     // nullptr: virtual
  std::uint64_t hash;
  std::uint8_t name_length;
  std::uint8_t depth;
  // At start_depth: the deepest real prefix below this one (an upper bound: it is raised on
  // insert and only lowered when the last descendant goes, so a reader may probe one depth
  // too many, never one too few).
  std::atomic<std::uint8_t> max_depth;
  std::uint8_t reserved;
  std::uint32_t generation;   // writer only
  std::uint32_t descendants;  // writer only: real prefixes below, at start_depth
  std::uint32_t reserved2;
  std::uint8_t name[];        // wire form, name_length octets

  bool is_real() const { return group.load(std::memory_order_acquire) != nullptr; }
  static std::size_t bytes_for(std::size_t name_length) { return sizeof(Entry) + name_length; }
  bool matches(std::uint64_t h, const std::uint8_t* bytes, std::size_t length) const {
    return hash == h && name_length == length && std::memcmp(name, bytes, length) == 0;
  }
};
static_assert(sizeof(Entry) == 40, "entry header is part of bytes_per_entry");
static_assert(offsetof(Entry, name) == 40);

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
  NameHashKey key;
  std::atomic<Entry*>* buckets = nullptr;
  std::size_t bucket_mask = 0;
  std::size_t bucket_bytes = 0;
  std::uint8_t start_depth = 2;
  std::atomic<const NextHopGroup*> root_group{nullptr};  // the default route "/"

  // Writer-only state.
  Arena arena;
  std::unordered_map<NextHopSet, NextHopGroup*, NextHopSetHasher> groups;
  std::size_t real_entries = 0;
  std::size_t virtual_entries = 0;
  std::uint32_t root_generation = 0;
  std::uint32_t writes_since_reclaim = 0;

  std::atomic<Entry*>& bucket(std::uint64_t hash) const { return buckets[hash & bucket_mask]; }

  // Reader-safe chain walk.
  const Entry* probe(std::uint64_t hash, const std::uint8_t* bytes, std::size_t length) const {
    for (const Entry* e = bucket(hash).load(std::memory_order_acquire); e != nullptr;
         e = e->next.load(std::memory_order_acquire))
      if (e->matches(hash, bytes, length)) return e;
    return nullptr;
  }
};

}  // namespace dmsc::fib
