// Message encoding in ring slots: byte layout, round trips, and the reason each kind of damage
// is refused with.
#include "fib/channel_codec.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "tests/fib/channel_test_util.hpp"

namespace dmsc::fib {
namespace {

using namespace channel;
using test::hops;
using test::hops2;
using test::name;

struct Slot {
  alignas(64) std::array<std::byte, kSlotSize> bytes{};
  SlotCopy copy;  // where a decoded prefix points: must outlive the DecodedMessage's use
  std::byte* data() { return bytes.data(); }
  template <typename T>
  void poke(std::size_t offset, T value) {
    std::memcpy(bytes.data() + offset, &value, sizeof(value));
  }
};

RejectReason decode(Slot& slot, DecodedMessage& out) {
  return decode_message(slot.data(), slot.copy, out);
}

TEST(ChannelCodec, RouteHasTheDocumentedBytes) {
  Slot slot;
  const Name prefix = name("/ab/c");
  encode_route(slot.data(), 7, 9, prefix.view(), hops2(4, 2));
  const std::uint8_t expected_header[] = {1, 0, 8 + 16 + 5, 0, 0, 0, 0, 0, 7, 0, 0, 0,
                                          0, 0, 0,          0, 9, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(std::memcmp(slot.data(), expected_header, sizeof(expected_header)), 0);
  const std::uint8_t expected_body[] = {5, 2, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0,
                                        4, 0, 0, 0, 3, 0, 0, 0};
  EXPECT_EQ(std::memcmp(slot.data() + 24, expected_body, sizeof(expected_body)), 0);
  const std::uint8_t expected_name[] = {2, 'a', 'b', 1, 'c'};
  EXPECT_EQ(std::memcmp(slot.data() + 24 + 8 + 16, expected_name, sizeof(expected_name)), 0);
}

TEST(ChannelCodec, EveryTypeRoundTrips) {
  Slot slot;
  DecodedMessage out;
  const Name prefix = name("/svc/payments/charge");

  encode_route(slot.data(), 3, 41, prefix.view(), hops2(10, 20));
  ASSERT_EQ(decode(slot, out), RejectReason::kNone);
  EXPECT_EQ(out.type(), MessageType::kRoute);
  EXPECT_EQ(out.header.epoch, 3u);
  EXPECT_EQ(out.header.sequence, 41u);
  EXPECT_EQ(*Name::from_wire({out.prefix.bytes, out.prefix.length}), prefix);
  EXPECT_EQ(out.next_hops, hops2(10, 20));

  encode_delete(slot.data(), 3, 42, prefix.view());
  ASSERT_EQ(decode(slot, out), RejectReason::kNone);
  EXPECT_EQ(out.type(), MessageType::kDelete);
  EXPECT_EQ(*Name::from_wire({out.prefix.bytes, out.prefix.length}), prefix);

  encode_route(slot.data(), 3, 43, Name{}.view(), hops(1));  // the default route
  ASSERT_EQ(decode(slot, out), RejectReason::kNone);
  EXPECT_EQ(out.prefix.length, 0u);

  encode_resync_begin(slot.data(), 3, 44, 12);
  ASSERT_EQ(decode(slot, out), RejectReason::kNone);
  EXPECT_EQ(out.type(), MessageType::kResyncBegin);
  EXPECT_EQ(out.request, 12u);

  encode_resync_end(slot.data(), 3, 45, 12, 44);
  ASSERT_EQ(decode(slot, out), RejectReason::kNone);
  EXPECT_EQ(out.type(), MessageType::kResyncEnd);
  EXPECT_EQ(out.begin_sequence, 44u);
}

TEST(ChannelCodec, LongestNameFitsASlot) {
  Name longest;
  while (longest.append(std::string(50, 'x')).ok()) {  // 5 x (1 + 50) = 255
  }
  ASSERT_EQ(longest.wire_length(), kMaxEncodedNameLength);
  Slot slot;
  NextHopSet full;
  full.count = kMaxNextHops;
  for (std::size_t i = 0; i < kMaxNextHops; ++i) full.hops[i] = {FaceId(i + 1), 0xffff};
  encode_route(slot.data(), 1, 1, longest.view(), full);
  DecodedMessage out;
  ASSERT_EQ(decode(slot, out), RejectReason::kNone);
  EXPECT_EQ(*Name::from_wire({out.prefix.bytes, out.prefix.length}), longest);
  EXPECT_EQ(out.next_hops, full);
}

struct Damage {
  const char* what;
  std::size_t offset;
  std::uint64_t value;
  std::size_t width;
  RejectReason reason;
};

class ChannelCodecDamage : public ::testing::TestWithParam<Damage> {};

TEST_P(ChannelCodecDamage, IsRefusedWithItsReason) {
  const Damage& d = GetParam();
  Slot slot;
  encode_route(slot.data(), 1, 5, name("/ab/cd").view(), hops2(1, 2));
  switch (d.width) {
    case 1: slot.poke<std::uint8_t>(d.offset, static_cast<std::uint8_t>(d.value)); break;
    case 2: slot.poke<std::uint16_t>(d.offset, static_cast<std::uint16_t>(d.value)); break;
    case 4: slot.poke<std::uint32_t>(d.offset, static_cast<std::uint32_t>(d.value)); break;
  }
  DecodedMessage out;
  EXPECT_EQ(decode(slot, out), d.reason) << d.what;
}

constexpr std::size_t kBody = sizeof(MessageHeader);
constexpr std::size_t kName = kBody + sizeof(RouteBody) + 2 * sizeof(WireNextHop);

INSTANTIATE_TEST_SUITE_P(
    Route, ChannelCodecDamage,
    ::testing::Values(
        Damage{"type 0", 0, 0, 2, RejectReason::kBadType},
        Damage{"type 99", 0, 99, 2, RejectReason::kBadType},
        Damage{"length past the slot", 2, 500, 2, RejectReason::kBadLength},
        Damage{"length one short", 2, 8 + 16 + 6 - 1, 2, RejectReason::kBadLength},
        Damage{"length below the body", 2, 10, 2, RejectReason::kBadLength},
        Damage{"name length disagrees", kBody, 4, 1, RejectReason::kBadLength},
        Damage{"header reserved", 4, 1, 4, RejectReason::kReservedNotZero},
        Damage{"body reserved", kBody + 4, 1, 4, RejectReason::kReservedNotZero},
        Damage{"component overruns", kName, 9, 1, RejectReason::kBadName},
        Damage{"empty component", kName + 3, 0, 1, RejectReason::kBadName},
        Damage{"hop count disagrees", kBody + 1, 1, 1, RejectReason::kBadLength},
        Damage{"nine next hops", kBody + 1, 9, 1, RejectReason::kBadNextHops},
        Damage{"zero weight", kBody + 8 + 4, 0, 4, RejectReason::kBadNextHops},
        Damage{"duplicate face", kBody + 8 + 8, 1, 4, RejectReason::kBadNextHops}),
    [](const auto& info) {
      std::string text = info.param.what;
      for (char& ch : text)
        if (ch == ' ') ch = '_';
      return text;
    });

TEST(ChannelCodec, RouteWithoutNextHopsIsRefused) {
  Slot slot;
  encode_route(slot.data(), 1, 1, name("/a").view(), NextHopSet{});
  DecodedMessage out;
  EXPECT_EQ(decode(slot, out), RejectReason::kBadNextHops);
}

TEST(ChannelCodec, ResyncAndDeleteLengthsAreExact) {
  Slot slot;
  DecodedMessage out;
  encode_resync_begin(slot.data(), 1, 1, 1);
  slot.poke<std::uint16_t>(2, 16);
  EXPECT_EQ(decode(slot, out), RejectReason::kBadLength);
  encode_resync_end(slot.data(), 1, 1, 1, 0);
  slot.poke<std::uint16_t>(2, 8);
  EXPECT_EQ(decode(slot, out), RejectReason::kBadLength);
  encode_delete(slot.data(), 1, 1, name("/a").view());
  slot.poke<std::uint8_t>(kBody + 3, 1);
  EXPECT_EQ(decode(slot, out), RejectReason::kReservedNotZero);
}

}  // namespace
}  // namespace dmsc::fib
