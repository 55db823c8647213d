#pragma once
// Bounded big-endian reading and writing of PDU octets. The reader never reads past its end:
// every read checks first and a failed read leaves the reader unchanged, so a decoder tests
// one boolean and names the reason itself.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace dmsc::lsa {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return bytes_.size() - offset_; }
  bool empty() const { return offset_ == bytes_.size(); }

  bool u8(std::uint8_t& out) { return fixed(1, out); }
  bool u16(std::uint16_t& out) { return fixed(2, out); }
  bool u24(std::uint32_t& out) { return fixed(3, out); }
  bool u32(std::uint32_t& out) { return fixed(4, out); }
  // `count` octets, borrowed from the underlying buffer.
  bool take(std::size_t count, std::span<const std::uint8_t>& out) {
    if (count > remaining()) return false;
    out = bytes_.subspan(offset_, count);
    offset_ += count;
    return true;
  }
  bool copy(std::uint8_t* out, std::size_t count) {
    if (count > remaining()) return false;
    std::memcpy(out, bytes_.data() + offset_, count);
    offset_ += count;
    return true;
  }
  bool skip(std::size_t count) {
    if (count > remaining()) return false;
    offset_ += count;
    return true;
  }
  std::span<const std::uint8_t> rest() const { return bytes_.subspan(offset_); }

 private:
  template <typename T>
  bool fixed(std::size_t width, T& out) {
    if (width > remaining()) return false;
    T value = 0;
    for (std::size_t i = 0; i < width; ++i) value = static_cast<T>((value << 8) | bytes_[offset_ + i]);
    out = value;
    offset_ += width;
    return true;
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
};

// Appends big-endian fields to a byte vector.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}
  std::size_t size() const { return out_.size(); }
  void u8(std::uint32_t v) { out_.push_back(static_cast<std::uint8_t>(v)); }
  void u16(std::uint32_t v) { put(v, 2); }
  void u24(std::uint32_t v) { put(v, 3); }
  void u32(std::uint32_t v) { put(v, 4); }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }
  // Writes v big-endian at `offset` (already written).
  void patch_u16(std::size_t offset, std::uint32_t v) {
    out_[offset] = static_cast<std::uint8_t>(v >> 8);
    out_[offset + 1] = static_cast<std::uint8_t>(v);
  }
  void patch_u8(std::size_t offset, std::uint32_t v) { out_[offset] = static_cast<std::uint8_t>(v); }

 private:
  void put(std::uint32_t v, int width) {
    for (int i = width - 1; i >= 0; --i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t>& out_;
};

}  // namespace dmsc::lsa
