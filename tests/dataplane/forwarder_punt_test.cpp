// The punt/inject path: frames that are not DMSC data (IS-IS over LLC, ARP) received on a port
// come out of the port's TAP unchanged, frames written to the TAP leave by the port, and a face
// configured with `learn` takes its neighbour's MAC from the IS-IS hellos punted from its port.
//
// The test moves itself into a network namespace of its own (root), so the forwarder's
// interfaces exist only there and vanish with it. The port itself is a net_tap too
// (dmsc-wire0): the test plays the neighbour on its kernel side.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "dataplane/wire.hpp"
#include "dataplane/wire_frame.hpp"
#include "tests/dataplane/forwarder_harness.hpp"

namespace dmsc::dataplane::test {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A raw socket on one interface of the test's namespace.
class RawSocket {
 public:
  explicit RawSocket(const char* interface) {
    fd_ = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    index_ = static_cast<int>(if_nametoindex(interface));
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = index_;
    if (fd_ >= 0 && index_ > 0) bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawSocket() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return bound_; }
  bool send(const Bytes& frame) {
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_ifindex = index_;
    address.sll_halen = 6;
    std::copy(frame.begin(), frame.begin() + 6, address.sll_addr);
    return sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&address), sizeof address) ==
           static_cast<ssize_t>(frame.size());
  }
  // Waits up to `seconds` for a received (not outgoing) frame equal to `wanted`.
  bool receive(const Bytes& wanted, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::uint8_t buffer[2048];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1, 100) <= 0) continue;
      sockaddr_ll from{};
      socklen_t from_length = sizeof from;
      const ssize_t length = recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_length);
      if (length <= 0 || from.sll_pkttype == PACKET_OUTGOING) continue;
      if (Bytes(buffer, buffer + length) == wanted) return true;
    }
    return false;
  }

 private:
  int fd_ = -1;
  int index_ = 0;
  bool bound_ = false;
};

bool wait_for_interface(const char* name, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (if_nametoindex(name) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void set_up(const char* name) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ifreq request{};
  std::snprintf(request.ifr_name, IFNAMSIZ, "%s", name);
  ioctl(fd, SIOCGIFFLAGS, &request);
  request.ifr_flags |= IFF_UP;
  ioctl(fd, SIOCSIFFLAGS, &request);
  close(fd);
}

// An IS-IS PDU as FRR sends it: 802.3 length, LLC FE FE 03, to AllL1ISs; `marker` tells
// frames of this test apart from anything else on the link.
Bytes isis_frame(const std::uint8_t source_last, std::uint8_t marker) {
  const std::uint8_t header[] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x14, 0x02, 0, 0, 0, 0x66, source_last, 0x00,
                                 0x2e, 0xfe, 0xfe, 0x03, 0x83, 0x1b, 0x01, 0x00, 0x0f, 0x01, 0x00, 0x00};
  // Filled first, header copied over: (GCC 12 warns, wrongly, on resize() after a list.)
  Bytes frame(64, marker);
  std::copy(std::begin(header), std::end(header), frame.begin());
  return frame;
}

TEST(ForwarderPunt, NonDmscFramesReachTheTapAndTapFramesLeaveThePort) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (a network namespace, TAP interfaces)";
  ASSERT_EQ(unshare(CLONE_NEWNET), 0) << "unshare(CLONE_NEWNET): " << std::strerror(errno);
  // Keep the kernel's own IPv6 chatter (router solicitations, MLD) off the new links.
  write_text("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1\n");

  ScratchDirectory scratch("fwd-punt");
  const std::string config_path = scratch.file("sr.conf");
  // Face 7 learns its neighbour's MAC from the IS-IS hellos received on p0.
  write_text(config_path, "stats " + file_prefix() +
                              "\nport p0 net_tap0,iface=dmsc-wire0 mac 02:00:00:00:00:10 tap dmsc-punt0\n"
                              "face 7 ethernet p0 learn\nroute /svc/learned 7\n");
  const pid_t forwarder = start_forwarder(scratch, {}, config_path, {"--duration", "60"});
  ASSERT_TRUE(wait_for_interface("dmsc-wire0", 20)) << read_text(scratch.file("forwarder.log"));
  ASSERT_TRUE(wait_for_interface("dmsc-punt0", 20)) << read_text(scratch.file("forwarder.log"));
  set_up("dmsc-wire0");
  set_up("dmsc-punt0");
  RawSocket wire("dmsc-wire0"), punt("dmsc-punt0");
  ASSERT_TRUE(wire.ok() && punt.ok());

  // Received on the port -> out of the TAP, unchanged. The forwarder may still be starting:
  // send until it shows up.
  const Bytes from_neighbour = isis_frame(0x01, 0xa1);
  bool punted = false;
  for (int attempt = 0; attempt < 50 && !punted; ++attempt) {
    ASSERT_TRUE(wire.send(from_neighbour));
    punted = punt.receive(from_neighbour, 0.2);
  }
  EXPECT_TRUE(punted) << "an IS-IS frame received on the port never came out of its TAP";
  Bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0x66, 0x01, 0x08, 0x06};
  arp.resize(60, 0xa2);
  ASSERT_TRUE(wire.send(arp));
  EXPECT_TRUE(punt.receive(arp, 5)) << "an ARP frame received on the port never came out of its TAP";

  // Written to the TAP (by FRR, the kernel, ...) -> out of the port, unchanged.
  const Bytes from_host = isis_frame(0x10, 0xb1);
  ASSERT_TRUE(punt.send(from_host));
  EXPECT_TRUE(wire.receive(from_host, 5)) << "a frame written to the TAP never left by the port";

  // A DMSC packet routed to face 7 before any hello: dropped (no usable next hop). Then a P2P
  // hello from the neighbour to AllISs teaches face 7 its MAC, and the same packet leaves the
  // port addressed to it.
  wire::PacketFields fields;
  fields.destination = *fib::Name::parse("/svc/learned/x");
  fields.source = *fib::Name::parse("/sg/test");
  fields.hop_limit = 9;
  const Bytes packet = *wire::encode_packet(fields);
  const wire::MacAddress port_mac = {0x02, 0, 0, 0, 0, 0x10}, neighbour = {0x02, 0, 0, 0, 0x66, 0x07};
  const Bytes to_router = wire::build_ethernet_frame(port_mac, neighbour, wire::kDefaultEthertype, packet);
  fields.hop_limit = 8;
  const Bytes forwarded = wire::build_ethernet_frame(neighbour, port_mac, wire::kDefaultEthertype, *wire::encode_packet(fields));
  ASSERT_TRUE(wire.send(to_router));
  EXPECT_FALSE(wire.receive(forwarded, 0.5)) << "face 7 forwarded before it knew its neighbour";
  Bytes hello = {0x09, 0x00, 0x2b, 0x00, 0x00, 0x05, 0x02, 0, 0, 0, 0x66, 0x07, 0x00, 0x27, 0xfe, 0xfe, 0x03,
                 0x83, 0x14, 0x01, 0x00, 0x11, 0x01, 0x00, 0x00};
  hello.resize(60, 0);
  ASSERT_TRUE(wire.send(hello));
  EXPECT_TRUE(punt.receive(hello, 5)) << "the hello was not punted";
  bool learned = false;
  for (int attempt = 0; attempt < 20 && !learned; ++attempt) {
    ASSERT_TRUE(wire.send(to_router));
    learned = wire.receive(forwarded, 0.25);
  }
  EXPECT_TRUE(learned) << "face 7 never forwarded to the neighbour its hello announced";

  const ForwarderRun run = wait_forwarder(scratch, forwarder, true);
  ASSERT_EQ(run.exit_status, 0) << run.log;
  EXPECT_GE(json_number(run.report, "punted").value_or(0), 3u) << run.report;
  EXPECT_GE(json_number(run.report, "injected").value_or(0), 1u) << run.report;
  EXPECT_EQ(json_number(run.report, "punt_queue_full"), 0u) << run.report;
  EXPECT_EQ(json_number(run.report, "no_punt_path"), 0u) << run.report;
  EXPECT_GE(json_number(run.report, "no_usable_next_hop").value_or(0), 1u) << run.report;
  EXPECT_NE(run.log.find("face 7 learned its neighbour 02:00:00:00:66:07"), std::string::npos) << run.log;
}

}  // namespace
}  // namespace dmsc::dataplane::test
