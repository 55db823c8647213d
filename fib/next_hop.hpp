#pragma once
// Next hops and next-hop groups: what a FIB entry resolves to.
//
// NextHopSet is the plain value the control plane computes and the update channel carries.
// NextHopGroup is its reader-side form: interned by the FIB writer (many prefixes share one),
// immutable once published, with a precomputed weighted selection table so that choosing a
// next hop for a flow is one load and the same flow key always maps to the same next hop.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fib/expected.hpp"

namespace dmsc::fib {

using FaceId = std::uint32_t;
inline constexpr std::size_t kMaxNextHops = 8;
inline constexpr std::uint32_t kMaxNextHopWeight = 0xffff;

struct NextHop {
  FaceId face = 0;
  std::uint32_t weight = 1;  // 1..kMaxNextHopWeight
  friend bool operator==(const NextHop&, const NextHop&) = default;
};

struct NextHopSet {
  std::uint8_t count = 0;
  std::array<NextHop, kMaxNextHops> hops{};

  // Canonical order (by face) so that equal sets compare and hash equal.
  void sort();
  friend bool operator==(const NextHopSet& a, const NextHopSet& b);
  std::string to_string() const;
};

// Rejects empty sets, too many hops, zero or oversized weights and duplicate faces.
Status validate(const NextHopSet& set);

inline constexpr std::size_t kSelectionSlots = 64;

struct alignas(64) NextHopGroup {
  NextHopSet set;
  // slot -> index into set.hops, filled in proportion to the weights.
  std::array<std::uint8_t, kSelectionSlots> selection{};
  // Writer-only bookkeeping (readers never look at it).
  std::uint32_t references = 0;

  const NextHop& pick(std::uint64_t flow_hash) const {
    return set.hops[selection[flow_hash % kSelectionSlots]];
  }
};

// Fills `group.selection` from `group.set` (largest-remainder apportionment of the slots).
void build_selection(NextHopGroup& group);

}  // namespace dmsc::fib
