// The channel applied to the real fib::Table: a resync refreshes what it re-sends (never absent
// in between) and sweeps the rest only at its end.
#include "fib/channel_table_sink.hpp"

#include <gtest/gtest.h>

#include "tests/fib/channel_test_util.hpp"

namespace dmsc::fib {
namespace {

using test::hops;
using test::name;

struct TableFixture {
  TableFixture() {
    qsbr = std::move(*Qsbr::create(1));
    table = std::move(*Table::create({.capacity = 4096}, *qsbr));
  }
  std::unique_ptr<Qsbr> qsbr;
  std::unique_ptr<Table> table;
};

TEST(ChannelTableSink, ResyncKeepsReSentRoutesAndSweepsTheRest) {
  TableFixture f;
  TableSink sink(*f.table);
  const Name keep = name("/svc/keep"), change = name("/svc/change"), gone = name("/svc/gone");
  sink.on_resync_begin();
  ASSERT_TRUE(sink.on_route(keep.view(), hops(1)).ok());
  ASSERT_TRUE(sink.on_route(change.view(), hops(2)).ok());
  ASSERT_TRUE(sink.on_route(gone.view(), hops(3)).ok());
  sink.on_resync_end();
  EXPECT_EQ(f.table->stats().prefixes, 3u);

  sink.on_resync_begin();
  ASSERT_TRUE(sink.on_route(keep.view(), hops(1)).ok());
  ASSERT_TRUE(sink.on_route(change.view(), hops(5)).ok());
  // Mid-resync nothing has been removed yet: the old routes still forward.
  EXPECT_NE(f.table->find(gone), nullptr);
  sink.on_resync_end();
  EXPECT_EQ(sink.swept_last(), 1u);
  EXPECT_EQ(f.table->find(gone), nullptr);
  ASSERT_NE(f.table->find(keep), nullptr);
  EXPECT_EQ(f.table->find(change)->set, hops(5));
  sink.on_delete(keep.view());
  EXPECT_EQ(f.table->find(keep), nullptr);
  sink.on_delete(keep.view());  // deleting what is not there is harmless
}

TEST(ChannelTableSink, ConsumerDrivesTheTableToTheProducersRoutes) {
  test::UniqueShm shm("table");
  TableFixture f;
  TableSink sink(*f.table);
  auto consumer = std::move(*FibUpdateConsumer::create(shm.config(16)));
  auto producer = std::move(*RouteSyncProducer::create(shm.config(16)));
  for (const auto& [prefix, set] : test::make_routes(300))
    ASSERT_TRUE(producer->set_route(prefix, set).ok());
  ASSERT_TRUE(producer->set_route(Name{}, hops(99)).ok());  // the default route travels too
  producer->start();
  ASSERT_TRUE(test::pump(producer.get(), *consumer, sink));
  for (int i = 0; i < 100; ++i) producer->delete_route(name("/svc/s" + std::to_string(i * 3)));
  ASSERT_TRUE(test::pump(producer.get(), *consumer, sink));
  EXPECT_EQ(f.table->stats().prefixes, producer->routes().size());
  for (const auto& [prefix, set] : producer->routes()) {
    const NextHopGroup* group = f.table->find(prefix);
    ASSERT_NE(group, nullptr) << prefix.to_string();
    EXPECT_EQ(group->set, set);
  }
  EXPECT_EQ(consumer->counters().of(ConsumerCounter::kSinkErrors), 0u);
}

TEST(ChannelTableSink, AFullTableIsASinkErrorNotAReject) {
  test::UniqueShm shm("table-full");
  auto qsbr = std::move(*Qsbr::create(1));
  auto table = std::move(*Table::create({.capacity = 10}, *qsbr));
  TableSink sink(*table);
  auto consumer = std::move(*FibUpdateConsumer::create(shm.config()));
  auto producer = std::move(*RouteSyncProducer::create(shm.config()));
  for (const auto& [prefix, set] : test::make_routes(20))
    ASSERT_TRUE(producer->set_route(prefix, set).ok());
  producer->start();
  ASSERT_TRUE(test::pump(producer.get(), *consumer, sink));
  EXPECT_EQ(consumer->counters().of(ConsumerCounter::kSinkErrors), 10u);
  EXPECT_EQ(consumer->counters().rejects_total(), 0u);
  EXPECT_EQ(table->stats().prefixes, 10u);
}

}  // namespace
}  // namespace dmsc::fib
