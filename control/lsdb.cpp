#include "control/lsdb.hpp"

#include <algorithm>
#include <cmath>

namespace dmsc::control {

std::uint16_t LspRecord::remaining(double now) const {
  if (purged || now >= expires_at) return 0;
  return static_cast<std::uint16_t>(std::min(65535.0, std::ceil(expires_at - now)));
}

std::vector<std::uint8_t> LspRecord::pdu_at(double now) const {
  std::vector<std::uint8_t> pdu = bytes;
  const std::uint16_t lifetime = remaining(now);
  pdu[lsa::kLspLifetimeOffset] = static_cast<std::uint8_t>(lifetime >> 8);
  pdu[lsa::kLspLifetimeOffset + 1] = static_cast<std::uint8_t>(lifetime);
  return pdu;
}

lsa::LspEntry LspRecord::entry(double now) const {
  return {remaining(now), header.id, header.sequence, header.checksum};
}

LspOrder compare_lsp(std::uint32_t candidate_sequence, std::uint16_t candidate_lifetime,
                     std::uint16_t candidate_checksum, const LspRecord& held, double now) {
  if (candidate_sequence != held.header.sequence)
    return candidate_sequence > held.header.sequence ? LspOrder::kNewer : LspOrder::kOlder;
  const bool candidate_zero = candidate_lifetime == 0;
  const bool held_zero = held.remaining(now) == 0;
  if (candidate_zero != held_zero) return candidate_zero ? LspOrder::kNewer : LspOrder::kOlder;
  // Same sequence, both alive, different contents (a corrupted copy, or an originator that lost
  // its sequence number): the higher checksum counts as newer, so that every router converges
  // on one copy; the originator, seeing a copy of its own LSP that it did not make, re-originates
  // above it (instance_flooding.cpp).
  if (!candidate_zero && candidate_checksum != held.header.checksum)
    return candidate_checksum > held.header.checksum ? LspOrder::kNewer : LspOrder::kOlder;
  return LspOrder::kSame;
}

}  // namespace dmsc::control
