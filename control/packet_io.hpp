#pragma once
// IS-IS frames on a Linux interface: an AF_PACKET socket per circuit receiving 802.3 frames
// with LLC FE FE 03 addressed to AllISs (09:00:2B:00:00:05) or to us, and sending PDUs in such
// frames. The interface can be a forwarder's TAP (punt path) or any kernel interface.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fib/expected.hpp"

namespace dmsc::control {

inline constexpr std::array<std::uint8_t, 6> kAllIss = {0x09, 0x00, 0x2b, 0x00, 0x00, 0x05};

// Why a received frame was not handed on as a PDU. Values index counters.
enum class FrameDrop : std::uint8_t { kNone, kShort, kNotLlc, kBadLength, kNotForUs };

struct ReceivedPdu {
  std::array<std::uint8_t, 6> source{};
  std::span<const std::uint8_t> pdu;  // valid until the next receive()
};

// Parses an Ethernet frame carrying an IS-IS PDU (802.3 length + LLC FE FE 03); `own` is our MAC.
FrameDrop parse_isis_frame(std::span<const std::uint8_t> frame, const std::array<std::uint8_t, 6>& own,
                           ReceivedPdu& out);
// Builds the frame for `pdu` to AllISs from `source`.
std::vector<std::uint8_t> build_isis_frame(std::span<const std::uint8_t> pdu, const std::array<std::uint8_t, 6>& source);

class PacketSocket {
 public:
  // Opens the socket on `interface` (which must exist) and joins AllISs.
  static Expected<PacketSocket> open(const std::string& interface);
  PacketSocket(PacketSocket&& other) noexcept;
  PacketSocket& operator=(PacketSocket&& other) noexcept;
  ~PacketSocket();

  int fd() const { return fd_; }
  const std::array<std::uint8_t, 6>& mac() const { return mac_; }
  // Whether the interface is up and running (carrier), read now.
  bool link_up() const;
  // The next IS-IS frame, if one is waiting (non-blocking). Frames that are not IS-IS PDUs for
  // us are skipped and counted in `dropped`.
  std::optional<ReceivedPdu> receive();
  // Sends from the interface's MAC as it is now (read again before each PDU).
  Status send(std::span<const std::uint8_t> pdu);
  std::uint64_t dropped() const { return dropped_; }

 private:
  PacketSocket() = default;
  bool refresh_mac();
  int fd_ = -1;
  int ifindex_ = 0;
  std::string interface_;
  std::array<std::uint8_t, 6> mac_{};
  std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(9216);
  std::uint64_t dropped_ = 0;
};

}  // namespace dmsc::control
