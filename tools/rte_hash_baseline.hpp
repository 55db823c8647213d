#pragma once
// The baseline of tools/bench fib: DPDK's rte_hash doing one exact-match probe per name
// (bulk lookups, names zero-padded to 64-octet keys), on the same names, on the same core.
// Any hash-based LNPM makes at least one such probe per name, so its rate is the ceiling of
// that design on this machine; the FIB's rate divided by it says how much its longest-match
// logic and extra probes cost.

#include <span>
#include <string>

#include "fib/expected.hpp"
#include "fib/name.hpp"

namespace dmsc::tools {

struct HashBaseline {
  double lookups_per_sec = 0;
  double hit_ratio = 0;
};

// Initializes a DPDK EAL (--no-huge, in memory, no PCI) on first use.
Expected<HashBaseline> measure_rte_hash_baseline(std::span<const fib::Name> keys,
                                                 std::span<const fib::NameView> lookups,
                                                 std::size_t burst, double seconds);

}  // namespace dmsc::tools
