// libFuzzer target for the forwarder's configuration parser: any text either parses into a
// consistent configuration or fails with an error naming the file (and line); never a crash.
// Inputs naming a routes file are skipped: the parser would read the file system.
// tests/dataplane/config_fuzz_replay.cpp runs the same checks in every build.

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "dataplane/forwarder_config.hpp"

namespace {

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "config_fuzz: check failed: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("routes") != std::string_view::npos) return 0;
  auto config = dmsc::dataplane::parse_forwarder_config(text, "fuzz.conf", "/nonexistent");
  if (!config) {
    require(config.error().rfind("fuzz.conf:", 0) == 0, "an error that does not name the file");
    return 0;
  }
  require(!config->ports.empty() && config->ports.size() <= dmsc::dataplane::kMaxPorts, "port count");
  std::set<std::string> ports;
  for (const auto& port : config->ports) {
    require(ports.insert(port.name).second, "a port name twice");
    require(port.rx_queues >= 1 && port.rx_queues <= dmsc::dataplane::kMaxRxQueuesPerPort, "rx queues");
    require(port.tap.size() < 16, "tap name length");
  }
  std::set<dmsc::fib::FaceId> faces;
  for (const auto& face : config->faces) {
    require(face.id >= 1 && face.id < dmsc::dataplane::kMaxFaces, "face id range");
    require(faces.insert(face.id).second, "a face id twice");
    require(ports.count(face.port) == 1, "a face on an unknown port");
    const auto* port = config->find_port(face.port);
    if (face.kind == dmsc::dataplane::FaceKind::kUdp4) require(port->ipv4.has_value(), "udp4 face without an address");
    if (face.kind == dmsc::dataplane::FaceKind::kUdp6) require(port->ipv6.has_value(), "udp6 face without an address");
  }
  for (const auto& route : config->routes) {
    require(dmsc::fib::validate(route.next_hops).ok(), "an invalid next-hop set");
    for (std::size_t i = 0; i < route.next_hops.count; ++i)
      require(faces.count(route.next_hops.hops[i].face) == 1, "a route to an unknown face");
  }
  require(dmsc::wire::check_encap_config(config->encap).ok(), "a bad encapsulation accepted");
  return 0;
}
