#include "control/packet_io.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace dmsc::control {

namespace {

constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kLlcHeader = 3;

std::string errno_text() { return std::strerror(errno); }

}  // namespace

FrameDrop parse_isis_frame(std::span<const std::uint8_t> frame, const std::array<std::uint8_t, 6>& own,
                           ReceivedPdu& out) {
  if (frame.size() < kEthernetHeader + kLlcHeader) return FrameDrop::kShort;
  const bool to_all_iss = std::equal(kAllIss.begin(), kAllIss.end(), frame.begin());
  const bool to_us = std::equal(own.begin(), own.end(), frame.begin());
  if (!to_all_iss && !to_us) return FrameDrop::kNotForUs;
  const std::size_t length = std::size_t{frame[12]} << 8 | frame[13];
  if (length > 1500) return FrameDrop::kNotLlc;  // an EtherType, not an 802.3 length
  if (frame[14] != 0xfe || frame[15] != 0xfe || frame[16] != 0x03) return FrameDrop::kNotLlc;
  if (length < kLlcHeader || length > frame.size() - kEthernetHeader) return FrameDrop::kBadLength;
  std::copy_n(frame.begin() + 6, 6, out.source.begin());
  out.pdu = frame.subspan(kEthernetHeader + kLlcHeader, length - kLlcHeader);
  return FrameDrop::kNone;
}

std::vector<std::uint8_t> build_isis_frame(std::span<const std::uint8_t> pdu, const std::array<std::uint8_t, 6>& source) {
  // Sized once and written in place (GCC 12 warns, wrongly, about the same through inserts).
  const std::size_t length = kLlcHeader + pdu.size();
  std::vector<std::uint8_t> frame(kEthernetHeader + length);
  std::copy(kAllIss.begin(), kAllIss.end(), frame.begin());
  std::copy(source.begin(), source.end(), frame.begin() + 6);
  frame[12] = static_cast<std::uint8_t>(length >> 8);
  frame[13] = static_cast<std::uint8_t>(length);
  frame[14] = 0xfe;
  frame[15] = 0xfe;
  frame[16] = 0x03;
  std::copy(pdu.begin(), pdu.end(), frame.begin() + kEthernetHeader + kLlcHeader);
  return frame;
}

Expected<PacketSocket> PacketSocket::open(const std::string& interface) {
  PacketSocket s;
  s.interface_ = interface;
  s.ifindex_ = static_cast<int>(if_nametoindex(interface.c_str()));
  if (s.ifindex_ == 0) return Error{"interface " + interface + ": " + errno_text()};
  // ETH_P_802_2: the kernel's protocol for 802.3 frames with an LLC header.
  s.fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_802_2));
  if (s.fd_ < 0) return Error{"packet socket on " + interface + ": " + errno_text() + " (needs CAP_NET_RAW)"};
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_802_2);
  address.sll_ifindex = s.ifindex_;
  if (bind(s.fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return Error{"binding to " + interface + ": " + errno_text()};
  packet_mreq membership{};
  membership.mr_ifindex = s.ifindex_;
  membership.mr_type = PACKET_MR_MULTICAST;
  membership.mr_alen = 6;
  std::copy(kAllIss.begin(), kAllIss.end(), membership.mr_address);
  if (setsockopt(s.fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &membership, sizeof membership) != 0)
    return Error{"joining AllISs on " + interface + ": " + errno_text()};
  if (!s.refresh_mac()) return Error{"MAC address of " + interface + ": " + errno_text()};
  return s;
}

// The interface's MAC may change after the circuit opened: a forwarder creates its punt TAP with
// a random MAC and sets the port's a moment later, and a daemon that opened the circuit in
// between must not keep sending from the random one (the neighbour's forwarder learns it).
bool PacketSocket::refresh_mac() {
  ifreq request{};
  std::strncpy(request.ifr_name, interface_.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd_, SIOCGIFHWADDR, &request) != 0) return false;
  std::copy_n(reinterpret_cast<const std::uint8_t*>(request.ifr_hwaddr.sa_data), 6, mac_.begin());
  return true;
}

PacketSocket::PacketSocket(PacketSocket&& other) noexcept { *this = std::move(other); }

PacketSocket& PacketSocket::operator=(PacketSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    ifindex_ = other.ifindex_;
    interface_ = std::move(other.interface_);
    mac_ = other.mac_;
    buffer_ = std::move(other.buffer_);
    dropped_ = other.dropped_;
    other.fd_ = -1;
  }
  return *this;
}

PacketSocket::~PacketSocket() {
  if (fd_ >= 0) close(fd_);
}

bool PacketSocket::link_up() const {
  ifreq request{};
  std::strncpy(request.ifr_name, interface_.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd_, SIOCGIFFLAGS, &request) != 0) return false;
  return (request.ifr_flags & IFF_UP) && (request.ifr_flags & IFF_RUNNING);
}

std::optional<ReceivedPdu> PacketSocket::receive() {
  for (;;) {
    sockaddr_ll from{};
    socklen_t from_length = sizeof from;
    const ssize_t n = recvfrom(fd_, buffer_.data(), buffer_.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n < 0) return std::nullopt;  // EAGAIN: nothing waiting (other errors: the link went away)
    if (from.sll_pkttype == PACKET_OUTGOING) continue;  // our own transmissions
    ReceivedPdu pdu;
    if (parse_isis_frame({buffer_.data(), static_cast<std::size_t>(n)}, mac_, pdu) != FrameDrop::kNone) {
      ++dropped_;
      continue;
    }
    return pdu;
  }
}

Status PacketSocket::send(std::span<const std::uint8_t> pdu) {
  refresh_mac();  // one ioctl per PDU sent: hellos, LSPs and SNPs, tens per second at most
  const auto frame = build_isis_frame(pdu, mac_);
  if (::send(fd_, frame.data(), frame.size(), 0) < 0) return Error{"sending on " + interface_ + ": " + errno_text()};
  return ok_status();
}

}  // namespace dmsc::control
