#pragma once
// Building PDUs: point-to-point hellos, LSPs (packed into fragments), CSNPs and PSNPs, with
// their lengths, authentication and checksum set.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lsa/auth.hpp"
#include "lsa/ids.hpp"
#include "lsa/pdu.hpp"
#include "lsa/service_prefix.hpp"
#include "lsa/tlv.hpp"

namespace dmsc::lsa {

struct HelloParams {
  SystemId source;
  std::uint16_t holding_time = 30;
  std::uint8_t local_circuit_id = 1;
  std::vector<std::vector<std::uint8_t>> areas;
  std::vector<std::uint8_t> protocols{kNlpidIpv4};
  std::vector<std::array<std::uint8_t, 4>> ipv4_addresses;
  ThreeWayAdjacency three_way;
  std::size_t pad_to = kMaxPduLength;  // 0: no padding (ISO 10589 pads hellos to the MTU)
};
std::vector<std::uint8_t> build_p2p_hello(const HelloParams& params, const AuthKey& auth);

// What a router says about itself in its LSP set.
struct LspContent {
  std::vector<std::vector<std::uint8_t>> areas;
  std::vector<std::uint8_t> protocols{kNlpidIpv4};
  std::string hostname;
  std::vector<std::array<std::uint8_t, 4>> ipv4_addresses;  // TLV 132: the router id first
  std::optional<RouterCapability> capability;
  std::vector<IsReach> is_reach;
  std::vector<IpReach> ip_reach;
  std::vector<ServicePrefix> service_prefixes;  // each service_prefix_encodable()
  std::uint16_t service_application_id = kServicePrefixApplicationId;
};

// Packs `content` into the TLV areas of as few fragments as it needs, each fitting an LSP of
// at most `max_pdu` octets with room for `auth`. Fragment 0 carries the router's own TLVs
// (areas, protocols, hostname, addresses, capability) first. More than 256 fragments' worth
// is cut, and `truncated` says so.
std::vector<std::vector<std::uint8_t>> pack_lsp_fragments(const LspContent& content, std::size_t max_pdu,
                                                          const AuthKey& auth, bool* truncated = nullptr);

// An LSP from its header fields and TLV area (length, auth digest and checksum computed).
std::vector<std::uint8_t> build_lsp(const LspHeader& header, std::span<const std::uint8_t> tlvs, const AuthKey& auth);

std::vector<std::uint8_t> build_csnp(const NodeId& source, const LspId& start, const LspId& end,
                                     std::span<const LspEntry> entries, const AuthKey& auth);
std::vector<std::uint8_t> build_psnp(const NodeId& source, std::span<const LspEntry> entries, const AuthKey& auth);
// How many LSP entries fit one SNP of at most `max_pdu` octets.
std::size_t snp_capacity(bool csnp, std::size_t max_pdu, const AuthKey& auth);

}  // namespace dmsc::lsa
