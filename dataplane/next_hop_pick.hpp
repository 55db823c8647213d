#pragma once
// Which next hop of a group a packet takes: the one place that decides, shared by the forwarding
// loop, flow affinity (a new A flow starts where a plain packet would go) and the control
// socket's `lookup NAME flow KEY`, so that what the operator is told cannot drift from what the
// lcores do.

#include <cstddef>
#include <cstdint>

#include "fib/next_hop.hpp"

namespace dmsc::dataplane {

// Spreads flow keys (docs/wire-format.md §4.2) over the selection slots: consecutive keys must
// not land on consecutive slots, and one key always maps to one slot.
inline std::uint64_t flow_hash(std::uint32_t flow_key) {
  return (static_cast<std::uint64_t>(flow_key) * 0x9e3779b97f4a7c15ULL) >> 40;
}

// The slot of the group's 64-slot weighted selection table (fib/next_hop.hpp) a flow key uses.
inline std::size_t selection_slot(std::uint32_t flow_key) { return flow_hash(flow_key) % fib::kSelectionSlots; }

// The next hop a packet without the A flag takes (and a new A flow's first choice).
inline const fib::NextHop& pick_next_hop(const fib::NextHopGroup& group, std::uint32_t flow_key) {
  return group.pick(flow_hash(flow_key));
}

}  // namespace dmsc::dataplane
