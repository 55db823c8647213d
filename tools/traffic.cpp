#include "tools/traffic.hpp"

#include <fstream>
#include <unordered_set>

#include "tools/name_generator.hpp"
#include "tools/pcap_file.hpp"

namespace dmsc::tools {

std::vector<fib::Name> generate_prefixes(std::size_t count, std::uint64_t seed) {
  NameGenerator generator(seed);
  std::vector<fib::Name> prefixes;
  std::unordered_set<std::string> seen;
  prefixes.reserve(count);
  while (prefixes.size() < count) {
    fib::Name prefix = generator.prefix(2, 8);
    if (!seen.emplace(reinterpret_cast<const char*>(prefix.wire().data()), prefix.wire().size()).second) continue;
    prefixes.push_back(std::move(prefix));
  }
  return prefixes;
}

Status write_routes_file(const std::string& path, const std::vector<fib::Name>& prefixes,
                         const std::vector<std::uint32_t>& faces) {
  std::ofstream out(path);
  if (!out) return Error{"cannot write " + path};
  for (std::size_t i = 0; i < prefixes.size(); ++i) out << prefixes[i].to_string() << ' ' << faces[i % faces.size()] << '\n';
  out.close();
  if (!out) return Error{"error writing " + path};
  return ok_status();
}

Expected<std::vector<fib::Name>> read_route_prefixes(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read " + path};
  std::vector<fib::Name> prefixes;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    const std::size_t end = line.find_first_of(" \t", start);
    auto name = fib::Name::parse(line.substr(start, end - start));
    if (!name) return Error{path + ":" + std::to_string(line_number) + ": " + name.error()};
    prefixes.push_back(std::move(*name));
  }
  return prefixes;
}

Expected<TrafficSummary> write_traffic_pcap(const std::string& path, const std::vector<fib::Name>& prefixes,
                                            const TrafficSpec& spec) {
  if (prefixes.empty()) return Error{"no prefixes to draw destinations from"};
  auto writer = PcapWriter::open(path);
  if (!writer) return Error{writer.error()};
  NameGenerator generator(spec.seed);
  TrafficSummary summary;
  std::vector<std::uint8_t> payload(spec.payload_bytes);
  const fib::Name source = *fib::Name::parse("/bench/client");
  double frame_bytes = 0, name_bytes = 0;
  for (std::size_t i = 0; i < spec.packets; ++i) {
    wire::PacketFields fields;
    const bool miss = static_cast<double>(generator.random()() % 10000) < spec.miss_percent * 100;
    fields.destination = miss ? generator.miss()
                              : generator.extend(prefixes[generator.random()() % prefixes.size()], spec.max_extra_components);
    fields.source = source;
    fields.hop_limit = spec.hop_limit;
    fields.flow_key = static_cast<std::uint32_t>(generator.random()());
    for (std::size_t j = 0; j < payload.size(); ++j) payload[j] = static_cast<std::uint8_t>(i + j);
    fields.payload = payload;
    auto packet = wire::encode_packet(fields);
    if (!packet) return Error{packet.error()};
    // The UDP encapsulations differ only in their address family.
    auto udp_frame = [&](auto endpoints, const auto& source, const auto& destination, auto build) {
      endpoints.destination_mac = spec.destination_mac;
      endpoints.source_mac = spec.source_mac;
      endpoints.source = source;
      endpoints.destination = destination;
      endpoints.source_port = static_cast<std::uint16_t>(0xc000 | (fields.flow_key & 0x3fff));
      endpoints.destination_port = spec.udp_port;
      return build(endpoints, *packet);
    };
    Expected<std::vector<std::uint8_t>> frame = std::vector<std::uint8_t>{};
    switch (spec.encap) {
      case TrafficEncap::kEthernet:
        frame = wire::build_ethernet_frame(spec.destination_mac, spec.source_mac, spec.ethertype, *packet);
        break;
      case TrafficEncap::kUdp4:
        frame = udp_frame(wire::Udp4Endpoints{}, spec.source4, spec.destination4, wire::build_udp4_frame);
        break;
      case TrafficEncap::kUdp6:
        frame = udp_frame(wire::Udp6Endpoints{}, spec.source6, spec.destination6, wire::build_udp6_frame);
        break;
    }
    if (!frame) return Error{frame.error()};
    if (frame->size() < 60) frame->resize(60, 0);  // Ethernet minimum (without FCS): link padding
    writer->write(*frame);
    frame_bytes += static_cast<double>(frame->size());
    name_bytes += static_cast<double>(fields.destination.wire_length());
  }
  if (!writer->close()) return Error{"error writing " + path};
  summary.packets = spec.packets;
  if (spec.packets != 0) {
    summary.mean_frame_bytes = frame_bytes / static_cast<double>(spec.packets);
    summary.mean_name_bytes = name_bytes / static_cast<double>(spec.packets);
  }
  return summary;
}

}  // namespace dmsc::tools
