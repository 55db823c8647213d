#include "dataplane/wire_frame.hpp"

#include <string>

#include "dataplane/wire_bytes.hpp"

namespace dmsc::wire {
namespace {

constexpr std::uint16_t kEthertypeArp = 0x0806;
constexpr std::uint16_t kEthertypeQinQ = 0x88a8;
constexpr std::uint16_t kFirstEthertype = 0x0600;  // below: an 802.3 length (LLC follows)
constexpr std::uint16_t kIpv4MoreFragments = 0x2000;
constexpr std::uint16_t kIpv4FragmentOffset = 0x1fff;
// Bounds the extension-header walk; a longer chain is not DMSC we could accept anyway.
constexpr int kMaxIpv6ExtensionHeaders = 8;

FrameClass drop(FrameInfo& out, ParseError error) {
  out.error = error;
  return FrameClass::kDrop;
}

// The UDP header at out.l4_offset, with `ip_payload` octets from there to the end of the IP
// packet. Returns kNotDmsc for another port; checks length and (if asked) checksum for ours.
FrameClass classify_udp(const std::uint8_t* frame, std::size_t length, std::size_t ip_payload,
                        const EncapConfig& config, FrameInfo& out) {
  if (ip_payload < kUdpHeaderLength) return drop(out, ParseError::kTruncatedUdp);
  const std::uint8_t* udp = frame + out.l4_offset;
  if (load16(udp + 2) != config.udp_port) return FrameClass::kNotDmsc;
  if (load16(udp + 4) != ip_payload) return drop(out, ParseError::kBadUdpLength);
  if (out.encapsulation == Encapsulation::kUdp6 && load16(udp + 6) == 0)
    return drop(out, ParseError::kZeroUdpChecksumIpv6);
  out.dmsc_offset = static_cast<std::uint16_t>(out.l4_offset + kUdpHeaderLength);
  out.dmsc_length = ip_payload - kUdpHeaderLength;
  if (config.verify_udp_checksum && !udp_checksum_ok(frame, length, out))
    return drop(out, ParseError::kBadUdpChecksum);
  return FrameClass::kDmsc;
}

FrameClass classify_ipv4(const std::uint8_t* frame, std::size_t length, const EncapConfig& config,
                         FrameInfo& out) {
  const std::uint8_t* ip = frame + out.l3_offset;
  const std::size_t available = length - out.l3_offset;
  if (available < kIpv4HeaderLength) return drop(out, ParseError::kTruncatedIpv4);
  if ((ip[0] >> 4) != 4) return drop(out, ParseError::kBadIpVersion);
  const std::size_t header_length = std::size_t{ip[0] & 0x0fu} * 4;
  if (header_length < kIpv4HeaderLength) return drop(out, ParseError::kBadIpv4HeaderLength);
  if (header_length > available) return drop(out, ParseError::kTruncatedIpv4);
  const std::size_t total_length = load16(ip + 2);
  if (total_length < header_length) return drop(out, ParseError::kBadIpv4TotalLength);
  if (total_length > available) return drop(out, ParseError::kTruncatedIpv4);
  if (checksum_fold(checksum_add(0, ip, header_length)) != 0xffff)
    return drop(out, ParseError::kBadIpv4Checksum);
  if (ip[9] != kIpProtocolUdp) return FrameClass::kNotDmsc;
  const std::uint16_t fragment = load16(ip + 6);
  // A later fragment has no UDP header, so nothing says it is DMSC: the host may have it.
  if ((fragment & kIpv4FragmentOffset) != 0) return FrameClass::kNotDmsc;
  out.encapsulation = Encapsulation::kUdp4;
  out.l4_offset = static_cast<std::uint16_t>(out.l3_offset + header_length);
  const std::size_t ip_payload = total_length - header_length;
  if ((fragment & kIpv4MoreFragments) != 0) {
    if (ip_payload >= 4 && load16(ip + header_length + 2) == config.udp_port)
      return drop(out, ParseError::kIpv4Fragment);
    return FrameClass::kNotDmsc;
  }
  return classify_udp(frame, length, ip_payload, config, out);
}

bool is_ipv6_extension_header(std::uint8_t next_header) {
  switch (next_header) {
    case 0: case 43: case 44: case 51: case 60: case 135: case 139: case 140: case 253: case 254:
      return true;
    default:
      return false;
  }
}

// Walks the extension headers after the IPv6 header only to tell DMSC (dropped: unsupported in
// this version) from everything else (the host's: NDP, MLD behind Hop-by-Hop, ...).
FrameClass classify_ipv6_extensions(const std::uint8_t* frame, std::size_t end,
                                    std::uint8_t next_header, const EncapConfig& config,
                                    FrameInfo& out) {
  std::size_t position = out.l3_offset + kIpv6HeaderLength;
  for (int i = 0; i < kMaxIpv6ExtensionHeaders; ++i) {
    if (next_header == kIpProtocolUdp) {
      if (end - position >= 4 && load16(frame + position + 2) == config.udp_port)
        return drop(out, ParseError::kUnsupportedIpv6ExtensionHeader);
      return FrameClass::kNotDmsc;
    }
    if (!is_ipv6_extension_header(next_header) || end - position < 8) return FrameClass::kNotDmsc;
    const std::uint8_t* header = frame + position;
    std::size_t header_length = (std::size_t{header[1]} + 1) * 8;
    if (next_header == 44) {  // Fragment: fixed size; later fragments carry no UDP header
      if ((load16(header + 2) >> 3) != 0) return FrameClass::kNotDmsc;
      header_length = 8;
    } else if (next_header == 51) {  // Authentication Header counts 4-octet units
      header_length = (std::size_t{header[1]} + 2) * 4;
    }
    if (header_length > end - position) return FrameClass::kNotDmsc;
    next_header = header[0];
    position += header_length;
  }
  return FrameClass::kNotDmsc;
}

FrameClass classify_ipv6(const std::uint8_t* frame, std::size_t length, const EncapConfig& config,
                         FrameInfo& out) {
  const std::uint8_t* ip = frame + out.l3_offset;
  const std::size_t available = length - out.l3_offset;
  if (available < kIpv6HeaderLength) return drop(out, ParseError::kTruncatedIpv6);
  if ((ip[0] >> 4) != 6) return drop(out, ParseError::kBadIpVersion);
  const std::size_t payload_length = load16(ip + 4);
  if (payload_length > available - kIpv6HeaderLength) return drop(out, ParseError::kTruncatedIpv6);
  const std::uint8_t next_header = ip[6];
  if (next_header != kIpProtocolUdp) {
    if (!is_ipv6_extension_header(next_header)) return FrameClass::kNotDmsc;
    return classify_ipv6_extensions(frame, out.l3_offset + kIpv6HeaderLength + payload_length,
                                    next_header, config, out);
  }
  out.encapsulation = Encapsulation::kUdp6;
  out.l4_offset = static_cast<std::uint16_t>(out.l3_offset + kIpv6HeaderLength);
  return classify_udp(frame, length, payload_length, config, out);
}

}  // namespace

Status check_encap_config(const EncapConfig& config) {
  const std::uint16_t type = config.ethertype;
  if (type < kFirstEthertype)
    return Error{"EtherType " + std::to_string(type) + " is an 802.3 length (below 0x0600)"};
  if (type == kEthertypeIpv4 || type == kEthertypeIpv6 || type == kEthertypeArp ||
      type == kEthertypeVlan || type == kEthertypeQinQ)
    return Error{"EtherType " + std::to_string(type) +
                 " belongs to IPv4, IPv6, ARP or VLAN tagging"};
  if (config.udp_port == 0) return Error{"UDP port 0 cannot be a destination port"};
  return ok_status();
}

FrameClass classify_frame(const std::uint8_t* frame, std::size_t length, const EncapConfig& config,
                          FrameInfo& out) {
  out = FrameInfo{};
  if (length < kEthernetHeaderLength) return drop(out, ParseError::kTruncatedEthernet);
  std::size_t offset = kEthernetHeaderLength;
  std::uint16_t ethertype = load16(frame + 12);
  if (ethertype == kEthertypeVlan) {
    if (length < kEthernetHeaderLength + kVlanTagLength)
      return drop(out, ParseError::kTruncatedEthernet);
    out.vlan_tagged = true;
    out.vlan_tci = load16(frame + 14);
    ethertype = load16(frame + 16);
    offset += kVlanTagLength;
  }
  out.ethertype = ethertype;
  out.l3_offset = static_cast<std::uint16_t>(offset);
  // Checked first so the configuration wins; check_encap_config() keeps it off IP's values.
  if (ethertype == config.ethertype) {
    out.encapsulation = Encapsulation::kEthernet;
    out.dmsc_offset = out.l3_offset;
    out.dmsc_length = length - offset;
    return FrameClass::kDmsc;
  }
  if (ethertype == kEthertypeIpv4) return classify_ipv4(frame, length, config, out);
  if (ethertype == kEthertypeIpv6) return classify_ipv6(frame, length, config, out);
  // 802.3 lengths (IS-IS's LLC frames), ARP, a second VLAN tag and the rest: the host's.
  return FrameClass::kNotDmsc;
}

bool udp_checksum_ok(const std::uint8_t* frame, std::size_t length, const FrameInfo& info) {
  if (info.encapsulation == Encapsulation::kEthernet) return true;
  const std::size_t udp_length = info.dmsc_length + kUdpHeaderLength;
  if (info.l4_offset + udp_length > length) return false;
  const std::uint8_t* ip = frame + info.l3_offset;
  const std::uint8_t* udp = frame + info.l4_offset;
  std::uint64_t sum = 0;
  if (info.encapsulation == Encapsulation::kUdp4) {
    if (load16(udp + 6) == 0) return true;  // the sender chose not to checksum
    sum = checksum_add(sum, ip + 12, 8);      // source and destination addresses
  } else {
    sum = checksum_add(sum, ip + 8, 32);
  }
  sum += kIpProtocolUdp;
  sum += udp_length;
  sum = checksum_add(sum, udp, udp_length);
  return checksum_fold(sum) == 0xffff;
}

}  // namespace dmsc::wire
