// SPF on hand-computed topologies, and against a Bellman-Ford reference on random graphs.
#include "control/spf.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "tests/control/net_builder.hpp"

namespace dmsc::control {
namespace {

using testing::lan;
using testing::NetBuilder;
using testing::router;

// A finished run and the questions the tests ask of it, by node id.
struct Solved {
  Topology topology;
  SpfResult spf;

  Solved(Topology built, const NodeId& root) : topology(std::move(built)) {
    const Status status = compute_spf(topology, root, spf);
    EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error());
  }
  NodeIndex index(const NodeId& id) const {
    const auto found = topology.find(id);
    EXPECT_TRUE(found.has_value()) << id.to_string();
    return found.value_or(0);
  }
  std::uint32_t distance(const NodeId& id) const { return spf.distance(index(id)); }
  std::vector<NodeId> hops(const NodeId& id) const {
    std::vector<NodeId> out;
    const FirstHops first = spf.first_hops(index(id));
    for (std::size_t i = 0; i < first.count; ++i)
      out.push_back(topology.id(spf.neighbors()[first.neighbor[i]]));
    return out;
  }
};

using Ids = std::vector<NodeId>;

TEST(Spf, Line) {
  NetBuilder net;
  net.link(router(1), router(2), 10).link(router(2), router(3), 20).link(router(3), router(4), 5);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(1)), 0u);
  EXPECT_EQ(run.distance(router(2)), 10u);
  EXPECT_EQ(run.distance(router(3)), 30u);
  EXPECT_EQ(run.distance(router(4)), 35u);
  EXPECT_EQ(run.hops(router(1)), Ids{});
  EXPECT_EQ(run.hops(router(4)), Ids{router(2)});
  EXPECT_EQ(run.spf.stats().reachable, 4u);

  Solved middle(net.build(), router(3));
  EXPECT_EQ(middle.distance(router(1)), 30u);
  EXPECT_EQ(middle.hops(router(1)), Ids{router(2)});
  EXPECT_EQ(middle.hops(router(4)), Ids{router(4)});
}

TEST(Spf, RingEqualCostPathsMergeFirstHops) {
  NetBuilder net;
  net.link(router(1), router(2), 10).link(router(2), router(3), 10);
  net.link(router(3), router(4), 10).link(router(4), router(1), 10);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(3)), 20u);
  EXPECT_EQ(run.hops(router(3)), (Ids{router(2), router(4)}));
  EXPECT_EQ(run.hops(router(2)), Ids{router(2)});
  EXPECT_EQ(run.hops(router(4)), Ids{router(4)});
}

TEST(Spf, DiamondTakesTheCheaperSide) {
  NetBuilder net;
  net.link(router(1), router(2), 5).link(router(1), router(3), 10);
  net.link(router(2), router(4), 10).link(router(3), router(4), 4);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(4)), 14u);
  EXPECT_EQ(run.hops(router(4)), Ids{router(3)});
}

TEST(Spf, UsesEachDirectionsOwnMetric) {
  NetBuilder net;
  net.link(router(1), router(2), 10, 50);
  Solved from_1(net.build(), router(1));
  EXPECT_EQ(from_1.distance(router(2)), 10u);
  Solved from_2(net.build(), router(2));
  EXPECT_EQ(from_2.distance(router(1)), 50u);
}

TEST(Spf, OneWayLinkIsIgnored) {
  NetBuilder net;
  net.link(router(1), router(2), 10).link(router(2), router(3), 10);
  net.one_way(router(1), router(3), 1);  // router 3 does not list router 1
  net.one_way(router(4), router(1), 1);  // nor does router 1 list router 4
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(3)), 20u);
  EXPECT_EQ(run.hops(router(3)), Ids{router(2)});
  EXPECT_FALSE(run.spf.reachable(run.index(router(4))));
  EXPECT_EQ(run.topology.dropped_link_count(), 2u);
  EXPECT_EQ(run.spf.neighbors().size(), 1u);
}

TEST(Spf, LinkToANodeWithoutLspIsIgnored) {
  NetBuilder net;
  net.link(router(1), router(2), 10);
  net.node(router(1)).links.push_back({router(9), 1});
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.topology.node_count(), 2u);
  EXPECT_EQ(run.topology.dropped_link_count(), 1u);
}

TEST(Spf, ParallelLinksKeepTheLowestMetric) {
  NetBuilder net;
  net.link(router(1), router(2), 30).link(router(1), router(2), 7);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(2)), 7u);
  EXPECT_EQ(run.topology.link_count(), 2u);
}

TEST(Spf, MaxMetricLinkIsNotUsed) {
  NetBuilder net;
  net.link(router(1), router(2), kUnusableLinkMetric);
  net.link(router(1), router(3), 10).link(router(3), router(2), 10);
  // One side at 0xFFFFFF is enough to keep a link out, in both directions.
  net.link(router(1), router(4), 1, kUnusableLinkMetric);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(2)), 20u);
  EXPECT_EQ(run.hops(router(2)), Ids{router(3)});
  EXPECT_FALSE(run.spf.reachable(run.index(router(4))));
  // The largest usable metric is used.
  NetBuilder far;
  far.link(router(1), router(2), kUnusableLinkMetric - 1);
  Solved far_run(far.build(), router(1));
  EXPECT_EQ(far_run.distance(router(2)), kUnusableLinkMetric - 1);
}

TEST(Spf, MetricAbove24BitsIsRejected) {
  NetBuilder net;
  net.link(router(1), router(2), 0x1000000);
  const auto topology = Topology::build(net.advertisements());
  ASSERT_FALSE(topology.ok());
  EXPECT_NE(topology.error().find("above 24 bits"), std::string::npos) << topology.error();
}

TEST(Spf, DuplicateNodeIsRejected) {
  NetBuilder net;
  net.link(router(1), router(2), 10);
  auto nodes = net.advertisements();
  nodes.push_back(nodes[0]);
  const auto topology = Topology::build(nodes);
  ASSERT_FALSE(topology.ok());
  EXPECT_NE(topology.error().find("described twice"), std::string::npos) << topology.error();
}

TEST(Spf, PathsAboveMaxPathMetricAreIgnored) {
  NetBuilder net;
  for (std::uint64_t i = 0; i < 300; ++i) net.link(router(i), router(i + 1), kUnusableLinkMetric - 1);
  Solved run(net.build(), router(0));
  // 254 * 0xFFFFFE = 0xFDFFFE04 <= 0xFE000000 < 255 * 0xFFFFFE.
  EXPECT_EQ(run.distance(router(254)), 254u * (kUnusableLinkMetric - 1));
  EXPECT_FALSE(run.spf.reachable(run.index(router(255))));
  EXPECT_EQ(run.spf.stats().reachable, 255u);
}

TEST(Spf, OverloadedRouterIsReachedButNotTransited) {
  NetBuilder net;
  net.link(router(1), router(2), 10).link(router(2), router(3), 10);
  net.link(router(1), router(4), 50).link(router(4), router(3), 50);
  net.link(router(2), router(5), 10);  // only behind the overloaded router
  net.overload(router(2));
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(2)), 10u);
  EXPECT_EQ(run.hops(router(2)), Ids{router(2)});
  EXPECT_EQ(run.distance(router(3)), 100u);
  EXPECT_EQ(run.hops(router(3)), Ids{router(4)});
  EXPECT_FALSE(run.spf.reachable(run.index(router(5))));

  // The overloaded router's own SPF transits itself.
  Solved own(net.build(), router(2));
  EXPECT_EQ(own.distance(router(5)), 10u);
  EXPECT_EQ(own.distance(router(4)), 60u);
}

TEST(Spf, PseudonodeLan) {
  // Routers 1, 2, 3 on a LAN whose DIS is router 1; router 3 also has a p2p link to router 4.
  const NodeId lan_id = lan(1, 1);
  NetBuilder net;
  net.lan_member(lan_id, router(1), 10).lan_member(lan_id, router(2), 20);
  net.lan_member(lan_id, router(3), 10);
  net.link(router(3), router(4), 5);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(lan_id), 10u);
  EXPECT_EQ(run.hops(lan_id), Ids{});
  EXPECT_EQ(run.distance(router(2)), 10u);
  EXPECT_EQ(run.hops(router(2)), Ids{router(2)});
  EXPECT_EQ(run.distance(router(3)), 10u);
  EXPECT_EQ(run.hops(router(3)), Ids{router(3)});
  EXPECT_EQ(run.distance(router(4)), 15u);
  EXPECT_EQ(run.hops(router(4)), Ids{router(3)});
  ASSERT_EQ(run.spf.neighbors().size(), 2u);

  Solved from_2(net.build(), router(2));
  EXPECT_EQ(from_2.distance(router(1)), 20u);
  EXPECT_EQ(from_2.hops(router(1)), Ids{router(1)});
  EXPECT_EQ(from_2.distance(router(4)), 25u);
  EXPECT_EQ(from_2.hops(router(4)), Ids{router(3)});
}

TEST(Spf, PseudonodeLinksCostZeroWhateverTheyAdvertise) {
  const NodeId lan_id = lan(1, 1);
  NetBuilder net;
  net.link(router(1), lan_id, 10, 7).link(router(2), lan_id, 10, 7);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(2)), 10u);
}

TEST(Spf, PseudonodeOverloadBitIsIgnored) {
  const NodeId lan_id = lan(1, 1);
  NetBuilder net;
  net.lan_member(lan_id, router(1), 10).lan_member(lan_id, router(2), 10);
  net.overload(lan_id);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(2)), 10u);
}

TEST(Spf, LanAndRouterPathsTie) {
  // Router 4 is 20 away through router 2 (p2p) and through router 3 (across the LAN).
  const NodeId lan_id = lan(3, 1);
  NetBuilder net;
  net.link(router(1), router(2), 10).link(router(2), router(4), 10);
  net.lan_member(lan_id, router(1), 15).lan_member(lan_id, router(3), 1);
  net.link(router(3), router(4), 5);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(4)), 20u);
  EXPECT_EQ(run.hops(router(4)), (Ids{router(2), router(3)}));
}

TEST(Spf, ZeroCostTieAfterSettlingIsPropagated) {
  // Router 2 is 5 away directly and through router 3 (5 + 0). Router 2 is settled first (lower
  // index at the same distance); the tie through router 3 comes later and must still reach
  // router 4, which lies beyond router 2.
  NetBuilder net;
  net.link(router(1), router(2), 5).link(router(1), router(3), 5);
  net.link(router(3), router(2), 0).link(router(2), router(4), 10);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.distance(router(2)), 5u);
  EXPECT_EQ(run.hops(router(2)), (Ids{router(2), router(3)}));
  EXPECT_EQ(run.distance(router(4)), 15u);
  EXPECT_EQ(run.hops(router(4)), (Ids{router(2), router(3)}));
  EXPECT_GT(run.spf.stats().tie_repropagations, 0u);
}

// Ten equal-cost paths; the eight kept are those of the lowest ids, whatever the input order.
TEST(Spf, EcmpIsCappedAtEightLowestIds) {
  std::vector<std::uint64_t> middles = {70, 20, 90, 30, 10, 60, 100, 40, 80, 50};
  for (int round = 0; round < 5; ++round) {
    std::shuffle(middles.begin(), middles.end(), std::mt19937(round));
    NetBuilder net;
    for (const std::uint64_t middle : middles)
      net.link(router(1), router(middle), 3).link(router(middle), router(999), 4);
    auto nodes = net.advertisements();
    std::shuffle(nodes.begin(), nodes.end(), std::mt19937(round + 100));
    for (auto& node : nodes) std::shuffle(node.links.begin(), node.links.end(), std::mt19937(round));
    Solved run(*Topology::build(nodes), router(1));
    EXPECT_EQ(run.distance(router(999)), 7u);
    EXPECT_EQ(run.spf.first_hop_count(run.index(router(999))), 10u);
    EXPECT_EQ(run.hops(router(999)), (Ids{router(10), router(20), router(30), router(40), router(50),
                                          router(60), router(70), router(80)}));
  }
}

TEST(Spf, MoreThan64AdjacentRoutersUseWideMasks) {
  NetBuilder net;
  for (std::uint64_t i = 2; i < 202; ++i)
    net.link(router(1), router(i), 1).link(router(i), router(1000), i >= 190 ? 1 : 2);
  Solved run(net.build(), router(1));
  EXPECT_EQ(run.spf.mask_words(), 4u);
  EXPECT_EQ(run.distance(router(1000)), 2u);
  EXPECT_EQ(run.spf.first_hop_count(run.index(router(1000))), 12u);
  EXPECT_EQ(run.hops(router(1000)), (Ids{router(190), router(191), router(192), router(193),
                                         router(194), router(195), router(196), router(197)}));
}

TEST(Spf, RootMustBeARouterOfTheTopology) {
  NetBuilder net;
  net.lan_member(lan(1, 1), router(1), 10);
  const Topology topology = net.build();
  SpfResult spf;
  EXPECT_FALSE(compute_spf(topology, router(7), spf).ok());
  EXPECT_FALSE(compute_spf(topology, lan(1, 1), spf).ok());
  EXPECT_TRUE(compute_spf(topology, router(1), spf).ok());
}

TEST(Spf, EmptyTopology) {
  const Topology empty;
  EXPECT_EQ(empty.node_count(), 0u);
  EXPECT_EQ(empty.prefixes().size(), 0u);
  SpfResult spf;
  EXPECT_FALSE(compute_spf(empty, router(1), spf).ok());
  EXPECT_FALSE(spf.is_over(empty));
}

TEST(Spf, ResultIsReusedAcrossRuns) {
  NetBuilder big;
  for (std::uint64_t i = 0; i < 50; ++i) big.link(router(i), router(i + 1), 1);
  NetBuilder small;
  small.link(router(1), router(2), 4);
  const Topology big_topology = big.build();
  const Topology small_topology = small.build();
  SpfResult spf;
  ASSERT_TRUE(compute_spf(big_topology, router(0), spf).ok());
  ASSERT_TRUE(compute_spf(small_topology, router(1), spf).ok());
  EXPECT_EQ(spf.node_count(), 2u);
  EXPECT_EQ(spf.distance(*small_topology.find(router(2))), 4u);
  EXPECT_EQ(spf.stats().reachable, 2u);
}

TEST(SpfLog, KeepsTheLastEntries) {
  SpfLog log(2);
  for (std::uint32_t i = 0; i < 3; ++i) {
    SpfLogEntry entry;
    entry.when = std::chrono::system_clock::time_point{} + std::chrono::seconds(i);
    entry.duration = std::chrono::microseconds(1500);
    entry.nodes = i;
    entry.trigger = "test";
    log.record(entry);
  }
  ASSERT_EQ(log.entries().size(), 2u);
  EXPECT_EQ(log.entries().front().nodes, 1u);
  EXPECT_EQ(log.total_runs(), 3u);
  EXPECT_EQ(format_spf_log_entry(log.entries().back()),
            "1970-01-01T00:00:02Z     1.500 ms  nodes 2  reachable 0  routes 0  test");
}

// ---- Against a reference: Bellman-Ford over the raw advertisements ----------------------

constexpr std::uint64_t kInfinity = ~std::uint64_t{0};

struct ReferenceGraph {
  std::vector<NodeId> ids;
  std::vector<bool> overloaded;
  // cost[u][v]: the usable two-way link u -> v, or kInfinity.
  std::vector<std::vector<std::uint64_t>> cost;
};

ReferenceGraph reference_graph(const std::vector<NodeAdvertisement>& nodes) {
  ReferenceGraph graph;
  const std::size_t n = nodes.size();
  for (const auto& node : nodes) {
    graph.ids.push_back(node.id);
    graph.overloaded.push_back(node.overload && !node.id.is_pseudonode());
  }
  auto position = [&](const NodeId& id) -> std::size_t {
    return static_cast<std::size_t>(std::find(graph.ids.begin(), graph.ids.end(), id) - graph.ids.begin());
  };
  std::vector<std::vector<std::uint64_t>> listed(n, std::vector<std::uint64_t>(n, kInfinity));
  for (std::size_t u = 0; u < n; ++u)
    for (const Link& link : nodes[u].links) {
      const std::size_t v = position(link.neighbor);
      if (v == n || v == u || link.metric >= kUnusableLinkMetric) continue;
      const std::uint64_t metric = nodes[u].id.is_pseudonode() ? 0 : link.metric;
      listed[u][v] = std::min(listed[u][v], metric);
    }
  graph.cost.assign(n, std::vector<std::uint64_t>(n, kInfinity));
  for (std::size_t u = 0; u < n; ++u)
    for (std::size_t v = 0; v < n; ++v)
      if (listed[u][v] != kInfinity && listed[v][u] != kInfinity) graph.cost[u][v] = listed[u][v];
  return graph;
}

// Distances from `source`, never through `excluded`; overloaded nodes other than `source`
// are not transited; paths above kMaxPathMetric do not count.
std::vector<std::uint64_t> bellman_ford(const ReferenceGraph& graph, std::size_t source,
                                        std::size_t excluded) {
  const std::size_t n = graph.ids.size();
  std::vector<std::uint64_t> distance(n, kInfinity);
  distance[source] = 0;
  for (std::size_t round = 0; round < n; ++round)
    for (std::size_t u = 0; u < n; ++u) {
      if (distance[u] == kInfinity || u == excluded) continue;
      if (u != source && graph.overloaded[u]) continue;
      for (std::size_t v = 0; v < n; ++v)
        if (graph.cost[u][v] != kInfinity && v != excluded)
          distance[v] = std::min(distance[v], distance[u] + graph.cost[u][v]);
    }
  for (auto& d : distance)
    if (d > kMaxPathMetric) d = kInfinity;
  return distance;
}

// First hops of every node: adjacent router a is one when a shortest path starts root -> a or
// root -> pseudonode -> a and goes on from a (never back through the root).
std::vector<std::set<NodeId>> reference_first_hops(const ReferenceGraph& graph, std::size_t root,
                                                   const std::vector<std::uint64_t>& distance) {
  const std::size_t n = graph.ids.size();
  std::vector<std::set<NodeId>> hops(n);
  auto consider = [&](std::size_t a, std::uint64_t to_a) {
    const std::vector<std::uint64_t> from_a = bellman_ford(graph, a, root);
    for (std::size_t v = 0; v < n; ++v)
      if (v != root && from_a[v] != kInfinity && distance[v] != kInfinity &&
          to_a + from_a[v] == distance[v] && (v == a || !graph.overloaded[a]))
        hops[v].insert(graph.ids[a]);
  };
  for (std::size_t a = 0; a < n; ++a) {
    if (graph.cost[root][a] == kInfinity) continue;
    if (!graph.ids[a].is_pseudonode()) {
      consider(a, graph.cost[root][a]);
      continue;
    }
    for (std::size_t b = 0; b < n; ++b)
      if (b != root && graph.cost[a][b] != kInfinity && !graph.ids[b].is_pseudonode())
        consider(b, graph.cost[root][a] + graph.cost[a][b]);
  }
  return hops;
}

std::vector<NodeAdvertisement> random_network(std::mt19937& rng) {
  const std::size_t routers = 2 + rng() % 30;
  const std::size_t lans = rng() % 4;
  const std::uint32_t metric_range = (rng() % 2) ? 4 : 64;  // small ranges make many ties
  std::vector<NodeAdvertisement> nodes;
  for (std::size_t i = 0; i < routers; ++i) {
    nodes.push_back({router(1000 - i * 7), rng() % 10 == 0, {}, {}});
  }
  auto metric = [&]() -> std::uint32_t {
    const std::uint32_t roll = rng() % 40;
    if (roll == 0) return kUnusableLinkMetric;
    return rng() % metric_range;  // 0 included
  };
  const std::size_t links = routers + rng() % (routers * 2);
  for (std::size_t k = 0; k < links; ++k) {
    const std::size_t a = rng() % routers;
    const std::size_t b = rng() % routers;
    nodes[a].links.push_back({nodes[b].id, metric()});
    if (rng() % 12 != 0) nodes[b].links.push_back({nodes[a].id, metric()});  // else one-way
  }
  for (std::size_t l = 0; l < lans; ++l) {
    NodeAdvertisement pseudonode{lan(1000 - (rng() % routers) * 7, static_cast<std::uint8_t>(l + 1)),
                                 rng() % 5 == 0, {}, {}};
    const std::size_t members = 2 + rng() % 5;
    for (std::size_t m = 0; m < members; ++m) {
      const std::size_t r = rng() % routers;
      nodes[r].links.push_back({pseudonode.id, metric()});
      pseudonode.links.push_back({nodes[r].id, rng() % 8 == 0 ? 3u : 0u});
    }
    nodes.push_back(pseudonode);
  }
  std::shuffle(nodes.begin(), nodes.end(), rng);
  return nodes;
}

TEST(Spf, MatchesBellmanFordOnRandomGraphs) {
  std::mt19937 rng(20240601);
  std::size_t reachable_total = 0;
  std::size_t multi_hop_total = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const std::vector<NodeAdvertisement> nodes = random_network(rng);
    const auto topology = Topology::build(nodes);
    ASSERT_TRUE(topology.ok()) << topology.error();
    const ReferenceGraph graph = reference_graph(nodes);
    std::size_t root = 0;
    while (graph.ids[root].is_pseudonode()) ++root;

    SpfResult spf;
    ASSERT_TRUE(compute_spf(*topology, graph.ids[root], spf).ok());
    const std::vector<std::uint64_t> distance = bellman_ford(graph, root, graph.ids.size());
    const std::vector<std::set<NodeId>> hops = reference_first_hops(graph, root, distance);
    for (std::size_t v = 0; v < graph.ids.size(); ++v) {
      const NodeIndex index = *topology->find(graph.ids[v]);
      SCOPED_TRACE("trial " + std::to_string(trial) + " node " + graph.ids[v].to_string());
      if (distance[v] == kInfinity) {
        EXPECT_FALSE(spf.reachable(index));
        continue;
      }
      ++reachable_total;
      ASSERT_TRUE(spf.reachable(index));
      EXPECT_EQ(spf.distance(index), distance[v]);
      EXPECT_EQ(spf.first_hop_count(index), hops[v].size());
      std::vector<NodeId> expected(hops[v].begin(), hops[v].end());
      if (expected.size() > fib::kMaxNextHops) expected.resize(fib::kMaxNextHops);
      std::vector<NodeId> got;
      const FirstHops first = spf.first_hops(index);
      for (std::size_t i = 0; i < first.count; ++i)
        got.push_back(topology->id(spf.neighbors()[first.neighbor[i]]));
      EXPECT_EQ(got, expected);
      if (hops[v].size() > 1) ++multi_hop_total;
    }
  }
  // The generator must exercise what it is meant to.
  EXPECT_GT(reachable_total, 2000u);
  EXPECT_GT(multi_hop_total, 200u);
}

}  // namespace
}  // namespace dmsc::control
