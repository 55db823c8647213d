#pragma once
// How DMSC packets travel in frames (docs/wire-format.md §6): directly over Ethernet, or over
// UDP on IPv4 or IPv6. classify_frame() decides, per received frame, whether it carries DMSC,
// is someone else's traffic for the host (IS-IS, ARP, other IP), or is malformed; the frame
// builders make valid frames for tests and traffic generators.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dataplane/wire_reasons.hpp"
#include "fib/expected.hpp"

namespace dmsc::wire {

// IEEE 802 Local Experimental EtherType 1: not a registered DMSC value, hence configurable.
inline constexpr std::uint16_t kDefaultEthertype = 0x88b5;
// Not IANA-assigned: a configurable default.
inline constexpr std::uint16_t kDefaultUdpPort = 6464;

inline constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEthertypeIpv6 = 0x86dd;
inline constexpr std::uint16_t kEthertypeVlan = 0x8100;
inline constexpr std::uint8_t kIpProtocolUdp = 17;
inline constexpr std::size_t kEthernetHeaderLength = 14;
inline constexpr std::size_t kVlanTagLength = 4;
inline constexpr std::size_t kIpv4HeaderLength = 20;  // without options
inline constexpr std::size_t kIpv6HeaderLength = 40;
inline constexpr std::size_t kUdpHeaderLength = 8;

struct EncapConfig {
  std::uint16_t ethertype = kDefaultEthertype;
  std::uint16_t udp_port = kDefaultUdpPort;
  // Turn off when the NIC verifies UDP checksums (RX offload); the forwarder then calls
  // udp_checksum_ok() only for the packets the NIC could not check.
  bool verify_udp_checksum = true;
};

// Rejects an EtherType that would shadow IPv4, IPv6, ARP or VLAN tags or is an 802.3 length,
// and UDP port 0.
Status check_encap_config(const EncapConfig& config);

enum class Encapsulation : std::uint8_t { kEthernet, kUdp4, kUdp6 };
enum class FrameClass : std::uint8_t {
  kDmsc,     // forward: the DMSC packet is at dmsc_offset
  kNotDmsc,  // punt to the host stack (IS-IS over LLC, ARP, NDP, other IP traffic)
  kDrop,     // malformed encapsulation: FrameInfo::error says why
};

// Complete with kDmsc; with kDrop, `error` says why and the other fields are what was read
// before the fault; with kNotDmsc, only the Ethernet fields are meaningful.
struct FrameInfo {
  Encapsulation encapsulation = Encapsulation::kEthernet;
  ParseError error = ParseError::kNone;  // with kDrop
  bool vlan_tagged = false;
  std::uint16_t vlan_tci = 0;
  std::uint16_t ethertype = 0;    // after the VLAN tag, if any
  std::uint16_t l3_offset = 0;    // where the EtherType's payload (IP header) starts
  std::uint16_t l4_offset = 0;    // UDP header (UDP encapsulations)
  std::uint16_t dmsc_offset = 0;  // DMSC header
  std::size_t dmsc_length = 0;    // octets available to parse_header(): UDP payload or the
                                  // rest of the frame (which may include Ethernet padding)
};

// Reads the Ethernet header, at most one 802.1Q tag and, for IP, the IP and UDP headers. Does
// not look at the DMSC header itself: pass frame + dmsc_offset, dmsc_length to parse_header().
// Reentrant, no allocation. `out` is reset first.
FrameClass classify_frame(const std::uint8_t* frame, std::size_t length, const EncapConfig& config,
                          FrameInfo& out);

// Verifies the UDP checksum of a frame classify_frame() found to be DMSC over UDP (an IPv4
// checksum of zero means "none" and passes). True for the Ethernet encapsulation.
bool udp_checksum_ok(const std::uint8_t* frame, std::size_t length, const FrameInfo& info);

// Frame builders, for tests and generators: valid lengths and checksums.
using MacAddress = std::array<std::uint8_t, 6>;
using Ipv4Address = std::array<std::uint8_t, 4>;
using Ipv6Address = std::array<std::uint8_t, 16>;

std::vector<std::uint8_t> build_ethernet_frame(const MacAddress& destination,
                                               const MacAddress& source, std::uint16_t ethertype,
                                               std::span<const std::uint8_t> payload,
                                               std::optional<std::uint16_t> vlan_tci = {});

struct Udp4Endpoints {
  MacAddress destination_mac{};
  MacAddress source_mac{};
  Ipv4Address source{};
  Ipv4Address destination{};
  // Senders should derive the source port from the flow key so an IP underlay's ECMP hash
  // keeps flows apart (§6.2).
  std::uint16_t source_port = kDefaultUdpPort;
  std::uint16_t destination_port = kDefaultUdpPort;
  std::uint8_t ttl = 64;
  std::optional<std::uint16_t> vlan_tci;
  bool zero_udp_checksum = false;  // IPv4 allows "no checksum"
};

struct Udp6Endpoints {
  MacAddress destination_mac{};
  MacAddress source_mac{};
  Ipv6Address source{};
  Ipv6Address destination{};
  std::uint16_t source_port = kDefaultUdpPort;
  std::uint16_t destination_port = kDefaultUdpPort;
  std::uint8_t hop_limit = 64;
  std::uint32_t flow_label = 0;  // 20 bits
  std::optional<std::uint16_t> vlan_tci;
};

// Fail when the DMSC packet does not fit a UDP datagram (65,535 octets with the headers).
Expected<std::vector<std::uint8_t>> build_udp4_frame(const Udp4Endpoints& endpoints,
                                                     std::span<const std::uint8_t> packet);
Expected<std::vector<std::uint8_t>> build_udp6_frame(const Udp6Endpoints& endpoints,
                                                     std::span<const std::uint8_t> packet);

}  // namespace dmsc::wire
