// The FIB readers: longest name-prefix match, one name or a burst. See fib/README.md.
//
// A lookup hashes the name's prefixes at the depths where the table holds prefixes, asks the
// prefix filter (one cache line for all prefixes at least PrefixFilter::kBlockDepth deep)
// which of them may be in the table, and probes the hash table for those only, deepest
// first: the first entry found is the longest match. On the benchmark's workload a lookup
// reads one filter line, about one bucket and one entry, however long the name.
#include <algorithm>
#include <bit>

#include "fib/table_impl.hpp"

namespace dmsc::fib {

namespace {

LookupResult default_route(const Table::Impl& impl) {
  return {impl.root_group.load(std::memory_order_acquire), 0};
}

inline bool entry_is(const Entry* entry, const std::uint8_t* bytes, std::size_t length) {
  return entry->name_length == length && same_name(entry->name, bytes, length);
}

}  // namespace

LookupResult Table::lookup(NameView name) const {
  const Impl& impl = *impl_;
  NamePrefixHasher hasher;
  hasher.init(impl.key, name.bytes, name.length);
  std::uint32_t depths = impl.depths_present.load(std::memory_order_acquire) & depths_up_to(hasher.components);
  const std::size_t block_depth = PrefixFilter::kBlockDepth;
  const std::atomic<std::uint64_t>* block_line =
      hasher.components >= block_depth ? impl.filter.line(hasher.prefix_hash(impl.key, block_depth)) : nullptr;
  while (depths != 0) {
    const std::size_t depth = deepest(depths);
    depths &= ~depth_bit(depth);
    const std::uint64_t hash = hasher.prefix_hash(impl.key, depth);
    if (!PrefixFilter::test(impl.filter.line_for(depth, block_line, hash), hash)) continue;
    if (const Entry* entry = impl.probe(hash, name.bytes, hasher.ends[depth - 1]); entry != nullptr)
      return {entry->group.load(std::memory_order_acquire), static_cast<std::uint8_t>(depth)};
  }
  return default_route(impl);
}

// A burst is software-pipelined in four stages: name i is in stage 0 while name i - kDistance
// is in stage 1 and so on, so each prefetch has kDistance names' worth of work to complete
// behind it, and the cache misses are spread over the burst instead of piling up at phase
// boundaries (a core has only so many miss buffers; a software prefetch that finds none
// stalls).
//   0. hash the block prefix and prefetch its filter line;
//   1. from the deepest depth down, hash and test prefixes until one tests positive;
//      prefetch its bucket;
//   2. match the tag in that bucket: on a match prefetch the entry; on none, continue in the
//      next bucket if the probe run goes on, else resume stage 1 below that depth (both
//      prefetched for a later round);
//   3. compare the name of the entry found.
// A tag that matched another entry (a 32-bit tag collision, or a slot reused under us)
// finishes with the one-name lookup: correct in every case, and bounded.
namespace {

constexpr std::size_t kDistance = 8;
constexpr std::size_t kBlockDepth = PrefixFilter::kBlockDepth;
// Chain states a lane keeps, computed in stage 0 with a fixed trip count (a loop whose
// count varies with the name costs a branch miss per name): enough for names up to 48
// octets (the benchmark's mean; 64 measured 7% slower); longer names extend theirs.
constexpr std::size_t kLaneBlocks = 3;

struct Lane {
  std::uint64_t states[kLaneBlocks + 1];         // S(0) .. S(kLaneBlocks), see name_hash.hpp
  const std::atomic<std::uint64_t>* block_line;  // stage 0's
  std::uint64_t hash;                            // of the prefix being probed
  const Bucket* bucket;                          // the bucket to probe for it
  std::uint8_t depth;                            // its depth; 0: answered
  std::uint8_t run;                              // buckets probed past its home bucket
  std::uint8_t length;                           // its octets
  const Entry* found;                            // stage 2's match, for stage 3; else nullptr
};

class BurstLookup {
 public:
  BurstLookup(const Table::Impl& impl, const ParsedNameView* names, LookupResult* results)
      : impl_(impl), names_(names), results_(results),
        present_(impl.depths_present.load(std::memory_order_acquire)) {}

  // Names whose positive prefix was absent, waiting for a next round: the next positive's
  // bucket is in flight. And names left for the one-name lookup.
  std::uint8_t again[kMaxLookupBurst];
  std::size_t again_count = 0;
  std::uint8_t slow[kMaxLookupBurst];
  std::size_t slow_count = 0;

  void prefetch_filter(std::size_t i) {
    const ParsedNameView& name = names_[i];
    Lane& lane = lanes_[i];
    lane.found = nullptr;
    lane.block_line = nullptr;
    if (name.length >= kHashBlock) {
      // All kLaneBlocks blocks, the last ones moved back inside the name: states past its
      // end are computed and never used.
      std::uint64_t state = impl_.key.seed;
      lane.states[0] = state;
      for (std::size_t j = 0; j < kLaneBlocks; ++j) {
        const std::size_t offset = detail::branchless_min(kHashBlock * j, name.length - kHashBlock);
        state = chain_step(impl_.key, state, name.bytes + offset);
        lane.states[j + 1] = state;
      }
    } else {
      lane.states[0] = impl_.key.seed;
    }
    if (name.components >= kBlockDepth) {
      const std::size_t end = name.component_ends[kBlockDepth - 1];
      const std::uint64_t* states = lane.states;
      if (end / kHashBlock > kLaneBlocks) states = extend_chain(name, lane, end / kHashBlock);
      lane.block_line = impl_.filter.line(prefix_hash_at(impl_.key, name.bytes, end, states));
      __builtin_prefetch(lane.block_line);
    }
  }

  // Finds the deepest prefix shallower than `below` that the filter lets through and
  // prefetches its bucket; else answers with the default route.
  void find_positive(std::size_t i, std::size_t below) {
    const ParsedNameView& name = names_[i];
    Lane& lane = lanes_[i];
    lane.depth = 0;
    std::uint32_t depths = present_ & depths_up_to(std::min<std::size_t>(name.components, below - 1));
    if (depths != 0) {
      const std::size_t blocks = name.component_ends[deepest(depths) - 1] / kHashBlock;
      const std::uint64_t* states = lane.states;
      if (blocks > kLaneBlocks) states = extend_chain(name, lane, blocks);
      // Deepest first; the prefixes at least kBlockDepth deep all test in the block line.
      const std::uint8_t* bytes = name.bytes;
      const std::uint8_t* ends = name.component_ends;
      for (std::size_t depth = deepest(depths); depth != 0; --depth) {
        if ((depths >> (depth - 1) & 1) == 0) continue;  // no prefix of that depth anywhere
        const std::uint64_t hash = prefix_hash_at(impl_.key, bytes, ends[depth - 1], states);
        if (PrefixFilter::test(impl_.filter.line_for(depth, lane.block_line, hash), hash)) {
          lane.hash = hash;
          lane.depth = static_cast<std::uint8_t>(depth);
          lane.length = ends[depth - 1];
          lane.run = 0;
          lane.bucket = &impl_.home(hash);
          __builtin_prefetch(lane.bucket);
          return;
        }
      }
    }
    results_[i] = default_route(impl_);
  }

  void match_bucket(std::size_t i) {
    Lane& lane = lanes_[i];
    if (lane.depth == 0) return;
    const Bucket& bucket = *lane.bucket;
    const unsigned match = match_tags(bucket, tag_of(lane.hash));
    if (match != 0) {
      const Entry* entry = impl_.entry_at(bucket.handles[std::countr_zero(match)].load(std::memory_order_acquire));
      __builtin_prefetch(entry);
      // The arena keeps an entry of up to a line within one line (arena.hpp); a longer one
      // needs its second line too.
      if (Entry::bytes_for(lane.length) > Arena::kCacheLine)
        __builtin_prefetch(reinterpret_cast<const std::uint8_t*>(entry) + Arena::kCacheLine);
      lane.found = entry;
    } else if (bucket.overflow.load(std::memory_order_acquire) != 0) {
      // The run goes on in the next bucket, a round later. (Runs are short at half the
      // slots used; a run longer than a lane can count goes to the one-name lookup.)
      if (++lane.run == 0) {
        slow[slow_count++] = static_cast<std::uint8_t>(i);
        return;
      }
      lane.bucket = &impl_.buckets[impl_.next_index(static_cast<std::size_t>(&bucket - impl_.buckets))];
      __builtin_prefetch(lane.bucket);
      again[again_count++] = static_cast<std::uint8_t>(i);
    } else {
      find_positive(i, lane.depth);  // a false positive of the filter
      if (lane.depth != 0) again[again_count++] = static_cast<std::uint8_t>(i);
    }
  }

  void compare_entry(std::size_t i) {
    Lane& lane = lanes_[i];
    const Entry* found = lane.found;
    if (found == nullptr) return;
    lane.found = nullptr;
    if (entry_is(found, names_[i].bytes, lane.length)) {
      results_[i] = {found->group.load(std::memory_order_acquire), lane.depth};
    } else {
      slow[slow_count++] = static_cast<std::uint8_t>(i);  // a tag collision, or a reused slot
    }
  }

  // Filling and draining the pipeline: the stages that have a name at step i. Not inlined:
  // unrolled with the stages inside, these loops make a huge function (and minutes of
  // compilation).
  [[gnu::noinline]] void partial_stages(std::size_t i, std::size_t count) {
    if (i < count) prefetch_filter(i);
    if (i >= kDistance && i - kDistance < count) find_positive(i - kDistance, kMaxNameComponents + 1);
    if (i >= 2 * kDistance && i - 2 * kDistance < count) match_bucket(i - 2 * kDistance);
    if (i >= 3 * kDistance && i - 3 * kDistance < count) compare_entry(i - 3 * kDistance);
  }

 private:
  // The chain of a name longer than the lane keeps, up to S(blocks), in states_.
  const std::uint64_t* extend_chain(const ParsedNameView& name, const Lane& lane, std::size_t blocks) {
    std::copy_n(lane.states, kLaneBlocks + 1, states_);
    for (std::size_t j = kLaneBlocks; j < blocks; ++j)
      states_[j + 1] = chain_step(impl_.key, states_[j], name.bytes + kHashBlock * j);
    return states_;
  }

  const Table::Impl& impl_;
  const ParsedNameView* names_;
  LookupResult* results_;
  const std::uint32_t present_;
  Lane lanes_[kMaxLookupBurst];
  std::uint64_t states_[kMaxHashedBlocks];  // a long name's chain, scratch
};

}  // namespace

void Table::lookup_burst(const ParsedNameView* names, std::size_t count, LookupResult* results) const {
  count = std::min(count, kMaxLookupBurst);
  BurstLookup lookup(*impl_, names, results);
  constexpr std::size_t D = kDistance;
  if (count >= 3 * D) {
    // Filling the pipeline, full, draining: each loop runs the stages that have a name.
    for (std::size_t i = 0; i < D; ++i) lookup.prefetch_filter(i);
    for (std::size_t i = D; i < 2 * D; ++i) {
      lookup.prefetch_filter(i);
      lookup.find_positive(i - D, kMaxNameComponents + 1);
    }
    for (std::size_t i = 2 * D; i < 3 * D; ++i) {
      lookup.prefetch_filter(i);
      lookup.find_positive(i - D, kMaxNameComponents + 1);
      lookup.match_bucket(i - 2 * D);
    }
    for (std::size_t i = 3 * D; i < count; ++i) {
      lookup.prefetch_filter(i);
      lookup.find_positive(i - D, kMaxNameComponents + 1);
      lookup.match_bucket(i - 2 * D);
      lookup.compare_entry(i - 3 * D);
    }
    for (std::size_t i = count; i < count + D; ++i) {
      lookup.find_positive(i - D, kMaxNameComponents + 1);
      lookup.match_bucket(i - 2 * D);
      lookup.compare_entry(i - 3 * D);
    }
    for (std::size_t i = count + D; i < count + 2 * D; ++i) {
      lookup.match_bucket(i - 2 * D);
      lookup.compare_entry(i - 3 * D);
    }
    for (std::size_t i = count + 2 * D; i < count + 3 * D; ++i) lookup.compare_entry(i - 3 * D);
  } else {
    for (std::size_t i = 0; i < count + 3 * D; ++i) lookup.partial_stages(i, count);
  }
  // Names whose positive prefix was absent: the next positive, a round at a time.
  while (lookup.again_count != 0) {
    std::uint8_t round[kMaxLookupBurst];
    const std::size_t round_count = lookup.again_count;
    std::copy_n(lookup.again, round_count, round);
    lookup.again_count = 0;
    for (std::size_t r = 0; r < round_count; ++r) lookup.match_bucket(round[r]);
    for (std::size_t r = 0; r < round_count; ++r) lookup.compare_entry(round[r]);
  }
  for (std::size_t s = 0; s < lookup.slow_count; ++s) {
    const ParsedNameView& name = names[lookup.slow[s]];
    results[lookup.slow[s]] = this->lookup({name.bytes, name.length});
  }
}

void Table::lookup_burst(const NameView* names, std::size_t count, LookupResult* results) const {
  count = std::min(count, kMaxLookupBurst);
  ParsedNameView parsed[kMaxLookupBurst];
  std::uint8_t ends[kMaxLookupBurst][kMaxNameComponents];
  for (std::size_t i = 0; i < count; ++i) {
    const NameView name = names[i];
    std::size_t components = 0;
    std::size_t offset = 0;
    while (offset < name.length && components < kMaxNameComponents) {
      offset += 1 + name.bytes[offset];
      ends[i][components++] = static_cast<std::uint8_t>(offset);
    }
    if (offset > name.length) --components;  // not a valid name: cut after its last whole component
    parsed[i] = {name.bytes, ends[i], name.length, static_cast<std::uint8_t>(components)};
  }
  lookup_burst(parsed, count, results);
}

}  // namespace dmsc::fib
