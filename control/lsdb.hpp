#pragma once
// The link-state database: every LSP we hold, with its decoded TLVs, its expiry and the
// per-circuit flooding flags of ISO 10589 §7.3.15 (SRM: send it on that circuit; SSN:
// acknowledge it there). Owned by the instance's core; single-threaded.

#include <cstdint>
#include <map>
#include <vector>

#include "lsa/pdu.hpp"
#include "lsa/tlv.hpp"

namespace dmsc::control {

struct LspRecord {
  lsa::LspHeader header;               // remaining_lifetime as received (see remaining())
  std::vector<std::uint8_t> bytes;     // the PDU, flooded byte for byte (lifetime rewritten)
  lsa::TlvSet tlvs;                    // decoded once, on arrival
  double received_at = 0;              // seconds, the instance's clock
  double expires_at = 0;               // when the remaining lifetime reaches 0
  double delete_at = 0;                // purged (zero age): when the header is dropped
  bool purged = false;
  std::vector<bool> srm;               // per circuit
  std::vector<bool> ssn;               // per circuit
  std::vector<double> last_sent;       // per circuit, for retransmission

  std::uint16_t remaining(double now) const;
  // The PDU with its remaining lifetime as of `now` (what a flood sends).
  std::vector<std::uint8_t> pdu_at(double now) const;
  lsa::LspEntry entry(double now) const;
};

// ISO 10589 §7.3.16: which of two copies of an LSP is the newer.
enum class LspOrder { kOlder, kSame, kNewer };
// How `candidate` (seq, lifetime, checksum) compares with what we hold.
LspOrder compare_lsp(std::uint32_t candidate_sequence, std::uint16_t candidate_lifetime,
                     std::uint16_t candidate_checksum, const LspRecord& held, double now);

using Lsdb = std::map<lsa::LspId, LspRecord>;

}  // namespace dmsc::control
