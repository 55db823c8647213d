// The FIB readers: longest name-prefix match, one name or a burst. See fib/README.md.
//
// Probe order for a name of n components, start depth S (NDN-DPDK's two-stage scheme, with
// a bitmap of descendant depths instead of only the deepest one):
//   1. probe depth min(n, S);
//   2. if that entry exists and has real prefixes below it at depths in (S, n], probe those
//      depths, deepest first; the first real entry found is the answer;
//   3. else the entry itself if it is real; else probe S-1 down to 1; else the default route.
// The buckets of the next two depths of steps 2 and 3 are prefetched together, so a burst needs
// about four passes for a typical name (anchor bucket, anchor entry, deeper buckets, matching
// entry).
// The number of probes is bounded by the depths present below one start-depth prefix, not by
// the length of the name: a 32-component name costs no more than a short one.
#include <bit>

#include "fib/table_impl.hpp"

namespace dmsc::fib {

namespace {

// One name's lookup, advanced one memory access at a time so that a burst overlaps the cache
// misses of all its names. `pending` holds the depths still to probe (deepest first); the
// buckets of the next kBucketsAhead are prefetched together, so misses among them cost no
// extra round.
struct Lookup {
  NamePrefixHasher hasher;
  std::uint64_t hashes[kMaxNameComponents];  // of the depths in `pending`, by depth - 1
  const Entry* candidate;         // kCompare: the entry whose tag matched, prefetched
  const NextHopGroup* fallback;   // the anchor's group: the answer when no deeper probe hits
  std::uint32_t pending;
  std::uint32_t requested;        // depths of `pending` whose buckets are hashed and prefetched
  std::uint8_t depth;             // kCompare: the depth of `candidate`
  bool compare;                   // a candidate entry is in flight
  bool at_anchor;                 // pending is {start depth}: the anchor probe
};

inline std::uint64_t hash_of(const Table::Impl& impl, const Lookup& lookup, std::size_t depth) {
  return lookup.hasher.prefix_hash(impl.key, depth);
}

// Deeper depths whose buckets are requested together: more overlaps misses of one name, but
// every request past the depth that hits is wasted memory traffic (measured: 2 beats 1 and all).
constexpr int kBucketsAhead = 2;

// Hashes the deepest pending prefixes not yet requested and prefetches their buckets.
inline void prefetch_buckets(const Table::Impl& impl, Lookup& lookup) {
  std::uint32_t depths = lookup.pending & ~lookup.requested;
  for (int k = 0; k < kBucketsAhead && depths != 0; ++k) {
    const std::size_t depth = 32 - std::countl_zero(depths);
    depths &= ~depth_bit(depth);
    lookup.requested |= depth_bit(depth);
    const std::uint64_t hash = hash_of(impl, lookup, depth);
    lookup.hashes[depth - 1] = hash;
    __builtin_prefetch(&impl.home(hash));
  }
}

inline bool finish(const Table::Impl& impl, const Lookup& lookup, LookupResult& result) {
  result = lookup.fallback != nullptr
               ? LookupResult{lookup.fallback, impl.start_depth}
               : LookupResult{impl.root_group.load(std::memory_order_acquire), 0};
  return true;
}

// Takes the outcome of probing `depth` (`found`: the entry, or nullptr). Returns true when
// the lookup is finished; sets `wait` when it prefetched new buckets.
inline bool settle(const Table::Impl& impl, Lookup& lookup, std::size_t depth, const Entry* found,
                   LookupResult& result, bool& wait) {
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
    lookup.requested = 0;
    prefetch_buckets(impl, lookup);
    wait = true;
    return false;
  }
  // Away from the start depth every entry is real; the group check covers a concurrent erase.
  if (found != nullptr) {
    const NextHopGroup* group = found->group.load(std::memory_order_acquire);
    if (group != nullptr) {
      result = {group, static_cast<std::uint8_t>(depth)};
      return true;
    }
  }
  if (lookup.pending == 0) return finish(impl, lookup, result);
  return false;
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
  lookup.requested = 0;
  prefetch_buckets(impl, lookup);
  return false;
}

// One step: compares the candidate entry in flight, or scans prefetched buckets until a tag
// matches (then prefetches that entry) or a decision needs buckets not yet requested.
// Returns true when the lookup is finished.
[[gnu::always_inline]] inline bool step(const Table::Impl& impl, Lookup& lookup, LookupResult& result) {
  const std::uint8_t* bytes = lookup.hasher.bytes;
  bool wait = false;
  if (lookup.compare) {
    lookup.compare = false;
    const std::size_t depth = lookup.depth;
    const std::size_t length = lookup.hasher.ends[depth - 1];
    const Entry* found = lookup.candidate;
    // A tag collision, or a slot erased and reused under us: the full probe settles it.
    if (found->name_length != length || !same_name(found->name, bytes, length))
      found = impl.probe(hash_of(impl, lookup, depth), bytes, length);
    if (settle(impl, lookup, depth, found, result, wait)) return true;
    if (wait) return false;
  }
  while (true) {
    const std::size_t depth = 32 - std::countl_zero(lookup.pending);
    if ((lookup.requested & depth_bit(depth)) == 0) {
      prefetch_buckets(impl, lookup);
      return false;
    }
    lookup.pending &= ~depth_bit(depth);
    const std::uint64_t hash = lookup.hashes[depth - 1];
    const Bucket& bucket = impl.home(hash);
    const unsigned match = match_tags(bucket, tag_of(hash));
    const Entry* found = nullptr;
    if (match != 0) {
      const Entry* candidate =
          impl.entry_at(bucket.handles[std::countr_zero(match)].load(std::memory_order_acquire));
      const std::size_t length = lookup.hasher.ends[depth - 1];
      __builtin_prefetch(candidate);
      __builtin_prefetch(reinterpret_cast<const std::uint8_t*>(candidate) + offsetof(Entry, name) + length - 1);
      lookup.candidate = candidate;
      lookup.depth = static_cast<std::uint8_t>(depth);
      lookup.compare = true;
      return false;
    }
    if (bucket.overflow.load(std::memory_order_acquire) != 0)  // rare: the run goes on
      found = impl.probe(hash, bytes, lookup.hasher.ends[depth - 1]);
    if (settle(impl, lookup, depth, found, result, wait)) return true;
    if (wait) return false;
  }
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
