#pragma once
// The forwarder's stats segment (counters.hpp) in POSIX shared memory: the forwarder creates
// it, the CLI and tests open it read-only. No DPDK: readers need no EAL.

#include <string>

#include "dataplane/counters.hpp"
#include "fib/expected.hpp"

namespace dmsc::dataplane {

class StatsSegment {
 public:
  // `name` as in /dev/shm/<name> (a leading '/' is optional). The writer truncates and
  // re-initializes any previous segment of that name.
  static Expected<StatsSegment> create(const std::string& name);
  // Maps an existing segment read-only and checks its magic and version.
  static Expected<StatsSegment> open(const std::string& name);

  StatsSegment(StatsSegment&& other) noexcept;
  StatsSegment& operator=(StatsSegment&& other) noexcept;
  ~StatsSegment();

  StatsLayout& layout() { return *layout_; }
  const StatsLayout& layout() const { return *layout_; }
  const std::string& name() const { return name_; }
  // The writer removes the name at a clean exit; readers keep their mapping.
  void unlink();

  // Sums over the lcore blocks in use.
  std::uint64_t total(Counter counter) const;
  std::uint64_t total_parse_drops(std::size_t reason) const;

  // The writer (the service loop): the counters as they are now become the baseline that the
  // CLI subtracts (`clear stats`; counters.hpp, StatsBaseline). The counters themselves go on.
  void clear_counters(std::uint64_t now_unix_ns);
  // Readers: a consistent copy of the baseline (all zero when never cleared).
  void read_baseline(StatsBaseline& out) const;

 private:
  StatsSegment(std::string name, StatsLayout* layout, bool writer)
      : name_(std::move(name)), layout_(layout), writer_(writer) {}
  std::string name_;
  StatsLayout* layout_ = nullptr;
  bool writer_ = false;
};

}  // namespace dmsc::dataplane
