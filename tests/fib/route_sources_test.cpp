// Static routes over the channel's (fib/route_sources.hpp): static wins, the channel's route is
// kept aside and comes back when the static route goes, resyncs sweep only channel routes.
#include "fib/route_sources.hpp"

#include <gtest/gtest.h>

#include "tests/fib/channel_test_util.hpp"

namespace dmsc::fib {
namespace {

using test::hops;
using test::name;

struct Fixture {
  Fixture() {
    qsbr = std::move(*Qsbr::create(1));
    table = std::move(*Table::create({.capacity = 4096}, *qsbr));
    sources = std::make_unique<RouteSources>(*table);
  }
  // The next hops the table holds for `prefix`; face 0 when absent.
  FaceId face(const std::string& prefix) const {
    const NextHopGroup* group = table->find(name(prefix));
    return group == nullptr ? 0 : group->set.hops[0].face;
  }
  std::unique_ptr<Qsbr> qsbr;
  std::unique_ptr<Table> table;
  std::unique_ptr<RouteSources> sources;
};

TEST(RouteSources, AStaticRouteWinsOverTheChannelsAndItsDeletionRestoresIt) {
  Fixture f;
  const Name service = name("/svc/gateway");
  f.sources->on_resync_begin();
  ASSERT_TRUE(f.sources->on_route(service.view(), hops(1)).ok());
  f.sources->on_resync_end();
  EXPECT_EQ(f.face("/svc/gateway"), 1u);
  EXPECT_EQ(f.sources->source_of(service.view()), RouteSource::kRouting);

  ASSERT_EQ(*f.sources->set_static(service, hops(7)), UpdateOutcome::kAdded);
  EXPECT_EQ(f.face("/svc/gateway"), 7u);
  EXPECT_EQ(f.sources->source_of(service.view()), RouteSource::kStatic);
  ASSERT_TRUE(f.sources->find_static(service.view())->shadowed.has_value());
  EXPECT_EQ(f.sources->find_static(service.view())->shadowed->hops[0].face, 1u);

  // The channel changes its route: remembered, not installed.
  ASSERT_TRUE(f.sources->on_route(service.view(), hops(2)).ok());
  EXPECT_EQ(f.face("/svc/gateway"), 7u);
  EXPECT_EQ(*f.sources->set_static(service, hops(7)), UpdateOutcome::kUnchanged);
  EXPECT_EQ(*f.sources->set_static(service, hops(8)), UpdateOutcome::kReplaced);

  EXPECT_TRUE(f.sources->erase_static(service));
  EXPECT_EQ(f.face("/svc/gateway"), 2u);  // the channel's latest
  EXPECT_EQ(f.sources->source_of(service.view()), RouteSource::kRouting);
  EXPECT_FALSE(f.sources->erase_static(service));
}

TEST(RouteSources, AStaticRouteWithoutAChannelRouteLeavesTheTableWhenDeleted) {
  Fixture f;
  ASSERT_TRUE(f.sources->set_static(name("/svc/own"), hops(3)).ok());
  EXPECT_EQ(f.face("/svc/own"), 3u);
  EXPECT_TRUE(f.sources->erase_static(name("/svc/own")));
  EXPECT_EQ(f.table->find(name("/svc/own")), nullptr);
  EXPECT_FALSE(f.sources->set_static(name("/svc/bad"), NextHopSet{}).ok());  // no next hop: refused
  EXPECT_EQ(f.table->find(name("/svc/bad")), nullptr);
  EXPECT_TRUE(f.sources->statics().empty());
}

TEST(RouteSources, ResyncsSweepChannelRoutesButNeverStaticOnes) {
  Fixture f;
  ASSERT_TRUE(f.sources->set_static(name("/svc/static"), hops(9)).ok());
  ASSERT_TRUE(f.sources->set_static(Name{}, hops(10)).ok());  // a static default route too
  f.sources->on_resync_begin();
  ASSERT_TRUE(f.sources->on_route(name("/svc/a").view(), hops(1)).ok());
  ASSERT_TRUE(f.sources->on_route(name("/svc/b").view(), hops(2)).ok());
  f.sources->on_resync_end();
  EXPECT_EQ(f.table->stats().prefixes, 4u);

  // The daemon restarted with only /svc/a: /svc/b goes, the statics stay.
  f.sources->on_resync_begin();
  ASSERT_TRUE(f.sources->on_route(name("/svc/a").view(), hops(1)).ok());
  f.sources->on_resync_end();
  EXPECT_EQ(f.sources->swept_last(), 1u);
  EXPECT_EQ(f.face("/svc/b"), 0u);
  EXPECT_EQ(f.face("/svc/a"), 1u);
  EXPECT_EQ(f.face("/svc/static"), 9u);
  EXPECT_EQ(f.face("/"), 10u);

  // A channel delete of a prefix with a static route only forgets the channel's route.
  ASSERT_TRUE(f.sources->on_route(name("/svc/static").view(), hops(4)).ok());
  f.sources->on_delete(name("/svc/static").view());
  EXPECT_EQ(f.face("/svc/static"), 9u);
  EXPECT_TRUE(f.sources->erase_static(name("/svc/static")));
  EXPECT_EQ(f.face("/svc/static"), 0u);
}

TEST(RouteSources, AShadowedRouteTheNextResyncDoesNotResendIsForgotten) {
  Fixture f;
  const Name prefix = name("/svc/p");
  f.sources->on_resync_begin();
  ASSERT_TRUE(f.sources->on_route(prefix.view(), hops(1)).ok());
  f.sources->on_resync_end();
  ASSERT_TRUE(f.sources->set_static(prefix, hops(5)).ok());
  f.sources->on_resync_begin();
  f.sources->on_resync_end();  // the daemon no longer has /svc/p
  EXPECT_EQ(f.face("/svc/p"), 5u);
  EXPECT_FALSE(f.sources->find_static(prefix.view())->shadowed.has_value());
  f.sources->erase_static(prefix);
  EXPECT_EQ(f.face("/svc/p"), 0u);
}

TEST(RouteSources, ARouteRestoredDuringAResyncIsSweptUnlessThatResyncResendsIt) {
  for (const bool resent : {false, true}) {
    Fixture f;
    const Name prefix = name("/svc/p");
    f.sources->on_resync_begin();
    ASSERT_TRUE(f.sources->on_route(prefix.view(), hops(1)).ok());
    f.sources->on_resync_end();
    ASSERT_TRUE(f.sources->set_static(prefix, hops(5)).ok());
    f.sources->on_resync_begin();
    f.sources->erase_static(prefix);  // mid-resync: the channel's route is back, with its old stamp
    EXPECT_EQ(f.face("/svc/p"), 1u);
    if (resent) {
      ASSERT_TRUE(f.sources->on_route(prefix.view(), hops(1)).ok());
    }
    f.sources->on_resync_end();
    EXPECT_EQ(f.face("/svc/p"), resent ? 1u : 0u) << "resent " << resent;
  }
}

TEST(RouteSources, StaticRoutesSurviveTheFirstFullResyncOfARealChannel) {
  test::UniqueShm shm("sources");
  Fixture f;
  ASSERT_TRUE(f.sources->set_static(name("/svc/gateway"), hops(42)).ok());
  ASSERT_TRUE(f.sources->set_static(name("/svc/s0"), hops(43)).ok());  // also in the daemon's routes
  auto consumer = std::move(*FibUpdateConsumer::create(shm.config(16)));
  auto producer = std::move(*RouteSyncProducer::create(shm.config(16)));
  const auto routes = test::make_routes(200);
  for (const auto& [prefix, set] : routes) ASSERT_TRUE(producer->set_route(prefix, set).ok());
  producer->start();
  ASSERT_TRUE(test::pump(producer.get(), *consumer, *f.sources));
  EXPECT_EQ(f.table->stats().prefixes, routes.size() + 1);
  EXPECT_EQ(f.face("/svc/gateway"), 42u);
  EXPECT_EQ(f.face("/svc/s0"), 43u);
  ASSERT_TRUE(producer->delete_route(name("/svc/s0")));
  ASSERT_TRUE(test::pump(producer.get(), *consumer, *f.sources));
  EXPECT_EQ(f.face("/svc/s0"), 43u);
  ASSERT_TRUE(producer->set_route(name("/svc/s0"), hops(44)).ok());
  ASSERT_TRUE(test::pump(producer.get(), *consumer, *f.sources));
  f.sources->erase_static(name("/svc/s0"));
  EXPECT_EQ(f.face("/svc/s0"), 44u);
}

}  // namespace
}  // namespace dmsc::fib
