#include "control/rib.hpp"

#include <algorithm>
#include <cinttypes>
#include <compare>
#include <cstdio>
#include <limits>

namespace dmsc::control {

class RibBuilder {
 public:
  RibBuilder(const Topology& topology, const SpfResult& spf, Rib& rib)
      : topology_(topology), spf_(spf), rib_(rib) {}

  void prepare() {
    rib_.root_ = topology_.id(spf_.root());
    rib_.prefixes_ = topology_.shared_prefixes();
    rib_.routes_.clear();
    rib_.routes_.reserve(topology_.prefixes().size());
    rib_.originators_.clear();
    rib_.originators_.reserve(topology_.prefixes().size());
    rib_.neighbors_.clear();
    for (const NodeIndex neighbor : spf_.neighbors()) rib_.neighbors_.push_back(topology_.id(neighbor));
    rib_.unreachable_prefixes_ = 0;
  }

  template <std::size_t kWords>
  void run() {
    constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();
    const std::size_t words = kWords != 0 ? kWords : spf_.mask_words();
    const PrefixTable& table = topology_.prefixes();
    const std::uint32_t* distance = spf_.distances();
    const NodeIndex root = spf_.root();
    std::uint64_t mask_storage[kWords != 0 ? kWords : 1];
    std::vector<std::uint64_t> wide_mask(kWords != 0 ? 0 : words);
    std::uint64_t* mask = kWords != 0 ? mask_storage : wide_mask.data();
    std::vector<NodeIndex>& best = rib_.tied_;

    for (PrefixIndex p = 0; p < table.size(); ++p) {
      std::uint64_t best_cost = kNone;
      std::uint8_t flags = 0;
      best.clear();
      for (const Origin& origin : table.origins(p)) {
        if (distance[origin.node] == kUnreachable) continue;
        const std::uint64_t cost = std::uint64_t{distance[origin.node]} + origin.metric;
        if (cost > best_cost) continue;
        const std::uint64_t* hops = spf_.first_hop_mask(origin.node);
        if (cost < best_cost) {
          best_cost = cost;
          best.clear();
          flags = 0;
          for (std::size_t w = 0; w < words; ++w) mask[w] = hops[w];
        } else {
          for (std::size_t w = 0; w < words; ++w) mask[w] |= hops[w];
        }
        best.push_back(origin.node);
        if (origin.node == root) flags |= kRouteLocal;
        if (origin.flags & kPrefixFlagAnycast) flags |= kRouteAnycast;
      }
      if (best_cost == kNone) {
        ++rib_.unreachable_prefixes_;
        continue;
      }
      Route& route = rib_.routes_.emplace_back();
      route.cost = best_cost;
      route.prefix = p;
      route.flags = flags;
      route.first_originator = static_cast<std::uint32_t>(rib_.originators_.size());
      route.originator_count = static_cast<std::uint32_t>(best.size());
      for (const NodeIndex node : best) rib_.originators_.push_back(topology_.id(node));
      if (!(flags & kRouteLocal)) route.next_hops = lowest_first_hops(mask, words);
    }
  }

 private:
  const Topology& topology_;
  const SpfResult& spf_;
  Rib& rib_;
};

Status compute_rib(const Topology& topology, const SpfResult& spf, Rib& rib) {
  if (!spf.is_over(topology))
    return Error{"rib: the SPF result is not over this topology"};
  RibBuilder builder(topology, spf, rib);
  builder.prepare();
  if (spf.mask_words() == 1)
    builder.run<1>();
  else
    builder.run<0>();
  return ok_status();
}

const Route* Rib::find(const fib::Name& name) const {
  if (!prefixes_) return nullptr;
  const std::optional<PrefixIndex> prefix = prefixes_->find(name);
  if (!prefix) return nullptr;
  const auto it = std::lower_bound(routes_.begin(), routes_.end(), *prefix,
                                   [](const Route& r, PrefixIndex p) { return r.prefix < p; });
  return it != routes_.end() && it->prefix == *prefix ? &*it : nullptr;
}

std::string format_route(const Rib& rib, const Route& route) {
  std::string line = rib.name(route).to_string();
  char cost[32];
  std::snprintf(cost, sizeof(cost), " cost %" PRIu64, route.cost);
  line += cost;
  if (rib.local(route)) line += " local";
  if (route.next_hops.count > 0) line += " via";
  // Appended piecewise: g++ 12 warns (-Wrestrict, a false positive) on " " + std::string.
  for (std::size_t i = 0; i < route.next_hops.count; ++i) {
    line += ' ';
    line += rib.next_hop(route, i).to_string();
  }
  line += " from";
  for (const NodeId& originator : rib.originators(route)) {
    line += ' ';
    line += originator.to_string();
  }
  if (route.flags & kRouteAnycast) line += " [anycast]";
  return line;
}

namespace {

RouteChange make_change(RouteChange::Kind kind, const Rib& rib, const Route& route) {
  RouteChange change;
  change.kind = kind;
  change.prefix = route.prefix;
  change.names = rib.prefix_table();
  if (kind == RouteChange::Kind::kRemoved) return change;
  change.local = rib.local(route);
  change.next_hop_count = route.next_hops.count;
  for (std::size_t i = 0; i < route.next_hops.count; ++i) change.next_hops[i] = rib.next_hop(route, i);
  return change;
}

bool same_forwarding(const Rib& a, const Route& x, const Rib& b, const Route& y) {
  if (a.local(x) != b.local(y) || x.next_hops.count != y.next_hops.count) return false;
  for (std::size_t i = 0; i < x.next_hops.count; ++i)
    if (a.next_hop(x, i) != b.next_hop(y, i)) return false;
  return true;
}

}  // namespace

void diff_ribs(const Rib& before, const Rib& after, std::vector<RouteChange>& changes) {
  using Kind = RouteChange::Kind;
  changes.clear();
  changes.reserve(before.size() + after.size());  // the bound: pages never written cost nothing
  const bool same_table = before.prefix_table() == after.prefix_table();
  const std::span<const Route> old_routes = before.routes();
  const std::span<const Route> new_routes = after.routes();
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < old_routes.size() && j < new_routes.size()) {
    const Route& old_route = old_routes[i];
    const Route& new_route = new_routes[j];
    const std::strong_ordering order = same_table
                                           ? old_route.prefix <=> new_route.prefix
                                           : before.name(old_route) <=> after.name(new_route);
    if (order < 0) {
      changes.push_back(make_change(Kind::kRemoved, before, old_route));
      ++i;
    } else if (order > 0) {
      changes.push_back(make_change(Kind::kAdded, after, new_route));
      ++j;
    } else {
      if (!same_forwarding(before, old_route, after, new_route))
        changes.push_back(make_change(Kind::kChanged, after, new_route));
      ++i;
      ++j;
    }
  }
  for (; i < old_routes.size(); ++i) changes.push_back(make_change(Kind::kRemoved, before, old_routes[i]));
  for (; j < new_routes.size(); ++j) changes.push_back(make_change(Kind::kAdded, after, new_routes[j]));
}

}  // namespace dmsc::control
