#include "lsa/service_prefix.hpp"

#include "lsa/bytes.hpp"

namespace dmsc::lsa {

const char* service_prefix_error_text(ServicePrefixError error) {
  switch (error) {
    case ServicePrefixError::kNone: return "no error";
    case ServicePrefixError::kTruncated: return "GENINFO shorter than its flags, application id and addresses";
    case ServicePrefixError::kSubTlvOverrun: return "a sub-TLV runs past its container";
    case ServicePrefixError::kShortValue: return "Service Prefix sub-TLV shorter than flags, metric and name length";
    case ServicePrefixError::kNameOverrun: return "name length runs past the sub-TLV";
    case ServicePrefixError::kBadName: return "name is not a valid wire-form name";
    case ServicePrefixError::kMetricTooLarge: return "metric above 0xFE000000";
  }
  return "unknown error";
}

namespace {

// Checks that `bytes` is a well-framed list of (type, length, value).
bool sub_tlvs_framed(std::span<const std::uint8_t> bytes) {
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    if (bytes.size() - offset < 2 || bytes[offset + 1] > bytes.size() - offset - 2) return false;
    offset += 2 + bytes[offset + 1];
  }
  return true;
}

ServicePrefixError decode_service_prefix(std::span<const std::uint8_t> value, ServicePrefix& out,
                                         std::string& detail) {
  ByteReader r(value);
  std::uint8_t flags = 0, name_length = 0;
  std::uint32_t metric = 0;
  if (!r.u8(flags) || !r.u32(metric) || !r.u8(name_length)) return ServicePrefixError::kShortValue;
  std::span<const std::uint8_t> name_bytes;
  if (!r.take(name_length, name_bytes)) return ServicePrefixError::kNameOverrun;
  if (metric > kMaxServicePrefixMetric) {
    detail = "metric " + std::to_string(metric);
    return ServicePrefixError::kMetricTooLarge;
  }
  auto name = fib::Name::from_wire(name_bytes);
  if (!name) {
    detail = name.error();
    return ServicePrefixError::kBadName;
  }
  if (!sub_tlvs_framed(r.rest())) return ServicePrefixError::kSubTlvOverrun;
  out.name = std::move(*name);
  out.metric = metric;
  out.flags = flags & kServicePrefixFlagAnycast;  // other bits are ignored (docs §3.1)
  return ServicePrefixError::kNone;
}

}  // namespace

GenInfoDecode decode_geninfo(std::span<const std::uint8_t> value, std::uint16_t application_id) {
  GenInfoDecode result;
  ByteReader r(value);
  std::uint8_t flags = 0;
  std::uint16_t id = 0;
  if (!r.u8(flags) || !r.u16(id)) {
    result.error = ServicePrefixError::kTruncated;
    return result;
  }
  if (id != application_id) return result;
  result.ours = true;
  const std::size_t address_octets = ((flags & kGenInfoFlagI) ? 4 : 0) + ((flags & kGenInfoFlagV) ? 16 : 0);
  if (!r.skip(address_octets)) {
    result.error = ServicePrefixError::kTruncated;
    return result;
  }
  while (!r.empty()) {
    std::uint8_t type = 0, length = 0;
    std::span<const std::uint8_t> sub_value;
    if (!r.u8(type) || !r.u8(length) || !r.take(length, sub_value)) {
      result.error = ServicePrefixError::kSubTlvOverrun;
      return result;
    }
    if (type != kSubTlvServicePrefix) {
      ++result.unknown_sub_tlvs;
      continue;
    }
    ServicePrefix prefix;
    const ServicePrefixError error = decode_service_prefix(sub_value, prefix, result.detail);
    if (error != ServicePrefixError::kNone) {
      result.error = error;
      return result;
    }
    result.prefixes.push_back(std::move(prefix));
  }
  return result;
}

std::size_t service_prefix_sub_tlv_size(const ServicePrefix& prefix) {
  return 2 + kServicePrefixFixed + prefix.name.wire_length();
}

bool service_prefix_encodable(const ServicePrefix& prefix) {
  return prefix.name.wire_length() <= kMaxAdvertisedNameLength && prefix.metric <= kMaxServicePrefixMetric;
}

std::size_t prefixes_fitting_one_tlv(std::span<const ServicePrefix> prefixes) {
  std::size_t used = 3;  // flags, application id
  std::size_t count = 0;
  for (const ServicePrefix& prefix : prefixes) {
    const std::size_t size = service_prefix_sub_tlv_size(prefix);
    if (used + size > 255) break;
    used += size;
    ++count;
  }
  return count;
}

void encode_geninfo_tlv(std::vector<std::uint8_t>& out, std::span<const ServicePrefix> prefixes,
                        std::uint16_t application_id) {
  ByteWriter w(out);
  w.u8(251);
  const std::size_t length_at = w.size();
  w.u8(0);
  const std::size_t start = w.size();
  w.u8(0);  // flags: Level 2 only, no address
  w.u16(application_id);
  for (const ServicePrefix& prefix : prefixes) {
    w.u8(kSubTlvServicePrefix);
    w.u8(static_cast<std::uint8_t>(kServicePrefixFixed + prefix.name.wire_length()));
    w.u8(prefix.flags & kServicePrefixFlagAnycast);
    w.u32(prefix.metric);
    w.u8(static_cast<std::uint8_t>(prefix.name.wire_length()));
    w.bytes(prefix.name.wire());
  }
  w.patch_u8(length_at, static_cast<std::uint32_t>(w.size() - start));
}

}  // namespace dmsc::lsa
