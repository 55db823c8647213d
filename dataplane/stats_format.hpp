#pragma once
// The stats segment as JSON: totals, drops by reason (forwarding and parse reasons), per lcore
// and per port. Shared by the forwarder's exit report, telemetry and the CLI. No DPDK.

#include <string>

#include "dataplane/stats_segment.hpp"

namespace dmsc::dataplane {

// The segment's figures, less a baseline when one is given (`clear stats`: counters.hpp,
// StatsBaseline). Every read is a relaxed load, as the segment's other readers do.
class StatsReading {
 public:
  StatsReading(const StatsSegment& stats, const StatsBaseline* since) : layout_(stats.layout()), since_(since) {}

  std::uint64_t lcore(std::size_t block, Counter counter) const {
    const auto i = static_cast<std::size_t>(counter);
    return less(layout_.lcores[block].counters[i], since_ ? &since_->lcores[block].counters[i] : nullptr);
  }
  std::uint64_t lcore(std::size_t block, std::uint64_t LcoreCounters::*field) const {
    return less(layout_.lcores[block].*field, since_ ? &(since_->lcores[block].*field) : nullptr);
  }
  std::uint64_t parse_drops(std::size_t block, std::size_t reason) const {
    return less(layout_.lcores[block].parse_drops[reason], since_ ? &since_->lcores[block].parse_drops[reason] : nullptr);
  }
  std::uint64_t port(std::size_t index, std::uint64_t PortCounters::*field) const {
    return less(layout_.ports[index].*field, since_ ? &(since_->ports[index].*field) : nullptr);
  }
  // Sums over the lcore blocks in use, as StatsSegment::total() does.
  std::uint64_t total(Counter counter) const;
  std::uint64_t total_parse_drops(std::size_t reason) const;

  const StatsLayout& layout() const { return layout_; }
  const StatsBaseline* since() const { return since_; }

 private:
  // A word minus its baseline word (0 if the baseline were ahead, which a baseline taken from
  // the same forwarder's counters never is).
  static std::uint64_t less(const std::uint64_t& word, const std::uint64_t* baseline) {
    const std::uint64_t value = read_counter(word);
    if (baseline == nullptr) return value;
    const std::uint64_t base = *baseline;
    return value > base ? value - base : 0;
  }
  const StatsLayout& layout_;
  const StatsBaseline* since_;
};

// `since`: a baseline (StatsSegment::read_baseline) to subtract, as `dmscctl show stats` does
// after `clear stats`; the object then also carries "cleared_unix_ns". nullptr: the raw totals
// (the exit report).
std::string format_stats_json(const StatsSegment& stats, const StatsBaseline* since = nullptr);

}  // namespace dmsc::dataplane
