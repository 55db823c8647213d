// Encapsulations: byte-exact frames, classification of DMSC, host and malformed frames, and
// checksums verified by an independent recomputation.

#include "dataplane/wire_frame.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "dataplane/wire.hpp"
#include "tests/dataplane/wire_test_util.hpp"

namespace dmsc::wire {
namespace {

using test::Bytes;
using test::kKnownPacket;
using test::kKnownUdp4Frame;
using test::kKnownUdp6Frame;

constexpr std::size_t kL3 = 14;  // untagged frames
constexpr std::size_t kUdp4 = kL3 + 20;
constexpr std::size_t kUdp6 = kL3 + 40;

// RFC 1071 written the plain way, independent of dataplane/wire_bytes.hpp. Zero over a range
// that includes its correct checksum.
std::uint16_t reference_checksum(const Bytes& data) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < data.size(); i += 2) {
    sum += (data[i] << 8) | (i + 1 < data.size() ? data[i + 1] : 0);
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

Bytes slice(const Bytes& bytes, std::size_t offset, std::size_t length) {
  return Bytes(bytes.begin() + offset, bytes.begin() + offset + length);
}

void expect_ipv4_checksum_verifies(const Bytes& frame, std::size_t l3) {
  const std::size_t header_length = (frame[l3] & 0x0f) * 4u;
  EXPECT_EQ(reference_checksum(slice(frame, l3, header_length)), 0);
}

void expect_udp_checksum_verifies(const Bytes& frame, std::size_t l3, std::size_t l4, bool ipv6) {
  const std::size_t udp_length = (frame[l4 + 4] << 8) | frame[l4 + 5];
  Bytes pseudo = ipv6 ? slice(frame, l3 + 8, 32) : slice(frame, l3 + 12, 8);
  if (ipv6) {
    pseudo.insert(pseudo.end(), {0, 0, static_cast<std::uint8_t>(udp_length >> 8),
                                 static_cast<std::uint8_t>(udp_length), 0, 0, 0, 17});
  } else {
    pseudo.insert(pseudo.end(), {0, 17, static_cast<std::uint8_t>(udp_length >> 8),
                                 static_cast<std::uint8_t>(udp_length)});
  }
  const Bytes udp = slice(frame, l4, udp_length);
  pseudo.insert(pseudo.end(), udp.begin(), udp.end());
  EXPECT_EQ(reference_checksum(pseudo), 0);
}

void fix_ipv4_checksum(Bytes& frame, std::size_t l3 = kL3) {
  frame[l3 + 10] = frame[l3 + 11] = 0;
  const std::uint16_t checksum = reference_checksum(slice(frame, l3, (frame[l3] & 0x0f) * 4u));
  frame[l3 + 10] = static_cast<std::uint8_t>(checksum >> 8);
  frame[l3 + 11] = static_cast<std::uint8_t>(checksum);
}

FrameClass classify(const Bytes& frame, FrameInfo& info, const EncapConfig& config = {}) {
  return classify_frame(frame.data(), frame.size(), config, info);
}

TEST(WireFrame, BuildsTheKnownFramesByteForByte) {
  auto udp4 = build_udp4_frame(test::known_udp4_endpoints(), kKnownPacket);
  ASSERT_TRUE(udp4.ok()) << udp4.error();
  EXPECT_EQ(*udp4, kKnownUdp4Frame);
  auto udp6 = build_udp6_frame(test::known_udp6_endpoints(), kKnownPacket);
  ASSERT_TRUE(udp6.ok()) << udp6.error();
  EXPECT_EQ(*udp6, kKnownUdp6Frame);

  const Bytes ethernet =
      build_ethernet_frame(test::kDestinationMac, test::kSourceMac, 0x88b5, kKnownPacket);
  Bytes expected = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x88, 0xb5};
  expected.insert(expected.end(), kKnownPacket.begin(), kKnownPacket.end());
  EXPECT_EQ(ethernet, expected);
  const Bytes tagged =
      build_ethernet_frame(test::kDestinationMac, test::kSourceMac, 0x88b5, kKnownPacket, 0x2064);
  EXPECT_EQ(slice(tagged, 12, 6), (Bytes{0x81, 0x00, 0x20, 0x64, 0x88, 0xb5}));
}

TEST(WireFrame, ChecksumsVerifyByRecomputation) {
  for (std::size_t size = 0; size < 10; ++size) {
    Bytes packet;
    for (std::size_t i = 0; i < size; ++i) packet.push_back(static_cast<std::uint8_t>(0x5a + 37 * i));
    Udp4Endpoints endpoints4 = test::known_udp4_endpoints();
    endpoints4.vlan_tci = 7;
    const Bytes frame4 = test::value_or_abort(build_udp4_frame(endpoints4, packet));
    expect_ipv4_checksum_verifies(frame4, 18);
    expect_udp_checksum_verifies(frame4, 18, 38, false);
    const Bytes frame6 = test::value_or_abort(build_udp6_frame(test::known_udp6_endpoints(), packet));
    expect_udp_checksum_verifies(frame6, kL3, kUdp6, true);
  }
  expect_ipv4_checksum_verifies(kKnownUdp4Frame, kL3);
  expect_udp_checksum_verifies(kKnownUdp4Frame, kL3, kUdp4, false);
  expect_udp_checksum_verifies(kKnownUdp6Frame, kL3, kUdp6, true);
}

TEST(WireFrame, AComputedZeroUdpChecksumIsSentAsAllOnes) {
  // With payload {0, 0} the checksum is C; with payload C the sum becomes 0xffff, i.e. zero.
  const Bytes zeros = {0, 0};
  const Bytes first = test::value_or_abort(build_udp6_frame(test::known_udp6_endpoints(), zeros));
  const Bytes chosen = {first[kUdp6 + 6], first[kUdp6 + 7]};
  const Bytes frame = test::value_or_abort(build_udp6_frame(test::known_udp6_endpoints(), chosen));
  EXPECT_EQ(frame[kUdp6 + 6], 0xff);
  EXPECT_EQ(frame[kUdp6 + 7], 0xff);
  expect_udp_checksum_verifies(frame, kL3, kUdp6, true);
  FrameInfo info;
  EXPECT_EQ(classify(frame, info), FrameClass::kDmsc);
}

TEST(WireFrame, BuildersRefuseOversizedPackets) {
  const Bytes fits(0xffff - 28);
  EXPECT_TRUE(build_udp4_frame(test::known_udp4_endpoints(), fits).ok());
  const Bytes too_big(0xffff - 27);
  auto frame = build_udp4_frame(test::known_udp4_endpoints(), too_big);
  ASSERT_FALSE(frame.ok());
  EXPECT_NE(frame.error().find("does not fit"), std::string::npos);
  EXPECT_TRUE(build_udp6_frame(test::known_udp6_endpoints(), Bytes(0xffff - 8)).ok());
  EXPECT_FALSE(build_udp6_frame(test::known_udp6_endpoints(), Bytes(0xffff - 7)).ok());
}

void expect_dmsc(const Bytes& frame, Encapsulation encapsulation, std::size_t dmsc_offset,
                 const EncapConfig& config = {}) {
  FrameInfo info;
  ASSERT_EQ(classify(frame, info, config), FrameClass::kDmsc) << parse_error_name(info.error);
  EXPECT_EQ(info.encapsulation, encapsulation);
  EXPECT_EQ(info.dmsc_offset, dmsc_offset);
  EXPECT_EQ(info.error, ParseError::kNone);
  EXPECT_TRUE(udp_checksum_ok(frame.data(), frame.size(), info));
  PacketHeader header;
  ASSERT_EQ(parse_header(frame.data() + info.dmsc_offset, info.dmsc_length, header),
            ParseError::kNone);
  EXPECT_EQ(header.flow_key, 0x01020304u);
}

TEST(WireFrame, ClassifiesDmscInEveryEncapsulation) {
  Bytes ethernet =
      build_ethernet_frame(test::kDestinationMac, test::kSourceMac, 0x88b5, kKnownPacket);
  expect_dmsc(ethernet, Encapsulation::kEthernet, 14);
  ethernet.resize(60, 0);  // minimum-frame padding reaches parse_header, which ignores it
  expect_dmsc(ethernet, Encapsulation::kEthernet, 14);

  const Bytes tagged =
      build_ethernet_frame(test::kDestinationMac, test::kSourceMac, 0x88b5, kKnownPacket, 0x2064);
  FrameInfo info;
  ASSERT_EQ(classify(tagged, info), FrameClass::kDmsc);
  EXPECT_TRUE(info.vlan_tagged);
  EXPECT_EQ(info.vlan_tci, 0x2064);
  EXPECT_EQ(info.ethertype, 0x88b5);
  expect_dmsc(tagged, Encapsulation::kEthernet, 18);

  expect_dmsc(kKnownUdp4Frame, Encapsulation::kUdp4, 42);
  ASSERT_EQ(classify(kKnownUdp4Frame, info), FrameClass::kDmsc);
  EXPECT_EQ(info.l3_offset, kL3);
  EXPECT_EQ(info.l4_offset, kUdp4);
  EXPECT_EQ(info.dmsc_length, kKnownPacket.size());

  Bytes trailing = kKnownUdp4Frame;  // octets after IPv4 Total Length are not the packet's
  trailing.insert(trailing.end(), {0, 0, 0, 0});
  ASSERT_EQ(classify(trailing, info), FrameClass::kDmsc);
  EXPECT_EQ(info.dmsc_length, kKnownPacket.size());

  Udp4Endpoints endpoints = test::known_udp4_endpoints();
  endpoints.vlan_tci = 100;
  endpoints.zero_udp_checksum = true;
  const Bytes unchecked = test::value_or_abort(build_udp4_frame(endpoints, kKnownPacket));
  EXPECT_EQ(unchecked[18 + 20 + 6] | unchecked[18 + 20 + 7], 0);
  expect_dmsc(unchecked, Encapsulation::kUdp4, 46);

  Bytes options = kKnownUdp4Frame;  // IHL 6: four octets of NOP, NOP, NOP, EOL are skipped
  options.insert(options.begin() + kUdp4, {1, 1, 1, 0});
  options[kL3] = 0x46;
  options[kL3 + 3] += 4;
  fix_ipv4_checksum(options);
  expect_dmsc(options, Encapsulation::kUdp4, 46);

  expect_dmsc(kKnownUdp6Frame, Encapsulation::kUdp6, 62);
  ASSERT_EQ(classify(kKnownUdp6Frame, info), FrameClass::kDmsc);
  EXPECT_EQ(info.l4_offset, kUdp6);
}

TEST(WireFrame, ConfigurationChoosesEtherTypeAndPort) {
  EncapConfig config;
  config.ethertype = 0x88b6;
  config.udp_port = 7000;
  FrameInfo info;
  EXPECT_EQ(classify(kKnownUdp4Frame, info, config), FrameClass::kNotDmsc);
  EXPECT_EQ(classify(kKnownUdp6Frame, info, config), FrameClass::kNotDmsc);
  const Bytes ethernet =
      build_ethernet_frame(test::kDestinationMac, test::kSourceMac, 0x88b5, kKnownPacket);
  EXPECT_EQ(classify(ethernet, info, config), FrameClass::kNotDmsc);

  expect_dmsc(build_ethernet_frame(test::kDestinationMac, test::kSourceMac, 0x88b6, kKnownPacket),
              Encapsulation::kEthernet, 14, config);
  Udp6Endpoints endpoints = test::known_udp6_endpoints();
  endpoints.destination_port = 7000;
  expect_dmsc(test::value_or_abort(build_udp6_frame(endpoints, kKnownPacket)),
              Encapsulation::kUdp6, 62, config);

  EXPECT_TRUE(check_encap_config({}).ok());
  EXPECT_TRUE(check_encap_config(config).ok());
  for (std::uint16_t bad : {0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x05dc}) {
    config.ethertype = bad;
    EXPECT_FALSE(check_encap_config(config).ok()) << bad;
  }
  config = {};
  config.udp_port = 0;
  EXPECT_FALSE(check_encap_config(config).ok());
}

TEST(WireFrame, ChecksumVerificationCanBeLeftToTheNic) {
  Bytes corrupt = kKnownUdp4Frame;
  corrupt.back() ^= 1;
  EncapConfig config;
  config.verify_udp_checksum = false;
  FrameInfo info;
  ASSERT_EQ(classify(corrupt, info, config), FrameClass::kDmsc);
  EXPECT_FALSE(udp_checksum_ok(corrupt.data(), corrupt.size(), info));
}

Bytes ethernet_with(std::uint16_t ethertype, const Bytes& payload) {
  return build_ethernet_frame(test::kDestinationMac, test::kSourceMac, ethertype, payload);
}

// An IPv6 frame for the host: an extension-header chain before the final header.
Bytes ipv6_frame(std::uint8_t next_header, const Bytes& after_header) {
  Bytes frame = slice(kKnownUdp6Frame, 0, kUdp6);
  frame.reserve(kUdp6 + after_header.size());
  frame[kL3 + 4] = static_cast<std::uint8_t>(after_header.size() >> 8);
  frame[kL3 + 5] = static_cast<std::uint8_t>(after_header.size());
  frame[kL3 + 6] = next_header;
  frame.insert(frame.end(), after_header.begin(), after_header.end());
  return frame;
}

Bytes udp6_behind(std::uint8_t next_header, const Bytes& extension) {
  Bytes after = extension;
  after.insert(after.end(), kKnownUdp6Frame.begin() + kUdp6, kKnownUdp6Frame.end());
  return ipv6_frame(next_header, after);
}

Bytes udp4_patched(std::initializer_list<std::pair<std::size_t, std::uint8_t>> patches,
                   bool fix_checksum) {
  Bytes frame = kKnownUdp4Frame;
  for (const auto& [offset, value] : patches) frame[offset] = value;
  if (fix_checksum) fix_ipv4_checksum(frame);
  return frame;
}

Bytes udp6_patched(std::initializer_list<std::pair<std::size_t, std::uint8_t>> patches) {
  Bytes frame = kKnownUdp6Frame;
  for (const auto& [offset, value] : patches) frame[offset] = value;
  return frame;
}

TEST(WireFrame, HostTrafficIsNotDmsc) {
  // IS-IS L2 LAN Hello: 802.3 length, LLC FE FE 03, then the IS-IS header (0x83 ...).
  const Bytes isis = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x15, 0x02, 0, 0, 0, 0, 0x02, 0x00, 0x0b,
                      0xfe, 0xfe, 0x03, 0x83, 0x1b, 0x01, 0x00, 0x10, 0x01, 0x00, 0x00};
  const Bytes arp = ethernet_with(0x0806, Bytes{0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
                                                2, 0, 0, 0, 0, 2, 192, 0, 2, 1,
                                                0, 0, 0, 0, 0, 0, 192, 0, 2, 2});
  Bytes qinq = build_ethernet_frame(test::kDestinationMac, test::kSourceMac, 0x8100, Bytes{},
                                    0x0064);  // a second tag: not accepted, the host's
  qinq.insert(qinq.end(), {0x00, 0x65, 0x88, 0xb5});
  qinq.insert(qinq.end(), kKnownPacket.begin(), kKnownPacket.end());
  const Bytes neighbor_solicitation = ipv6_frame(58, Bytes(24, 0));
  // MLD report behind Hop-by-Hop (Router Alert): must reach the host, not be dropped.
  Bytes mld = {58, 0, 5, 2, 0, 0, 1, 0};
  mld.resize(8 + 20, 0);
  const struct {
    const char* what;
    Bytes frame;
  } cases[] = {
      {"IS-IS over LLC", isis},
      {"ARP", arp},
      {"stacked VLAN tags", qinq},
      {"IPv4 TCP", udp4_patched({{kL3 + 9, 6}}, true)},
      {"IPv4 UDP to another port", udp4_patched({{kUdp4 + 2, 0}, {kUdp4 + 3, 53}}, true)},
      {"IPv4 later fragment", udp4_patched({{kL3 + 6, 0x20}, {kL3 + 7, 0x01}}, true)},
      {"IPv4 fragment to another port", udp4_patched({{kL3 + 6, 0x20}, {kUdp4 + 3, 53}}, true)},
      {"IPv6 neighbor solicitation", neighbor_solicitation},
      {"IPv6 MLD behind Hop-by-Hop", ipv6_frame(0, mld)},
      {"IPv6 UDP to another port", udp6_patched({{kUdp6 + 2, 0}, {kUdp6 + 3, 53}})},
      {"IPv6 later fragment", udp6_behind(44, {17, 0, 0x00, 0x08, 0, 0, 0, 1})},
      {"IPv6 ESP", ipv6_frame(50, Bytes(16, 0))},
  };
  for (const auto& c : cases) {
    FrameInfo info;
    EXPECT_EQ(classify(c.frame, info), FrameClass::kNotDmsc)
        << c.what << ": " << parse_error_name(info.error);
  }
}

struct BadFrame {
  const char* what;
  Bytes frame;
  ParseError error;
};

std::vector<BadFrame> bad_frames() {
  const Bytes ethernet =
      build_ethernet_frame(test::kDestinationMac, test::kSourceMac, 0x88b5, kKnownPacket, 5);
  Bytes ipv4_options_cut = udp4_patched({{kL3, 0x4f}}, false);
  ipv4_options_cut.resize(kL3 + 40);
  Bytes udp_header_cut = udp4_patched({{kL3 + 2, 0}, {kL3 + 3, 24}}, true);
  Bytes corrupt4 = kKnownUdp4Frame;
  corrupt4.back() ^= 1;
  Bytes corrupt6 = kKnownUdp6Frame;
  corrupt6[kUdp6 + 12] ^= 0x80;
  const Bytes destination_options = {17, 0, 1, 4, 0, 0, 0, 0};
  const Bytes first_fragment = {17, 0, 0x00, 0x01, 0, 0, 0, 1};
  return {
      {"13 octets", slice(ethernet, 0, 13), ParseError::kTruncatedEthernet},
      {"cut inside the VLAN tag", slice(ethernet, 0, 17), ParseError::kTruncatedEthernet},
      {"IPv6 header under EtherType IPv4", udp4_patched({{kL3, 0x65}}, false),
       ParseError::kBadIpVersion},
      {"IPv4 header under EtherType IPv6", udp6_patched({{kL3, 0x45}}), ParseError::kBadIpVersion},
      {"19 octets of IPv4", slice(kKnownUdp4Frame, 0, kL3 + 19), ParseError::kTruncatedIpv4},
      {"IPv4 options past the frame", ipv4_options_cut, ParseError::kTruncatedIpv4},
      {"IPv4 Total Length past the frame", slice(kKnownUdp4Frame, 0, kKnownUdp4Frame.size() - 1),
       ParseError::kTruncatedIpv4},
      {"IHL 4", udp4_patched({{kL3, 0x44}}, true), ParseError::kBadIpv4HeaderLength},
      {"Total Length 19", udp4_patched({{kL3 + 2, 0}, {kL3 + 3, 19}}, true),
       ParseError::kBadIpv4TotalLength},
      {"TTL changed, checksum not", udp4_patched({{kL3 + 8, 63}}, false),
       ParseError::kBadIpv4Checksum},
      {"IPv4 first fragment (MF)", udp4_patched({{kL3 + 6, 0x20}}, true),
       ParseError::kIpv4Fragment},
      {"39 octets of IPv6", slice(kKnownUdp6Frame, 0, kL3 + 39), ParseError::kTruncatedIpv6},
      {"IPv6 Payload Length past the frame", slice(kKnownUdp6Frame, 0, kKnownUdp6Frame.size() - 1),
       ParseError::kTruncatedIpv6},
      {"UDP behind Destination Options", udp6_behind(60, destination_options),
       ParseError::kUnsupportedIpv6ExtensionHeader},
      {"UDP behind a first IPv6 fragment", udp6_behind(44, first_fragment),
       ParseError::kUnsupportedIpv6ExtensionHeader},
      {"IPv4 payload of 4 octets", udp_header_cut, ParseError::kTruncatedUdp},
      {"IPv6 payload of 4 octets", slice(udp6_patched({{kL3 + 5, 4}}), 0, kUdp6 + 4),
       ParseError::kTruncatedUdp},
      {"UDP Length one more", udp4_patched({{kUdp4 + 5, 0x2d}}, false), ParseError::kBadUdpLength},
      {"UDP Length one less", udp6_patched({{kUdp6 + 5, 0x2b}}), ParseError::kBadUdpLength},
      {"IPv4 payload octet flipped", corrupt4, ParseError::kBadUdpChecksum},
      {"IPv6 payload octet flipped", corrupt6, ParseError::kBadUdpChecksum},
      {"IPv6 UDP checksum 0", udp6_patched({{kUdp6 + 6, 0}, {kUdp6 + 7, 0}}),
       ParseError::kZeroUdpChecksumIpv6},
  };
}

TEST(WireFrame, EveryMalformedEncapsulationHasItsNamedReason) {
  for (const BadFrame& bad : bad_frames()) {
    FrameInfo info;
    EXPECT_EQ(classify(bad.frame, info), FrameClass::kDrop) << bad.what;
    EXPECT_STREQ(parse_error_name(info.error), parse_error_name(bad.error)) << bad.what;
  }
}

}  // namespace

std::vector<ParseError> test::frame_reasons_tested() {
  std::vector<ParseError> reasons;
  for (const BadFrame& bad : bad_frames()) reasons.push_back(bad.error);
  return reasons;
}

namespace {

TEST(WireReasons, EveryReasonIsProvokedByATest) {
  std::set<ParseError> tested;
  for (ParseError error : test::packet_reasons_tested()) tested.insert(error);
  for (ParseError error : test::frame_reasons_tested()) tested.insert(error);
  for (const auto& row : parse_error_table()) {
    if (row.value == ParseError::kNone) continue;
    EXPECT_TRUE(tested.count(row.value)) << row.name << " has no test that provokes it";
  }
}

}  // namespace
}  // namespace dmsc::wire
