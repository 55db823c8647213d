// The consumer against a hand-driven producer: every malformed or out-of-order message is
// counted with its reason, never applied, and answered by a resync request; the sink keeps its
// routes until a later resync completes.
#include <gtest/gtest.h>

#include <optional>

#include "fib/channel_codec.hpp"
#include "tests/fib/channel_test_util.hpp"

namespace dmsc::fib {
namespace {

using namespace channel;
using test::hops;
using test::name;

class ChannelConsumer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = FibUpdateConsumer::create(shm_.config(64));
    ASSERT_TRUE(created.ok()) << created.error();
    consumer_ = std::move(*created);
    auto segment = Segment::attach(shm_.config(64), Role::kProducer);
    ASSERT_TRUE(segment.ok()) << segment.error();
    producer_.emplace(std::move(*segment));
    head_ = load_acquire(header().producer.head);
  }

  SegmentHeader& header() { return producer_->header(); }
  std::byte* slot() { return producer_->slot(head_); }
  void publish() { store_release(header().producer.head, ++head_); }
  std::uint64_t request() { return load_acquire(header().consumer.resync_requested); }

  void begin(std::uint64_t epoch, std::uint64_t seq) {
    encode_resync_begin(slot(), epoch, seq, request());
    publish();
  }
  void route(std::uint64_t epoch, std::uint64_t seq, const char* prefix, FaceId face = 1) {
    encode_route(slot(), epoch, seq, name(prefix).view(), hops(face));
    publish();
  }
  void end(std::uint64_t epoch, std::uint64_t seq, std::uint64_t begin_seq) {
    encode_resync_end(slot(), epoch, seq, request(), begin_seq);
    publish();
  }
  std::size_t poll() { return consumer_->poll(sink_, 1000); }
  std::uint64_t counter(ConsumerCounter c) { return consumer_->counters().of(c); }

  // Epoch 1: /a, /b. The next message of epoch 1 has sequence 4.
  void sync_initial() {
    begin(1, 0);
    route(1, 1, "/a");
    route(1, 2, "/b");
    end(1, 3, 0);
    ASSERT_EQ(poll(), 4u);
    ASSERT_EQ(consumer_->state(), ConsumerState::kSynced);
    ASSERT_EQ(sink_.routes().size(), 2u);
  }

  // The last poll refused exactly one message, for `reason`, applied nothing and asked again.
  void expect_rejected(RejectReason reason, std::uint64_t request_before) {
    const ChannelCounters c = consumer_->counters();
    EXPECT_EQ(c.of(reason), 1u) << reject_reason_name(reason);
    EXPECT_EQ(c.rejects_total(), 1u);
    EXPECT_EQ(c.last_reject, reason);
    EXPECT_EQ(consumer_->state(), ConsumerState::kAwaitingResync);
    EXPECT_EQ(request(), request_before + 1);
    EXPECT_EQ(sink_.routes(), (std::map<Name, NextHopSet>{{name("/a"), hops(1)},
                                                          {name("/b"), hops(1)}}));
    EXPECT_TRUE(sink_.removals().empty());
  }

  // After a reject: later messages are skipped until a ResyncBegin, whose copy then replaces
  // the old state with nothing from the refused message.
  void expect_recovery(std::uint64_t epoch, std::uint64_t seq) {
    const std::uint64_t asked = request();
    route(epoch, seq, "/skipped");
    ASSERT_EQ(poll(), 1u);
    EXPECT_EQ(request(), asked);  // skipping never asks again
    EXPECT_EQ(counter(ConsumerCounter::kSkipped), 1u);
    begin(epoch, seq + 1);
    route(epoch, seq + 2, "/a", 7);
    route(epoch, seq + 3, "/z");
    end(epoch, seq + 4, seq + 1);
    ASSERT_EQ(poll(), 4u);
    EXPECT_EQ(consumer_->state(), ConsumerState::kSynced);
    EXPECT_EQ(sink_.routes(), (std::map<Name, NextHopSet>{{name("/a"), hops(7)},
                                                          {name("/z"), hops(1)}}));
    EXPECT_EQ(sink_.removals().count(name("/a")), 0u);  // re-sent, so never absent
    EXPECT_EQ(consumer_->counters().rejects_total(), 1u);
  }

  test::UniqueShm shm_{"consumer"};
  std::unique_ptr<FibUpdateConsumer> consumer_;
  std::optional<Segment> producer_;
  std::uint64_t head_ = 0;
  MapSink sink_;
};

TEST_F(ChannelConsumer, StartsByAskingForAResyncAndSkipsUntilOne) {
  EXPECT_EQ(request(), 1u);
  EXPECT_EQ(consumer_->state(), ConsumerState::kAwaitingResync);
  route(1, 5, "/early");
  EXPECT_EQ(poll(), 1u);
  EXPECT_TRUE(sink_.routes().empty());
  EXPECT_EQ(counter(ConsumerCounter::kSkipped), 1u);
  sync_initial();
  EXPECT_EQ(consumer_->counters().rejects_total(), 0u);
}

TEST_F(ChannelConsumer, DiscardsWhatTheRingHeldBeforeItStarted) {
  consumer_.reset();
  route(1, 0, "/stale");
  consumer_ = std::move(*FibUpdateConsumer::create(shm_.config()));
  EXPECT_EQ(poll(), 0u);
  EXPECT_EQ(load_acquire(header().consumer.tail), head_);
  EXPECT_EQ(request(), 2u);
}

// Damage to an otherwise valid route, seq 4 of epoch 1.
struct RouteDamage {
  const char* what;
  std::size_t offset;
  std::uint32_t value;
  std::size_t width;
  RejectReason reason;
};

class ChannelConsumerDamage : public ChannelConsumer,
                              public ::testing::WithParamInterface<RouteDamage> {};

TEST_P(ChannelConsumerDamage, IsCountedNeverAppliedAndResynced) {
  const RouteDamage& d = GetParam();
  sync_initial();
  const std::uint64_t asked = request();
  encode_route(slot(), 1, 4, name("/evil/x").view(), hops(66));
  if (d.width == 1) slot()[d.offset] = static_cast<std::byte>(d.value);
  if (d.width == 2) std::memcpy(slot() + d.offset, &d.value, 2);
  if (d.width == 4) std::memcpy(slot() + d.offset, &d.value, 4);
  publish();
  EXPECT_EQ(poll(), 1u);
  expect_rejected(d.reason, asked);
  expect_recovery(1, 5);
}

constexpr std::size_t kBody = sizeof(MessageHeader);
INSTANTIATE_TEST_SUITE_P(
    Fields, ChannelConsumerDamage,
    ::testing::Values(
        RouteDamage{"type", 0, 77, 2, RejectReason::kBadType},
        RouteDamage{"length", 2, 999, 2, RejectReason::kBadLength},
        RouteDamage{"reserved", 4, 1, 4, RejectReason::kReservedNotZero},
        RouteDamage{"name", kBody + sizeof(RouteBody) + sizeof(WireNextHop), 200, 1,
                    RejectReason::kBadName},
        RouteDamage{"weight", kBody + 8 + 4, 0, 4, RejectReason::kBadNextHops},
        RouteDamage{"sequence", 16, 5, 4, RejectReason::kSequenceGap},
        RouteDamage{"sequence replayed", 16, 3, 4, RejectReason::kSequenceGap},
        RouteDamage{"epoch ahead", 8, 2, 4, RejectReason::kEpochWithoutResync},
        RouteDamage{"epoch behind", 8, 0, 4, RejectReason::kEpochRegressed}),
    [](const auto& info) {
      std::string text = info.param.what;
      for (char& ch : text)
        if (ch == ' ') ch = '_';
      return text;
    });

TEST_F(ChannelConsumer, ResyncEndWithoutItsBeginIsRefused) {
  sync_initial();
  const std::uint64_t asked = request();
  end(1, 4, 0);  // no resync open
  EXPECT_EQ(poll(), 1u);
  expect_rejected(RejectReason::kResyncEndMismatch, asked);
  expect_recovery(1, 5);
}

TEST_F(ChannelConsumer, ResyncEndClosingAnotherBeginIsRefused) {
  sync_initial();
  begin(1, 4);
  route(1, 5, "/a");
  end(1, 6, 0);  // closes the first resync, not the one at sequence 4
  EXPECT_EQ(poll(), 3u);
  EXPECT_EQ(consumer_->counters().of(RejectReason::kResyncEndMismatch), 1u);
  EXPECT_EQ(consumer_->state(), ConsumerState::kAwaitingResync);
  EXPECT_EQ(sink_.routes().size(), 2u);  // no sweep: /b is still there
}

TEST_F(ChannelConsumer, NewEpochMustStartAtSequenceZero) {
  sync_initial();
  const std::uint64_t asked = request();
  begin(2, 3);
  EXPECT_EQ(poll(), 1u);
  expect_rejected(RejectReason::kSequenceGap, asked);
}

TEST_F(ChannelConsumer, OlderEpochIsRefusedEvenWhileWaiting) {
  begin(2, 0);
  end(2, 1, 0);
  ASSERT_EQ(poll(), 2u);
  const std::uint64_t asked = request();
  begin(1, 7);
  route(1, 8, "/old");
  EXPECT_EQ(poll(), 2u);
  EXPECT_EQ(consumer_->counters().of(RejectReason::kEpochRegressed), 1u);
  EXPECT_EQ(request(), asked + 1);
  // While waiting, a refused ResyncBegin may have been the answer: ask again.
  begin(1, 9);
  EXPECT_EQ(poll(), 1u);
  EXPECT_EQ(request(), asked + 2);
  EXPECT_TRUE(sink_.routes().empty());
}

TEST_F(ChannelConsumer, ProducerRestartIsANewEpochOpenedByResyncBegin) {
  sync_initial();
  begin(2, 0);
  route(2, 1, "/b");
  route(2, 2, "/c");
  end(2, 3, 0);
  EXPECT_EQ(poll(), 4u);
  EXPECT_EQ(consumer_->epoch(), 2u);
  EXPECT_EQ(counter(ConsumerCounter::kEpochChanges), 1u);
  EXPECT_EQ(sink_.routes(), (std::map<Name, NextHopSet>{{name("/b"), hops(1)},
                                                        {name("/c"), hops(1)}}));
  EXPECT_EQ(sink_.removals().count(name("/b")), 0u);
  EXPECT_EQ(sink_.removals().at(name("/a")), 1u);
  EXPECT_EQ(consumer_->counters().rejects_total(), 0u);
}

TEST_F(ChannelConsumer, AbandonedResyncSweepsNothingUntilALaterOneEnds) {
  sync_initial();
  begin(1, 4);
  route(1, 5, "/a");
  // The producer dies here; its successor starts over.
  begin(2, 0);
  route(2, 1, "/b");
  EXPECT_EQ(poll(), 4u);
  EXPECT_EQ(sink_.routes().size(), 2u);
  end(2, 2, 0);
  EXPECT_EQ(poll(), 1u);
  EXPECT_EQ(sink_.routes(), (std::map<Name, NextHopSet>{{name("/b"), hops(1)}}));
}

TEST_F(ChannelConsumer, HeadOutsideTheRingIsRefusedAndTheRingDiscarded) {
  sync_initial();
  const std::uint64_t asked = request();
  head_ += 64 + 1;
  store_release(header().producer.head, head_);
  EXPECT_EQ(poll(), 0u);
  expect_rejected(RejectReason::kBadRingIndex, asked);
  EXPECT_EQ(load_acquire(header().consumer.tail), head_);
  // A head behind the tail is just as bad.
  head_ -= 10;
  store_release(header().producer.head, head_);
  EXPECT_EQ(poll(), 0u);
  EXPECT_EQ(consumer_->counters().of(RejectReason::kBadRingIndex), 2u);
  EXPECT_EQ(load_acquire(header().consumer.tail), head_);
}

TEST_F(ChannelConsumer, SinkFailuresAreCountedNotRejected) {
  class Refusing final : public FibUpdateSink {
   public:
    void on_resync_begin() override {}
    Status on_route(NameView, const NextHopSet&) override { return Error{"FIB full"}; }
    void on_delete(NameView) override {}
    void on_resync_end() override {}
  } refusing;
  begin(1, 0);
  route(1, 1, "/a");
  end(1, 2, 0);
  EXPECT_EQ(consumer_->poll(refusing, 10), 3u);
  EXPECT_EQ(counter(ConsumerCounter::kSinkErrors), 1u);
  EXPECT_EQ(consumer_->counters().rejects_total(), 0u);
  EXPECT_EQ(consumer_->state(), ConsumerState::kSynced);
}

TEST_F(ChannelConsumer, PollHonoursItsBudget) {
  begin(1, 0);
  for (std::uint64_t i = 1; i <= 40; ++i) route(1, i, "/a", static_cast<FaceId>(i));
  end(1, 41, 0);
  EXPECT_EQ(consumer_->poll(sink_, 5), 5u);
  EXPECT_EQ(load_acquire(header().consumer.tail), head_ - 42 + 5);  // released at poll end
  EXPECT_EQ(consumer_->poll(sink_, 100), 37u);
  EXPECT_EQ(sink_.routes().at(name("/a")), hops(40));
}

}  // namespace
}  // namespace dmsc::fib
