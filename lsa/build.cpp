#include "lsa/build.hpp"

#include <algorithm>

#include "lsa/bytes.hpp"

namespace dmsc::lsa {

namespace {

void write_lsp_id(ByteWriter& w, const LspId& id) {
  w.bytes(id.node.system.octets);
  w.u8(id.node.pseudonode);
  w.u8(id.fragment);
}

// Appends the auth TLV, sets the PDU length field at `length_offset`, signs.
std::vector<std::uint8_t> finish(std::vector<std::uint8_t> pdu, std::size_t length_offset, const AuthKey& auth,
                                 bool is_lsp, std::size_t digest_offset) {
  ByteWriter w(pdu);
  w.patch_u16(length_offset, static_cast<std::uint32_t>(pdu.size()));
  if (digest_offset != 0 || is_lsp) sign_pdu(pdu, digest_offset, auth, is_lsp);
  return pdu;
}

}  // namespace

std::vector<std::uint8_t> build_p2p_hello(const HelloParams& params, const AuthKey& auth) {
  std::vector<std::uint8_t> pdu;
  write_common_header(pdu, PduType::kP2pHello);
  ByteWriter w(pdu);
  w.u8(2);  // circuit type: Level 2 only
  w.bytes(params.source.octets);
  w.u16(params.holding_time);
  const std::size_t length_offset = w.size();
  w.u16(0);
  w.u8(params.local_circuit_id);
  // Authentication first, as FRR and RFC 5304 implementations place it.
  const std::size_t digest_offset = append_auth_tlv(pdu, auth);
  encode_protocols_supported(pdu, params.protocols);
  encode_area_addresses(pdu, params.areas);
  encode_ipv4_interface_addresses(pdu, params.ipv4_addresses);
  encode_three_way(pdu, params.three_way);
  if (params.pad_to > pdu.size()) {
    std::size_t padding = params.pad_to - pdu.size();
    if (padding == 1) padding = 0;  // a TLV takes two octets: one short of the size is the best
    encode_padding(pdu, padding);
  }
  return finish(std::move(pdu), length_offset, auth, false, digest_offset);
}

std::vector<std::uint8_t> build_lsp(const LspHeader& header, std::span<const std::uint8_t> tlvs, const AuthKey& auth) {
  std::vector<std::uint8_t> pdu;
  write_common_header(pdu, PduType::kL2Lsp);
  ByteWriter w(pdu);
  const std::size_t length_offset = w.size();
  w.u16(0);
  w.u16(header.remaining_lifetime);
  write_lsp_id(w, header.id);
  w.u32(header.sequence);
  w.u16(0);  // checksum, set by sign_pdu
  w.u8(header.flags);
  const std::size_t digest_offset = append_auth_tlv(pdu, auth);
  w.bytes(tlvs);
  return finish(std::move(pdu), length_offset, auth, true, digest_offset);
}

std::size_t snp_capacity(bool csnp, std::size_t max_pdu, const AuthKey& auth) {
  const std::size_t room = max_pdu - (csnp ? kCsnpHeaderLength : kPsnpHeaderLength) - auth_tlv_size(auth);
  // Each TLV 9 holds up to 15 entries of 16 octets behind its 2-octet header.
  const std::size_t full_tlvs = room / 242;
  const std::size_t rest = room % 242;
  return full_tlvs * 15 + (rest >= 18 ? (rest - 2) / 16 : 0);
}

std::vector<std::uint8_t> build_csnp(const NodeId& source, const LspId& start, const LspId& end,
                                     std::span<const LspEntry> entries, const AuthKey& auth) {
  std::vector<std::uint8_t> pdu;
  write_common_header(pdu, PduType::kL2Csnp);
  ByteWriter w(pdu);
  const std::size_t length_offset = w.size();
  w.u16(0);
  w.bytes(source.system.octets);
  w.u8(source.pseudonode);
  write_lsp_id(w, start);
  write_lsp_id(w, end);
  const std::size_t digest_offset = append_auth_tlv(pdu, auth);
  encode_lsp_entries(pdu, entries);
  return finish(std::move(pdu), length_offset, auth, false, digest_offset);
}

std::vector<std::uint8_t> build_psnp(const NodeId& source, std::span<const LspEntry> entries, const AuthKey& auth) {
  std::vector<std::uint8_t> pdu;
  write_common_header(pdu, PduType::kL2Psnp);
  ByteWriter w(pdu);
  const std::size_t length_offset = w.size();
  w.u16(0);
  w.bytes(source.system.octets);
  w.u8(source.pseudonode);
  const std::size_t digest_offset = append_auth_tlv(pdu, auth);
  encode_lsp_entries(pdu, entries);
  return finish(std::move(pdu), length_offset, auth, false, digest_offset);
}

namespace {

// Fills fragments in order: a new one starts when the next TLV would not fit.
class FragmentPacker {
 public:
  FragmentPacker(std::size_t room) : room_(room) { fragments_.emplace_back(); }
  std::size_t free() const { return room_ - fragments_.back().size(); }
  std::vector<std::uint8_t>& current() { return fragments_.back(); }
  // Makes sure at least `octets` fit in the current fragment, starting a new one if needed.
  // False when the 256 fragments are used up.
  bool reserve(std::size_t octets) {
    if (free() >= octets) return true;
    if (fragments_.size() == 256) return false;
    fragments_.emplace_back();
    return true;
  }
  std::vector<std::vector<std::uint8_t>> take() { return std::move(fragments_); }

 private:
  std::size_t room_;
  std::vector<std::vector<std::uint8_t>> fragments_;
};

// Packs a list of items into TLVs of one type: each TLV holds as many items as fit both its
// 255 octets and the fragment's free room.
template <typename Item, typename SizeOf, typename Encode>
bool pack_items(FragmentPacker& packer, std::span<const Item> items, std::size_t tlv_overhead, SizeOf size_of,
                Encode encode) {
  std::size_t next = 0;
  while (next < items.size()) {
    if (!packer.reserve(tlv_overhead + size_of(items[next]))) return false;
    const std::size_t limit = std::min<std::size_t>(255 + 2, packer.free());
    std::size_t used = tlv_overhead;
    std::size_t end = next;
    while (end < items.size() && used + size_of(items[end]) <= limit) used += size_of(items[end++]);
    encode(packer.current(), items.subspan(next, end - next));
    next = end;
  }
  return true;
}

}  // namespace

std::vector<std::vector<std::uint8_t>> pack_lsp_fragments(const LspContent& content, std::size_t max_pdu,
                                                          const AuthKey& auth, bool* truncated) {
  FragmentPacker packer(max_pdu - kLspHeaderLength - auth_tlv_size(auth));
  std::vector<std::uint8_t>& first = packer.current();
  encode_area_addresses(first, content.areas);
  encode_protocols_supported(first, content.protocols);
  encode_hostname(first, content.hostname);
  encode_ipv4_interface_addresses(first, content.ipv4_addresses);
  if (content.capability) encode_router_capability(first, *content.capability);

  bool complete =
      pack_items<IsReach>(packer, content.is_reach, 2, is_reach_size,
                          [](std::vector<std::uint8_t>& out, std::span<const IsReach> items) {
                            encode_is_reach_tlv(out, items);
                          }) &&
      pack_items<IpReach>(packer, content.ip_reach, 2, ip_reach_size,
                          [](std::vector<std::uint8_t>& out, std::span<const IpReach> items) {
                            encode_ip_reach_tlv(out, items);
                          }) &&
      pack_items<ServicePrefix>(packer, content.service_prefixes, 5, service_prefix_sub_tlv_size,
                                [&](std::vector<std::uint8_t>& out, std::span<const ServicePrefix> items) {
                                  encode_geninfo_tlv(out, items, content.service_application_id);
                                });
  if (truncated != nullptr) *truncated = !complete;
  return packer.take();
}

}  // namespace dmsc::lsa
