#include "lsa/tlv.hpp"

#include <algorithm>

#include "lsa/bytes.hpp"

namespace dmsc::lsa {

const char* tlv_error_name(TlvError error) {
  switch (error) {
    case TlvError::kNone: return "none";
    case TlvError::kBadLength: return "bad_length";
    case TlvError::kEntryOverrun: return "entry_overrun";
    case TlvError::kBadValue: return "bad_value";
    case TlvError::kNotInContext: return "not_in_context";
    case TlvError::kDuplicate: return "duplicate";
    case TlvError::kServicePrefix: return "service_prefix";
    case TlvError::kUnknownSubTlv: return "unknown_sub_tlv";
    case TlvError::kCount: break;
  }
  return "unknown";
}

namespace {

using Value = std::span<const std::uint8_t>;

struct DecodeContext {
  TlvSet& set;
  const DecodeOptions& options;
  std::uint32_t offset;  // of the TLV being decoded
  std::string detail;
};

TlvError decode_area_addresses(Value value, DecodeContext& c) {
  ByteReader r(value);
  std::vector<std::vector<std::uint8_t>> areas;
  while (!r.empty()) {
    std::uint8_t length = 0;
    Value area;
    if (!r.u8(length) || !r.take(length, area)) return TlvError::kEntryOverrun;
    if (length == 0 || length > 13) {
      c.detail = "area address of " + std::to_string(length) + " octets";
      return TlvError::kBadValue;
    }
    areas.emplace_back(area.begin(), area.end());
  }
  for (auto& area : areas) c.set.area_addresses.push_back(std::move(area));
  return TlvError::kNone;
}

TlvError decode_protocols(Value value, DecodeContext& c) {
  c.set.protocols_supported.insert(c.set.protocols_supported.end(), value.begin(), value.end());
  return TlvError::kNone;
}

TlvError decode_ipv4_addresses(Value value, DecodeContext& c) {
  if (value.size() % 4 != 0) return TlvError::kBadLength;
  for (std::size_t i = 0; i < value.size(); i += 4)
    c.set.ipv4_interface_addresses.push_back({value[i], value[i + 1], value[i + 2], value[i + 3]});
  return TlvError::kNone;
}

TlvError decode_hostname(Value value, DecodeContext& c) {
  if (value.empty()) return TlvError::kBadLength;
  if (c.set.hostname) return TlvError::kDuplicate;
  c.set.hostname.emplace(value.begin(), value.end());
  return TlvError::kNone;
}

TlvError decode_is_reach(Value value, DecodeContext& c) {
  ByteReader r(value);
  std::vector<IsReach> entries;
  while (!r.empty()) {
    IsReach reach;
    std::uint8_t sub_length = 0;
    Value sub;
    if (!r.copy(reach.neighbor.system.octets.data(), kSystemIdLength) || !r.u8(reach.neighbor.pseudonode) ||
        !r.u24(reach.metric) || !r.u8(sub_length) || !r.take(sub_length, sub))
      return TlvError::kEntryOverrun;
    reach.sub_tlvs.assign(sub.begin(), sub.end());
    entries.push_back(std::move(reach));
  }
  for (auto& entry : entries) c.set.is_reach.push_back(std::move(entry));
  return TlvError::kNone;
}

TlvError decode_ip_reach(Value value, DecodeContext& c) {
  ByteReader r(value);
  std::vector<IpReach> entries;
  while (!r.empty()) {
    IpReach reach;
    std::uint8_t control = 0;
    if (!r.u32(reach.metric) || !r.u8(control)) return TlvError::kEntryOverrun;
    reach.down = (control & 0x80) != 0;
    reach.prefix_length = control & 0x3f;
    if (reach.prefix_length > 32) {
      c.detail = "prefix length " + std::to_string(reach.prefix_length);
      return TlvError::kBadValue;
    }
    if (!r.copy(reach.prefix.data(), (reach.prefix_length + 7) / 8)) return TlvError::kEntryOverrun;
    if (reach.prefix_length % 8 != 0)  // bits past the length are not part of the prefix
      reach.prefix[reach.prefix_length / 8] &= static_cast<std::uint8_t>(0xff00 >> (reach.prefix_length % 8));
    if (control & 0x40) {
      std::uint8_t sub_length = 0;
      Value sub;
      if (!r.u8(sub_length) || !r.take(sub_length, sub)) return TlvError::kEntryOverrun;
      reach.sub_tlvs.assign(sub.begin(), sub.end());
    }
    entries.push_back(std::move(reach));
  }
  for (auto& entry : entries) c.set.ip_reach.push_back(std::move(entry));
  return TlvError::kNone;
}

TlvError decode_three_way(Value value, DecodeContext& c) {
  // RFC 5303 §3: 1 (state only, RFC 3373), 5, 11 or 15 octets.
  if (value.size() != 1 && value.size() != 5 && value.size() != 11 && value.size() != 15) return TlvError::kBadLength;
  if (c.set.three_way) return TlvError::kDuplicate;
  ByteReader r(value);
  ThreeWayAdjacency adjacency;
  r.u8(adjacency.state);
  if (adjacency.state > kAdjacencyDown) {
    c.detail = "state " + std::to_string(adjacency.state);
    return TlvError::kBadValue;
  }
  std::uint32_t number = 0;
  if (r.u32(number)) adjacency.extended_local_circuit_id = number;
  SystemId neighbor;
  if (r.copy(neighbor.octets.data(), kSystemIdLength)) adjacency.neighbor_system = neighbor;
  if (r.u32(number)) adjacency.neighbor_extended_circuit_id = number;
  c.set.three_way = adjacency;
  return TlvError::kNone;
}

TlvError decode_router_capability(Value value, DecodeContext& c) {
  if (value.size() < 5) return TlvError::kBadLength;
  if (c.set.router_capability) return TlvError::kDuplicate;  // FRR also keeps only the first
  RouterCapability capability;
  std::copy_n(value.begin(), 4, capability.router_id.begin());
  capability.flags = value[4];
  capability.sub_tlvs.assign(value.begin() + 5, value.end());
  c.set.router_capability = std::move(capability);
  return TlvError::kNone;
}

TlvError decode_lsp_entries(Value value, DecodeContext& c) {
  if (value.size() % 16 != 0) return TlvError::kBadLength;
  ByteReader r(value);
  while (!r.empty()) {
    LspEntry entry;
    r.u16(entry.remaining_lifetime);
    r.copy(entry.id.node.system.octets.data(), kSystemIdLength);
    r.u8(entry.id.node.pseudonode);
    r.u8(entry.id.fragment);
    r.u32(entry.sequence);
    r.u16(entry.checksum);
    c.set.lsp_entries.push_back(entry);
  }
  return TlvError::kNone;
}

TlvError decode_authentication(Value value, DecodeContext& c) {
  if (value.empty()) return TlvError::kBadLength;
  if (c.set.authentication) return TlvError::kDuplicate;
  Authentication auth;
  auth.type = value[0];
  auth.value.assign(value.begin() + 1, value.end());
  auth.offset = c.offset;
  c.set.authentication = std::move(auth);
  return TlvError::kNone;
}

TlvError decode_padding(Value, DecodeContext&) { return TlvError::kNone; }

// GENINFO of our application becomes service prefixes; any other application is kept verbatim.
TlvError decode_geninfo_tlv(Value value, DecodeContext& c) {
  GenInfoDecode decoded = decode_geninfo(value, c.options.service_application_id);
  if (!decoded.ours) {
    c.set.unknown.push_back({kTlvGenInfo, {value.begin(), value.end()}});
    if (decoded.error != ServicePrefixError::kNone) {
      c.detail = service_prefix_error_text(decoded.error);
      return TlvError::kBadLength;
    }
    return TlvError::kNone;
  }
  for (auto& prefix : decoded.prefixes) c.set.service_prefixes.push_back(std::move(prefix));
  if (decoded.unknown_sub_tlvs != 0)
    c.set.issues.push_back({kTlvGenInfo, c.offset, TlvError::kUnknownSubTlv,
                            std::to_string(decoded.unknown_sub_tlvs) + " sub-TLV(s) of unknown type skipped"});
  if (decoded.error != ServicePrefixError::kNone) {
    c.detail = service_prefix_error_text(decoded.error);
    if (!decoded.detail.empty()) c.detail += ": " + decoded.detail;
    return TlvError::kServicePrefix;
  }
  return TlvError::kNone;
}

using Decoder = TlvError (*)(Value, DecodeContext&);

constexpr std::uint8_t kInHello = 1 << static_cast<int>(PduContext::kHello);
constexpr std::uint8_t kInLsp = 1 << static_cast<int>(PduContext::kLsp);
constexpr std::uint8_t kInSnp = 1 << static_cast<int>(PduContext::kSnp);

struct TlvDescriptor {
  std::uint8_t type;
  std::uint8_t contexts;  // where the TLV may appear (ISO 10589 §9, RFC 5303, 5305, 7981, 6823)
  Decoder decode;
};

constexpr TlvDescriptor kTlvTable[] = {
    {kTlvAreaAddresses, kInHello | kInLsp, decode_area_addresses},
    {kTlvPadding, kInHello, decode_padding},
    {kTlvLspEntries, kInSnp, decode_lsp_entries},
    {kTlvAuthentication, kInHello | kInLsp | kInSnp, decode_authentication},
    {kTlvExtendedIsReach, kInLsp, decode_is_reach},
    {kTlvProtocolsSupported, kInHello | kInLsp, decode_protocols},
    {kTlvIpInterfaceAddresses, kInHello | kInLsp, decode_ipv4_addresses},
    {kTlvExtendedIpReach, kInLsp, decode_ip_reach},
    {kTlvHostname, kInLsp, decode_hostname},
    {kTlvThreeWayAdjacency, kInHello, decode_three_way},
    {kTlvRouterCapability, kInLsp, decode_router_capability},
    {kTlvGenInfo, kInLsp, decode_geninfo_tlv},
};

const TlvDescriptor* find_descriptor(std::uint8_t type) {
  for (const TlvDescriptor& descriptor : kTlvTable)
    if (descriptor.type == type) return &descriptor;
  return nullptr;
}

}  // namespace

TlvSet decode_tlvs(std::span<const std::uint8_t> area, PduContext context, const DecodeOptions& options) {
  TlvSet set;
  std::size_t offset = 0;
  while (offset + 2 <= area.size()) {
    const std::uint8_t type = area[offset];
    const std::size_t length = std::min<std::size_t>(area[offset + 1], area.size() - offset - 2);
    const Value value = area.subspan(offset + 2, length);
    const TlvDescriptor* descriptor = find_descriptor(type);
    DecodeContext c{set, options, static_cast<std::uint32_t>(offset), {}};
    if (descriptor == nullptr) {
      set.unknown.push_back({type, {value.begin(), value.end()}});
    } else if ((descriptor->contexts & (1 << static_cast<int>(context))) == 0) {
      set.issues.push_back({type, c.offset, TlvError::kNotInContext, {}});
    } else {
      const TlvError error = descriptor->decode(value, c);
      if (error != TlvError::kNone) set.issues.push_back({type, c.offset, error, std::move(c.detail)});
    }
    offset += 2 + area[offset + 1];
  }
  return set;
}

// --- Encoding

namespace {

// Writes a TLV header and returns where its length octet is, to patch once the value is in.
std::size_t begin_tlv(ByteWriter& w, std::uint8_t type) {
  w.u8(type);
  const std::size_t at = w.size();
  w.u8(0);
  return at;
}
void end_tlv(ByteWriter& w, std::size_t length_at) {
  w.patch_u8(length_at, static_cast<std::uint32_t>(w.size() - length_at - 1));
}

}  // namespace

void encode_area_addresses(std::vector<std::uint8_t>& out, const std::vector<std::vector<std::uint8_t>>& areas) {
  ByteWriter w(out);
  const std::size_t at = begin_tlv(w, kTlvAreaAddresses);
  for (const auto& area : areas) {
    w.u8(static_cast<std::uint32_t>(area.size()));
    w.bytes(area);
  }
  end_tlv(w, at);
}

void encode_protocols_supported(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> nlpids) {
  ByteWriter w(out);
  const std::size_t at = begin_tlv(w, kTlvProtocolsSupported);
  w.bytes(nlpids);
  end_tlv(w, at);
}

void encode_ipv4_interface_addresses(std::vector<std::uint8_t>& out,
                                     std::span<const std::array<std::uint8_t, 4>> addresses) {
  ByteWriter w(out);
  for (std::size_t i = 0; i < addresses.size(); i += 63) {
    const std::size_t at = begin_tlv(w, kTlvIpInterfaceAddresses);
    for (std::size_t j = i; j < std::min(addresses.size(), i + 63); ++j) w.bytes(addresses[j]);
    end_tlv(w, at);
  }
}

void encode_hostname(std::vector<std::uint8_t>& out, const std::string& hostname) {
  if (hostname.empty()) return;
  ByteWriter w(out);
  const std::size_t at = begin_tlv(w, kTlvHostname);
  const std::size_t length = std::min<std::size_t>(hostname.size(), 255);
  w.bytes({reinterpret_cast<const std::uint8_t*>(hostname.data()), length});
  end_tlv(w, at);
}

void encode_three_way(std::vector<std::uint8_t>& out, const ThreeWayAdjacency& adjacency) {
  ByteWriter w(out);
  const std::size_t at = begin_tlv(w, kTlvThreeWayAdjacency);
  w.u8(adjacency.state);
  if (adjacency.extended_local_circuit_id) {
    w.u32(*adjacency.extended_local_circuit_id);
    if (adjacency.neighbor_system) {
      w.bytes(adjacency.neighbor_system->octets);
      if (adjacency.neighbor_extended_circuit_id) w.u32(*adjacency.neighbor_extended_circuit_id);
    }
  }
  end_tlv(w, at);
}

void encode_router_capability(std::vector<std::uint8_t>& out, const RouterCapability& capability) {
  ByteWriter w(out);
  const std::size_t at = begin_tlv(w, kTlvRouterCapability);
  w.bytes(capability.router_id);
  w.u8(capability.flags);
  w.bytes(capability.sub_tlvs);
  end_tlv(w, at);
}

void encode_lsp_entries(std::vector<std::uint8_t>& out, std::span<const LspEntry> entries) {
  ByteWriter w(out);
  for (std::size_t i = 0; i < entries.size(); i += 15) {  // 15 entries of 16 octets fill a TLV
    const std::size_t at = begin_tlv(w, kTlvLspEntries);
    for (std::size_t j = i; j < std::min(entries.size(), i + 15); ++j) {
      const LspEntry& e = entries[j];
      w.u16(e.remaining_lifetime);
      w.bytes(e.id.node.system.octets);
      w.u8(e.id.node.pseudonode);
      w.u8(e.id.fragment);
      w.u32(e.sequence);
      w.u16(e.checksum);
    }
    end_tlv(w, at);
  }
}

void encode_padding(std::vector<std::uint8_t>& out, std::size_t octets) {
  ByteWriter w(out);
  while (octets >= 2) {
    // Never leave a single octet over: a TLV needs two.
    std::size_t take = std::min<std::size_t>(octets, 257);
    if (octets - take == 1) --take;
    w.u8(kTlvPadding);
    w.u8(static_cast<std::uint32_t>(take - 2));
    w.zeros(take - 2);
    octets -= take;
  }
}

std::size_t is_reach_size(const IsReach& reach) { return 11 + reach.sub_tlvs.size(); }

std::size_t ip_reach_size(const IpReach& reach) {
  return 5 + (reach.prefix_length + 7) / 8 + (reach.sub_tlvs.empty() ? 0 : 1 + reach.sub_tlvs.size());
}

void encode_is_reach_tlv(std::vector<std::uint8_t>& out, std::span<const IsReach> entries) {
  ByteWriter w(out);
  const std::size_t at = begin_tlv(w, kTlvExtendedIsReach);
  for (const IsReach& reach : entries) {
    w.bytes(reach.neighbor.system.octets);
    w.u8(reach.neighbor.pseudonode);
    w.u24(std::min(reach.metric, kMaxLinkMetric));
    w.u8(static_cast<std::uint32_t>(reach.sub_tlvs.size()));
    w.bytes(reach.sub_tlvs);
  }
  end_tlv(w, at);
}

void encode_ip_reach_tlv(std::vector<std::uint8_t>& out, std::span<const IpReach> entries) {
  ByteWriter w(out);
  const std::size_t at = begin_tlv(w, kTlvExtendedIpReach);
  for (const IpReach& reach : entries) {
    w.u32(reach.metric);
    w.u8((reach.down ? 0x80 : 0) | (reach.sub_tlvs.empty() ? 0 : 0x40) | (reach.prefix_length & 0x3f));
    w.bytes(std::span(reach.prefix).first((reach.prefix_length + 7) / 8));
    if (!reach.sub_tlvs.empty()) {
      w.u8(static_cast<std::uint32_t>(reach.sub_tlvs.size()));
      w.bytes(reach.sub_tlvs);
    }
  }
  end_tlv(w, at);
}

}  // namespace dmsc::lsa
