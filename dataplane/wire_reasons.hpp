#pragma once
// Why a packet or frame is dropped, and why a router reports a packet undeliverable.
//
// Each reason is declared once below with its stable value, its stable name (counter names,
// logs, JSON, docs/wire-format.md §7) and a sentence for logs; telemetry, the CLI and tests all
// read the same table. Never renumber or rename an entry: add new ones at the end of a block.

#include <cstdint>
#include <span>

namespace dmsc::wire {

// X(enumerator, value, name, text)
#define DMSC_WIRE_PARSE_ERRORS(X)                                                              \
  X(kNone, 0, "ok", "no error")                                                                \
  /* The DMSC header (parse_header): reported in the order they are checked. */               \
  X(kTruncatedHeader, 1, "truncated_header",                                                   \
    "packet shorter than the 12-octet fixed header or than Header Length * 4")                 \
  X(kBadVersion, 2, "bad_version", "version is not 1")                                         \
  X(kBadPacketType, 3, "bad_packet_type", "packet type is reserved (0) or unassigned (6-15)")  \
  X(kEmptyDestination, 4, "empty_destination",                                                 \
    "destination name length is 0 (the root name is not a destination)")                       \
  X(kBadHeaderLength, 5, "bad_header_length",                                                  \
    "Header Length * 4 is not 12 + both name lengths rounded up to a multiple of 4")           \
  X(kBadPadding, 6, "bad_padding", "header padding octets are not zero")                       \
  X(kBadDestinationName, 7, "bad_destination_name", "destination name is malformed")           \
  X(kBadSourceName, 8, "bad_source_name", "source name is malformed")                          \
  X(kTruncatedPayload, 9, "truncated_payload",                                                 \
    "Payload Length exceeds the octets that follow the header")                                \
  X(kTruncatedErrorPayload, 10, "truncated_error_payload",                                     \
    "Error packet payload shorter than its 4-octet preamble")                                  \
  /* The encapsulation (classify_frame). */                                                    \
  X(kTruncatedEthernet, 32, "truncated_ethernet",                                              \
    "frame shorter than its Ethernet header and 802.1Q tag")                                   \
  X(kBadIpVersion, 33, "bad_ip_version", "IP version field disagrees with the EtherType")      \
  X(kTruncatedIpv4, 34, "truncated_ipv4",                                                      \
    "frame ends inside the IPv4 header or before IPv4 Total Length")                           \
  X(kBadIpv4HeaderLength, 35, "bad_ipv4_header_length", "IPv4 IHL is below 5")                 \
  X(kBadIpv4TotalLength, 36, "bad_ipv4_total_length", "IPv4 Total Length is below IHL * 4")    \
  X(kBadIpv4Checksum, 37, "bad_ipv4_checksum", "IPv4 header checksum does not verify")         \
  X(kIpv4Fragment, 38, "ipv4_fragment",                                                        \
    "IPv4 fragment addressed to the DMSC port (DMSC packets are never fragmented)")            \
  X(kTruncatedIpv6, 39, "truncated_ipv6",                                                      \
    "frame ends inside the IPv6 header or before IPv6 Payload Length")                         \
  X(kUnsupportedIpv6ExtensionHeader, 40, "unsupported_ipv6_extension_header",                  \
    "DMSC over UDP/IPv6 behind an extension header (not accepted in this version)")            \
  X(kTruncatedUdp, 41, "truncated_udp", "IP payload shorter than the 8-octet UDP header")      \
  X(kBadUdpLength, 42, "bad_udp_length", "UDP Length differs from the IP payload length")      \
  X(kBadUdpChecksum, 43, "bad_udp_checksum", "UDP checksum does not verify")                   \
  X(kZeroUdpChecksumIpv6, 44, "zero_udp_checksum_ipv6",                                        \
    "UDP checksum is zero over IPv6 (a checksum is mandatory there)")

// Values carried in the Reason Code of an Error packet (docs/wire-format.md §5.5).
#define DMSC_WIRE_ERROR_REASONS(X)                                                             \
  X(kNoRoute, 1, "no_route", "no FIB entry matches the destination name")                     \
  X(kHopLimitExceeded, 2, "hop_limit_exceeded", "hop limit exhausted in transit")              \
  X(kPacketTooBig, 3, "packet_too_big", "packet larger than the next hop's MTU")               \
  X(kAdministrativelyProhibited, 4, "administratively_prohibited",                             \
    "a configured policy filtered the packet")

#define DMSC_WIRE_ENUMERATOR(enumerator, value, name, text) enumerator = value,

enum class ParseError : std::uint8_t { DMSC_WIRE_PARSE_ERRORS(DMSC_WIRE_ENUMERATOR) };
enum class ErrorReason : std::uint8_t { DMSC_WIRE_ERROR_REASONS(DMSC_WIRE_ENUMERATOR) };

#undef DMSC_WIRE_ENUMERATOR

// Short snake_case names (counter names) and sentences (logs). Unknown values give "unknown".
const char* parse_error_name(ParseError error);
const char* parse_error_text(ParseError error);
const char* error_reason_name(ErrorReason reason);
const char* error_reason_text(ErrorReason reason);

// Every reason, in declaration order, for whoever declares counters or prints a legend.
template <typename Enum>
struct ReasonInfo {
  Enum value;
  const char* name;
  const char* text;
};
std::span<const ReasonInfo<ParseError>> parse_error_table();
std::span<const ReasonInfo<ErrorReason>> error_reason_table();

}  // namespace dmsc::wire
