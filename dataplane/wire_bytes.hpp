#pragma once
// Network-byte-order loads and stores and the Internet checksum (RFC 1071), shared by the
// packet codec and the frame classifier. Byte-wise so they are safe at any alignment; compilers
// turn them into one load and a byte swap.

#include <cstddef>
#include <cstdint>

namespace dmsc::wire {

inline std::uint16_t load16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t load32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
inline void store16(std::uint8_t* p, std::uint16_t value) {
  p[0] = static_cast<std::uint8_t>(value >> 8);
  p[1] = static_cast<std::uint8_t>(value);
}
inline void store32(std::uint8_t* p, std::uint32_t value) {
  p[0] = static_cast<std::uint8_t>(value >> 24);
  p[1] = static_cast<std::uint8_t>(value >> 16);
  p[2] = static_cast<std::uint8_t>(value >> 8);
  p[3] = static_cast<std::uint8_t>(value);
}

// Adds `length` octets as big-endian 16-bit words to a running one's-complement sum. An odd
// final octet is padded with zero, so only the last chunk of a checksummed range may be odd.
// 64 bits cannot overflow for any frame size, so carries are folded once at the end.
inline std::uint64_t checksum_add(std::uint64_t sum, const std::uint8_t* data, std::size_t length) {
  std::size_t i = 0;
  for (; i + 1 < length; i += 2) sum += load16(data + i);
  if (i < length) sum += std::uint64_t{data[i]} << 8;
  return sum;
}

// Folds a running sum to 16 bits. A range that includes a correct checksum folds to 0xffff;
// the checksum to transmit is the complement of the fold of the range with the field zeroed.
inline std::uint16_t checksum_fold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

}  // namespace dmsc::wire
