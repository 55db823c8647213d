#pragma once
// The LSP checksum: ISO 8473 Fletcher over the octets from the LSP ID (PDU offset 12) to the
// end of the PDU, stored at PDU offset 24 so that the whole range then checks to zero.

#include <cstddef>
#include <cstdint>
#include <span>

namespace dmsc::lsa {

// The two checksum octets for `range` when they sit at `checksum_offset` within it (their
// current value is ignored: computed as if zero).
std::uint16_t fletcher_checksum(std::span<const std::uint8_t> range, std::size_t checksum_offset);

// True when `range` (checksum included) checks: both running sums are zero mod 255.
bool fletcher_valid(std::span<const std::uint8_t> range);

}  // namespace dmsc::lsa
