#include "dataplane/wire.hpp"

#include <string>

namespace dmsc::wire {

const char* packet_type_name(PacketType type) {
  switch (type) {
    case PacketType::kRequest: return "request";
    case PacketType::kResponse: return "response";
    case PacketType::kProbe: return "probe";
    case PacketType::kProbeReply: return "probe_reply";
    case PacketType::kError: return "error";
    case PacketType::kReserved: break;
  }
  return "invalid";
}

HeaderFields header_fields(const PacketHeader& header) {
  return {header.type,        header.flags,  header.hop_limit,     header.flow_key,
          header.destination, header.source, header.payload_length};
}

std::size_t encode_header(const HeaderFields& fields, std::uint8_t* out, std::size_t capacity) {
  if (!is_valid_packet_type(fields.type) || fields.destination.length == 0) return 0;
  const std::size_t destination_length = fields.destination.length;
  const std::size_t source_length = fields.source.length;
  const std::size_t header_length = header_length_for(destination_length, source_length);
  if (header_length > capacity) return 0;
  out[0] = static_cast<std::uint8_t>((kVersion << 4) | static_cast<std::uint8_t>(fields.type));
  out[1] = fields.flags;
  out[2] = fields.hop_limit;
  out[3] = static_cast<std::uint8_t>(header_length / 4);
  store32(out + 4, fields.flow_key);
  store16(out + 8, fields.payload_length);
  out[10] = fields.destination.length;
  out[11] = fields.source.length;
  std::uint8_t* cursor = out + kFixedHeaderLength;
  std::memcpy(cursor, fields.destination.bytes, destination_length);
  cursor += destination_length;
  // memcpy's pointers must be valid even for zero octets, and an anonymous source has none.
  if (source_length != 0) std::memcpy(cursor, fields.source.bytes, source_length);
  cursor += source_length;
  std::memset(cursor, 0, static_cast<std::size_t>(out + header_length - cursor));
  return header_length;
}

Expected<std::vector<std::uint8_t>> encode_packet(const PacketFields& fields) {
  if (!is_valid_packet_type(fields.type))
    return Error{"packet type " + std::to_string(static_cast<unsigned>(fields.type)) +
                 " is not one of 1 (request) to 5 (error)"};
  if (fields.destination.is_root())
    return Error{"the destination is the root name \"/\": a packet must name a service"};
  if (fields.payload.size() > kMaxPayloadLength)
    return Error{"payload of " + std::to_string(fields.payload.size()) +
                 " octets exceeds the 65535 that Payload Length can express"};
  const HeaderFields header{fields.type,
                            fields.flags,
                            fields.hop_limit,
                            fields.flow_key,
                            fields.destination.view(),
                            fields.source.view(),
                            static_cast<std::uint16_t>(fields.payload.size())};
  std::vector<std::uint8_t> packet(
      header_length_for(fields.destination.wire_length(), fields.source.wire_length()) +
      fields.payload.size());
  const std::size_t header_length = encode_header(header, packet.data(), packet.size());
  if (!fields.payload.empty())
    std::memcpy(packet.data() + header_length, fields.payload.data(), fields.payload.size());
  return packet;
}

std::size_t encode_error_payload(ErrorReason reason, std::uint16_t detail,
                                 std::span<const std::uint8_t> offending_header, std::uint8_t* out,
                                 std::size_t capacity) {
  const std::size_t length = kErrorPreambleLength + offending_header.size();
  if (length > capacity) return 0;
  out[0] = static_cast<std::uint8_t>(reason);
  out[1] = 0;
  store16(out + 2, detail);
  if (!offending_header.empty())
    std::memcpy(out + kErrorPreambleLength, offending_header.data(), offending_header.size());
  return length;
}

ParseError parse_error_payload(const std::uint8_t* payload, std::size_t length, ErrorReport& out) {
  if (length < kErrorPreambleLength) return ParseError::kTruncatedErrorPayload;
  out.reason = static_cast<ErrorReason>(payload[0]);
  // The reserved octet is ignored, as reserved flags are, so it can be given meaning later.
  out.detail = load16(payload + 2);
  return detail::parse_header_only(payload + kErrorPreambleLength, length - kErrorPreambleLength,
                                   out.offending);
}

}  // namespace dmsc::wire
