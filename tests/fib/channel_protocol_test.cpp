// Producer and consumer of the FIB update channel in one process (two attaches of one segment):
// initial sync from either side first, resyncs larger than the ring, changes during a resync,
// a full ring, restarts of either side, and random churn, always ending equal to the producer.
#include <gtest/gtest.h>

#include <random>

#include "tests/fib/channel_test_util.hpp"

namespace dmsc::fib {
namespace {

using test::hops;
using test::make_routes;
using test::name;
using test::pump;
using test::sorted;
using Routes = std::map<Name, NextHopSet>;

std::unique_ptr<RouteSyncProducer> make_producer(const ChannelConfig& config, const Routes& routes,
                                                 bool start = true) {
  auto producer = RouteSyncProducer::create(config);
  EXPECT_TRUE(producer.ok()) << producer.error();
  if (!producer) return nullptr;
  for (const auto& [prefix, set] : routes) EXPECT_TRUE((*producer)->set_route(prefix, set).ok());
  if (start) (*producer)->start();
  return std::move(*producer);
}

std::unique_ptr<FibUpdateConsumer> make_consumer(const ChannelConfig& config) {
  auto consumer = FibUpdateConsumer::create(config);
  EXPECT_TRUE(consumer.ok()) << consumer.error();
  return consumer ? std::move(*consumer) : nullptr;
}

std::size_t removals_of(const MapSink& sink, const Name& prefix) {
  auto it = sink.removals().find(prefix);
  return it == sink.removals().end() ? 0 : it->second;
}

TEST(ChannelProtocol, ConsumerFirst) {
  test::UniqueShm shm("consumer-first");
  auto consumer = make_consumer(shm.config());
  const Routes routes = make_routes(40);
  auto producer = make_producer(shm.config(), routes);
  MapSink sink;
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  EXPECT_EQ(sink.routes(), sorted(routes));
  EXPECT_EQ(consumer->state(), ConsumerState::kSynced);
  EXPECT_EQ(producer->counters().of(ProducerCounter::kResyncsBegun), 1u);
  EXPECT_EQ(consumer->counters().rejects_total(), 0u);
}

TEST(ChannelProtocol, ProducerFirst) {
  test::UniqueShm shm("producer-first");
  const Routes routes = make_routes(40);
  auto producer = make_producer(shm.config(), routes);
  EXPECT_EQ(producer->poll().messages, 42u);  // into the ring, with nobody reading yet
  EXPECT_TRUE(producer->idle());
  auto consumer = make_consumer(shm.config());
  MapSink sink;
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  EXPECT_EQ(sink.routes(), sorted(routes));
  // The consumer dropped the first copy (sent before it existed) and asked for its own.
  EXPECT_EQ(producer->counters().of(ProducerCounter::kResyncsBegun), 2u);
  EXPECT_EQ(consumer->counters().of(ConsumerCounter::kResyncsBegun), 1u);
}

TEST(ChannelProtocol, NothingIsSentBeforeStart) {
  test::UniqueShm shm("start");
  auto consumer = make_consumer(shm.config());
  const Routes routes = make_routes(10);
  auto producer = make_producer(shm.config(), routes, /*start=*/false);
  MapSink sink;
  EXPECT_EQ(producer->poll().messages, 0u);
  EXPECT_EQ(consumer->poll(sink, 100), 0u);
  EXPECT_EQ(consumer->state(), ConsumerState::kAwaitingResync);
  producer->start();
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  EXPECT_EQ(sink.routes(), sorted(routes));
}

TEST(ChannelProtocol, UnchangedRoutesSendNothingAndInvalidSetsAreRefused) {
  test::UniqueShm shm("unchanged");
  auto consumer = make_consumer(shm.config());
  auto producer = make_producer(shm.config(), make_routes(5));
  MapSink sink;
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  const Routes routes = producer->routes();
  for (const auto& [prefix, set] : routes) ASSERT_TRUE(producer->set_route(prefix, set).ok());
  EXPECT_TRUE(producer->idle());
  EXPECT_EQ(producer->poll().messages, 0u);
  NextHopSet empty;
  EXPECT_FALSE(producer->set_route(name("/x"), empty).ok());
  NextHopSet unsorted;
  unsorted.count = 2;
  unsorted.hops[0] = {9, 1};
  unsorted.hops[1] = {3, 1};
  ASSERT_TRUE(producer->set_route(name("/x"), unsorted).ok());
  EXPECT_FALSE(producer->delete_route(name("/not/there")));
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  EXPECT_EQ(sink.routes().at(name("/x")).hops[0].face, 3u);  // sent in canonical order
}

TEST(ChannelProtocol, ResyncLargerThanTheRingIsSentAsTheConsumerDrains) {
  test::UniqueShm shm("progressive");
  auto consumer = make_consumer(shm.config(16));
  const Routes routes = make_routes(1000);
  auto producer = make_producer(shm.config(16), routes);
  MapSink sink;
  const ProducerPoll first = producer->poll();
  EXPECT_TRUE(first.ring_full);
  EXPECT_EQ(first.messages, 16u);
  // A consumer slower than the producer: the ring is full again and again.
  for (int i = 0; i < 100000 && !producer->idle(); ++i) {
    producer->poll();
    consumer->poll(sink, 7);
  }
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  EXPECT_EQ(sink.routes(), sorted(routes));
  EXPECT_TRUE(sink.removals().empty());
  const ChannelCounters c = producer->counters();
  EXPECT_EQ(c.of(ProducerCounter::kResyncsBegun), 1u);
  EXPECT_EQ(c.of(ProducerCounter::kResyncsCompleted), 1u);
  EXPECT_GT(c.of(ProducerCounter::kRingFull), 10u);
  EXPECT_EQ(c.of(ProducerCounter::kMessages), 1002u);  // nothing sent twice
}

TEST(ChannelProtocol, ChangesDuringAProgressiveResyncEndUpExact) {
  test::UniqueShm shm("mid-resync");
  auto consumer = make_consumer(shm.config(16));
  Routes routes = make_routes(300);
  auto producer = make_producer(shm.config(16), routes);
  MapSink sink;
  while (consumer->counters().of(ConsumerCounter::kRoutes) < 120) {
    producer->poll(5);
    consumer->poll(sink, 5);
  }
  ASSERT_TRUE(producer->resync_in_progress());
  // Map order is resync order: the first prefixes were sent, the last ones not yet.
  std::vector<Name> order;
  for (const auto& [prefix, set] : producer->routes()) order.push_back(prefix);
  const std::vector<Name> sent(order.begin(), order.begin() + 20);
  const std::vector<Name> unsent(order.end() - 20, order.end());
  std::set<Name> deleted;
  for (std::size_t i = 0; i < 20; ++i) {
    for (const Name& prefix : {sent[i], unsent[i]}) {
      if (i % 3 == 0) {
        ASSERT_TRUE(producer->delete_route(prefix));
        deleted.insert(prefix);
      } else {
        ASSERT_TRUE(producer->set_route(prefix, hops(500 + static_cast<FaceId>(i))).ok());
      }
    }
  }
  // New prefixes on both sides of the resync position.
  ASSERT_TRUE(producer->set_route(name("/aaa/new"), hops(900)).ok());
  ASSERT_TRUE(producer->set_route(name("/zzz/new"), hops(901)).ok());
  ASSERT_TRUE(pump(producer.get(), *consumer, sink, 100000, 3));
  EXPECT_EQ(sink.routes(), producer->routes());
  for (const auto& [prefix, set] : producer->routes())
    EXPECT_EQ(removals_of(sink, prefix), 0u) << prefix.to_string();
  for (const Name& prefix : deleted) EXPECT_LE(removals_of(sink, prefix), 1u);
  EXPECT_EQ(producer->counters().of(ProducerCounter::kResyncsBegun), 1u);  // never restarted
}

TEST(ChannelProtocol, DeletingTheNextRouteOfTheResyncKeepsItsPlace) {
  test::UniqueShm shm("next-deleted");
  auto consumer = make_consumer(shm.config(16));
  auto producer = make_producer(shm.config(16), make_routes(100));
  MapSink sink;
  producer->poll();  // Begin + 15 routes: the 16th route is next
  std::vector<Name> order;
  for (const auto& [prefix, set] : producer->routes()) order.push_back(prefix);
  ASSERT_TRUE(producer->delete_route(order[15]));
  ASSERT_TRUE(producer->delete_route(order[16]));
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  EXPECT_EQ(sink.routes(), producer->routes());
  EXPECT_EQ(sink.routes().size(), 98u);
}

TEST(ChannelProtocol, AFullRingDelaysButNeverDropsChanges) {
  test::UniqueShm shm("ring-full");
  auto consumer = make_consumer(shm.config(16));
  auto producer = make_producer(shm.config(16), make_routes(50));
  MapSink sink;
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  const std::uint64_t full_before = producer->counters().of(ProducerCounter::kRingFull);
  // The consumer is busy elsewhere: 2000 changes over 200 prefixes pile up.
  std::mt19937 random(7);
  for (int i = 0; i < 2000; ++i) {
    const Name prefix = name("/churn/p" + std::to_string(random() % 200));
    if (random() % 4 == 0) producer->delete_route(prefix);
    else ASSERT_TRUE(producer->set_route(prefix, hops(random() % 1000 + 1)).ok());
    if (i % 50 == 0) producer->poll();
  }
  EXPECT_TRUE(producer->poll().ring_full);
  EXPECT_GT(producer->counters().of(ProducerCounter::kRingFull), full_before);
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  EXPECT_EQ(sink.routes(), producer->routes());
  EXPECT_EQ(producer->counters().of(ProducerCounter::kResyncsBegun), 1u);  // no resync needed
  EXPECT_EQ(consumer->counters().rejects_total(), 0u);
}

TEST(ChannelProtocol, RestartedConsumerConvergesFromEmpty) {
  test::UniqueShm shm("consumer-restart");
  auto consumer = make_consumer(shm.config(16));
  auto producer = make_producer(shm.config(16), make_routes(200));
  {
    MapSink sink;
    for (int i = 0; i < 10; ++i) {
      producer->poll(8);
      consumer->poll(sink, 8);
    }
  }
  consumer.reset();  // dies mid-stream, its table with it
  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(producer->set_route(name("/late/" + std::to_string(i)), hops(3)).ok());
  producer->poll();
  consumer = make_consumer(shm.config(16));
  MapSink fresh;
  ASSERT_TRUE(pump(producer.get(), *consumer, fresh));
  EXPECT_EQ(fresh.routes(), producer->routes());
  EXPECT_EQ(producer->counters().of(ProducerCounter::kResyncsRestarted), 1u);
}

TEST(ChannelProtocol, RestartedProducerReplacesItsRoutesWithoutRemovingCommonOnes) {
  test::UniqueShm shm("producer-restart");
  auto consumer = make_consumer(shm.config(32));
  const Routes old_routes = make_routes(300, 1, 0);
  auto producer = make_producer(shm.config(32), old_routes);
  MapSink sink;
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  producer.reset();
  Routes new_routes = make_routes(300, 1, 150);  // 150..299 in common, same next hops
  auto changed = new_routes.begin();  // 20 of the common prefixes get new next hops
  for (int i = 0; i < 20; ++i, ++changed) changed->second = hops(77);
  producer = make_producer(shm.config(32), new_routes);
  EXPECT_EQ(producer->epoch(), 2u);
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  EXPECT_EQ(sink.routes(), sorted(new_routes));
  std::size_t removed = 0;
  for (const auto& [prefix, set] : old_routes) {
    if (new_routes.count(prefix)) {
      EXPECT_EQ(removals_of(sink, prefix), 0u) << prefix.to_string();
    } else {
      removed += removals_of(sink, prefix);
    }
  }
  EXPECT_EQ(removed, 150u);
  EXPECT_EQ(consumer->counters().of(ConsumerCounter::kEpochChanges), 1u);
}

TEST(ChannelProtocol, ProducerKilledMidResyncThenReplaced) {
  test::UniqueShm shm("producer-mid");
  auto consumer = make_consumer(shm.config(16));
  const Routes a = make_routes(200, 1, 0);
  auto producer = make_producer(shm.config(16), a);
  MapSink sink;
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  producer.reset();
  producer = make_producer(shm.config(16), make_routes(200, 1, 100));
  for (int i = 0; i < 6; ++i) {
    producer->poll(8);
    consumer->poll(sink, 8);
  }
  ASSERT_TRUE(producer->resync_in_progress());
  producer.reset();  // dies before its ResyncEnd
  const Routes c = make_routes(200, 1, 50);
  producer = make_producer(shm.config(16), c);
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  EXPECT_EQ(sink.routes(), sorted(c));
  for (const auto& [prefix, set] : a) {
    if (c.count(prefix)) {
      EXPECT_EQ(removals_of(sink, prefix), 0u) << prefix.to_string();
    }
  }
}

TEST(ChannelProtocol, ResyncOnRequestRemovesNothingThatIsStillWanted) {
  test::UniqueShm shm("request");
  auto consumer = make_consumer(shm.config());
  auto producer = make_producer(shm.config(), make_routes(30));
  MapSink sink;
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  {
    test::RawMapping raw(shm.name());  // what a reject makes the consumer do
    auto& requested = raw.header().consumer.resync_requested;
    channel::store_release(requested, requested + 1);
  }
  ASSERT_TRUE(pump(producer.get(), *consumer, sink));
  EXPECT_EQ(producer->counters().of(ProducerCounter::kResyncsBegun), 2u);
  EXPECT_EQ(consumer->counters().of(ConsumerCounter::kResyncsCompleted), 2u);
  EXPECT_EQ(sink.routes(), producer->routes());
  EXPECT_TRUE(sink.removals().empty());
}

// Random changes, random poll budgets, random restarts of either side; the final state must
// equal the producer's, with no reject along the way.
TEST(ChannelProtocol, RandomChurnWithRestartsEndsEqual) {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    test::UniqueShm shm("churn");
    std::mt19937 random(seed);
    auto config = shm.config(16);
    auto consumer = make_consumer(config);
    auto producer = make_producer(config, make_routes(100));
    auto sink = std::make_unique<MapSink>();
    for (int step = 0; step < 3000; ++step) {
      const unsigned action = random() % 100;
      const Name prefix = name("/r/" + std::to_string(random() % 250));
      if (action < 45) {
        ASSERT_TRUE(producer->set_route(prefix, hops(random() % 20 + 1)).ok());
      } else if (action < 65) {
        producer->delete_route(prefix);
      } else if (action < 80) {
        producer->poll(random() % 20);
      } else if (action < 98) {
        consumer->poll(*sink, random() % 20);
      } else if (action < 99) {
        consumer.reset();
        consumer = make_consumer(config);
        sink = std::make_unique<MapSink>();
      } else {
        // The control daemon restarts and recomputes the same routes.
        const Routes routes = producer->routes();
        producer.reset();
        producer = make_producer(config, routes);
      }
    }
    ASSERT_TRUE(pump(producer.get(), *consumer, *sink));
    EXPECT_EQ(sink->routes(), producer->routes());
    EXPECT_EQ(consumer->counters().rejects_total(), 0u);
  }
}

}  // namespace
}  // namespace dmsc::fib
