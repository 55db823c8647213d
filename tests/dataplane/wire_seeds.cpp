// The fuzz target's seed corpus, built from the codec so it stays valid as the format evolves.

#include "tests/dataplane/wire_test_util.hpp"

namespace dmsc::wire::test {
namespace {

Bytes packet(PacketType type, const char* destination, const char* source, const Bytes& payload,
             std::uint8_t flags = 0) {
  PacketFields fields;
  fields.type = type;
  fields.flags = flags;
  fields.flow_key = 0x9e3779b9;
  fields.destination = name(destination);
  fields.source = name(source);
  fields.payload = payload;
  return value_or_abort(encode_packet(fields));
}

Bytes error_packet() {
  Bytes payload(kErrorPreambleLength + 32);
  encode_error_payload(ErrorReason::kHopLimitExceeded, 0, std::span(kKnownPacket).first(32),
                       payload.data(), payload.size());
  return packet(PacketType::kError, "/sg/a", "/router/r1", payload);
}

}  // namespace

std::vector<std::pair<std::string, Bytes>> wire_seeds() {
  std::string deep;
  for (int i = 0; i < 32; ++i) deep += "/c" + std::to_string(i % 10);
  const Bytes probe = packet(PacketType::kProbe, "/svc/echo", "/", Bytes{1, 2, 3});
  const Bytes isis = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x15, 0x02, 0, 0, 0, 0, 0x02, 0x00, 0x0b,
                      0xfe, 0xfe, 0x03, 0x83, 0x1b, 0x01, 0x00, 0x10, 0x01, 0x00, 0x00};
  Bytes dest_options = kKnownUdp6Frame;  // UDP behind Destination Options: a named drop
  dest_options.insert(dest_options.begin() + 54, {17, 0, 1, 4, 0, 0, 0, 0});
  dest_options[14 + 5] += 8;
  dest_options[14 + 6] = 60;
  Bytes fragment = kKnownUdp4Frame;  // MF set, DF cleared: a named drop
  fragment[14 + 6] = 0x20;
  fragment[14 + 10] = 0xd6;  // header checksum 0xb6a9 adjusted for 0x4000 -> 0x2000
  fragment[14 + 11] = 0xa9;
  Udp4Endpoints tagged = known_udp4_endpoints();
  tagged.vlan_tci = 0x0064;
  return {
      {"packet-known", kKnownPacket},
      {"packet-probe-anonymous", probe},
      {"packet-response-deep", packet(PacketType::kResponse, deep.c_str(), "/svc/payments/i-3",
                                      Bytes(9, 0xaa), kFlagAffinity)},
      {"packet-error", error_packet()},
      {"frame-ethernet", build_ethernet_frame(kDestinationMac, kSourceMac, kDefaultEthertype, probe)},
      {"frame-ethernet-vlan",
       build_ethernet_frame(kDestinationMac, kSourceMac, kDefaultEthertype, kKnownPacket, 0x0064)},
      {"frame-udp4", kKnownUdp4Frame},
      {"frame-udp4-first-fragment", fragment},
      {"frame-udp4-vlan", value_or_abort(build_udp4_frame(tagged, error_packet()))},
      {"frame-udp6", kKnownUdp6Frame},
      {"frame-udp6-destination-options", dest_options},
      {"frame-isis-llc", isis},
  };
}

}  // namespace dmsc::wire::test
