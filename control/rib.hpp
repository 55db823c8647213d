#pragma once
// The name RIB: the best route of every reachable service prefix, from one SPF result, and the
// diff between two RIBs that the daemon pushes to the forwarder.
//
// Selection: the candidates of a prefix are its reachable originators; a candidate costs its
// SPF distance plus the metric it advertises the prefix with (64-bit, no overflow); the
// minimum wins and every originator tied at it is kept (anycast and multi-homed names): the
// route's next hops are the union of their first hops, the lowest kMaxNextHops by id. If the
// root is among the tied originators the route is local: it has no next hops even when remote
// originators tie, so a name served here is never sent away at equal cost. A root that
// advertises a name with a higher metric than a remote instance costs (a backup) loses to it.
// The anycast flag is carried in the route, not used to select: the rule is the same for
// every name several routers originate.
//
// Routes are keyed by the topology's PrefixTable index (no Name is built or copied per route);
// names are looked up only to diff two RIBs of different topologies and to show routes.
// Single-threaded: the daemon's core computes and diffs; a finished Rib is a plain value.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "control/spf.hpp"
#include "control/topology.hpp"
#include "fib/expected.hpp"
#include "fib/name.hpp"

namespace dmsc::control {

inline constexpr std::uint8_t kRouteLocal = 0x01;    // the root originates it at the best cost
inline constexpr std::uint8_t kRouteAnycast = 0x02;  // a best originator set the anycast flag

struct Route {
  std::uint64_t cost = 0;
  PrefixIndex prefix = 0;
  std::uint32_t first_originator = 0;  // into Rib::originators
  std::uint32_t originator_count = 0;
  std::uint8_t flags = 0;
  FirstHops next_hops;  // indices into Rib::neighbors(); none for a local route
};

class Rib {
 public:
  const NodeId& root() const { return root_; }
  std::size_t size() const { return routes_.size(); }
  // Ascending by prefix index, which is name order.
  std::span<const Route> routes() const { return routes_; }
  // Prefixes some node originates but no originator is reachable.
  std::size_t unreachable_prefix_count() const { return unreachable_prefixes_; }

  const Route* find(const fib::Name& name) const;
  const fib::Name& name(const Route& route) const { return prefixes_->name(route.prefix); }
  bool local(const Route& route) const { return route.flags & kRouteLocal; }
  // The originators tied at the best cost, ascending by id.
  std::span<const NodeId> originators(const Route& route) const {
    return {originators_.data() + route.first_originator, route.originator_count};
  }
  // The root's adjacent routers, which next hops index.
  std::span<const NodeId> neighbors() const { return neighbors_; }
  const NodeId& next_hop(const Route& route, std::size_t i) const {
    return neighbors_[route.next_hops.neighbor[i]];
  }
  const std::shared_ptr<const PrefixTable>& prefix_table() const { return prefixes_; }

 private:
  friend class RibBuilder;
  NodeId root_;
  std::shared_ptr<const PrefixTable> prefixes_;
  std::vector<Route> routes_;
  std::vector<NodeId> originators_;
  std::vector<NodeId> neighbors_;
  std::size_t unreachable_prefixes_ = 0;
  std::vector<NodeIndex> tied_;  // scratch: the best originators of the prefix at hand
};

// Computes the RIB from `spf` (a run over `topology`) into `rib`, reusing its storage.
// O(P + O) for P prefixes with O originators in all. Fails if `spf` was not run over this very
// `topology` (each build is a different topology, even of the same nodes).
Status compute_rib(const Topology& topology, const SpfResult& spf, Rib& rib);

// "/svc/a cost 12 via 0000.0000.0002.00 0000.0000.0003.00 from 0000.0000.0009.00 [anycast]".
std::string format_route(const Rib& rib, const Route& route);

// What the forwarder has to learn: a name whose forwarding changed (next hops or local), that
// gained or that lost a route. A change of cost or originators alone is not one.
// A self-contained message: it holds the prefix table its name is in and copies the next hops,
// so it stays valid when the RIBs it came from are replaced or gone.
struct RouteChange {
  enum class Kind : std::uint8_t { kAdded, kChanged, kRemoved };
  Kind kind = Kind::kAdded;
  bool local = false;               // the new route is local (never for kRemoved)
  std::uint8_t next_hop_count = 0;  // the new route's; 0 for kRemoved and local routes
  PrefixIndex prefix = 0;           // in *names
  std::shared_ptr<const PrefixTable> names;
  std::array<NodeId, fib::kMaxNextHops> next_hops{};

  const fib::Name& name() const { return names->name(prefix); }
};

// Fills `changes` (cleared first; keep it between runs to reuse its storage) with the changes
// from `before` to `after`, in name order. The RIBs may come from different topologies (merged
// by name) or share a prefix table (merged by index, no name compared). O(R) for R routes.
void diff_ribs(const Rib& before, const Rib& after, std::vector<RouteChange>& changes);

}  // namespace dmsc::control
