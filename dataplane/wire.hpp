#pragma once
// The DMSC data packet: parse and encode (docs/wire-format.md §4-§5).
//
// parse_header() is on the forwarding path: one bounded pass over the header, no allocation,
// no exceptions, never a read past `length`, reentrant. The encoders are for senders, the
// Error-packet generator, tests and traffic generators. Frames (Ethernet, UDP/IP) are in
// wire_frame.hpp, included below so that one include gives the whole codec.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "dataplane/wire_bytes.hpp"
#include "dataplane/wire_reasons.hpp"
#include "fib/expected.hpp"
#include "fib/name.hpp"

namespace dmsc::wire {

inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kFixedHeaderLength = 12;
inline constexpr std::uint8_t kFlagAffinity = 0x80;
inline constexpr std::uint8_t kReservedFlags = 0x7f;
inline constexpr std::uint8_t kDefaultHopLimit = 64;
inline constexpr std::size_t kMaxPayloadLength = 0xffff;

enum class PacketType : std::uint8_t {
  kReserved = 0,
  kRequest = 1,
  kResponse = 2,
  kProbe = 3,
  kProbeReply = 4,
  kError = 5,
  // 6-15 unassigned: malformed on receipt.
};
inline constexpr bool is_valid_packet_type(PacketType type) {
  return type >= PacketType::kRequest && type <= PacketType::kError;
}
const char* packet_type_name(PacketType type);  // "request", ...; "invalid" otherwise

// Header Length * 4 for the given name lengths: the fixed header, both names, zero padding.
inline constexpr std::size_t header_length_for(std::size_t destination_length,
                                               std::size_t source_length) {
  return (kFixedHeaderLength + destination_length + source_length + 3) & ~std::size_t{3};
}
inline constexpr std::size_t kMaxHeaderLength =
    header_length_for(fib::kMaxEncodedNameLength, fib::kMaxEncodedNameLength);
static_assert(kMaxHeaderLength / 4 <= 0xff, "Header Length must fit its octet");

// A parsed header: a view into the caller's buffer, valid while that buffer is.
struct PacketHeader {
  fib::NameView destination;
  fib::NameView source;
  std::uint32_t flow_key = 0;
  std::uint16_t payload_length = 0;
  std::uint16_t header_length_bytes = 0;  // Header Length * 4; the payload starts here
  std::uint8_t version = 0;
  PacketType type = PacketType::kReserved;
  std::uint8_t flags = 0;
  std::uint8_t hop_limit = 0;
  // Filled so the FIB can hash prefixes without walking the name again: the offset (from the
  // start of the destination name) just past each component.
  std::uint8_t destination_component_count = 0;
  std::uint8_t destination_component_ends[fib::kMaxNameComponents] = {};
  // Which name rule failed, with kBadDestinationName / kBadSourceName; kNone otherwise.
  fib::NameError name_error = fib::NameError::kNone;

  std::size_t payload_offset() const { return header_length_bytes; }
  bool affinity() const { return (flags & kFlagAffinity) != 0; }
};

namespace detail {

// Both names in one walk (the source name starts where the destination ends): one loop exit
// per packet for the branch predictor to miss instead of two, and one test per component.
// Fills the destination's component ends and count. Returns false on any fault without saying
// which; the caller then finds the exact reason with check_wire_name(), one name at a time.
inline bool check_adjacent_names(const std::uint8_t* destination, std::size_t destination_length,
                                 std::size_t source_length, PacketHeader& out) {
  // Valid components are at least 2 octets, so 255 + 255 octets hold at most 255 of them (the
  // mask bounds the index when empty components make more); the ends past the destination's
  // are never read.
  std::uint8_t ends[256];
  const std::size_t total = destination_length + source_length;
  std::size_t offset = 0, count = 0, destination_count = 0;
  bool empty_component = false;
  // No early exit: a fault is noted and judged after the loop, so the only branch is the
  // loop's own. Reads stay below `total`; a component that runs past it ends the loop with
  // offset > total.
  while (offset < total) {
    const std::size_t component_length = destination[offset];
    empty_component |= component_length == 0;
    offset += 1 + component_length;
    ends[count++ & 255] = static_cast<std::uint8_t>(offset);
    destination_count += offset <= destination_length;
  }
  // Each name keeps to its limits, and the destination ends on a component boundary.
  if (empty_component | (offset != total) | (destination_count == 0) |
      (destination_count > fib::kMaxNameComponents) | (count - destination_count > fib::kMaxNameComponents))
    return false;
  if (ends[destination_count - 1] != destination_length) return false;
  std::memcpy(out.destination_component_ends, ends, fib::kMaxNameComponents);
  out.destination_component_count = static_cast<std::uint8_t>(destination_count);
  return true;
}

// How parse_header() validates both names: check_adjacent_names(), or a CPU-specific
// equivalent (wire_names_avx512.hpp) that the forwarder picks at start-up.
using NameCheck = bool (*)(const std::uint8_t* destination, std::size_t destination_length,
                           std::size_t source_length, PacketHeader& out);

// Everything parse_header() checks except that the payload is present: an Error packet
// carries the offending header without its payload.
template <NameCheck kCheckNames = check_adjacent_names>
inline ParseError parse_header_only(const std::uint8_t* data, std::size_t length,
                                    PacketHeader& out) {
  if (length < kFixedHeaderLength) return ParseError::kTruncatedHeader;
  out.version = data[0] >> 4;
  out.type = static_cast<PacketType>(data[0] & 0x0f);
  out.flags = data[1];
  out.hop_limit = data[2];
  out.flow_key = load32(data + 4);
  out.payload_length = load16(data + 8);
  out.name_error = fib::NameError::kNone;
  const std::size_t destination_length = data[10];
  const std::size_t source_length = data[11];
  if (out.version != kVersion) return ParseError::kBadVersion;
  if (!is_valid_packet_type(out.type)) return ParseError::kBadPacketType;
  if (destination_length == 0) return ParseError::kEmptyDestination;
  // One equality covers "names fit in the header" and "padding is under 4 octets".
  const std::size_t header_length = std::size_t{data[3]} * 4;
  if (header_length != header_length_for(destination_length, source_length))
    return ParseError::kBadHeaderLength;
  if (length < header_length) return ParseError::kTruncatedHeader;
  out.header_length_bytes = static_cast<std::uint16_t>(header_length);
  // The padding is the tail of the header's last 32-bit word: one masked load, no loop whose
  // trip count the branch predictor would have to guess.
  const std::size_t padding = header_length - (kFixedHeaderLength + destination_length + source_length);
  if ((load32(data + header_length - 4) & ((std::uint32_t{1} << (8 * padding)) - 1)) != 0)
    return ParseError::kBadPadding;

  const std::uint8_t* destination = data + kFixedHeaderLength;
  const std::uint8_t* source = destination + destination_length;
  out.destination = {destination, static_cast<std::uint8_t>(destination_length)};
  out.source = {source, static_cast<std::uint8_t>(source_length)};
  if (kCheckNames(destination, destination_length, source_length, out)) [[likely]]
    return ParseError::kNone;
  // Something is wrong with a name: the exact reason, one name at a time.
  std::size_t component_count = 0;
  out.name_error = fib::check_wire_name(destination, destination_length,
                                        out.destination_component_ends, &component_count);
  if (out.name_error != fib::NameError::kNone) return ParseError::kBadDestinationName;
  out.destination_component_count = static_cast<std::uint8_t>(component_count);
  out.name_error = fib::check_wire_name(source, source_length, nullptr, nullptr);
  if (out.name_error != fib::NameError::kNone) return ParseError::kBadSourceName;
  return ParseError::kNone;
}

}  // namespace detail

// Parses and validates the header of the DMSC packet in data[0, length). Octets after the
// payload (Ethernet minimum-frame padding) are allowed and ignored. `out` is meaningful only
// when the result is kNone (and out.name_error with a name error).
template <detail::NameCheck kCheckNames = detail::check_adjacent_names>
inline ParseError parse_header(const std::uint8_t* data, std::size_t length, PacketHeader& out) {
  const ParseError error = detail::parse_header_only<kCheckNames>(data, length, out);
  if (error != ParseError::kNone) return error;
  if (out.payload_length > length - out.header_length_bytes) return ParseError::kTruncatedPayload;
  return ParseError::kNone;
}

// A router may answer an undeliverable packet with an Error packet only when the packet can be
// answered and is not itself an Error (no Error storms).
inline bool may_report_error(const PacketHeader& header) {
  return header.type != PacketType::kError && header.source.length != 0;
}

// What encode_header() writes. Names are views of valid wire-form names (fib::Name::view()).
struct HeaderFields {
  PacketType type = PacketType::kRequest;
  std::uint8_t flags = 0;  // written as given: relays re-encode reserved bits unchanged
  std::uint8_t hop_limit = kDefaultHopLimit;
  std::uint32_t flow_key = 0;
  fib::NameView destination;
  fib::NameView source;
  std::uint16_t payload_length = 0;
};

// The fields `header` was encoded from.
HeaderFields header_fields(const PacketHeader& header);

// Writes the header (fixed part, names, padding) to out[0, capacity) without allocating.
// Returns the octets written (header_length_for(...)), or 0 when the type is not 1-5, the
// destination is the root name, or `capacity` is too small.
std::size_t encode_header(const HeaderFields& fields, std::uint8_t* out, std::size_t capacity);

// A whole packet, as a sender describes it.
struct PacketFields {
  PacketType type = PacketType::kRequest;
  std::uint8_t flags = 0;
  std::uint8_t hop_limit = kDefaultHopLimit;
  std::uint32_t flow_key = 0;
  fib::Name destination;
  fib::Name source;  // the root name: an anonymous sender that cannot be answered
  std::span<const std::uint8_t> payload;
};

Expected<std::vector<std::uint8_t>> encode_packet(const PacketFields& fields);

// Error packets (§5.5): payload = Reason Code, a reserved octet, Detail, the offending header.
inline constexpr std::size_t kErrorPreambleLength = 4;

struct ErrorReport {
  ErrorReason reason = ErrorReason::kNoRoute;  // may be a value this version does not know
  std::uint16_t detail = 0;                    // packet_too_big: the largest packet that fits
  PacketHeader offending;                      // its payload is not included
};

// Writes the Error payload for the packet whose header is `offending_header` (exactly its
// Header Length * 4 octets, as received). Returns the octets written, or 0 when `capacity` is
// too small.
std::size_t encode_error_payload(ErrorReason reason, std::uint16_t detail,
                                 std::span<const std::uint8_t> offending_header, std::uint8_t* out,
                                 std::size_t capacity);

// Parses an Error packet's payload; header errors are those of the embedded offending header.
ParseError parse_error_payload(const std::uint8_t* payload, std::size_t length, ErrorReport& out);

}  // namespace dmsc::wire

#include "dataplane/wire_frame.hpp"
