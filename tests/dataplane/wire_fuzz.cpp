// libFuzzer target for the wire codec. On every input: parse it as a DMSC packet, classify it
// as a frame, and read it as a wire-form and as a text-form name. Whatever parses must
// re-encode to the same octets and parse back to the same fields; any mismatch aborts.
// tests/dataplane/wire_fuzz_replay.cpp runs the same checks without libFuzzer.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "dataplane/wire.hpp"
#include "dataplane/wire_names_avx512.hpp"
#include "fib/name.hpp"

namespace dmsc::wire {
namespace {

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "wire_fuzz: check failed: %s\n", what);
  std::abort();
}

bool same_name(fib::NameView a, fib::NameView b) {
  return a.length == b.length && (a.length == 0 || std::memcmp(a.bytes, b.bytes, a.length) == 0);
}

bool same_fields(const PacketHeader& a, const PacketHeader& b) {
  return a.version == b.version && a.type == b.type && a.flags == b.flags &&
         a.hop_limit == b.hop_limit && a.flow_key == b.flow_key &&
         a.payload_length == b.payload_length && a.header_length_bytes == b.header_length_bytes &&
         same_name(a.destination, b.destination) && same_name(a.source, b.source) &&
         a.destination_component_count == b.destination_component_count &&
         std::memcmp(a.destination_component_ends, b.destination_component_ends,
                     a.destination_component_count) == 0;
}

// A parsed header has exactly one encoding (padding is zero, Header Length is implied by
// the names), so encode_header() must give back the very octets that were parsed.
void check_header_reencodes(const std::uint8_t* data, const PacketHeader& header) {
  std::uint8_t again[kMaxHeaderLength];
  const std::size_t length = encode_header(header_fields(header), again, sizeof(again));
  require(length == header.header_length_bytes, "encode_header length differs");
  require(std::memcmp(again, data, length) == 0, "encode_header octets differ");
}

// parse_header() validates both names in one walk and falls back to check_wire_name() only to
// name a fault; it must agree with checking each name on its own.
void check_names_against_reference(const std::uint8_t* data, ParseError error, const PacketHeader& header) {
  if (error != ParseError::kNone && error != ParseError::kBadDestinationName &&
      error != ParseError::kBadSourceName && error != ParseError::kTruncatedPayload)
    return;  // rejected before the names were read
  std::uint8_t ends[fib::kMaxNameComponents];
  std::size_t count = 0;
  const fib::NameError destination = fib::check_wire_name(data + kFixedHeaderLength, data[10], ends, &count);
  if (destination != fib::NameError::kNone) {
    require(error == ParseError::kBadDestinationName && header.name_error == destination,
            "destination name verdict differs from check_wire_name");
    return;
  }
  const fib::NameError source = fib::check_wire_name(data + kFixedHeaderLength + data[10], data[11], nullptr, nullptr);
  if (source != fib::NameError::kNone) {
    require(error == ParseError::kBadSourceName && header.name_error == source,
            "source name verdict differs from check_wire_name");
    return;
  }
  require(error == ParseError::kNone || error == ParseError::kTruncatedPayload, "valid names rejected");
  require(header.destination_component_count == count &&
              std::memcmp(header.destination_component_ends, ends, count) == 0,
          "component ends differ from check_wire_name");
}

// The forwarder's AVX-512 variant of parse_header() must parse exactly as the portable one.
void check_avx512_variant(const std::uint8_t* data, std::size_t size, ParseError error, const PacketHeader& header) {
  static const bool supported = names_avx512_supported();
  if (!supported) return;
  PacketHeader avx512_header;
  const ParseError avx512_error = parse_header<detail::check_adjacent_names_avx512>(data, size, avx512_header);
  require(avx512_error == error, "the AVX-512 name check gives another parse result");
  if (error != ParseError::kNone) return;
  require(avx512_header.destination_component_count == header.destination_component_count &&
              std::memcmp(avx512_header.destination_component_ends, header.destination_component_ends,
                          header.destination_component_count) == 0,
          "the AVX-512 name check gives other component ends");
}

void check_packet(const std::uint8_t* data, std::size_t size) {
  PacketHeader header;
  const ParseError error = parse_header(data, size, header);
  require(std::strcmp(parse_error_name(error), "unknown") != 0, "unnamed parse error");
  check_names_against_reference(data, error, header);
  check_avx512_variant(data, size, error, header);
  if (error != ParseError::kNone) return;

  require(header.payload_offset() + header.payload_length <= size, "payload beyond input");
  require(header.destination.bytes == data + kFixedHeaderLength, "destination not in place");
  require(header.destination_component_count >= 1, "destination without components");
  const std::uint8_t* ends = header.destination_component_ends;
  for (std::size_t i = 1; i < header.destination_component_count; ++i)
    require(ends[i - 1] < ends[i], "component ends not increasing");
  require(ends[header.destination_component_count - 1] == header.destination.length,
          "last component end is not the name length");
  check_header_reencodes(data, header);

  auto destination = fib::Name::from_wire({header.destination.bytes, header.destination.length});
  auto source = fib::Name::from_wire({header.source.bytes, header.source.length});
  require(destination.ok() && source.ok(), "parsed names rejected by Name::from_wire");
  PacketFields fields;
  fields.type = header.type;
  fields.flags = header.flags;
  fields.hop_limit = header.hop_limit;
  fields.flow_key = header.flow_key;
  fields.destination = *destination;
  fields.source = *source;
  fields.payload = {data + header.payload_offset(), header.payload_length};
  auto packet = encode_packet(fields);
  require(packet.ok(), "encode_packet refused parsed fields");
  require(packet->size() == header.payload_offset() + header.payload_length, "packet size");
  require(std::memcmp(packet->data(), data, packet->size()) == 0, "encode_packet octets differ");
  PacketHeader reparsed;
  require(parse_header(packet->data(), packet->size(), reparsed) == ParseError::kNone,
          "re-encoded packet does not parse");
  require(same_fields(header, reparsed), "re-encoded packet parses to other fields");

  if (header.type == PacketType::kError) {
    ErrorReport report;
    const std::uint8_t* payload = data + header.payload_offset();
    if (parse_error_payload(payload, header.payload_length, report) == ParseError::kNone) {
      const std::uint8_t* offending = payload + kErrorPreambleLength;
      check_header_reencodes(offending, report.offending);
      std::uint8_t again[kErrorPreambleLength + kMaxHeaderLength];
      const std::size_t length = encode_error_payload(
          report.reason, report.detail, {offending, report.offending.header_length_bytes}, again,
          sizeof(again));
      require(length == kErrorPreambleLength + report.offending.header_length_bytes,
              "encode_error_payload length differs");
      // Octet 1 is reserved: ignored on receipt, written as zero.
      require(again[0] == payload[0] && std::memcmp(again + 2, payload + 2, length - 2) == 0,
              "encode_error_payload octets differ");
    }
  }
}

// Builds a fresh frame around the DMSC packet of a classified frame; it must classify alike.
void check_frame_rebuilds(const std::uint8_t* frame, const FrameInfo& info) {
  const std::span<const std::uint8_t> packet(frame + info.dmsc_offset, info.dmsc_length);
  std::optional<std::uint16_t> vlan;
  if (info.vlan_tagged) vlan = info.vlan_tci;
  MacAddress destination_mac;
  MacAddress source_mac;
  std::memcpy(destination_mac.data(), frame, 6);
  std::memcpy(source_mac.data(), frame + 6, 6);
  std::vector<std::uint8_t> rebuilt;
  const std::uint8_t* ip = frame + info.l3_offset;
  const std::uint8_t* udp = frame + info.l4_offset;
  if (info.encapsulation == Encapsulation::kEthernet) {
    rebuilt = build_ethernet_frame(destination_mac, source_mac, info.ethertype, packet, vlan);
  } else if (info.encapsulation == Encapsulation::kUdp4) {
    Udp4Endpoints endpoints{destination_mac, source_mac, {}, {}, load16(udp), load16(udp + 2),
                            ip[8], vlan, load16(udp + 6) == 0};
    std::memcpy(endpoints.source.data(), ip + 12, 4);
    std::memcpy(endpoints.destination.data(), ip + 16, 4);
    auto built = build_udp4_frame(endpoints, packet);
    require(built.ok(), "build_udp4_frame refused a received packet");
    rebuilt = std::move(*built);
  } else {
    Udp6Endpoints endpoints{destination_mac, source_mac, {}, {}, load16(udp), load16(udp + 2),
                            ip[7], load32(ip) & 0xfffff, vlan};
    std::memcpy(endpoints.source.data(), ip + 8, 16);
    std::memcpy(endpoints.destination.data(), ip + 24, 16);
    auto built = build_udp6_frame(endpoints, packet);
    require(built.ok(), "build_udp6_frame refused a received packet");
    rebuilt = std::move(*built);
  }
  FrameInfo again;
  require(classify_frame(rebuilt.data(), rebuilt.size(), EncapConfig{}, again) == FrameClass::kDmsc,
          "rebuilt frame is not DMSC");
  require(again.encapsulation == info.encapsulation && again.dmsc_length == info.dmsc_length &&
              std::memcmp(rebuilt.data() + again.dmsc_offset, packet.data(), packet.size()) == 0,
          "rebuilt frame carries another packet");
}

void check_frame(const std::uint8_t* data, std::size_t size, const EncapConfig& config) {
  FrameInfo info;
  const FrameClass frame_class = classify_frame(data, size, config, info);
  if (frame_class == FrameClass::kDrop) {
    require(info.error != ParseError::kNone, "drop without a reason");
    require(std::strcmp(parse_error_name(info.error), "unknown") != 0, "unnamed drop reason");
    return;
  }
  if (frame_class != FrameClass::kDmsc) return;
  require(info.dmsc_offset + info.dmsc_length <= size, "DMSC packet beyond the frame");
  const bool checksum_ok = udp_checksum_ok(data, size, info);
  require(checksum_ok || !config.verify_udp_checksum, "classified with a bad checksum");
  check_packet(data + info.dmsc_offset, info.dmsc_length);
  if (checksum_ok && config.ethertype == kDefaultEthertype) check_frame_rebuilds(data, info);
}

// The checksums gate most of classify_frame(), and a mutated frame almost never passes them;
// so every input is also classified with its IPv4 header and UDP checksums made right.
std::vector<std::uint8_t> with_checksums_fixed(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> frame(data, data + size);
  if (size < kEthernetHeaderLength) return frame;
  std::size_t l3 = kEthernetHeaderLength;
  std::uint16_t ethertype = load16(&frame[12]);
  if (ethertype == kEthertypeVlan && size >= l3 + kVlanTagLength) {
    ethertype = load16(&frame[16]);
    l3 += kVlanTagLength;
  }
  std::size_t l4 = 0;
  std::size_t udp_length = 0;
  std::uint64_t sum = 0;
  if (ethertype == kEthertypeIpv4) {
    if (size < l3 + kIpv4HeaderLength) return frame;
    const std::size_t header_length = (frame[l3] & 0x0fu) * 4;
    if (header_length < kIpv4HeaderLength || l3 + header_length > size) return frame;
    store16(&frame[l3 + 10], 0);
    store16(&frame[l3 + 10], static_cast<std::uint16_t>(
                                 ~checksum_fold(checksum_add(0, &frame[l3], header_length))));
    const std::size_t total_length = load16(&frame[l3 + 2]);
    if (frame[l3 + 9] != kIpProtocolUdp || total_length < header_length || l3 + total_length > size)
      return frame;
    l4 = l3 + header_length;
    udp_length = total_length - header_length;
    sum = checksum_add(0, &frame[l3 + 12], 8);
  } else if (ethertype == kEthertypeIpv6) {
    if (size < l3 + kIpv6HeaderLength || frame[l3 + 6] != kIpProtocolUdp) return frame;
    l4 = l3 + kIpv6HeaderLength;
    udp_length = load16(&frame[l3 + 4]);
    if (l4 + udp_length > size) return frame;
    sum = checksum_add(0, &frame[l3 + 8], 32);
  } else {
    return frame;
  }
  if (udp_length < kUdpHeaderLength) return frame;
  store16(&frame[l4 + 6], 0);
  sum = checksum_add(sum + kIpProtocolUdp + udp_length, &frame[l4], udp_length);
  const auto checksum = static_cast<std::uint16_t>(~checksum_fold(sum));
  store16(&frame[l4 + 6], checksum == 0 ? 0xffff : checksum);
  return frame;
}

void check_names(const std::uint8_t* data, std::size_t size) {
  auto name = fib::Name::from_wire({data, size});
  const bool valid = fib::check_wire_name(data, size, nullptr, nullptr) == fib::NameError::kNone;
  require(name.ok() == valid, "Name::from_wire disagrees with check_wire_name");
  if (name.ok()) {
    auto reparsed = fib::Name::parse(name->to_string());
    require(reparsed.ok(), "to_string() of a valid name does not parse");
    require(*reparsed == *name, "Name::parse(to_string()) is another name");
    require(name->wire().size() == size && std::memcmp(name->wire().data(), data, size) == 0,
            "from_wire does not keep the octets");
  }
  auto text = fib::Name::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (text.ok()) {
    auto again = fib::Name::parse(text->to_string());
    require(again.ok() && *again == *text, "text form does not round-trip");
    auto wire = fib::Name::from_wire(text->wire());
    require(wire.ok() && *wire == *text, "wire form of a parsed name does not round-trip");
  }
}

}  // namespace
}  // namespace dmsc::wire

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dmsc::wire;
  check_packet(data, size);
  check_frame(data, size, EncapConfig{});
  EncapConfig unchecked;  // as when the NIC verifies checksums
  unchecked.verify_udp_checksum = false;
  check_frame(data, size, unchecked);
  const std::vector<std::uint8_t> fixed = with_checksums_fixed(data, size);
  check_frame(fixed.data(), fixed.size(), EncapConfig{});
  check_names(data, size);
  return 0;
}
