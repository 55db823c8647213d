#pragma once
// Benchmark traffic: a routes file of N generated service-name prefixes spread over faces, and a
// pcap of DMSC packets whose destinations are drawn from a routes file (extended by 0..3
// components, optionally some misses). Used by `dmsc-trafficgen` and `tools/bench forward`.

#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/wire.hpp"
#include "fib/expected.hpp"
#include "fib/name.hpp"

namespace dmsc::tools {

// N distinct prefixes of 2-8 components (NameGenerator), deterministic for a seed.
std::vector<fib::Name> generate_prefixes(std::size_t count, std::uint64_t seed);

// "<prefix> <face>" per line, faces dealt round-robin.
Status write_routes_file(const std::string& path, const std::vector<fib::Name>& prefixes,
                         const std::vector<std::uint32_t>& faces);
// The prefixes of a routes file (first word of each line).
Expected<std::vector<fib::Name>> read_route_prefixes(const std::string& path);

enum class TrafficEncap : std::uint8_t { kEthernet, kUdp4, kUdp6 };

struct TrafficSpec {
  std::size_t packets = 4096;     // distinct packets in the pcap
  std::uint64_t seed = 7;
  std::size_t max_extra_components = 3;
  double miss_percent = 0;
  std::size_t payload_bytes = 16;
  std::uint8_t hop_limit = 64;
  TrafficEncap encap = TrafficEncap::kEthernet;
  wire::MacAddress destination_mac{};  // the forwarder port's
  wire::MacAddress source_mac = {0x02, 0, 0, 0, 0x77, 0x01};
  wire::Ipv4Address source4 = {10, 0, 0, 2}, destination4 = {10, 0, 0, 1};
  wire::Ipv6Address source6{}, destination6{};
  std::uint16_t udp_port = wire::kDefaultUdpPort;
  std::uint16_t ethertype = wire::kDefaultEthertype;
};

struct TrafficSummary {
  std::size_t packets = 0;
  double mean_frame_bytes = 0;
  double mean_name_bytes = 0;
};

Expected<TrafficSummary> write_traffic_pcap(const std::string& path, const std::vector<fib::Name>& prefixes,
                                            const TrafficSpec& spec);

}  // namespace dmsc::tools
