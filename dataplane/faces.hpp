#pragma once
// Faces: how a next hop is reached. Each configured face becomes a prebuilt encapsulation
// template (Ethernet, optional 802.1Q tag, and for UDP faces the IP and UDP headers), so that
// sending a DMSC packet to a face is one copy of the template plus a few length and checksum
// fields. No DPDK here: the forwarder calls encapsulate() on mbuf data, tests on plain buffers.
//
// Threading: FaceTable is built once at start-up; any lcore may call find() and encapsulate()
// concurrently. Faces that learn their neighbour's MAC, and faces a reload adds, changes or
// removes, change afterwards under QSBR: the one writer thread (the forwarder's main thread)
// publishes a new copy of the face and retires the old one, which is freed once every
// forwarding lcore has passed a quiescent state. Readers never wait.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dataplane/forwarder_config.hpp"
#include "fib/next_hop.hpp"
#include "fib/qsbr.hpp"

#include <atomic>
#include <memory>
#include <optional>

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
  std::uint8_t learns_neighbour = 0;  // its destination MAC comes from the neighbour's hellos
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
  FaceTable() = default;
  FaceTable(FaceTable&& other) noexcept { *this = std::move(other); }
  FaceTable& operator=(FaceTable&& other) noexcept;
  ~FaceTable();

  // nullptr for an id that is not a usable face.
  const Face* find(fib::FaceId id) const {
    if (id >= slot_count_) return nullptr;
    const Face* face = slots_[id].load(std::memory_order_acquire);
    return face != nullptr && face->usable ? face : nullptr;
  }
  std::size_t size() const { return count_; }
  bool learns_on_port(std::size_t port_index) const;

  // The neighbour on port `port_index` has MAC `mac` (from its IS-IS hello): every face of the
  // port that learns its neighbour and does not have that MAC yet gets a new copy with it, made
  // usable; the old copy goes to `qsbr`. Writer thread only. Returns the ids of faces changed.
  std::vector<fib::FaceId> learn_neighbour(std::size_t port_index, const wire::MacAddress& mac, fib::Qsbr& qsbr);

  // Reload (writer thread): publishes face `face` of `config` (added or changed) in place of
  // what its slot held, which goes to `qsbr`. A face that learns its neighbour and stays on the
  // same port keeps the MAC it learned. `ports` as for build().
  void set_face(const ForwarderConfig& config, const FaceConfig& face, const std::vector<PortAddresses>& ports,
                fib::Qsbr& qsbr);
  // Reload: the face leaves (packets routed to it then count no_usable_next_hop).
  void remove_face(fib::FaceId id, fib::Qsbr& qsbr);

  // The MAC the face sends to (configured or learned); nullopt while it is not usable (a
  // learning face that heard no hello yet), or for an id that is not a face.
  std::optional<wire::MacAddress> neighbour(fib::FaceId id) const;

 private:
  void clear();  // frees every face: start-up and teardown only, never while lcores read

  // Indexed by face id, every id a slot (kMaxFaces), so that a reload can add any face;
  // nullptr: no face.
  std::unique_ptr<std::atomic<Face*>[]> slots_;
  std::size_t slot_count_ = 0;
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
