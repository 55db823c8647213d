#pragma once
// Minimal pcap (libpcap classic format, microsecond timestamps, Ethernet link type) reader and
// writer for traffic generators and tests. Header-only, no libpcap dependency.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "fib/expected.hpp"

namespace dmsc::tools {

class PcapWriter {
 public:
  static Expected<PcapWriter> open(const std::string& path) {
    FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) return Error{"cannot write " + path + ": " + std::strerror(errno)};
    const std::uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};  // v2.4, Ethernet
    std::fwrite(header, sizeof header, 1, file);
    return PcapWriter(file);
  }
  PcapWriter(PcapWriter&& other) noexcept : file_(other.file_) { other.file_ = nullptr; }
  ~PcapWriter() { close(); }

  void write(const std::uint8_t* frame, std::size_t length) {
    const std::uint32_t record[4] = {static_cast<std::uint32_t>(count_ / 1000000), static_cast<std::uint32_t>(count_ % 1000000),
                                     static_cast<std::uint32_t>(length), static_cast<std::uint32_t>(length)};
    std::fwrite(record, sizeof record, 1, file_);
    std::fwrite(frame, 1, length, file_);
    ++count_;
  }
  void write(const std::vector<std::uint8_t>& frame) { write(frame.data(), frame.size()); }
  // Returns false when a write failed (disk full...).
  bool close() {
    if (!file_) return true;
    const bool ok = std::ferror(file_) == 0;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    return ok && closed;
  }

 private:
  explicit PcapWriter(FILE* file) : file_(file) {}
  FILE* file_ = nullptr;
  std::uint64_t count_ = 0;
};

// Reads a pcap file (or a FIFO, as it is written) one frame at a time.
class PcapReader {
 public:
  static Expected<PcapReader> open(const std::string& path) {
    FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) return Error{"cannot read " + path + ": " + std::strerror(errno)};
    PcapReader reader(file);
    std::uint32_t header[6];
    if (std::fread(header, sizeof header, 1, file) != 1) return reader;  // empty: no frames
    reader.swapped_ = header[0] == 0xd4c3b2a1 || header[0] == 0x4d3cb2a1;
    if (!reader.swapped_ && header[0] != 0xa1b2c3d4 && header[0] != 0xa1b23c4d) return Error{path + ": not a pcap file"};
    reader.valid_ = true;
    return reader;
  }
  PcapReader(PcapReader&& other) noexcept : file_(other.file_), swapped_(other.swapped_), valid_(other.valid_) { other.file_ = nullptr; }
  ~PcapReader() {
    if (file_) std::fclose(file_);
  }
  // False at the end (or a truncated last record).
  bool next(std::vector<std::uint8_t>& frame) {
    if (!valid_) return false;
    std::uint32_t record[4];
    if (std::fread(record, sizeof record, 1, file_) != 1) return false;
    const std::uint32_t length = swapped_ ? __builtin_bswap32(record[2]) : record[2];
    if (length > (1u << 20)) return false;
    frame.resize(length);
    return std::fread(frame.data(), 1, length, file_) == length;
  }

 private:
  explicit PcapReader(FILE* file) : file_(file) {}
  FILE* file_ = nullptr;
  bool swapped_ = false;
  bool valid_ = false;
};

// Reads every frame of a pcap file (either byte order, micro- or nanosecond variant).
inline Expected<std::vector<std::vector<std::uint8_t>>> read_pcap(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Error{"cannot read " + path + ": " + std::strerror(errno)};
  std::vector<std::vector<std::uint8_t>> frames;
  std::uint32_t header[6];
  if (std::fread(header, sizeof header, 1, file) != 1) {
    std::fclose(file);
    return frames;  // an empty file: nothing was written
  }
  const bool swapped = header[0] == 0xd4c3b2a1 || header[0] == 0x4d3cb2a1;
  if (!swapped && header[0] != 0xa1b2c3d4 && header[0] != 0xa1b23c4d) {
    std::fclose(file);
    return Error{path + ": not a pcap file"};
  }
  auto host = [swapped](std::uint32_t value) { return swapped ? __builtin_bswap32(value) : value; };
  std::uint32_t record[4];
  while (std::fread(record, sizeof record, 1, file) == 1) {
    const std::uint32_t length = host(record[2]);
    if (length > (1u << 20)) {
      std::fclose(file);
      return Error{path + ": record of " + std::to_string(length) + " octets"};
    }
    std::vector<std::uint8_t> frame(length);
    if (std::fread(frame.data(), 1, length, file) != length) break;
    frames.push_back(std::move(frame));
  }
  std::fclose(file);
  return frames;
}

}  // namespace dmsc::tools
