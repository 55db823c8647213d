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

struct LookupState {
  NamePrefixHasher hasher;
  const Entry* anchor;        // the entry found at start depth, if any
  std::uint32_t deeper;       // depths below the anchor still to probe
  std::uint64_t hash;         // of the prefix being probed
  std::uint8_t next_depth;    // the depth being probed
  bool below_start;           // probing depths under the start depth
};

inline void aim(const Table::Impl& impl, LookupState& state, std::size_t depth) {
  state.next_depth = static_cast<std::uint8_t>(depth);
  state.hash = state.hasher.prefix_hash(impl.key, depth);
}

// Decides what follows the probe of state.next_depth that found `found` (or nothing).
// Returns true when the lookup is finished and `result` is filled in.
inline bool advance(const Table::Impl& impl, LookupState& state, const Entry* found,
                    LookupResult& result) {
  const std::size_t depth = state.next_depth;
  const std::size_t start = impl.start_depth;
  if (found != nullptr) {
    const NextHopGroup* group = found->group.load(std::memory_order_acquire);
    if (depth == start && !state.below_start) {
      state.anchor = found;
      state.deeper = found->descendant_depths.load(std::memory_order_acquire) &
                     depths_up_to(state.hasher.components) & ~depths_up_to(start);
    }
    if (group != nullptr && depth > start) {
      result = {group, static_cast<std::uint8_t>(depth)};
      return true;
    }
  }
  if (depth >= start && !state.below_start) {
    if (state.deeper != 0) {
      const std::size_t deepest = 32 - std::countl_zero(state.deeper);
      state.deeper &= ~depth_bit(deepest);
      aim(impl, state, deepest);
      return false;
    }
    const NextHopGroup* group =
        state.anchor == nullptr ? nullptr : state.anchor->group.load(std::memory_order_acquire);
    if (group != nullptr) {
      result = {group, static_cast<std::uint8_t>(start)};
      return true;
    }
    state.below_start = true;
    if (start > 1) {
      aim(impl, state, start - 1);
      return false;
    }
  } else if (found != nullptr) {
    // Below the start depth every entry is real.
    result = {found->group.load(std::memory_order_acquire), static_cast<std::uint8_t>(depth)};
    if (result.group != nullptr) return true;
  }
  if (state.below_start && state.next_depth > 1 && depth < start) {
    aim(impl, state, depth - 1);
    return false;
  }
  result = {impl.root_group.load(std::memory_order_acquire), 0};
  return true;
}

inline bool begin(const Table::Impl& impl, NameView name, LookupState& state,
                  LookupResult& result) {
  state.hasher.init(impl.key, name.bytes, name.length);
  state.anchor = nullptr;
  state.deeper = 0;
  const std::size_t n = state.hasher.components;
  if (n == 0) {
    result = {impl.root_group.load(std::memory_order_acquire), 0};
    return true;
  }
  state.below_start = n < impl.start_depth;
  aim(impl, state, std::min<std::size_t>(n, impl.start_depth));
  return false;
}

inline const Entry* probe_state(const Table::Impl& impl, const LookupState& state) {
  return impl.probe(state.hash, state.hasher.bytes, state.hasher.ends[state.next_depth - 1]);
}

}  // namespace

LookupResult Table::lookup(NameView name) const {
  const Impl& impl = *impl_;
  LookupState state;
  LookupResult result;
  if (begin(impl, name, state, result)) return result;
  while (!advance(impl, state, probe_state(impl, state), result)) {
  }
  return result;
}

void Table::lookup_burst(const NameView* names, std::size_t count, LookupResult* results) const {
  const Impl& impl = *impl_;
  LookupState states[kMaxLookupBurst];
  std::uint8_t active[kMaxLookupBurst];
  std::size_t active_count = 0;
  count = std::min(count, kMaxLookupBurst);

  for (std::size_t i = 0; i < count; ++i) {
    if (begin(impl, names[i], states[i], results[i])) continue;
    __builtin_prefetch(&impl.home(states[i].hash));
    active[active_count++] = static_cast<std::uint8_t>(i);
  }

  // Rounds: every active name has its bucket in flight. Pass 1 scans the bucket's tags and
  // prefetches the one candidate entry; pass 2 compares names and decides the next probe,
  // prefetching its bucket. A probe that misses touches one cache line; misses of different
  // names overlap. Tag collisions and probes that run past their home bucket (both rare) take
  // the plain probe.
  while (active_count != 0) {
    const Entry* candidates[kMaxLookupBurst];
    bool needs_full_probe[kMaxLookupBurst];
    for (std::size_t a = 0; a < active_count; ++a) {
      const LookupState& state = states[active[a]];
      const Bucket& bucket = impl.home(state.hash);
      const std::uint32_t tag = tag_of(state.hash);
      const Entry* candidate = nullptr;
      for (const auto& slot_word : bucket.slots) {
        const std::uint64_t slot = slot_word.load(std::memory_order_acquire);
        if ((slot >> 32) == tag) {
          candidate = impl.entry_at(slot);
          break;
        }
      }
      candidates[a] = candidate;
      needs_full_probe[a] = candidate == nullptr && bucket.overflow.load(std::memory_order_acquire) != 0;
      if (candidate != nullptr) {
        __builtin_prefetch(candidate);
        __builtin_prefetch(reinterpret_cast<const char*>(candidate) + 63);
      }
    }
    std::size_t still_active = 0;
    for (std::size_t a = 0; a < active_count; ++a) {
      const std::size_t i = active[a];
      LookupState& state = states[i];
      const std::size_t length = state.hasher.ends[state.next_depth - 1];
      const Entry* found = candidates[a];
      if (found != nullptr) {
        if (found->name_length != length || !same_name(found->name, state.hasher.bytes, length))
          found = probe_state(impl, state);
      } else if (needs_full_probe[a]) {
        found = probe_state(impl, state);
      }
      if (advance(impl, state, found, results[i])) continue;
      __builtin_prefetch(&impl.home(state.hash));
      active[still_active++] = static_cast<std::uint8_t>(i);
    }
    active_count = still_active;
  }
}

}  // namespace dmsc::fib
