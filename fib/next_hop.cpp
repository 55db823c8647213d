#include "fib/next_hop.hpp"

#include <algorithm>

namespace dmsc::fib {

void NextHopSet::sort() {
  std::sort(hops.begin(), hops.begin() + count,
            [](const NextHop& a, const NextHop& b) { return a.face < b.face; });
}

bool operator==(const NextHopSet& a, const NextHopSet& b) {
  return a.count == b.count && std::equal(a.hops.begin(), a.hops.begin() + a.count, b.hops.begin());
}

std::string NextHopSet::to_string() const {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) text += ' ';
    text += "face " + std::to_string(hops[i].face) + " weight " + std::to_string(hops[i].weight);
  }
  return text;
}

Status validate(const NextHopSet& set) {
  if (set.count == 0) return Error{"next-hop group has no next hop"};
  if (set.count > kMaxNextHops)
    return Error{"next-hop group has " + std::to_string(set.count) + " next hops, limit " +
                 std::to_string(kMaxNextHops)};
  for (std::size_t i = 0; i < set.count; ++i) {
    const NextHop& hop = set.hops[i];
    if (hop.weight == 0 || hop.weight > kMaxNextHopWeight)
      return Error{"next hop via face " + std::to_string(hop.face) + " has weight " +
                   std::to_string(hop.weight) + ", allowed 1.." +
                   std::to_string(kMaxNextHopWeight)};
    for (std::size_t j = 0; j < i; ++j)
      if (set.hops[j].face == hop.face)
        return Error{"face " + std::to_string(hop.face) + " appears twice in a next-hop group"};
  }
  return ok_status();
}

void build_selection(NextHopGroup& group) {
  const NextHopSet& set = group.set;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < set.count; ++i) total += set.hops[i].weight;
  // Largest remainder: every hop gets floor(share) slots, the leftovers go to the largest
  // fractional parts; a hop with any weight keeps at least one slot when slots allow.
  std::array<std::uint32_t, kMaxNextHops> slots{};
  std::array<std::uint64_t, kMaxNextHops> remainder{};
  std::uint32_t assigned = 0;
  for (std::size_t i = 0; i < set.count; ++i) {
    const std::uint64_t scaled = std::uint64_t{set.hops[i].weight} * kSelectionSlots;
    slots[i] = static_cast<std::uint32_t>(scaled / total);
    remainder[i] = scaled % total;
    assigned += slots[i];
  }
  while (assigned < kSelectionSlots) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < set.count; ++i)
      if (remainder[i] > remainder[best] || (slots[best] != 0 && slots[i] == 0 &&
                                             remainder[i] == remainder[best]))
        best = i;
    ++slots[best];
    remainder[best] = 0;
    ++assigned;
  }
  // Interleave hops across slots so that consecutive flow hashes spread.
  std::size_t slot = 0;
  std::array<std::uint32_t, kMaxNextHops> left = slots;
  while (slot < kSelectionSlots) {
    for (std::size_t i = 0; i < set.count && slot < kSelectionSlots; ++i) {
      if (left[i] == 0) continue;
      --left[i];
      group.selection[slot++] = static_cast<std::uint8_t>(i);
    }
  }
}

}  // namespace dmsc::fib
