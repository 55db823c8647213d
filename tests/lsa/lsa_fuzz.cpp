// Fuzz target for the IS-IS PDU and TLV decoders: any input either decodes or is rejected with
// a reason, never a crash or a read out of bounds (ASan), and what decodes re-encodes to itself.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "lsa/auth.hpp"
#include "lsa/pdu.hpp"
#include "lsa/tlv.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

dmsc::lsa::PduContext context_of(dmsc::lsa::PduType type) {
  using dmsc::lsa::PduType;
  if (type == PduType::kP2pHello) return dmsc::lsa::PduContext::kHello;
  if (type == PduType::kL2Lsp) return dmsc::lsa::PduContext::kLsp;
  return dmsc::lsa::PduContext::kSnp;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dmsc::lsa;
  const std::span<const std::uint8_t> input(data, size);

  PduView pdu;
  const PduError error = decode_pdu(input, pdu);
  check(error < PduError::kCount);
  if (error == PduError::kNone) {
    check(pdu.bytes.data() == data && pdu.bytes.size() <= size);
    check(pdu.tlv_offset + pdu.tlvs.size() == pdu.bytes.size());
    const TlvSet tlvs = decode_tlvs(pdu.tlvs, context_of(pdu.type));
    for (const TlvIssue& issue : tlvs.issues) check(issue.error < TlvError::kCount && issue.offset < pdu.tlvs.size());
    static const AuthKey md5{AuthMode::kHmacMd5, "fuzz", 1};
    static const AuthKey sha{AuthMode::kHmacSha256, "fuzz", 1};
    const Authentication* auth = tlvs.authentication ? &*tlvs.authentication : nullptr;
    const bool is_lsp = pdu.type == PduType::kL2Lsp;
    check(verify_pdu(pdu.bytes, pdu.tlv_offset, auth, md5, is_lsp) != AuthResult::kOk || auth != nullptr);
    check(verify_pdu(pdu.bytes, pdu.tlv_offset, auth, sha, is_lsp) != AuthResult::kOk || auth != nullptr);
    // Decoded service prefixes encode and decode back to themselves.
    for (const ServicePrefix& prefix : tlvs.service_prefixes) {
      check(service_prefix_encodable(prefix));
      std::vector<std::uint8_t> area;
      encode_geninfo_tlv(area, std::span(&prefix, 1));
      const TlvSet again = decode_tlvs(area, PduContext::kLsp);
      check(again.issues.empty() && again.service_prefixes.size() == 1 && again.service_prefixes[0] == prefix);
    }
  }

  // The same octets as a bare TLV area in every context, and as a GENINFO value.
  for (PduContext context : {PduContext::kHello, PduContext::kLsp, PduContext::kSnp}) decode_tlvs(input, context);
  const GenInfoDecode geninfo = decode_geninfo(input, kServicePrefixApplicationId);
  check(geninfo.ours || geninfo.prefixes.empty());
  return 0;
}
