#pragma once
// A FibUpdateSink over a std::map: the reference semantics of applying the channel (generation
// stamps, sweep at ResyncEnd) without the FIB. The channel tests and tools use it as a mirror
// of what the forwarder's table should hold.

#include <cstddef>
#include <cstdint>
#include <map>

#include "fib/name.hpp"
#include "fib/next_hop.hpp"
#include "fib/update_channel.hpp"

namespace dmsc::fib {

class MapSink final : public FibUpdateSink {
 public:
  struct Entry {
    NextHopSet next_hops;
    std::uint32_t generation = 0;
  };

  void on_resync_begin() override { ++generation_; }
  Status on_route(NameView prefix, const NextHopSet& next_hops) override;
  void on_delete(NameView prefix) override;
  void on_resync_end() override;

  const std::map<Name, Entry>& entries() const { return entries_; }
  std::map<Name, NextHopSet> routes() const;
  // How many times each prefix left the map, by delete or by sweep: a restart of either side
  // must never remove a route that both the old and the new state contain.
  const std::map<Name, std::size_t>& removals() const { return removals_; }
  std::uint32_t generation() const { return generation_; }
  std::size_t swept_last() const { return swept_last_; }

 private:
  void removed(const Name& prefix) { ++removals_[prefix]; }

  std::map<Name, Entry> entries_;
  std::map<Name, std::size_t> removals_;
  std::uint32_t generation_ = 0;
  std::size_t swept_last_ = 0;
};

}  // namespace dmsc::fib
