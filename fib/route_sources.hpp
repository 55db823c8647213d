#pragma once
// The forwarder's two sources of routes in one fib::Table: static routes (its configuration and
// `route add` on its control socket) and the routes dmsc-controld sends over the update channel.
// Like an administrative distance, a static route wins: for a prefix that has one, the channel's
// route is remembered (shadowed) but not installed, and comes back when the static route is
// deleted. A resync of the channel sweeps only channel routes: statics survive it.
//
// Memory: the table holds one entry per prefix whatever its source; only prefixes with a static
// route have bookkeeping here (their static next hops and the shadowed channel route), so a
// channel of a million routes costs nothing extra.
//
// Threading: the table's writer thread calls everything (the forwarder's service loop, which also
// polls the channel consumer with this object as its sink).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>

#include "fib/expected.hpp"
#include "fib/name.hpp"
#include "fib/next_hop.hpp"
#include "fib/table.hpp"
#include "fib/update_channel.hpp"

namespace dmsc::fib {

enum class RouteSource : std::uint8_t { kStatic, kRouting };
const char* route_source_name(RouteSource source);  // "static", "routing"

class RouteSources final : public FibUpdateSink {
 public:
  struct Static {
    NextHopSet next_hops;
    std::optional<NextHopSet> shadowed;  // the channel's route for the prefix, not installed
    std::uint32_t shadowed_generation = 0;  // the resync generation it was last sent in
  };
  // Ordered by wire form (as Name orders), and searchable by a NameView without building a Name.
  struct WireLess {
    using is_transparent = void;
    static bool less(NameView a, NameView b) {
      const int order = std::memcmp(a.bytes, b.bytes, a.length < b.length ? a.length : b.length);
      return order != 0 ? order < 0 : a.length < b.length;
    }
    bool operator()(const Name& a, const Name& b) const { return less(a.view(), b.view()); }
    bool operator()(const Name& a, NameView b) const { return less(a.view(), b); }
    bool operator()(NameView a, const Name& b) const { return less(a, b.view()); }
  };
  using StaticMap = std::map<Name, Static, WireLess>;

  explicit RouteSources(Table& table) : table_(table) {}

  // Adds or replaces the static route of `prefix`; a channel route it displaces is kept aside.
  // Fails (and changes nothing) when the table refuses: invalid next hops, FIB full.
  Expected<UpdateOutcome> set_static(const Name& prefix, const NextHopSet& next_hops);
  // Removes the static route of `prefix`: the channel's route for it, if the channel sent one,
  // is installed again, else the prefix leaves the table. False when there was no static route.
  bool erase_static(const Name& prefix);

  const StaticMap& statics() const { return statics_; }
  const Static* find_static(NameView prefix) const;
  // The source of a prefix that is in the table.
  RouteSource source_of(NameView prefix) const {
    return statics_.empty() || find_static(prefix) == nullptr ? RouteSource::kRouting : RouteSource::kStatic;
  }

  // FibUpdateSink: the channel's side.
  void on_resync_begin() override;
  Status on_route(NameView prefix, const NextHopSet& next_hops) override;
  void on_delete(NameView prefix) override;
  void on_resync_end() override;
  std::size_t swept_last() const { return swept_last_; }

 private:
  Table& table_;
  StaticMap statics_;
  std::size_t swept_last_ = 0;
};

}  // namespace dmsc::fib
