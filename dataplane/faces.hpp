#pragma once
// Faces: how a next hop is reached. Each configured face becomes a prebuilt encapsulation
// template (Ethernet, optional 802.1Q tag, and for UDP faces the IP and UDP headers), so that
// sending a DMSC packet to a face is one copy of the template plus a few length and checksum
// fields. No DPDK here: the forwarder calls encapsulate() on mbuf data, tests on plain buffers.
//
// Threading: FaceTable is built once at start-up and read-only afterwards; any lcore may call
// find() and encapsulate() concurrently.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dataplane/forwarder_config.hpp"
#include "fib/next_hop.hpp"

namespace dmsc::dataplane {

// Ethernet + 802.1Q tag + IPv6 + UDP.
inline constexpr std::size_t kMaxEncapsulationLength = 14 + 4 + 40 + 8;
// encapsulate() writes this many octets in front of the DMSC packet, whatever the face: fixed-
// size copies instead of a length-dependent memcpy. The mbuf headroom has room for them.
inline constexpr std::size_t kEncapsulationWriteLength = 80;

struct alignas(64) Face {
  // The encapsulation, right-aligned: it ends where the DMSC packet starts.
  std::array<std::uint8_t, kEncapsulationWriteLength> header{};
  std::uint8_t usable = 0;
  FaceKind kind = FaceKind::kEthernet;
  std::uint8_t header_length = 0;  // octets in front of the DMSC packet
  std::uint8_t l3_offset = 0;      // where the IP header starts, from the encapsulation's start
  std::uint16_t port_index = 0;    // index into ForwarderConfig::ports
  std::uint16_t max_packet_length = 0;  // largest DMSC packet the port's MTU carries
  bool udp_checksum = true;
  std::uint64_t ipv4_header_sum = 0;  // IPv4 header sum without Total Length and checksum
  std::uint64_t pseudo_header_sum = 0;  // addresses + protocol (UDP checksum)
};

struct PortAddresses {
  wire::MacAddress mac{};
  std::uint16_t mtu = 1500;
};

class FaceTable {
 public:
  // `ports[i]` are the addresses of config.ports[i] as the device reports them.
  static FaceTable build(const ForwarderConfig& config, const std::vector<PortAddresses>& ports);

  // nullptr for an id that is not a usable face.
  const Face* find(fib::FaceId id) const {
    if (id >= faces_.size()) return nullptr;
    const Face& face = faces_[id];
    return face.usable ? &face : nullptr;
  }
  std::size_t size() const { return count_; }

 private:
  std::vector<Face> faces_;  // indexed by face id
  std::size_t count_ = 0;
};

// Writes the face's encapsulation in front of the DMSC packet at `packet` (packet_length
// octets), and fills lengths, the IPv4 header checksum, the UDP source port (from the flow key,
// docs/wire-format.md §6.2) and the UDP checksum. It writes kEncapsulationWriteLength octets
// before `packet`, of which the last face.header_length are the encapsulation. The caller checks
// packet_length <= face.max_packet_length.
void encapsulate_ip(const Face& face, std::uint8_t* packet, std::size_t packet_length, std::uint32_t flow_key);

inline void encapsulate(const Face& face, std::uint8_t* packet, std::size_t packet_length, std::uint32_t flow_key) {
  if (face.kind == FaceKind::kEthernet) {
    // 14 or 18 octets: one 32-octet copy covers both.
    std::memcpy(packet - 32, face.header.data() + kEncapsulationWriteLength - 32, 32);
    return;
  }
  encapsulate_ip(face, packet, packet_length, flow_key);
}

}  // namespace dmsc::dataplane
