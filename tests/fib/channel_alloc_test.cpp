// The consumer's poll loop allocates nothing itself: with a sink that does not allocate, a poll
// over routes, deletes, resyncs and rejects makes no heap allocation. (Own executable: it
// replaces the global operator new to count.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "fib/channel_codec.hpp"
#include "tests/fib/channel_test_util.hpp"

namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace dmsc::fib {
namespace {

class CountingSink final : public FibUpdateSink {
 public:
  void on_resync_begin() override { ++events; }
  Status on_route(NameView, const NextHopSet&) override {
    ++events;
    return ok_status();
  }
  void on_delete(NameView) override { ++events; }
  void on_resync_end() override { ++events; }
  std::size_t events = 0;
};

TEST(ChannelAlloc, ConsumerPollAllocatesNothing) {
  test::UniqueShm shm("alloc");
  auto consumer = std::move(*FibUpdateConsumer::create(shm.config(1024)));
  auto producer = std::move(*RouteSyncProducer::create(shm.config(1024)));
  for (const auto& [prefix, set] : test::make_routes(300))
    ASSERT_TRUE(producer->set_route(prefix, set).ok());
  producer->start();
  producer->poll();
  std::size_t deletes = 0;
  for (const auto& [prefix, set] : test::make_routes(100))
    deletes += producer->delete_route(prefix);
  ASSERT_EQ(deletes, 100u);
  producer->poll();
  {
    // A message the consumer refuses, then the resync that recovers from it.
    test::RawMapping raw(shm.name());
    auto& head = raw.header().producer.head;
    std::byte* slot = raw.base() + sizeof(channel::SegmentHeader) + (head % 1024) * 384;
    channel::encode_route(slot, 99, 0, test::name("/x").view(), test::hops(1));
    channel::store_release(head, head + 1);
  }
  CountingSink sink;
  counting = true;
  const std::size_t taken = consumer->poll(sink, 100000);
  counting = false;
  EXPECT_EQ(taken, 302u + 100 + 1);
  EXPECT_EQ(consumer->counters().rejects_total(), 1u);
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(sink.events, 402u);
}

}  // namespace
}  // namespace dmsc::fib
