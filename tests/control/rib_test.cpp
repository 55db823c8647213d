// RIB selection and RIB diffs on hand-computed topologies.
#include "control/rib.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "tests/control/net_builder.hpp"

namespace dmsc::control {
namespace {

using testing::lan;
using testing::name;
using testing::NetBuilder;
using testing::router;
using Ids = std::vector<NodeId>;

struct Computed {
  Topology topology;
  SpfResult spf;
  Rib rib;

  Computed(Topology built, const NodeId& root) : topology(std::move(built)) {
    Status status = compute_spf(topology, root, spf);
    EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error());
    status = compute_rib(topology, spf, rib);
    EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error());
  }
  const Route& route(const char* text) const {
    const Route* found = rib.find(name(text));
    EXPECT_NE(found, nullptr) << text;
    static const Route kNone;
    return found != nullptr ? *found : kNone;
  }
  Ids next_hops(const char* text) const {
    const Route& found = route(text);
    Ids out;
    for (std::size_t i = 0; i < found.next_hops.count; ++i) out.push_back(rib.next_hop(found, i));
    return out;
  }
  Ids originators(const char* text) const {
    const auto span = rib.originators(route(text));
    return Ids(span.begin(), span.end());
  }
};

// Router 1 (the root) links to routers 2 and 3 at 10 each; router 4 is behind router 3.
NetBuilder square() {
  NetBuilder net;
  net.link(router(1), router(2), 10).link(router(1), router(3), 10).link(router(3), router(4), 10);
  return net;
}

TEST(Rib, RemotePrefix) {
  NetBuilder net = square();
  net.prefix(router(4), "/svc/r4", 3);
  Computed c(net.build(), router(1));
  ASSERT_EQ(c.rib.size(), 1u);
  EXPECT_EQ(c.route("/svc/r4").cost, 23u);
  EXPECT_EQ(c.next_hops("/svc/r4"), Ids{router(3)});
  EXPECT_EQ(c.originators("/svc/r4"), Ids{router(4)});
  EXPECT_FALSE(c.rib.local(c.route("/svc/r4")));
  EXPECT_EQ(format_route(c.rib, c.route("/svc/r4")),
            "/svc/r4 cost 23 via 0000.0000.0003.00 from 0000.0000.0004.00");
}

TEST(Rib, AnycastAtEqualCostLoadShares) {
  NetBuilder net = square();
  net.prefix(router(2), "/svc/any", 5, kPrefixFlagAnycast);
  net.prefix(router(3), "/svc/any", 5, kPrefixFlagAnycast);
  Computed c(net.build(), router(1));
  EXPECT_EQ(c.route("/svc/any").cost, 15u);
  EXPECT_EQ(c.next_hops("/svc/any"), (Ids{router(2), router(3)}));
  EXPECT_EQ(c.originators("/svc/any"), (Ids{router(2), router(3)}));
  EXPECT_TRUE(c.route("/svc/any").flags & kRouteAnycast);
}

TEST(Rib, AnycastAtDifferentCostTakesTheNearest) {
  NetBuilder net = square();
  // Prefix metric decides between routers at the same distance...
  net.prefix(router(2), "/svc/metric", 5, kPrefixFlagAnycast);
  net.prefix(router(3), "/svc/metric", 1, kPrefixFlagAnycast);
  // ...and distance between equal metrics; distance + metric is what counts.
  net.prefix(router(2), "/svc/distance", 0);
  net.prefix(router(4), "/svc/distance", 0);
  net.prefix(router(2), "/svc/sum", 12);
  net.prefix(router(4), "/svc/sum", 1);
  Computed c(net.build(), router(1));
  EXPECT_EQ(c.next_hops("/svc/metric"), Ids{router(3)});
  EXPECT_EQ(c.originators("/svc/metric"), Ids{router(3)});
  EXPECT_EQ(c.route("/svc/metric").cost, 11u);
  EXPECT_EQ(c.originators("/svc/distance"), Ids{router(2)});
  EXPECT_EQ(c.next_hops("/svc/distance"), Ids{router(2)});
  EXPECT_EQ(c.originators("/svc/sum"), Ids{router(4)});
  EXPECT_EQ(c.route("/svc/sum").cost, 21u);
  EXPECT_FALSE(c.route("/svc/distance").flags & kRouteAnycast);
}

TEST(Rib, UnreachableOriginatorContributesNothing) {
  NetBuilder net = square();
  net.node(router(9));  // no links
  net.prefix(router(9), "/svc/island");
  net.prefix(router(9), "/svc/any", 0);
  net.prefix(router(4), "/svc/any", 50);
  Computed c(net.build(), router(1));
  EXPECT_EQ(c.rib.find(name("/svc/island")), nullptr);
  EXPECT_EQ(c.rib.unreachable_prefix_count(), 1u);
  EXPECT_EQ(c.originators("/svc/any"), Ids{router(4)});
  EXPECT_EQ(c.route("/svc/any").cost, 70u);
  EXPECT_EQ(c.rib.size(), 1u);
}

TEST(Rib, OverloadedOriginatorIsReachable) {
  NetBuilder net = square();
  net.overload(router(3));
  net.prefix(router(3), "/svc/r3");
  net.prefix(router(4), "/svc/r4");
  Computed c(net.build(), router(1));
  EXPECT_EQ(c.next_hops("/svc/r3"), Ids{router(3)});
  EXPECT_EQ(c.rib.find(name("/svc/r4")), nullptr);
}

TEST(Rib, LocalPrefix) {
  NetBuilder net = square();
  net.prefix(router(1), "/svc/here", 0);
  // A tie between the root and a remote originator is local (no next hop)...
  net.prefix(router(1), "/svc/tie", 10);
  net.prefix(router(2), "/svc/tie", 0);
  // ...but a root advertising a name as a backup (higher cost) loses to the remote one.
  net.prefix(router(1), "/svc/backup", 30);
  net.prefix(router(2), "/svc/backup", 0);
  Computed c(net.build(), router(1));
  EXPECT_TRUE(c.rib.local(c.route("/svc/here")));
  EXPECT_EQ(c.route("/svc/here").next_hops.count, 0u);
  EXPECT_EQ(c.route("/svc/here").cost, 0u);
  EXPECT_TRUE(c.rib.local(c.route("/svc/tie")));
  EXPECT_EQ(c.route("/svc/tie").next_hops.count, 0u);
  EXPECT_EQ(c.originators("/svc/tie"), (Ids{router(1), router(2)}));
  EXPECT_FALSE(c.rib.local(c.route("/svc/backup")));
  EXPECT_EQ(c.next_hops("/svc/backup"), Ids{router(2)});
  EXPECT_EQ(format_route(c.rib, c.route("/svc/here")),
            "/svc/here cost 0 local from 0000.0000.0001.00");
}

TEST(Rib, NextHopsAcrossALan) {
  const NodeId lan_id = lan(2, 1);
  NetBuilder net;
  net.lan_member(lan_id, router(1), 5).lan_member(lan_id, router(2), 5);
  net.lan_member(lan_id, router(3), 5);
  net.prefix(router(2), "/svc/any", 1).prefix(router(3), "/svc/any", 1);
  Computed c(net.build(), router(1));
  EXPECT_EQ(c.route("/svc/any").cost, 6u);
  EXPECT_EQ(c.next_hops("/svc/any"), (Ids{router(2), router(3)}));
}

TEST(Rib, NextHopUnionIsCappedAtEightLowestIds) {
  // Ten originators, each 2 away through its own neighbour of the root.
  NetBuilder net;
  const std::uint64_t middles[] = {110, 20, 90, 30, 10, 60, 100, 40, 80, 50};
  for (const std::uint64_t middle : middles) {
    net.link(router(1), router(middle), 1).link(router(middle), router(middle + 1), 1);
    net.prefix(router(middle + 1), "/svc/wide", 0, kPrefixFlagAnycast);
  }
  Computed c(net.build(), router(1));
  EXPECT_EQ(c.route("/svc/wide").cost, 2u);
  EXPECT_EQ(c.originators("/svc/wide").size(), 10u);
  EXPECT_EQ(c.next_hops("/svc/wide"), (Ids{router(10), router(20), router(30), router(40),
                                          router(50), router(60), router(80), router(90)}));
}

TEST(Rib, DuplicatePrefixOfOneNodeKeepsTheLowestMetric) {
  NetBuilder net = square();
  net.prefix(router(2), "/svc/twice", 9).prefix(router(2), "/svc/twice", 4);
  Computed c(net.build(), router(1));
  EXPECT_EQ(c.route("/svc/twice").cost, 14u);
  EXPECT_EQ(c.topology.duplicate_prefix_count(), 1u);
  EXPECT_EQ(c.originators("/svc/twice"), Ids{router(2)});
}

TEST(Rib, RejectsAnSpfOfAnotherTopology) {
  NetBuilder net = square();
  Computed c(net.build(), router(1));
  NetBuilder other;
  other.link(router(1), router(2), 1);
  const Topology small = other.build();
  Rib rib;
  EXPECT_FALSE(compute_rib(small, c.spf, rib).ok());
  // The same nodes built again are another topology too.
  const Topology rebuilt = square().build();
  EXPECT_FALSE(compute_rib(rebuilt, c.spf, rib).ok());
  EXPECT_FALSE(compute_rib(rebuilt, SpfResult{}, rib).ok());
  EXPECT_TRUE(compute_rib(c.topology, c.spf, rib).ok());
}

std::string describe(const Rib& before, const Rib& after) {
  std::vector<RouteChange> changes;
  diff_ribs(before, after, changes);
  std::string out;
  for (const RouteChange& change : changes) {
    out += change.kind == RouteChange::Kind::kAdded     ? "+"
           : change.kind == RouteChange::Kind::kChanged ? "~"
                                                        : "-";
    out += change.name().to_string();
    if (change.local) out += " local";
    for (std::size_t i = 0; i < change.next_hop_count; ++i) {
      out += ' ';
      out += std::to_string(change.next_hops[i].octets[5]);
    }
    out += ";";
  }
  return out;
}

TEST(RibDiff, AddedChangedRemoved) {
  NetBuilder before = square();
  before.prefix(router(2), "/a").prefix(router(4), "/b").prefix(router(4), "/c");
  before.prefix(router(3), "/same").prefix(router(4), "/cost", 1);
  NetBuilder after;
  // Router 4 moves next to router 2 only; /a goes, /d comes, /cost only changes its cost.
  after.link(router(1), router(2), 10).link(router(1), router(3), 10).link(router(2), router(4), 10);
  after.prefix(router(4), "/b").prefix(router(1), "/c").prefix(router(2), "/d");
  after.prefix(router(3), "/same").prefix(router(3), "/cost", 7);
  Computed old_rib(before.build(), router(1));
  Computed new_rib(after.build(), router(1));
  EXPECT_EQ(describe(old_rib.rib, new_rib.rib), "-/a;~/b 2;~/c local;+/d 2;");
  EXPECT_EQ(describe(new_rib.rib, old_rib.rib), "+/a 2;~/b 3;~/c 3;-/d;");
  // Name order is wire order (Name::operator<=>): the length octet first, so /d before /cost.
  EXPECT_EQ(describe(Rib{}, new_rib.rib), "+/b 2;+/c local;+/d 2;+/cost 3;+/same 3;");
}

TEST(RibDiff, SameContentIsNoChange) {
  NetBuilder net = square();
  net.prefix(router(2), "/a").prefix(router(4), "/b");
  Computed first(net.build(), router(1));
  Computed second(net.build(), router(1));  // another prefix table, same names
  EXPECT_NE(first.rib.prefix_table(), second.rib.prefix_table());
  EXPECT_EQ(describe(first.rib, second.rib), "");
  EXPECT_EQ(describe(first.rib, first.rib), "");
  // The output is cleared, not appended to.
  std::vector<RouteChange> changes;
  diff_ribs(Rib{}, first.rib, changes);
  ASSERT_EQ(changes.size(), 2u);
  diff_ribs(first.rib, second.rib, changes);
  EXPECT_TRUE(changes.empty());
}

TEST(RibDiff, ChangesOutliveTheRibs) {
  NetBuilder before = square();
  before.prefix(router(2), "/gone").prefix(router(4), "/moved");
  NetBuilder after;
  after.link(router(1), router(2), 10).link(router(2), router(4), 10);
  after.prefix(router(4), "/moved").prefix(router(2), "/new");
  std::vector<RouteChange> changes;
  {
    auto old_rib = std::make_unique<Computed>(before.build(), router(1));
    auto new_rib = std::make_unique<Computed>(after.build(), router(1));
    diff_ribs(old_rib->rib, new_rib->rib, changes);
    old_rib->rib = std::move(new_rib->rib);  // what the daemon does with its current RIB
  }
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].name().to_string(), "/new");
  EXPECT_EQ(changes[0].next_hops[0], router(2));
  EXPECT_EQ(changes[1].name().to_string(), "/gone");
  EXPECT_EQ(changes[1].kind, RouteChange::Kind::kRemoved);
  EXPECT_EQ(changes[2].name().to_string(), "/moved");
  EXPECT_EQ(changes[2].next_hops[0], router(2));
}

TEST(RibDiff, SameTopologyOtherRoot) {
  NetBuilder net = square();
  net.prefix(router(2), "/a").prefix(router(4), "/b");
  const Topology topology = net.build();
  SpfResult spf;
  Rib from_1, from_3;
  ASSERT_TRUE(compute_spf(topology, router(1), spf).ok());
  ASSERT_TRUE(compute_rib(topology, spf, from_1).ok());
  ASSERT_TRUE(compute_spf(topology, router(3), spf).ok());
  ASSERT_TRUE(compute_rib(topology, spf, from_3).ok());
  EXPECT_EQ(from_1.prefix_table(), from_3.prefix_table());  // merged by index
  EXPECT_EQ(describe(from_1, from_3), "~/a 1;~/b 4;");
}

}  // namespace
}  // namespace dmsc::control
