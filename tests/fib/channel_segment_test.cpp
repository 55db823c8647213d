// Attaching to the channel segment: creation by either side, validation of an existing segment
// (magic, layout version, sizes), single producer/consumer roles, recovery from a creator that
// died half-way.
#include "fib/channel_segment.hpp"

#include <gtest/gtest.h>

#include "tests/fib/channel_test_util.hpp"

namespace dmsc::fib {
namespace {

using channel::Role;
using channel::Segment;
using channel::SegmentHeader;
using test::RawMapping;
using test::UniqueShm;

TEST(ChannelSegment, EitherSideCreatesAndThePeerReusesItsGeometry) {
  UniqueShm shm("seg-create");
  auto consumer = Segment::attach(shm.config(256), Role::kConsumer);
  ASSERT_TRUE(consumer.ok()) << consumer.error();
  EXPECT_TRUE(consumer->created());
  EXPECT_EQ(consumer->slot_count(), 256u);
  EXPECT_FALSE(consumer->role_held(Role::kProducer));

  auto producer = Segment::attach(shm.config(1024), Role::kProducer);
  ASSERT_TRUE(producer.ok()) << producer.error();
  EXPECT_FALSE(producer->created());
  EXPECT_EQ(producer->slot_count(), 256u);  // the existing segment keeps its size
  EXPECT_TRUE(consumer->role_held(Role::kProducer));
  EXPECT_TRUE(producer->role_held(Role::kConsumer));
  EXPECT_EQ(producer->header().identity.magic, channel::kMagic);
  EXPECT_EQ(producer->header().consumer.pid, static_cast<std::uint64_t>(getpid()));

  auto counters = inspect_channel(shm.name());
  ASSERT_TRUE(counters.ok()) << counters.error();
  EXPECT_EQ(counters->slot_count, 256u);
}

TEST(ChannelSegment, OneProducerAndOneConsumerAtATime) {
  UniqueShm shm("seg-roles");
  auto first = Segment::attach(shm.config(), Role::kProducer);
  ASSERT_TRUE(first.ok()) << first.error();
  auto second = Segment::attach(shm.config(), Role::kProducer);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().find("another producer"), std::string::npos) << second.error();

  auto consumer = Segment::attach(shm.config(), Role::kConsumer);
  ASSERT_TRUE(consumer.ok()) << consumer.error();
  EXPECT_FALSE(Segment::attach(shm.config(), Role::kConsumer).ok());

  // The role is free again as soon as its holder goes (a killed process releases it too).
  { Segment gone = std::move(*first); }
  EXPECT_FALSE(consumer->role_held(Role::kProducer));
  EXPECT_TRUE(Segment::attach(shm.config(), Role::kProducer).ok());
}

TEST(ChannelSegment, RejectsBadConfiguration) {
  UniqueShm shm("seg-config");
  EXPECT_FALSE(Segment::attach(shm.config(100), Role::kProducer).ok());  // not a power of two
  EXPECT_FALSE(Segment::attach(shm.config(8), Role::kProducer).ok());    // below the minimum
  EXPECT_FALSE(Segment::attach({"no-slash", 64}, Role::kProducer).ok());
  EXPECT_FALSE(Segment::attach({"/a/b", 64}, Role::kProducer).ok());
  EXPECT_FALSE(inspect_channel(shm.name()).ok());  // an observer never creates
}

struct Corruption {
  const char* what;
  std::size_t offset;
  std::uint64_t value;
  std::size_t width;
  const char* expected_error;
};

class ChannelSegmentCorruption : public ::testing::TestWithParam<Corruption> {};

TEST_P(ChannelSegmentCorruption, AttachFailsWithAReasonAndNeverReinitializes) {
  const Corruption& c = GetParam();
  UniqueShm shm("seg-corrupt");
  { ASSERT_TRUE(Segment::attach(shm.config(), Role::kProducer).ok()); }
  {
    RawMapping raw(shm.name());
    ASSERT_TRUE(raw.ok());
    if (c.width == 8) raw.poke<std::uint64_t>(c.offset, c.value);
    else raw.poke<std::uint32_t>(c.offset, static_cast<std::uint32_t>(c.value));
  }
  for (Role role : {Role::kProducer, Role::kConsumer, Role::kObserver}) {
    auto segment = Segment::attach(shm.config(), role);
    ASSERT_FALSE(segment.ok()) << c.what;
    EXPECT_NE(segment.error().find(c.expected_error), std::string::npos) << segment.error();
  }
  RawMapping raw(shm.name());  // still corrupt: nobody wiped a segment it does not understand
  if (c.width == 8) {
    std::uint64_t value;
    std::memcpy(&value, raw.base() + c.offset, 8);
    EXPECT_EQ(value, c.value);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fields, ChannelSegmentCorruption,
    ::testing::Values(
        Corruption{"magic", offsetof(SegmentHeader, identity), 0x1122334455667788, 8, "bad magic"},
        Corruption{"version", offsetof(channel::SegmentIdentity, layout_version),
                   channel::kLayoutVersion + 1, 4, "layout version"},
        Corruption{"header size", offsetof(channel::SegmentIdentity, header_size), 512, 4,
                   "header size"},
        Corruption{"slot size", offsetof(channel::SegmentIdentity, slot_size), 256, 4,
                   "slot size"},
        Corruption{"slot count", offsetof(channel::SegmentIdentity, slot_count), 100, 4,
                   "slot count"},
        Corruption{"slot count vs size", offsetof(channel::SegmentIdentity, slot_count), 128, 4,
                   "recorded size"},
        Corruption{"name limit", offsetof(channel::SegmentIdentity, max_name_length), 127, 4,
                   "name length limit"},
        Corruption{"hop limit", offsetof(channel::SegmentIdentity, max_next_hops), 16, 4,
                   "next-hop limit"}),
    [](const auto& info) {
      std::string name = info.param.what;
      for (char& ch : name)
        if (ch == ' ') ch = '_';
      return name;
    });

TEST(ChannelSegment, RejectsAFileOfTheWrongSize) {
  UniqueShm shm("seg-size");
  { ASSERT_TRUE(Segment::attach(shm.config(), Role::kProducer).ok()); }
  {
    RawMapping raw(shm.name());
    ASSERT_EQ(ftruncate(raw.fd(), static_cast<off_t>(raw.size() + 4096)), 0);
  }
  auto grown = Segment::attach(shm.config(), Role::kConsumer);
  ASSERT_FALSE(grown.ok());
  EXPECT_NE(grown.error().find("file size"), std::string::npos) << grown.error();
  {
    RawMapping raw(shm.name());
    ASSERT_EQ(ftruncate(raw.fd(), 100), 0);
  }
  auto tiny = Segment::attach(shm.config(), Role::kConsumer);
  ASSERT_FALSE(tiny.ok());
  EXPECT_NE(tiny.error().find("smaller than a channel header"), std::string::npos) << tiny.error();
}

TEST(ChannelSegment, ACreatorThatDiedBeforeTheMagicIsStartedOver) {
  UniqueShm shm("seg-abandoned");
  {
    // What a creator killed between ftruncate and the magic store leaves behind.
    const int fd = shm_open(shm.name().c_str(), O_RDWR | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(ftruncate(fd, 5000), 0);
    close(fd);
  }
  EXPECT_FALSE(inspect_channel(shm.name()).ok());
  auto segment = Segment::attach(shm.config(32), Role::kConsumer);
  ASSERT_TRUE(segment.ok()) << segment.error();
  EXPECT_TRUE(segment->created());
  EXPECT_EQ(segment->slot_count(), 32u);
  EXPECT_TRUE(inspect_channel(shm.name()).ok());
}

TEST(ChannelSegment, RemovedNameIsCreatedAfresh) {
  UniqueShm shm("seg-remove");
  { ASSERT_TRUE(Segment::attach(shm.config(), Role::kProducer).ok()); }
  ASSERT_TRUE(remove_channel(shm.name()).ok());
  EXPECT_TRUE(remove_channel(shm.name()).ok());  // already gone is fine
  auto again = Segment::attach(shm.config(), Role::kProducer);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->created());
}

}  // namespace
}  // namespace dmsc::fib
