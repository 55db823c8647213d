#pragma once
// Shortest paths from one router over a Topology (Dijkstra), with the ECMP first hops of every
// node. See README.md "SPF and RIB" for the rules and their sources.
//
// First hops are the root's adjacent routers: the routers it links to directly, and the
// routers on its LANs (behind a pseudonode the root links to). They are numbered by id once per
// run (neighbors()); each node's first hops are a bitmask over those numbers, so ECMP merges
// are word ORs and "the lowest kMaxNextHops" is the lowest set bits, whatever order the ties
// were found in.
//
// Single-threaded: the daemon's core calls compute_spf(); the result is a plain value.

#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "control/topology.hpp"
#include "fib/expected.hpp"
#include "fib/next_hop.hpp"

namespace dmsc::control {

inline constexpr std::uint32_t kUnreachable = 0xFFFFFFFF;

// At most kMaxNextHops first hops, as indices into SpfResult::neighbors(), ascending.
struct FirstHops {
  std::uint8_t count = 0;
  std::array<std::uint16_t, fib::kMaxNextHops> neighbor{};
};

// The lowest kMaxNextHops set bits of a `words`-word mask.
inline FirstHops lowest_first_hops(const std::uint64_t* mask, std::size_t words) {
  FirstHops hops;
  for (std::size_t w = 0; w < words && hops.count < fib::kMaxNextHops; ++w) {
    for (std::uint64_t bits = mask[w]; bits != 0 && hops.count < fib::kMaxNextHops;
         bits &= bits - 1)
      hops.neighbor[hops.count++] = static_cast<std::uint16_t>(w * 64 + std::countr_zero(bits));
  }
  return hops;
}

struct SpfStats {
  std::uint32_t nodes = 0;      // in the topology
  std::uint32_t reachable = 0;  // the root included
  std::uint32_t links_scanned = 0;
  std::uint32_t heap_pushes = 0;
  std::uint32_t tie_repropagations = 0;  // settled nodes revisited for a zero-cost ECMP tie
};

class SpfResult {
 public:
  NodeIndex root() const { return root_; }
  // Whether this is a run over `topology` (that very build).
  bool is_over(const Topology& topology) const { return topology_key_ == &topology.prefixes(); }
  std::size_t node_count() const { return distance_.size(); }
  const SpfStats& stats() const { return stats_; }

  bool reachable(NodeIndex node) const { return distance_[node] != kUnreachable; }
  // kUnreachable when not reachable.
  std::uint32_t distance(NodeIndex node) const { return distance_[node]; }
  const std::uint32_t* distances() const { return distance_.data(); }

  // The root's adjacent routers, ascending (index order is id order).
  std::span<const NodeIndex> neighbors() const { return neighbors_; }
  // The capped, deterministic first hops of `node` (none for the root or an unreachable node).
  FirstHops first_hops(NodeIndex node) const {
    return lowest_first_hops(first_hop_mask(node), mask_words_);
  }
  // All first hops of `node`, before the cap.
  std::size_t first_hop_count(NodeIndex node) const;
  std::size_t mask_words() const { return mask_words_; }
  const std::uint64_t* first_hop_mask(NodeIndex node) const {
    return masks_.data() + node * mask_words_;
  }

 private:
  friend class SpfRun;
  const PrefixTable* topology_key_ = nullptr;  // identifies the topology run over
  NodeIndex root_ = kNoNode;
  SpfStats stats_;
  std::vector<std::uint32_t> distance_;
  std::vector<std::uint64_t> masks_;
  std::size_t mask_words_ = 1;
  std::vector<NodeIndex> neighbors_;
  // Scratch kept between runs so a reused result allocates nothing.
  std::vector<std::uint8_t> state_;
  std::vector<std::uint64_t> heap_;
  std::vector<NodeIndex> ties_;
};

// Runs SPF from router `root` into `result` (its storage is reused). Fails when the root is
// not a router of the topology, or has more adjacent routers than first-hop numbers (65536).
//
// Rules: links are the topology's (two-way, usable); overloaded routers other than the root
// are reached but not transited; a path costing more than kMaxPathMetric is ignored; equal-cost
// paths merge their first hops, zero-cost ties found after a node was settled included.
// O((N + L) log N) time for N nodes and L links, no allocation once `result` has been used for
// a topology at least as big.
Status compute_spf(const Topology& topology, NodeIndex root, SpfResult& result);
Status compute_spf(const Topology& topology, const NodeId& root, SpfResult& result);

// One SPF run, as `show isis spf-log` would list it. The caller times the run with its own
// (injected) clock.
struct SpfLogEntry {
  std::chrono::system_clock::time_point when;
  std::chrono::nanoseconds duration{0};
  std::uint32_t nodes = 0;
  std::uint32_t reachable = 0;
  std::uint32_t routes = 0;  // in the RIB computed from it (0 if none was)
  std::string trigger;       // why it ran, e.g. "lsp 0000.0000.0001.00-00 changed"
};

// The last `capacity` runs, oldest first.
class SpfLog {
 public:
  explicit SpfLog(std::size_t capacity = 32) : capacity_(capacity == 0 ? 1 : capacity) {}
  void record(SpfLogEntry entry);
  const std::deque<SpfLogEntry>& entries() const { return entries_; }
  std::uint64_t total_runs() const { return total_runs_; }

 private:
  std::size_t capacity_;
  std::deque<SpfLogEntry> entries_;
  std::uint64_t total_runs_ = 0;
};

std::string format_spf_log_entry(const SpfLogEntry& entry);

}  // namespace dmsc::control
