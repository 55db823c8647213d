#include "dataplane/faces.hpp"

#include <algorithm>
#include <cstring>

#include "dataplane/wire_bytes.hpp"

namespace dmsc::dataplane {
namespace {

using wire::store16;

// Writes Ethernet (and the tag) into the template; returns where the EtherType's payload starts.
// The builders below write the encapsulation left-aligned into `scratch`; build() then moves it
// to the end of Face::header.
std::size_t write_ethernet(std::uint8_t* p, const FaceConfig& config, const wire::MacAddress& source,
                           std::uint16_t ethertype) {
  std::memcpy(p, config.neighbour.data(), 6);
  std::memcpy(p + 6, source.data(), 6);
  std::size_t offset = 12;
  if (config.vlan) {
    store16(p + offset, wire::kEthertypeVlan);
    store16(p + offset + 2, *config.vlan);
    offset += 4;
  }
  store16(p + offset, ethertype);
  return offset + 2;
}

void build_udp4(Face& face, std::uint8_t* scratch, const FaceConfig& config, const PortConfig& port) {
  std::uint8_t* ip = scratch + face.l3_offset;
  ip[0] = 0x45;
  ip[1] = 0;
  store16(ip + 6, 0x4000);  // DF: DMSC packets are never fragmented (§6.2)
  ip[8] = 64;
  ip[9] = wire::kIpProtocolUdp;
  std::memcpy(ip + 12, port.ipv4->data(), 4);
  std::memcpy(ip + 16, config.remote4.data(), 4);
  face.ipv4_header_sum = wire::checksum_add(0, ip, wire::kIpv4HeaderLength);
  face.pseudo_header_sum = wire::checksum_add(0, ip + 12, 8) + wire::kIpProtocolUdp;
  std::uint8_t* udp = ip + wire::kIpv4HeaderLength;
  store16(udp + 2, config.remote_port);
  face.udp_checksum = config.udp4_checksum;
}

void build_udp6(Face& face, std::uint8_t* scratch, const FaceConfig& config, const PortConfig& port) {
  std::uint8_t* ip = scratch + face.l3_offset;
  ip[0] = 0x60;
  ip[6] = wire::kIpProtocolUdp;
  ip[7] = 64;
  std::memcpy(ip + 8, port.ipv6->data(), 16);
  std::memcpy(ip + 24, config.remote6.data(), 16);
  face.pseudo_header_sum = wire::checksum_add(0, ip + 8, 32) + wire::kIpProtocolUdp;
  std::uint8_t* udp = ip + wire::kIpv6HeaderLength;
  store16(udp + 2, config.remote_port);
  face.udp_checksum = true;  // mandatory over IPv6 (§6.2)
}

}  // namespace

namespace {

// A face of `config` with its encapsulation template, made from its port's addresses.
Face* make_face(const ForwarderConfig& config, const FaceConfig& face_config, const std::vector<PortAddresses>& ports) {
  const auto port_position = std::find_if(config.ports.begin(), config.ports.end(),
                                          [&](const PortConfig& p) { return p.name == face_config.port; });
  const std::size_t port_index = static_cast<std::size_t>(port_position - config.ports.begin());
  const PortConfig& port = config.ports[port_index];
  Face& face = *new Face;
  face.kind = face_config.kind;
  face.port_index = static_cast<std::uint16_t>(port_index);
  std::size_t ip_and_udp = 0;
  std::uint8_t scratch[kMaxEncapsulationLength] = {};
  const wire::MacAddress& source = ports[port_index].mac;
  switch (face.kind) {
    case FaceKind::kEthernet:
      face.header_length = static_cast<std::uint8_t>(write_ethernet(scratch, face_config, source, config.encap.ethertype));
      break;
    case FaceKind::kUdp4:
      face.l3_offset = static_cast<std::uint8_t>(write_ethernet(scratch, face_config, source, wire::kEthertypeIpv4));
      ip_and_udp = wire::kIpv4HeaderLength + wire::kUdpHeaderLength;
      build_udp4(face, scratch, face_config, port);
      break;
    case FaceKind::kUdp6:
      face.l3_offset = static_cast<std::uint8_t>(write_ethernet(scratch, face_config, source, wire::kEthertypeIpv6));
      ip_and_udp = wire::kIpv6HeaderLength + wire::kUdpHeaderLength;
      build_udp6(face, scratch, face_config, port);
      break;
  }
  if (face.kind != FaceKind::kEthernet) face.header_length = static_cast<std::uint8_t>(face.l3_offset + ip_and_udp);
  std::memcpy(face.header.data() + kEncapsulationWriteLength - face.header_length, scratch, face.header_length);
  const std::size_t mtu = ports[port_index].mtu;
  face.max_packet_length = static_cast<std::uint16_t>(mtu > ip_and_udp ? mtu - ip_and_udp : 0);
  face.learns_neighbour = face_config.learn_neighbour ? 1 : 0;
  face.usable = face_config.learn_neighbour ? 0 : 1;  // a learning face waits for a hello
  return &face;
}

// The destination MAC in a face's template: the Ethernet header starts header_length octets
// before the end of the template, its destination first.
std::uint8_t* destination_mac(Face& face) { return face.header.data() + kEncapsulationWriteLength - face.header_length; }

void free_face(void* object, void*) { delete static_cast<Face*>(object); }

}  // namespace

FaceTable FaceTable::build(const ForwarderConfig& config, const std::vector<PortAddresses>& ports) {
  FaceTable table;
  table.slot_count_ = kMaxFaces;
  table.slots_ = std::make_unique<std::atomic<Face*>[]>(table.slot_count_);
  for (std::size_t i = 0; i < table.slot_count_; ++i) table.slots_[i].store(nullptr, std::memory_order_relaxed);
  for (const FaceConfig& face_config : config.faces) {
    table.slots_[face_config.id].store(make_face(config, face_config, ports), std::memory_order_release);
    ++table.count_;
  }
  return table;
}

void FaceTable::set_face(const ForwarderConfig& config, const FaceConfig& face_config,
                         const std::vector<PortAddresses>& ports, fib::Qsbr& qsbr) {
  Face* face = make_face(config, face_config, ports);
  Face* old = slots_[face_config.id].load(std::memory_order_relaxed);
  if (old != nullptr && old->learns_neighbour && face->learns_neighbour && old->usable &&
      old->port_index == face->port_index) {
    // The neighbour on the port is the one it was: keep what the face learned.
    std::memcpy(destination_mac(*face), destination_mac(*old), 6);
    face->usable = face->max_packet_length != 0;
  }
  slots_[face_config.id].store(face, std::memory_order_release);
  if (old == nullptr) ++count_;
  else qsbr.retire(old, free_face, nullptr);
}

void FaceTable::remove_face(fib::FaceId id, fib::Qsbr& qsbr) {
  if (id >= slot_count_) return;
  Face* old = slots_[id].load(std::memory_order_relaxed);
  if (old == nullptr) return;
  slots_[id].store(nullptr, std::memory_order_release);
  qsbr.retire(old, free_face, nullptr);
  --count_;
}

std::optional<wire::MacAddress> FaceTable::neighbour(fib::FaceId id) const {
  if (id >= slot_count_) return std::nullopt;
  Face* face = slots_[id].load(std::memory_order_acquire);
  if (face == nullptr || !face->usable) return std::nullopt;
  wire::MacAddress mac;
  std::memcpy(mac.data(), destination_mac(*face), 6);
  return mac;
}

FaceTable& FaceTable::operator=(FaceTable&& other) noexcept {
  if (this != &other) {
    clear();
    slots_ = std::move(other.slots_);
    slot_count_ = other.slot_count_;
    count_ = other.count_;
    other.slot_count_ = other.count_ = 0;
  }
  return *this;
}

FaceTable::~FaceTable() { clear(); }

void FaceTable::clear() {
  for (std::size_t i = 0; i < slot_count_; ++i) delete slots_[i].load(std::memory_order_relaxed);
  slots_.reset();
  slot_count_ = count_ = 0;
}

bool FaceTable::learns_on_port(std::size_t port_index) const {
  for (std::size_t i = 0; i < slot_count_; ++i) {
    const Face* face = slots_[i].load(std::memory_order_relaxed);
    if (face != nullptr && face->learns_neighbour && face->port_index == port_index) return true;
  }
  return false;
}

std::vector<fib::FaceId> FaceTable::learn_neighbour(std::size_t port_index, const wire::MacAddress& mac,
                                                   fib::Qsbr& qsbr) {
  std::vector<fib::FaceId> changed;
  for (std::size_t i = 0; i < slot_count_; ++i) {
    Face* face = slots_[i].load(std::memory_order_relaxed);
    if (face == nullptr || !face->learns_neighbour || face->port_index != port_index) continue;
    if (face->usable && std::memcmp(destination_mac(*face), mac.data(), 6) == 0) continue;
    Face* copy = new Face(*face);
    std::memcpy(destination_mac(*copy), mac.data(), 6);
    copy->usable = copy->max_packet_length != 0;
    slots_[i].store(copy, std::memory_order_release);
    qsbr.retire(face, free_face, nullptr);
    changed.push_back(static_cast<fib::FaceId>(i));
  }
  return changed;
}

void encapsulate_ip(const Face& face, std::uint8_t* packet, std::size_t packet_length, std::uint32_t flow_key) {
  std::memcpy(packet - kEncapsulationWriteLength, face.header.data(), kEncapsulationWriteLength);
  std::uint8_t* ip = packet - face.header_length + face.l3_offset;
  const bool ipv4 = face.kind == FaceKind::kUdp4;
  std::uint8_t* udp = ip + (ipv4 ? wire::kIpv4HeaderLength : wire::kIpv6HeaderLength);
  const auto udp_length = static_cast<std::uint16_t>(wire::kUdpHeaderLength + packet_length);
  if (ipv4) {
    const auto total_length = static_cast<std::uint16_t>(wire::kIpv4HeaderLength + udp_length);
    store16(ip + 2, total_length);
    store16(ip + 10, static_cast<std::uint16_t>(~wire::checksum_fold(face.ipv4_header_sum + total_length)));
  } else {
    store16(ip + 4, udp_length);
  }
  store16(udp, static_cast<std::uint16_t>(0xc000 | (flow_key & 0x3fff)));
  store16(udp + 4, udp_length);
  store16(udp + 6, 0);
  if (!face.udp_checksum) return;
  // The pseudo-header's UDP length plus the UDP header and the DMSC packet.
  const std::uint64_t sum = wire::checksum_add(face.pseudo_header_sum + udp_length, udp, udp_length);
  std::uint16_t checksum = static_cast<std::uint16_t>(~wire::checksum_fold(sum));
  if (checksum == 0) checksum = 0xffff;  // zero means "no checksum" on the wire
  store16(udp + 6, checksum);
}

}  // namespace dmsc::dataplane
