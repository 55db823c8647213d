// dmsc-trafficgen: benchmark and test traffic.
//   dmsc-trafficgen routes --prefixes N --faces 1,2,3,4 --out routes.txt [--seed S]
//   dmsc-trafficgen pcap --routes routes.txt --out traffic.pcap --dst-mac 02:00:00:00:00:10
//                   [--packets P] [--encap ethernet|udp4|udp6] [--dst-ip A] [--src-ip A]
//                   [--extra 0-3] [--miss-percent M] [--payload B] [--hop-limit H] [--seed S]
// Destinations are drawn from the routes file's prefixes, extended by 0..extra components.

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "dataplane/forwarder_config.hpp"
#include "tools/traffic.hpp"

using namespace dmsc;

namespace {

int usage(const std::string& why) {
  std::fprintf(stderr,
               "dmsc-trafficgen: %s\n"
               "usage: dmsc-trafficgen routes --prefixes N --out FILE [--faces 1,2,...] [--seed S]\n"
               "       dmsc-trafficgen pcap --routes FILE --out FILE --dst-mac MAC [--packets P]\n"
               "                       [--encap ethernet|udp4|udp6] [--dst-ip A] [--src-ip A] [--extra N]\n"
               "                       [--miss-percent M] [--payload B] [--hop-limit H] [--seed S]\n",
               why.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("a command is required");
  const std::string command = argv[1];
  std::map<std::string, std::string> options;
  for (int i = 2; i < argc; i += 2) {
    if (i + 1 >= argc || std::string(argv[i]).rfind("--", 0) != 0) return usage(std::string("bad option ") + argv[i]);
    options[argv[i]] = argv[i + 1];
  }
  auto take = [&](const char* name, const std::string& fallback) {
    const auto found = options.find(name);
    if (found == options.end()) return fallback;
    std::string value = found->second;
    options.erase(found);
    return value;
  };
  const std::string out = take("--out", "");
  const auto seed = std::strtoull(take("--seed", "1").c_str(), nullptr, 10);
  if (out.empty()) return usage("--out is required");

  if (command == "routes") {
    const auto count = std::strtoull(take("--prefixes", "0").c_str(), nullptr, 10);
    std::vector<std::uint32_t> faces;
    std::string list = take("--faces", "1");
    for (std::size_t start = 0; start <= list.size();) {
      const std::size_t comma = std::min(list.find(',', start), list.size());
      faces.push_back(static_cast<std::uint32_t>(std::strtoul(list.substr(start, comma - start).c_str(), nullptr, 10)));
      start = comma + 1;
    }
    if (!options.empty()) return usage("unknown option " + options.begin()->first);
    if (count == 0) return usage("--prefixes must be positive");
    if (auto written = tools::write_routes_file(out, tools::generate_prefixes(count, seed), faces); !written) {
      std::fprintf(stderr, "dmsc-trafficgen: %s\n", written.error().c_str());
      return 1;
    }
    return 0;
  }
  if (command != "pcap") return usage("unknown command " + command);

  tools::TrafficSpec spec;
  spec.seed = seed;
  const std::string routes = take("--routes", "");
  const std::string encap = take("--encap", "ethernet");
  const auto mac = dataplane::parse_mac(take("--dst-mac", ""));
  if (routes.empty()) return usage("--routes is required");
  if (!mac) return usage("--dst-mac MAC is required (the forwarder port's address)");
  spec.destination_mac = *mac;
  spec.packets = std::strtoull(take("--packets", "4096").c_str(), nullptr, 10);
  spec.max_extra_components = std::strtoull(take("--extra", "3").c_str(), nullptr, 10);
  spec.miss_percent = std::atof(take("--miss-percent", "0").c_str());
  spec.payload_bytes = std::strtoull(take("--payload", "16").c_str(), nullptr, 10);
  spec.hop_limit = static_cast<std::uint8_t>(std::strtoul(take("--hop-limit", "64").c_str(), nullptr, 10));
  const std::string destination_ip = take("--dst-ip", encap == "udp6" ? "fd00::1" : "10.0.0.1");
  const std::string source_ip = take("--src-ip", encap == "udp6" ? "fd00::2" : "10.0.0.2");
  if (!options.empty()) return usage("unknown option " + options.begin()->first);
  if (encap == "ethernet") {
    spec.encap = tools::TrafficEncap::kEthernet;
  } else if (encap == "udp4") {
    spec.encap = tools::TrafficEncap::kUdp4;
    const auto d = dataplane::parse_ipv4(destination_ip), s = dataplane::parse_ipv4(source_ip);
    if (!d || !s) return usage("bad IPv4 address");
    spec.destination4 = *d, spec.source4 = *s;
  } else if (encap == "udp6") {
    spec.encap = tools::TrafficEncap::kUdp6;
    const auto d = dataplane::parse_ipv6(destination_ip), s = dataplane::parse_ipv6(source_ip);
    if (!d || !s) return usage("bad IPv6 address");
    spec.destination6 = *d, spec.source6 = *s;
  } else {
    return usage("--encap must be ethernet, udp4 or udp6");
  }
  auto prefixes = tools::read_route_prefixes(routes);
  if (!prefixes) {
    std::fprintf(stderr, "dmsc-trafficgen: %s\n", prefixes.error().c_str());
    return 1;
  }
  auto summary = tools::write_traffic_pcap(out, *prefixes, spec);
  if (!summary) {
    std::fprintf(stderr, "dmsc-trafficgen: %s\n", summary.error().c_str());
    return 1;
  }
  std::fprintf(stderr, "dmsc-trafficgen: %zu packets, mean frame %.1f octets, mean name %.1f octets -> %s\n",
               summary->packets, summary->mean_frame_bytes, summary->mean_name_bytes, out.c_str());
  return 0;
}
