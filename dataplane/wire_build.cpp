// Frame builders: the sending side of wire_frame.hpp, for tests and traffic generators.

#include <cstring>
#include <string>

#include "dataplane/wire_bytes.hpp"
#include "dataplane/wire_frame.hpp"

namespace dmsc::wire {
namespace {

constexpr std::uint16_t kIpv4DontFragment = 0x4000;
constexpr std::size_t kMaxUdpPayload = 0xffff - kUdpHeaderLength;

// Ethernet header (and tag) for `ethertype`, leaving room for `payload_length` more octets.
std::vector<std::uint8_t> start_frame(const MacAddress& destination, const MacAddress& source,
                                      std::uint16_t ethertype, std::optional<std::uint16_t> vlan_tci,
                                      std::size_t payload_length) {
  std::vector<std::uint8_t> frame;
  frame.reserve(kEthernetHeaderLength + kVlanTagLength + payload_length);
  frame.insert(frame.end(), destination.begin(), destination.end());
  frame.insert(frame.end(), source.begin(), source.end());
  std::uint8_t field[2];
  if (vlan_tci) {
    store16(field, kEthertypeVlan);
    frame.insert(frame.end(), field, field + 2);
    store16(field, *vlan_tci);
    frame.insert(frame.end(), field, field + 2);
  }
  store16(field, ethertype);
  frame.insert(frame.end(), field, field + 2);
  return frame;
}

void write_udp_header(std::uint8_t* udp, std::uint16_t source_port, std::uint16_t destination_port,
                      std::size_t udp_length) {
  store16(udp, source_port);
  store16(udp + 2, destination_port);
  store16(udp + 4, static_cast<std::uint16_t>(udp_length));
  store16(udp + 6, 0);
}

// Completes the UDP checksum given the pseudo-header's address sum. A computed zero is sent as
// 0xffff: zero means "no checksum" over IPv4 and is invalid over IPv6.
void finish_udp_checksum(std::uint8_t* udp, std::size_t udp_length, std::uint64_t sum) {
  sum += kIpProtocolUdp;
  sum += udp_length;
  sum = checksum_add(sum, udp, udp_length);
  const std::uint16_t checksum = static_cast<std::uint16_t>(~checksum_fold(sum));
  store16(udp + 6, checksum == 0 ? 0xffff : checksum);
}

Error too_big(std::size_t length) {
  return Error{"DMSC packet of " + std::to_string(length) + " octets does not fit a UDP datagram"};
}

}  // namespace

std::vector<std::uint8_t> build_ethernet_frame(const MacAddress& destination,
                                               const MacAddress& source, std::uint16_t ethertype,
                                               std::span<const std::uint8_t> payload,
                                               std::optional<std::uint16_t> vlan_tci) {
  std::vector<std::uint8_t> frame =
      start_frame(destination, source, ethertype, vlan_tci, payload.size());
  frame.insert(frame.end(), payload.begin(), payload.end());
  return frame;
}

Expected<std::vector<std::uint8_t>> build_udp4_frame(const Udp4Endpoints& endpoints,
                                                     std::span<const std::uint8_t> packet) {
  if (packet.size() > 0xffff - kIpv4HeaderLength - kUdpHeaderLength) return too_big(packet.size());
  const std::size_t udp_length = kUdpHeaderLength + packet.size();
  const std::size_t total_length = kIpv4HeaderLength + udp_length;
  std::vector<std::uint8_t> frame =
      start_frame(endpoints.destination_mac, endpoints.source_mac, kEthertypeIpv4,
                  endpoints.vlan_tci, total_length);
  const std::size_t l3_offset = frame.size();
  frame.resize(l3_offset + total_length);
  std::uint8_t* ip = frame.data() + l3_offset;
  ip[0] = 0x45;  // version 4, no options
  ip[1] = 0;
  store16(ip + 2, static_cast<std::uint16_t>(total_length));
  store16(ip + 4, 0);  // identification: unused, DMSC never fragments
  store16(ip + 6, kIpv4DontFragment);
  ip[8] = endpoints.ttl;
  ip[9] = kIpProtocolUdp;
  store16(ip + 10, 0);
  std::memcpy(ip + 12, endpoints.source.data(), 4);
  std::memcpy(ip + 16, endpoints.destination.data(), 4);
  store16(ip + 10, static_cast<std::uint16_t>(~checksum_fold(checksum_add(0, ip, 20))));

  std::uint8_t* udp = ip + kIpv4HeaderLength;
  write_udp_header(udp, endpoints.source_port, endpoints.destination_port, udp_length);
  if (!packet.empty()) std::memcpy(udp + kUdpHeaderLength, packet.data(), packet.size());
  if (!endpoints.zero_udp_checksum) finish_udp_checksum(udp, udp_length, checksum_add(0, ip + 12, 8));
  return frame;
}

Expected<std::vector<std::uint8_t>> build_udp6_frame(const Udp6Endpoints& endpoints,
                                                     std::span<const std::uint8_t> packet) {
  if (packet.size() > kMaxUdpPayload) return too_big(packet.size());
  const std::size_t udp_length = kUdpHeaderLength + packet.size();
  std::vector<std::uint8_t> frame =
      start_frame(endpoints.destination_mac, endpoints.source_mac, kEthertypeIpv6,
                  endpoints.vlan_tci, kIpv6HeaderLength + udp_length);
  const std::size_t l3_offset = frame.size();
  frame.resize(l3_offset + kIpv6HeaderLength + udp_length);
  std::uint8_t* ip = frame.data() + l3_offset;
  store32(ip, (std::uint32_t{6} << 28) | (endpoints.flow_label & 0xfffff));
  store16(ip + 4, static_cast<std::uint16_t>(udp_length));
  ip[6] = kIpProtocolUdp;
  ip[7] = endpoints.hop_limit;
  std::memcpy(ip + 8, endpoints.source.data(), 16);
  std::memcpy(ip + 24, endpoints.destination.data(), 16);

  std::uint8_t* udp = ip + kIpv6HeaderLength;
  write_udp_header(udp, endpoints.source_port, endpoints.destination_port, udp_length);
  if (!packet.empty()) std::memcpy(udp + kUdpHeaderLength, packet.data(), packet.size());
  finish_udp_checksum(udp, udp_length, checksum_add(0, ip + 8, 32));
  return frame;
}

}  // namespace dmsc::wire
