#pragma once
// The DMSC Service Prefix carried in IS-IS TLV 251 (GENINFO, RFC 6823): docs/service-prefix-tlv.md.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fib/name.hpp"

namespace dmsc::lsa {

inline constexpr std::uint16_t kServicePrefixApplicationId = 0x0d35;
inline constexpr std::uint8_t kGenInfoFlagS = 0x01;
inline constexpr std::uint8_t kGenInfoFlagD = 0x02;
inline constexpr std::uint8_t kGenInfoFlagI = 0x04;
inline constexpr std::uint8_t kGenInfoFlagV = 0x08;
inline constexpr std::uint8_t kSubTlvServicePrefix = 1;
inline constexpr std::uint8_t kServicePrefixFlagAnycast = 0x01;
// Value octets of one Service Prefix sub-TLV at most: 255 less GENINFO's 3 and the sub-TLV's 2.
inline constexpr std::size_t kMaxServicePrefixValue = 250;
inline constexpr std::size_t kServicePrefixFixed = 6;  // flags, metric, name length
inline constexpr std::size_t kMaxAdvertisedNameLength = kMaxServicePrefixValue - kServicePrefixFixed;
inline constexpr std::uint32_t kMaxServicePrefixMetric = 0xfe000000;

struct ServicePrefix {
  fib::Name name;
  std::uint32_t metric = 0;
  std::uint8_t flags = 0;
  bool anycast() const { return (flags & kServicePrefixFlagAnycast) != 0; }
  friend bool operator==(const ServicePrefix&, const ServicePrefix&) = default;
};

enum class ServicePrefixError : std::uint8_t {
  kNone = 0,
  kTruncated,       // GENINFO shorter than its flags, application id and addresses
  kSubTlvOverrun,   // a sub-TLV (or sub-sub-TLV) runs past its container
  kShortValue,      // a Service Prefix sub-TLV shorter than flags + metric + name length
  kNameOverrun,     // the name length runs past the sub-TLV
  kBadName,         // the name fails the wire-form checks
  kMetricTooLarge,  // metric above 0xFE000000
};
const char* service_prefix_error_text(ServicePrefixError error);

struct GenInfoDecode {
  bool ours = false;  // the application id matched
  std::vector<ServicePrefix> prefixes;
  std::size_t unknown_sub_tlvs = 0;
  ServicePrefixError error = ServicePrefixError::kNone;  // the first malformed sub-TLV, if any
  std::string detail;
};

// Decodes one GENINFO TLV value. Sub-TLVs before a malformed one stay decoded; the rest of the
// TLV is dropped (docs §3.2).
GenInfoDecode decode_geninfo(std::span<const std::uint8_t> value, std::uint16_t application_id);

// Size of the Service Prefix sub-TLV (header included) for `prefix`.
std::size_t service_prefix_sub_tlv_size(const ServicePrefix& prefix);
// True when `prefix` fits one sub-TLV and its metric is in range.
bool service_prefix_encodable(const ServicePrefix& prefix);
// Appends one GENINFO TLV holding `prefixes` (which must fit 255 octets of value together).
void encode_geninfo_tlv(std::vector<std::uint8_t>& out, std::span<const ServicePrefix> prefixes,
                        std::uint16_t application_id = kServicePrefixApplicationId);
// How many of `prefixes`, from the first, fit one GENINFO TLV (at least one when any is encodable).
std::size_t prefixes_fitting_one_tlv(std::span<const ServicePrefix> prefixes);

}  // namespace dmsc::lsa
