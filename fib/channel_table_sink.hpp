#pragma once
// Applies the FIB update channel to the forwarder's fib::Table. The table's generation stamps
// do the mark and sweep: each resync opens a generation, insert() stamps what it refreshes and
// erase_older_than() drops the rest at ResyncEnd, so a route re-sent unchanged stays in place
// (and keeps forwarding) through any resync.
//
// Threading: the table's writer thread (the one that polls the consumer). The channel owns the
// whole table: a route installed by anything else is swept by the next resync.

#include <cstddef>

#include "fib/table.hpp"
#include "fib/update_channel.hpp"

namespace dmsc::fib {

class TableSink final : public FibUpdateSink {
 public:
  explicit TableSink(Table& table) : table_(table) {}

  void on_resync_begin() override { table_.set_generation(table_.generation() + 1); }
  Status on_route(NameView prefix, const NextHopSet& next_hops) override;
  void on_delete(NameView prefix) override;
  void on_resync_end() override;

  std::size_t swept_last() const { return swept_last_; }

 private:
  Table& table_;
  std::size_t swept_last_ = 0;
};

}  // namespace dmsc::fib
