// The FIB readers: longest name-prefix match, one name or a burst. See fib/README.md.
//
// Probe order for a name of n components, start depth S (NDN-DPDK's two-stage scheme):
//   1. probe depth min(n, S);
//   2. if that entry exists and its max_depth says real prefixes go deeper, probe from
//      min(n, max_depth) down to S+1; the first real entry found is the answer;
//   3. else the entry itself if it is real; else probe S-1 down to 1; else the default route.
// The number of probes is bounded by the depth of the table's real prefixes, not by the
// length of the name: a 32-component name costs no more than the deepest prefix it shares.
#include "fib/table_impl.hpp"

namespace dmsc::fib {

namespace {

// What one name's lookup does next: probe `next_depth`, or nothing when it is 0.
struct LookupState {
  std::uint64_t hashes[kMaxNameComponents];
  std::uint8_t ends[kMaxNameComponents];
  const std::uint8_t* bytes;
  const Entry* anchor;  // the entry found at start depth, if any
  std::uint8_t components;
  std::uint8_t next_depth;
  bool descending_below_start;
};

// Decides the next probe after probing `state.next_depth` and finding `found`.
// Returns true when the lookup is finished (result filled in).
inline bool advance(const Table::Impl& impl, LookupState& state, const Entry* found,
                    LookupResult& result) {
  const std::uint8_t depth = state.next_depth;
  const std::uint8_t start = impl.start_depth;
  if (found != nullptr) {
    const NextHopGroup* group = found->group.load(std::memory_order_acquire);
    if (depth == start && !state.descending_below_start) {
      state.anchor = found;
      const std::uint8_t deepest = found->max_depth.load(std::memory_order_acquire);
      const std::uint8_t limit = std::min(state.components, deepest);
      if (limit > start) {
        state.next_depth = limit;
        return false;
      }
    }
    if (group != nullptr) {
      result = {group, depth};
      return true;
    }
  }
  if (depth > start) {
    // Below the anchor, deeper probes missed: try the next shallower one, then the anchor.
    if (depth - 1 > start) {
      state.next_depth = depth - 1;
      return false;
    }
    const NextHopGroup* group =
        state.anchor == nullptr ? nullptr : state.anchor->group.load(std::memory_order_acquire);
    if (group != nullptr) {
      result = {group, start};
      return true;
    }
    state.next_depth = start;  // continue below start depth
  }
  state.descending_below_start = true;
  if (state.next_depth > 1) {
    --state.next_depth;
    return false;
  }
  result = {impl.root_group.load(std::memory_order_acquire), 0};
  return true;
}

inline bool begin(const Table::Impl& impl, NameView name, LookupState& state,
                  LookupResult& result) {
  state.bytes = name.bytes;
  state.anchor = nullptr;
  state.descending_below_start = false;
  state.components = static_cast<std::uint8_t>(hash_name_prefixes(
      impl.key, name.bytes, name.length, kMaxNameComponents, state.hashes, state.ends));
  if (state.components == 0) {
    result = {impl.root_group.load(std::memory_order_acquire), 0};
    return true;
  }
  state.next_depth = std::min(state.components, impl.start_depth);
  if (state.next_depth < impl.start_depth) state.descending_below_start = true;
  return false;
}

inline const Entry* probe_state(const Table::Impl& impl, const LookupState& state) {
  const std::size_t index = state.next_depth - 1;
  return impl.probe(state.hashes[index], state.bytes, state.ends[index]);
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
    const std::size_t index = states[i].next_depth - 1;
    __builtin_prefetch(&impl.bucket(states[i].hashes[index]));
    active[active_count++] = static_cast<std::uint8_t>(i);
  }

  // Rounds: every active name has its bucket in flight; load the chain heads and prefetch
  // the entries (both cache lines: header and name); then compare and decide the next
  // probe, prefetching its bucket. Misses of different names overlap.
  while (active_count != 0) {
    const Entry* heads[kMaxLookupBurst];
    for (std::size_t a = 0; a < active_count; ++a) {
      const LookupState& state = states[active[a]];
      const Entry* head =
          impl.bucket(state.hashes[state.next_depth - 1]).load(std::memory_order_acquire);
      heads[a] = head;
      if (head != nullptr) {
        __builtin_prefetch(head);
        __builtin_prefetch(reinterpret_cast<const char*>(head) + 64);
      }
    }
    std::size_t still_active = 0;
    for (std::size_t a = 0; a < active_count; ++a) {
      const std::size_t i = active[a];
      LookupState& state = states[i];
      const std::size_t index = state.next_depth - 1;
      const std::uint64_t hash = state.hashes[index];
      const Entry* found = nullptr;
      for (const Entry* e = heads[a]; e != nullptr; e = e->next.load(std::memory_order_acquire))
        if (e->matches(hash, state.bytes, state.ends[index])) {
          found = e;
          break;
        }
      if (advance(impl, state, found, results[i])) continue;
      __builtin_prefetch(&impl.bucket(state.hashes[state.next_depth - 1]));
      active[still_active++] = static_cast<std::uint8_t>(i);
    }
    active_count = still_active;
  }
}

}  // namespace dmsc::fib
