#pragma once
// IS-IS TLVs: the decoded form of every TLV dmsc uses, one decode table per PDU context, and
// encoders. Unknown TLVs (and TLVs of other GENINFO applications) are kept verbatim; every TLV
// that does not decode is skipped with its reason in `issues`, and decoding goes on with the
// next TLV: a router floods LSPs whole, whatever it understands of them.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lsa/ids.hpp"
#include "lsa/service_prefix.hpp"

namespace dmsc::lsa {

enum TlvType : std::uint8_t {
  kTlvAreaAddresses = 1,
  kTlvPadding = 8,
  kTlvLspEntries = 9,
  kTlvAuthentication = 10,
  kTlvExtendedIsReach = 22,
  kTlvProtocolsSupported = 129,
  kTlvIpInterfaceAddresses = 132,
  kTlvExtendedIpReach = 135,
  kTlvHostname = 137,
  kTlvThreeWayAdjacency = 240,
  kTlvRouterCapability = 242,
  kTlvGenInfo = 251,
};

inline constexpr std::uint8_t kNlpidIpv4 = 0xcc;
inline constexpr std::uint8_t kNlpidIpv6 = 0x8e;
inline constexpr std::uint32_t kMaxLinkMetric = 0xffffff;      // "not for SPF" (RFC 5305 §3)
inline constexpr std::uint32_t kMaxPathMetric = 0xfe000000;    // RFC 5305 §4

enum class PduContext : std::uint8_t { kHello, kLsp, kSnp };

// Why a TLV (or a part of it) was skipped. Stable values: they index counters.
enum class TlvError : std::uint8_t {
  kNone = 0,
  kBadLength,          // value length impossible for the type
  kEntryOverrun,       // an entry or sub-TLV runs past the TLV
  kBadValue,           // a field out of range (prefix length > 32, empty area, ...)
  kNotInContext,       // a known TLV in a PDU type that does not carry it: ignored
  kDuplicate,          // a TLV allowed once, seen again: ignored
  kServicePrefix,      // a service prefix sub-TLV did not decode (see service_prefix.hpp)
  kUnknownSubTlv,      // GENINFO sub-TLV of ours of an unknown type: skipped
  kCount,
};
inline constexpr std::size_t kTlvErrorCount = static_cast<std::size_t>(TlvError::kCount);
const char* tlv_error_name(TlvError error);

struct TlvIssue {
  std::uint8_t type = 0;
  std::uint32_t offset = 0;  // of the TLV within the TLV area
  TlvError error = TlvError::kNone;
  std::string detail;
};

struct IsReach {  // one neighbour of TLV 22
  NodeId neighbor;
  std::uint32_t metric = 0;  // 24 bits
  std::vector<std::uint8_t> sub_tlvs;
  friend bool operator==(const IsReach&, const IsReach&) = default;
};

struct IpReach {  // one prefix of TLV 135
  std::uint32_t metric = 0;
  bool down = false;
  std::uint8_t prefix_length = 0;
  std::array<std::uint8_t, 4> prefix{};  // octets past prefix_length are zero
  std::vector<std::uint8_t> sub_tlvs;
  friend bool operator==(const IpReach&, const IpReach&) = default;
};

struct ThreeWayAdjacency {  // TLV 240, RFC 5303
  std::uint8_t state = 2;   // 0 Up, 1 Initializing, 2 Down
  std::optional<std::uint32_t> extended_local_circuit_id;
  std::optional<SystemId> neighbor_system;
  std::optional<std::uint32_t> neighbor_extended_circuit_id;
  friend bool operator==(const ThreeWayAdjacency&, const ThreeWayAdjacency&) = default;
};
enum : std::uint8_t { kAdjacencyUp = 0, kAdjacencyInitializing = 1, kAdjacencyDown = 2 };

struct RouterCapability {  // TLV 242, RFC 7981
  std::array<std::uint8_t, 4> router_id{};
  std::uint8_t flags = 0;
  std::vector<std::uint8_t> sub_tlvs;
  friend bool operator==(const RouterCapability&, const RouterCapability&) = default;
};

struct LspEntry {  // one entry of TLV 9
  std::uint16_t remaining_lifetime = 0;
  LspId id;
  std::uint32_t sequence = 0;
  std::uint16_t checksum = 0;
  friend bool operator==(const LspEntry&, const LspEntry&) = default;
};

struct Authentication {  // TLV 10
  std::uint8_t type = 0;  // 54 HMAC-MD5 (RFC 5304), 3 cryptographic (RFC 5310), 1 cleartext
  std::vector<std::uint8_t> value;
  std::uint32_t offset = 0;  // of the TLV within the TLV area
};

struct RawTlv {
  std::uint8_t type = 0;
  std::vector<std::uint8_t> value;
  friend bool operator==(const RawTlv&, const RawTlv&) = default;
};

struct TlvSet {
  std::vector<std::vector<std::uint8_t>> area_addresses;
  std::vector<std::uint8_t> protocols_supported;
  std::vector<std::array<std::uint8_t, 4>> ipv4_interface_addresses;
  std::optional<std::string> hostname;
  std::vector<IsReach> is_reach;
  std::vector<IpReach> ip_reach;
  std::optional<ThreeWayAdjacency> three_way;
  std::optional<RouterCapability> router_capability;
  std::vector<LspEntry> lsp_entries;
  std::optional<Authentication> authentication;
  std::vector<ServicePrefix> service_prefixes;
  std::vector<RawTlv> unknown;  // verbatim, in order
  std::vector<TlvIssue> issues;
};

struct DecodeOptions {
  std::uint16_t service_application_id = kServicePrefixApplicationId;
};

// Decodes a TLV area already checked for framing (decode_pdu); never fails as a whole.
TlvSet decode_tlvs(std::span<const std::uint8_t> area, PduContext context, const DecodeOptions& options = {});

// --- Encoding. Each appends complete TLVs; lists longer than one TLV holds use several.
void encode_area_addresses(std::vector<std::uint8_t>& out, const std::vector<std::vector<std::uint8_t>>& areas);
void encode_protocols_supported(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> nlpids);
void encode_ipv4_interface_addresses(std::vector<std::uint8_t>& out, std::span<const std::array<std::uint8_t, 4>> addresses);
void encode_hostname(std::vector<std::uint8_t>& out, const std::string& hostname);  // cut to 255
void encode_three_way(std::vector<std::uint8_t>& out, const ThreeWayAdjacency& adjacency);
void encode_router_capability(std::vector<std::uint8_t>& out, const RouterCapability& capability);
void encode_lsp_entries(std::vector<std::uint8_t>& out, std::span<const LspEntry> entries);
// Padding TLVs (8) filling exactly `octets` (>= 2, or 0).
void encode_padding(std::vector<std::uint8_t>& out, std::size_t octets);

// Encoded sizes of single items, for packing LSP fragments.
std::size_t is_reach_size(const IsReach& reach);  // within a TLV 22
std::size_t ip_reach_size(const IpReach& reach);  // within a TLV 135
void encode_is_reach_tlv(std::vector<std::uint8_t>& out, std::span<const IsReach> entries);  // one TLV, fits 255
void encode_ip_reach_tlv(std::vector<std::uint8_t>& out, std::span<const IpReach> entries);  // one TLV, fits 255

}  // namespace dmsc::lsa
