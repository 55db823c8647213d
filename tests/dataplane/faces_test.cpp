// encapsulate() against the wire builders (an independent implementation of §6).
#include <gtest/gtest.h>

#include "dataplane/faces.hpp"
#include "dataplane/wire.hpp"

namespace dmsc::dataplane {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes sample_packet(std::size_t payload_length) {
  wire::PacketFields fields;
  fields.destination = *fib::Name::parse("/svc/payments");
  fields.source = *fib::Name::parse("/sg/a");
  fields.flow_key = 0x12345678;
  Bytes payload(payload_length);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  fields.payload = payload;
  return *wire::encode_packet(fields);
}

// As the forwarder calls it: the packet behind room for kEncapsulationWriteLength octets.
Bytes encapsulated(const Face& face, const Bytes& packet) {
  Bytes buffer(kEncapsulationWriteLength + packet.size(), 0xee);
  std::copy(packet.begin(), packet.end(), buffer.begin() + kEncapsulationWriteLength);
  encapsulate(face, buffer.data() + kEncapsulationWriteLength, packet.size(), 0x12345678);
  return Bytes(buffer.begin() + static_cast<std::ptrdiff_t>(kEncapsulationWriteLength - face.header_length), buffer.end());
}

TEST(Faces, EncapsulationsEqualTheWireBuilders) {
  auto config = parse_forwarder_config(
      "port p0 net_null0 ipv4 10.0.0.1 ipv6 fd00::1\n"
      "face 1 ethernet p0 02:00:00:00:00:02\n"
      "face 2 ethernet p0 02:00:00:00:00:02 vlan 300\n"
      "face 3 udp4 p0 02:00:00:00:00:03 10.0.0.2 port 9000\n"
      "face 4 udp4 p0 02:00:00:00:00:03 10.0.0.2 checksum off vlan 9\n"
      "face 5 udp6 p0 02:00:00:00:00:04 fd00::2\n",
      "t", "");
  ASSERT_TRUE(config.ok()) << config.error();
  const wire::MacAddress mac = {0x02, 0, 0, 0, 0, 0x01};
  const FaceTable faces = FaceTable::build(*config, {PortAddresses{mac, 1500}});
  EXPECT_EQ(faces.size(), 5u);
  EXPECT_EQ(faces.find(6), nullptr);
  EXPECT_EQ(faces.find(0), nullptr);
  for (const std::size_t payload : {0, 1, 2, 3, 100, 1001}) {
    const Bytes packet = sample_packet(payload);
    const wire::MacAddress neighbour2 = {0x02, 0, 0, 0, 0, 0x02};
    EXPECT_EQ(encapsulated(*faces.find(1), packet), wire::build_ethernet_frame(neighbour2, mac, wire::kDefaultEthertype, packet));
    EXPECT_EQ(encapsulated(*faces.find(2), packet), wire::build_ethernet_frame(neighbour2, mac, wire::kDefaultEthertype, packet, 300));
    wire::Udp4Endpoints udp4;
    udp4.destination_mac = {0x02, 0, 0, 0, 0, 0x03};
    udp4.source_mac = mac;
    udp4.source = {10, 0, 0, 1};
    udp4.destination = {10, 0, 0, 2};
    udp4.source_port = 0xc000 | (0x12345678 & 0x3fff);
    udp4.destination_port = 9000;
    EXPECT_EQ(encapsulated(*faces.find(3), packet), *wire::build_udp4_frame(udp4, packet));
    udp4.destination_port = wire::kDefaultUdpPort;
    udp4.zero_udp_checksum = true;
    udp4.vlan_tci = 9;
    EXPECT_EQ(encapsulated(*faces.find(4), packet), *wire::build_udp4_frame(udp4, packet));
    wire::Udp6Endpoints udp6;
    udp6.destination_mac = {0x02, 0, 0, 0, 0, 0x04};
    udp6.source_mac = mac;
    udp6.source = *parse_ipv6("fd00::1");
    udp6.destination = *parse_ipv6("fd00::2");
    udp6.source_port = 0xc000 | (0x12345678 & 0x3fff);
    EXPECT_EQ(encapsulated(*faces.find(5), packet), *wire::build_udp6_frame(udp6, packet));
  }
  // The MTU bounds the DMSC packet after the face's IP and UDP headers.
  EXPECT_EQ(faces.find(1)->max_packet_length, 1500);
  EXPECT_EQ(faces.find(3)->max_packet_length, 1500 - 28);
  EXPECT_EQ(faces.find(5)->max_packet_length, 1500 - 48);
}

TEST(Faces, ALearningFaceIsUnusableUntilItsNeighbourIsKnownAndThenCarriesItsMac) {
  auto config = parse_forwarder_config(
      "port p0 net_null0\nport p1 net_null1\n"
      "face 1 ethernet p0 learn\n"
      "face 2 ethernet p0 learn vlan 7\n"
      "face 3 ethernet p1 learn\n"
      "face 4 ethernet p1 02:00:00:00:00:44\n",
      "t", "");
  ASSERT_TRUE(config.ok()) << config.error();
  const wire::MacAddress mac0 = {0x02, 0, 0, 0, 0, 0x01}, mac1 = {0x02, 0, 0, 0, 0, 0x11};
  FaceTable faces = FaceTable::build(*config, {PortAddresses{mac0, 1500}, PortAddresses{mac1, 1500}});
  auto qsbr = fib::Qsbr::create(1);
  ASSERT_TRUE(qsbr.ok());
  EXPECT_TRUE(faces.learns_on_port(0));
  EXPECT_EQ(faces.find(1), nullptr);
  EXPECT_EQ(faces.find(2), nullptr);
  EXPECT_EQ(faces.find(3), nullptr);
  ASSERT_NE(faces.find(4), nullptr);

  const wire::MacAddress neighbour = {0x02, 0, 0, 0, 0x66, 0x01};
  EXPECT_EQ(faces.learn_neighbour(0, neighbour, **qsbr), (std::vector<fib::FaceId>{1, 2}));
  const Bytes packet = sample_packet(10);
  ASSERT_NE(faces.find(1), nullptr);
  EXPECT_EQ(encapsulated(*faces.find(1), packet), wire::build_ethernet_frame(neighbour, mac0, wire::kDefaultEthertype, packet));
  EXPECT_EQ(encapsulated(*faces.find(2), packet), wire::build_ethernet_frame(neighbour, mac0, wire::kDefaultEthertype, packet, 7));
  EXPECT_EQ(faces.find(3), nullptr) << "another port's face learns nothing from p0";
  // The same neighbour again changes nothing; a new one replaces it (a new copy: readers of the
  // old one are not disturbed, and it is freed after a grace period).
  EXPECT_TRUE(faces.learn_neighbour(0, neighbour, **qsbr).empty());
  const Face* before = faces.find(1);
  const wire::MacAddress replaced = {0x02, 0, 0, 0, 0x66, 0x02};
  EXPECT_EQ(faces.learn_neighbour(0, replaced, **qsbr), (std::vector<fib::FaceId>{1, 2}));
  EXPECT_NE(faces.find(1), before);
  EXPECT_EQ(encapsulated(*faces.find(1), packet), wire::build_ethernet_frame(replaced, mac0, wire::kDefaultEthertype, packet));
  EXPECT_EQ(faces.find(4)->header, FaceTable::build(*config, {PortAddresses{mac0, 1500}, PortAddresses{mac1, 1500}}).find(4)->header)
      << "a face with a configured MAC never changes";
  (*qsbr)->drain();
  EXPECT_EQ((*qsbr)->pending(), 0u);
}

// Reload: faces added, changed and removed one by one under QSBR; a learning face whose
// configuration changes on the same port keeps the MAC it learned.
TEST(Faces, AReloadAddsChangesAndRemovesFacesOneByOne) {
  auto before = parse_forwarder_config("port p0 net_null0\nport p1 net_null1\nface 1 ethernet p0 learn\n"
                                       "face 2 ethernet p1 02:00:00:00:00:22\n", "t", "");
  auto after = parse_forwarder_config("port p0 net_null0\nport p1 net_null1\nface 1 ethernet p0 learn vlan 9\n"
                                      "face 2 ethernet p1 02:00:00:00:00:23\nface 4000 ethernet p1 02:00:00:00:00:40\n", "t", "");
  ASSERT_TRUE(before.ok() && after.ok());
  const wire::MacAddress mac0 = {0x02, 0, 0, 0, 0, 0x01}, mac1 = {0x02, 0, 0, 0, 0, 0x11};
  const std::vector<PortAddresses> ports = {PortAddresses{mac0, 1500}, PortAddresses{mac1, 1500}};
  FaceTable faces = FaceTable::build(*before, ports);
  auto qsbr = std::move(*fib::Qsbr::create(1));
  const wire::MacAddress neighbour = {0x02, 0, 0, 0, 0x66, 0x01};
  faces.learn_neighbour(0, neighbour, *qsbr);
  EXPECT_EQ(faces.neighbour(1), neighbour);
  EXPECT_EQ(faces.neighbour(2), (wire::MacAddress{0x02, 0, 0, 0, 0, 0x22}));
  EXPECT_FALSE(faces.neighbour(4000).has_value());

  for (const FaceConfig& face : after->faces) faces.set_face(*after, face, ports, *qsbr);
  const Bytes packet = sample_packet(10);
  ASSERT_NE(faces.find(1), nullptr) << "the learned MAC is kept";
  EXPECT_EQ(encapsulated(*faces.find(1), packet), wire::build_ethernet_frame(neighbour, mac0, wire::kDefaultEthertype, packet, 9));
  EXPECT_EQ(faces.neighbour(2), (wire::MacAddress{0x02, 0, 0, 0, 0, 0x23}));
  ASSERT_NE(faces.find(4000), nullptr);
  EXPECT_EQ(faces.size(), 3u);
  faces.remove_face(2, *qsbr);
  EXPECT_EQ(faces.find(2), nullptr);
  EXPECT_FALSE(faces.neighbour(2).has_value());
  EXPECT_EQ(faces.size(), 2u);
  EXPECT_GT(qsbr->pending(), 0u) << "replaced faces wait for a grace period";
  qsbr->drain();
  EXPECT_EQ(qsbr->pending(), 0u);
}

TEST(Faces, LearnIsOnlyForEthernetFaces) {
  const auto config = parse_forwarder_config("port p0 net_null0 ipv4 10.0.0.1\nface 3 udp4 p0 learn 10.0.0.2\n", "t", "");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().find("bad MAC address 'learn'"), std::string::npos) << config.error();
}

}  // namespace
}  // namespace dmsc::dataplane
