// IS-IS frames: what build_isis_frame() writes, byte for byte, parses back to the PDU and source.
#include <gtest/gtest.h>

#include "control/packet_io.hpp"

namespace dmsc::control {
namespace {

TEST(PacketIo, FrameRoundTrip) {
  const std::vector<std::uint8_t> pdu = {0x83, 0x14, 0x01, 0x00, 0x11, 0x01, 0x00, 0x00};
  const std::array<std::uint8_t, 6> source = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  const auto frame = build_isis_frame(pdu, source);
  const std::vector<std::uint8_t> head = {0x09, 0x00, 0x2b, 0x00, 0x00, 0x05, 0x02, 0x00, 0x00,
                                          0x00, 0x00, 0x01, 0x00, 0x0b, 0xfe, 0xfe, 0x03};
  ASSERT_EQ(frame.size(), head.size() + pdu.size());
  EXPECT_TRUE(std::equal(head.begin(), head.end(), frame.begin()));
  ReceivedPdu received;
  ASSERT_EQ(parse_isis_frame(frame, {0x02, 0, 0, 0, 0, 0x02}, received), FrameDrop::kNone);
  EXPECT_EQ(received.source, source);
  EXPECT_EQ(std::vector<std::uint8_t>(received.pdu.begin(), received.pdu.end()), pdu);
}

}  // namespace
}  // namespace dmsc::control
