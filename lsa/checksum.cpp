#include "lsa/checksum.hpp"

namespace dmsc::lsa {

namespace {

// Sums c0 = Σ b, c1 = Σ c0 over the range, mod 255, reducing every 4096 octets (the sums stay
// below 2^32 over that many octets: c1 grows by at most 255 * 4096 * 4096 / 2).
void fletcher_sums(std::span<const std::uint8_t> range, std::size_t zero_from, std::size_t zero_count,
                   std::uint32_t& c0_out, std::uint32_t& c1_out) {
  std::uint32_t c0 = 0, c1 = 0;
  for (std::size_t i = 0; i < range.size(); ++i) {
    const std::uint32_t octet = (i >= zero_from && i < zero_from + zero_count) ? 0 : range[i];
    c0 += octet;
    c1 += c0;
    if ((i & 0xfff) == 0xfff) {
      c0 %= 255;
      c1 %= 255;
    }
  }
  c0_out = c0 % 255;
  c1_out = c1 % 255;
}

}  // namespace

std::uint16_t fletcher_checksum(std::span<const std::uint8_t> range, std::size_t checksum_offset) {
  std::uint32_t c0, c1;
  fletcher_sums(range, checksum_offset, 2, c0, c1);
  // ISO 8473 Annex C: X and Y make both sums zero when placed at positions n and n+1
  // (1-based n = checksum_offset + 1) of a range of length L.
  const auto length = static_cast<std::int64_t>(range.size());
  const auto n = static_cast<std::int64_t>(checksum_offset) + 1;
  std::int64_t x = ((length - n) * static_cast<std::int64_t>(c0) - static_cast<std::int64_t>(c1)) % 255;
  if (x <= 0) x += 255;
  std::int64_t y = (510 - static_cast<std::int64_t>(c0) - x) % 255;
  if (y <= 0) y += 255;
  return static_cast<std::uint16_t>(x << 8 | y);
}

bool fletcher_valid(std::span<const std::uint8_t> range) {
  std::uint32_t c0, c1;
  fletcher_sums(range, 0, 0, c0, c1);
  return c0 == 0 && c1 == 0;
}

}  // namespace dmsc::lsa
