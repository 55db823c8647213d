#pragma once
// The forwarder's configuration: ports, faces, static routes, the FIB channel. Parsed from a
// small line-oriented file (dataplane/README.md, "Configuration"); no DPDK here, so it is
// unit-tested and fuzzable on its own. Errors name the file, the line and what is wrong.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/wire.hpp"
#include "fib/expected.hpp"
#include "fib/name.hpp"
#include "fib/next_hop.hpp"

namespace dmsc::dataplane {

inline constexpr std::size_t kMaxPorts = 16;
inline constexpr std::size_t kMaxFaces = 4096;  // face ids are 1..kMaxFaces-1
inline constexpr std::size_t kMaxRxQueuesPerPort = 16;

struct PortConfig {
  std::string name;     // how faces refer to it
  std::string device;   // PCI address or vdev string ("net_pcap0,rx_pcap=in.pcap")
  std::uint16_t rx_queues = 1;
  std::optional<wire::MacAddress> mac;          // override the device's address
  std::optional<wire::Ipv4Address> ipv4;        // this box's address on the port (UDP faces)
  std::optional<wire::Ipv6Address> ipv6;
  std::string tap;      // punt interface name; empty: none (non-DMSC frames are dropped, counted)
};

enum class FaceKind : std::uint8_t { kEthernet, kUdp4, kUdp6 };
const char* face_kind_name(FaceKind kind);

struct FaceConfig {
  fib::FaceId id = 0;
  FaceKind kind = FaceKind::kEthernet;
  std::string port;               // PortConfig::name
  wire::MacAddress neighbour{};   // the next hop's MAC (or the IP gateway's, for UDP)
  // Ethernet faces: take the neighbour's MAC from the IS-IS hellos received on the port (a
  // point-to-point link has one neighbour); the face is unusable until the first hello.
  bool learn_neighbour = false;
  std::optional<std::uint16_t> vlan;
  wire::Ipv4Address remote4{};    // kUdp4
  wire::Ipv6Address remote6{};    // kUdp6
  std::uint16_t remote_port = wire::kDefaultUdpPort;
  bool udp4_checksum = true;      // IPv4 may send zero ("no checksum"); IPv6 always computes
};

struct StaticRoute {
  fib::Name prefix;
  fib::NextHopSet next_hops;
};

struct ForwarderConfig {
  wire::EncapConfig encap;
  std::size_t fib_capacity = 1 << 20;
  // Use CPU-specific forwarding code (AVX-512 VBMI name checks) when the CPU has it; false
  // forces the portable code (for comparisons, or a CPU that misreports its features).
  bool allow_avx512 = true;
  // Flow affinity (docs/wire-format.md §5.2, dataplane/affinity.hpp): A flows remembered per
  // forwarding lcore (0: none; A packets then take the plain weighted pick), and for how long
  // an unused one is kept.
  std::size_t affinity_flows = 65536;
  std::uint32_t affinity_idle_seconds = 60;
  // A forwarding lcore that found no packet in 64 loops in a row sleeps this long before it
  // polls again (0: never sleeps, the default). For boxes that share CPUs (labs, VMs): like
  // VPP's poll-sleep-usec it trades idle CPU for the first packet's latency after a pause.
  std::uint32_t poll_sleep_us = 0;
  // mbufs in the pool; 0: enough for every ring. A pcap replayed with infinite_rx=1 keeps all
  // its packets in the pool too: add them.
  std::size_t mbufs = 0;
  std::vector<PortConfig> ports;
  std::vector<FaceConfig> faces;
  std::vector<StaticRoute> routes;  // `route` lines and the routes files, in order
  std::string channel;              // shm segment of the FIB update channel; empty: none
  std::string stats;                // shm segment name of the stats; empty: "dmsc-forwarder"
  // The control socket (dataplane/README.md, "Control socket"); empty when parsed: /run/<stats>.sock,
  // so /run/dmsc-forwarder.sock by default and one per forwarder when several share a host.
  std::string control_socket;

  const PortConfig* find_port(std::string_view name) const;
  const FaceConfig* find_face(fib::FaceId id) const;
};

// Parses the text of a configuration file. `origin` names it in errors; routes files named
// in it are read relative to `base_directory` unless absolute.
Expected<ForwarderConfig> parse_forwarder_config(std::string_view text, std::string_view origin,
                                                 const std::string& base_directory);
Expected<ForwarderConfig> load_forwarder_config(const std::string& path);

// A routes file: one `<prefix> <face>[:<weight>] ...` per line, `#` comments. Appends to
// `routes`; faces must exist in `config`.
Status parse_routes(std::string_view text, std::string_view origin, const ForwarderConfig& config,
                    std::vector<StaticRoute>& routes);

// One route from its words, "<prefix> <face>[:<weight>] ...", as a `route` line has them after
// the keyword (the control socket's `route add` uses it too); faces must exist in `config`.
Expected<StaticRoute> parse_static_route(const std::vector<std::string_view>& words, const ForwarderConfig& config);

// The control socket that goes with a stats segment name: /run/<name>.sock.
std::string default_control_socket(std::string_view stats);

// "02:00:00:00:00:01", "10.0.0.1", "fd00::1".
std::optional<wire::MacAddress> parse_mac(std::string_view text);
std::optional<wire::Ipv4Address> parse_ipv4(std::string_view text);
std::optional<wire::Ipv6Address> parse_ipv6(std::string_view text);
std::string format_mac(const wire::MacAddress& mac);

}  // namespace dmsc::dataplane
