// The FIB readers: longest name-prefix match, one name or a burst. See fib/README.md.
//
// Probe order for a name of n components, start depth S (NDN-DPDK's two-stage scheme, with
// a bitmap of descendant depths instead of only the deepest one):
//   1. probe depth min(n, S);
//   2. if that entry exists and has real prefixes below it at depths in (S, n], probe those
//      depths, deepest first; the first real entry found is the answer;
//   3. else the entry itself if it is real; else probe S-1 down to 1; else the default route.
// The number of probes is bounded by the depths present below one start-depth prefix, not by
// the length of the name: a 32-component name costs no more than a short one.
#include <bit>

#include "fib/table_impl.hpp"

namespace dmsc::fib {

namespace {

// One name's lookup, advanced one memory access at a time so that a burst overlaps the cache
// misses of all its names: each step consumes the bucket or entry requested by the previous
// one and requests the next.
struct Lookup {
  NamePrefixHasher hasher;
  const Entry* candidate;         // compare: the entry whose tag matched, prefetched
  const NextHopGroup* fallback;   // the anchor's group: the answer when no deeper probe hits
  std::uint64_t hash;             // of the prefix being probed
  const Bucket* bucket;           // its home bucket, prefetched
  std::uint32_t pending;          // depths still to probe after this one
  std::uint8_t depth;             // the depth being probed
  bool compare;                   // the candidate entry is in flight (else the bucket)
  bool at_anchor;                 // probing the start depth
};

inline bool finish(const Table::Impl& impl, const Lookup& lookup, LookupResult& result) {
  result = lookup.fallback != nullptr
               ? LookupResult{lookup.fallback, impl.start_depth}
               : LookupResult{impl.root_group.load(std::memory_order_acquire), 0};
  return true;
}

// Aims at the deepest pending depth and prefetches its bucket.
inline void request_next(const Table::Impl& impl, Lookup& lookup) {
  const std::size_t depth = 32 - std::countl_zero(lookup.pending);
  lookup.pending &= ~depth_bit(depth);
  lookup.depth = static_cast<std::uint8_t>(depth);
  lookup.hash = lookup.hasher.prefix_hash(impl.key, depth);
  lookup.bucket = &impl.home(lookup.hash);
  __builtin_prefetch(lookup.bucket);
}

// Sets up the first probe and prefetches its bucket. Returns true when already answered.
inline bool begin(const Table::Impl& impl, NameView name, Lookup& lookup, LookupResult& result) {
  lookup.hasher.init(impl.key, name.bytes, name.length);
  const std::size_t n = lookup.hasher.components;
  if (n == 0) {
    result = {impl.root_group.load(std::memory_order_acquire), 0};
    return true;
  }
  const std::size_t start = impl.start_depth;
  lookup.fallback = nullptr;
  lookup.compare = false;
  lookup.at_anchor = n >= start;
  lookup.pending = lookup.at_anchor ? depth_bit(start) : depths_up_to(n);
  request_next(impl, lookup);
  return false;
}

// One step. Returns true when the lookup is finished.
[[gnu::always_inline]] inline bool step(const Table::Impl& impl, Lookup& lookup, LookupResult& result) {
  const std::uint8_t* bytes = lookup.hasher.bytes;
  const std::size_t depth = lookup.depth;
  const std::size_t length = lookup.hasher.ends[depth - 1];
  const Entry* found;
  if (lookup.compare) {
    lookup.compare = false;
    found = lookup.candidate;
    // A tag collision, or a slot erased and reused under us: the full probe settles it.
    if (found->name_length != length || !same_name(found->name, bytes, length))
      found = impl.probe(lookup.hash, bytes, length);
  } else {
    const Bucket& bucket = *lookup.bucket;
    const unsigned match = match_tags(bucket, tag_of(lookup.hash));
    if (match != 0) {
      const Entry* candidate =
          impl.entry_at(bucket.handles[std::countr_zero(match)].load(std::memory_order_acquire));
      __builtin_prefetch(candidate);
      __builtin_prefetch(reinterpret_cast<const std::uint8_t*>(candidate) + offsetof(Entry, name) + length - 1);
      lookup.candidate = candidate;
      lookup.compare = true;
      return false;
    }
    if (bucket.overflow.load(std::memory_order_acquire) != 0) {
      // The run goes on: the next bucket, a pass later like any other miss.
      const std::size_t next = static_cast<std::size_t>(&bucket - impl.buckets) + 1;
      lookup.bucket = &impl.buckets[next == impl.bucket_count ? 0 : next];
      __builtin_prefetch(lookup.bucket);
      return false;
    }
    found = nullptr;
  }
  if (lookup.at_anchor) {
    lookup.at_anchor = false;
    const std::size_t start = impl.start_depth;
    std::uint32_t next = 0;
    const NextHopGroup* group = nullptr;
    if (found != nullptr) {
      group = found->group.load(std::memory_order_acquire);
      next = found->descendant_depths.load(std::memory_order_acquire) &
             depths_up_to(lookup.hasher.components) & ~depths_up_to(start);
    }
    lookup.fallback = group;
    // Without a real anchor, depths under the start depth come after the deeper ones.
    if (group == nullptr) next |= depths_up_to(start - 1);
    if (next == 0) return finish(impl, lookup, result);
    lookup.pending = next;
  } else if (found != nullptr) {
    // Away from the start depth every entry is real; the check covers a concurrent erase.
    const NextHopGroup* group = found->group.load(std::memory_order_acquire);
    if (group != nullptr) {
      result = {group, static_cast<std::uint8_t>(depth)};
      return true;
    }
  }
  if (lookup.pending == 0) return finish(impl, lookup, result);
  request_next(impl, lookup);
  return false;
}

}  // namespace

LookupResult Table::lookup(NameView name) const {
  const Impl& impl = *impl_;
  Lookup lookup;
  LookupResult result;
  if (begin(impl, name, lookup, result)) return result;
  while (!step(impl, lookup, result)) {
  }
  return result;
}

// Rounds: each pass gives every unfinished name one step, so a prefetch issued in one pass is
// consumed a whole pass later, and the misses of different names overlap.
void Table::lookup_burst(const NameView* names, std::size_t count, LookupResult* results) const {
  const Impl& impl = *impl_;
  Lookup lookups[kMaxLookupBurst];
  std::uint8_t active[kMaxLookupBurst];
  std::size_t active_count = 0;
  count = std::min(count, kMaxLookupBurst);
  for (std::size_t i = 0; i < count; ++i)
    if (!begin(impl, names[i], lookups[i], results[i])) active[active_count++] = static_cast<std::uint8_t>(i);
  while (active_count != 0) {
    std::size_t still_active = 0;
    for (std::size_t a = 0; a < active_count; ++a) {
      const std::size_t i = active[a];
      if (!step(impl, lookups[i], results[i])) active[still_active++] = static_cast<std::uint8_t>(i);
    }
    active_count = still_active;
  }
}

}  // namespace dmsc::fib
