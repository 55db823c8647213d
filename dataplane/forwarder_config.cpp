#include "dataplane/forwarder_config.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace dmsc::dataplane {
namespace {

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= line.size() || line[i] == '#') break;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    words.push_back(line.substr(start, i - start));
  }
  return words;
}

template <typename Integer>
std::optional<Integer> parse_integer(std::string_view text, Integer min, Integer max) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  unsigned long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return {};
  if (value < static_cast<unsigned long long>(min) || value > static_cast<unsigned long long>(max))
    return {};
  return static_cast<Integer>(value);
}

// Port and interface names end up in JSON, telemetry and DPDK device strings (net_tap's
// "iface=..."): letters, digits and "_.-" only, so none of those need escaping.
bool is_plain_name(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
      return false;
  return true;
}

std::optional<bool> parse_on_off(std::string_view text) {
  if (text == "on") return true;
  if (text == "off") return false;
  return {};
}

// "where: " prefix for errors.
std::string at(std::string_view origin, std::size_t line_number) {
  return std::string(origin) + ":" + std::to_string(line_number) + ": ";
}

// Calls handle(words) for each line that has any, in order; the first error stops the walk
// and is returned prefixed with "origin:line: ".
template <typename Handle>
Status for_each_line(std::string_view text, std::string_view origin, Handle handle) {
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_number;
    const auto words = split_words(line);
    if (words.empty()) continue;
    if (Status status = handle(words); !status) return Error{at(origin, line_number) + status.error()};
  }
  return ok_status();
}

// Parses "<face>[:<weight>] ..." into a validated next-hop set.
Expected<fib::NextHopSet> parse_next_hops(const std::vector<std::string_view>& words,
                                          std::size_t first, const ForwarderConfig& config) {
  fib::NextHopSet set;
  if (first >= words.size()) return Error{"a route needs at least one next hop (<face>[:<weight>])"};
  for (std::size_t i = first; i < words.size(); ++i) {
    std::string_view face_text = words[i];
    std::uint32_t weight = 1;
    if (const std::size_t colon = face_text.find(':'); colon != std::string_view::npos) {
      const auto parsed = parse_integer<std::uint32_t>(face_text.substr(colon + 1), 1, fib::kMaxNextHopWeight);
      if (!parsed)
        return Error{"next hop '" + std::string(face_text) + "': weight must be 1-" +
                     std::to_string(fib::kMaxNextHopWeight)};
      weight = *parsed;
      face_text = face_text.substr(0, colon);
    }
    const auto face = parse_integer<fib::FaceId>(face_text, 1, kMaxFaces - 1);
    if (!face) return Error{"next hop '" + std::string(words[i]) + "': face id must be 1-" + std::to_string(kMaxFaces - 1)};
    if (!config.find_face(*face)) return Error{"next hop '" + std::string(words[i]) + "': no face " + std::to_string(*face) + " is configured"};
    if (set.count == fib::kMaxNextHops) return Error{"more than " + std::to_string(fib::kMaxNextHops) + " next hops"};
    set.hops[set.count++] = {*face, weight};
  }
  if (Status valid = fib::validate(set); !valid) return Error{valid.error()};
  set.sort();
  return set;
}

Status parse_route_words(const std::vector<std::string_view>& words, std::size_t first,
                         const ForwarderConfig& config, std::vector<StaticRoute>& routes) {
  auto prefix = fib::Name::parse(words[first]);
  if (!prefix) return Error{"prefix '" + std::string(words[first]) + "': " + prefix.error()};
  auto hops = parse_next_hops(words, first + 1, config);
  if (!hops) return Error{hops.error()};
  routes.push_back({std::move(*prefix), *hops});
  return ok_status();
}

Expected<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open '" + path + "'"};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class ConfigParser {
 public:
  ConfigParser(std::string_view origin, const std::string& base_directory)
      : origin_(origin), base_directory_(base_directory) {}

  Status line(const std::vector<std::string_view>& words) {
    const std::string_view keyword = words[0];
    if (keyword == "ethertype") return ethertype(words);
    if (keyword == "udp-port") return udp_port(words);
    if (keyword == "verify-udp-checksum") return verify_udp_checksum(words);
    if (keyword == "simd") return simd(words);
    if (keyword == "affinity-flows") return affinity_flows(words);
    if (keyword == "affinity-idle") return affinity_idle(words);
    if (keyword == "poll-sleep") return poll_sleep(words);
    if (keyword == "fib-capacity") return fib_capacity(words);
    if (keyword == "mbufs") return mbufs(words);
    if (keyword == "channel") return single_word(words, config_.channel);
    if (keyword == "stats") return single_word(words, config_.stats);
    if (keyword == "control-socket") return single_word(words, config_.control_socket);
    if (keyword == "port") return port(words);
    if (keyword == "face") return face(words);
    if (keyword == "route") {
      if (words.size() < 3) return Error{"usage: route <prefix> <face>[:<weight>] ..."};
      return parse_route_words(words, 1, config_, config_.routes);
    }
    if (keyword == "routes") return routes_file(words);
    return Error{"unknown statement '" + std::string(keyword) +
                 "' (expected ethertype, udp-port, verify-udp-checksum, simd, affinity-flows, affinity-idle, poll-sleep, fib-capacity, mbufs, "
                 "channel, stats, control-socket, port, face, route or routes)"};
  }

  Expected<ForwarderConfig> finish() {
    if (config_.ports.empty()) return Error{std::string(origin_) + ": no port is configured"};
    if (Status encap = wire::check_encap_config(config_.encap); !encap)
      return Error{std::string(origin_) + ": " + encap.error()};
    if (config_.stats.empty()) config_.stats = "dmsc-forwarder";
    if (config_.control_socket.empty()) config_.control_socket = default_control_socket(config_.stats);
    return std::move(config_);
  }

 private:
  Status single_word(const std::vector<std::string_view>& words, std::string& out) {
    if (words.size() != 2) return Error{"usage: " + std::string(words[0]) + " <name>"};
    out = std::string(words[1]);
    return ok_status();
  }

  Status ethertype(const std::vector<std::string_view>& words) {
    const auto value = words.size() == 2 ? parse_integer<std::uint16_t>(words[1], 0x600, 0xffff) : std::nullopt;
    if (!value) return Error{"usage: ethertype <0x0600-0xffff>"};
    config_.encap.ethertype = *value;
    return ok_status();
  }

  Status udp_port(const std::vector<std::string_view>& words) {
    const auto value = words.size() == 2 ? parse_integer<std::uint16_t>(words[1], 1, 0xffff) : std::nullopt;
    if (!value) return Error{"usage: udp-port <1-65535>"};
    config_.encap.udp_port = *value;
    return ok_status();
  }

  Status verify_udp_checksum(const std::vector<std::string_view>& words) {
    const auto value = words.size() == 2 ? parse_on_off(words[1]) : std::nullopt;
    if (!value) return Error{"usage: verify-udp-checksum on|off"};
    config_.encap.verify_udp_checksum = *value;
    return ok_status();
  }

  Status simd(const std::vector<std::string_view>& words) {
    if (words.size() != 2 || (words[1] != "auto" && words[1] != "off")) return Error{"usage: simd auto|off"};
    config_.allow_avx512 = words[1] == "auto";
    return ok_status();
  }

  Status affinity_flows(const std::vector<std::string_view>& words) {
    const auto value = words.size() == 2 ? parse_integer<std::size_t>(words[1], 0, std::size_t{1} << 24) : std::nullopt;
    if (!value) return Error{"usage: affinity-flows <0-16777216> (per forwarding lcore; 0: no flow affinity)"};
    config_.affinity_flows = *value;
    return ok_status();
  }

  Status affinity_idle(const std::vector<std::string_view>& words) {
    const auto value = words.size() == 2 ? parse_integer<std::uint32_t>(words[1], 1, 86400) : std::nullopt;
    if (!value) return Error{"usage: affinity-idle <1-86400> (seconds)"};
    config_.affinity_idle_seconds = *value;
    return ok_status();
  }

  Status poll_sleep(const std::vector<std::string_view>& words) {
    const auto value = words.size() == 2 ? parse_integer<std::uint32_t>(words[1], 0, 100000) : std::nullopt;
    if (!value) return Error{"usage: poll-sleep <0-100000> (microseconds an idle forwarding lcore sleeps; 0: never)"};
    config_.poll_sleep_us = *value;
    return ok_status();
  }

  Status fib_capacity(const std::vector<std::string_view>& words) {
    const auto value = words.size() == 2 ? parse_integer<std::size_t>(words[1], 1, std::size_t{1} << 26) : std::nullopt;
    if (!value) return Error{"usage: fib-capacity <1-67108864>"};
    config_.fib_capacity = *value;
    return ok_status();
  }

  Status mbufs(const std::vector<std::string_view>& words) {
    const auto value = words.size() == 2 ? parse_integer<std::size_t>(words[1], 1024, std::size_t{1} << 24) : std::nullopt;
    if (!value) return Error{"usage: mbufs <1024-16777216>"};
    config_.mbufs = *value;
    return ok_status();
  }

  Status port(const std::vector<std::string_view>& words) {
    if (words.size() < 3 || words.size() % 2 != 1)
      return Error{"usage: port <name> <device> [rx-queues N] [mac M] [ipv4 A] [ipv6 A] [tap IFNAME]"};
    if (config_.ports.size() == kMaxPorts) return Error{"more than " + std::to_string(kMaxPorts) + " ports"};
    PortConfig port;
    port.name = std::string(words[1]);
    port.device = std::string(words[2]);
    if (!is_plain_name(port.name) || port.name.size() > 31)
      return Error{"port name '" + port.name + "': use up to 31 letters, digits, '_', '.' or '-'"};
    if (config_.find_port(port.name)) return Error{"port '" + port.name + "' is configured twice"};
    for (std::size_t i = 3; i + 1 < words.size(); i += 2) {
      const std::string_view key = words[i], value = words[i + 1];
      if (key == "rx-queues") {
        const auto queues = parse_integer<std::uint16_t>(value, 1, kMaxRxQueuesPerPort);
        if (!queues) return Error{"port '" + port.name + "': rx-queues must be 1-" + std::to_string(kMaxRxQueuesPerPort)};
        port.rx_queues = *queues;
      } else if (key == "mac") {
        port.mac = parse_mac(value);
        if (!port.mac) return Error{"port '" + port.name + "': bad MAC address '" + std::string(value) + "'"};
        if (((*port.mac)[0] & 1) != 0 || *port.mac == wire::MacAddress{})
          return Error{"port '" + port.name + "': " + std::string(value) + " is not a unicast address"};
      } else if (key == "ipv4") {
        port.ipv4 = parse_ipv4(value);
        if (!port.ipv4) return Error{"port '" + port.name + "': bad IPv4 address '" + std::string(value) + "'"};
      } else if (key == "ipv6") {
        port.ipv6 = parse_ipv6(value);
        if (!port.ipv6) return Error{"port '" + port.name + "': bad IPv6 address '" + std::string(value) + "'"};
      } else if (key == "tap") {
        if (value.size() >= 16 || !is_plain_name(value))
          return Error{"port '" + port.name + "': tap interface name '" + std::string(value) +
                       "': use up to 15 letters, digits, '_', '.' or '-'"};
        port.tap = std::string(value);
      } else {
        return Error{"port '" + port.name + "': unknown option '" + std::string(key) + "'"};
      }
    }
    config_.ports.push_back(std::move(port));
    return ok_status();
  }

  Status face(const std::vector<std::string_view>& words) {
    if (words.size() < 5)
      return Error{"usage: face <id> ethernet <port> <neighbour-mac>|learn [vlan N] | face <id> udp4|udp6 <port> <gateway-mac> <remote-ip> [port N] [checksum on|off] [vlan N]"};
    FaceConfig face;
    const auto id = parse_integer<fib::FaceId>(words[1], 1, kMaxFaces - 1);
    if (!id) return Error{"face id must be 1-" + std::to_string(kMaxFaces - 1)};
    face.id = *id;
    const std::string label = "face " + std::to_string(face.id);
    if (config_.find_face(face.id)) return Error{label + " is configured twice"};
    std::size_t next = 5;
    if (words[2] == "ethernet") {
      face.kind = FaceKind::kEthernet;
    } else if (words[2] == "udp4" || words[2] == "udp6") {
      face.kind = words[2] == "udp4" ? FaceKind::kUdp4 : FaceKind::kUdp6;
      if (words.size() < 6) return Error{label + ": a UDP face needs <port> <gateway-mac> <remote-ip>"};
      next = 6;
    } else {
      return Error{label + ": kind must be ethernet, udp4 or udp6, not '" + std::string(words[2]) + "'"};
    }
    face.port = std::string(words[3]);
    const PortConfig* port = config_.find_port(face.port);
    if (!port) return Error{label + ": no port named '" + face.port + "' (declare ports before faces)"};
    if (words[4] == "learn" && face.kind == FaceKind::kEthernet) {
      face.learn_neighbour = true;
    } else {
      const auto mac = parse_mac(words[4]);
      if (!mac) return Error{label + ": bad MAC address '" + std::string(words[4]) + "'"};
      face.neighbour = *mac;
    }
    if (face.kind == FaceKind::kUdp4) {
      const auto remote = parse_ipv4(words[5]);
      if (!remote) return Error{label + ": bad IPv4 address '" + std::string(words[5]) + "'"};
      if (!port->ipv4) return Error{label + ": port '" + face.port + "' has no ipv4 address to send from"};
      face.remote4 = *remote;
    } else if (face.kind == FaceKind::kUdp6) {
      const auto remote = parse_ipv6(words[5]);
      if (!remote) return Error{label + ": bad IPv6 address '" + std::string(words[5]) + "'"};
      if (!port->ipv6) return Error{label + ": port '" + face.port + "' has no ipv6 address to send from"};
      face.remote6 = *remote;
    }
    if ((words.size() - next) % 2 != 0) return Error{label + ": option '" + std::string(words.back()) + "' has no value"};
    for (std::size_t i = next; i + 1 < words.size(); i += 2) {
      const std::string_view key = words[i], value = words[i + 1];
      if (key == "vlan") {
        face.vlan = parse_integer<std::uint16_t>(value, 1, 4094);
        if (!face.vlan) return Error{label + ": vlan must be 1-4094"};
      } else if (key == "port" && face.kind != FaceKind::kEthernet) {
        const auto udp = parse_integer<std::uint16_t>(value, 1, 0xffff);
        if (!udp) return Error{label + ": port must be 1-65535"};
        face.remote_port = *udp;
      } else if (key == "checksum" && face.kind == FaceKind::kUdp4) {
        const auto on = parse_on_off(value);
        if (!on) return Error{label + ": checksum must be on or off"};
        face.udp4_checksum = *on;
      } else {
        return Error{label + ": unknown option '" + std::string(key) + "' for a " + std::string(words[2]) + " face"};
      }
    }
    config_.faces.push_back(face);
    return ok_status();
  }

  Status routes_file(const std::vector<std::string_view>& words) {
    if (words.size() != 2) return Error{"usage: routes <file>"};
    std::string path(words[1]);
    if (!path.empty() && path[0] != '/' && !base_directory_.empty()) path = base_directory_ + "/" + path;
    auto text = read_file(path);
    if (!text) return Error{text.error()};
    return parse_routes(*text, path, config_, config_.routes);
  }

  std::string_view origin_;
  std::string base_directory_;
  ForwarderConfig config_;
};

}  // namespace

const char* face_kind_name(FaceKind kind) {
  switch (kind) {
    case FaceKind::kEthernet: return "ethernet";
    case FaceKind::kUdp4: return "udp4";
    case FaceKind::kUdp6: return "udp6";
  }
  return "unknown";
}

const PortConfig* ForwarderConfig::find_port(std::string_view name) const {
  for (const PortConfig& port : ports)
    if (port.name == name) return &port;
  return nullptr;
}

const FaceConfig* ForwarderConfig::find_face(fib::FaceId id) const {
  for (const FaceConfig& face : faces)
    if (face.id == id) return &face;
  return nullptr;
}

Expected<ForwarderConfig> parse_forwarder_config(std::string_view text, std::string_view origin,
                                                 const std::string& base_directory) {
  ConfigParser parser(origin, base_directory);
  if (Status status = for_each_line(text, origin, [&](const std::vector<std::string_view>& words) { return parser.line(words); });
      !status)
    return Error{status.error()};
  return parser.finish();
}

Expected<ForwarderConfig> load_forwarder_config(const std::string& path) {
  auto text = read_file(path);
  if (!text) return Error{text.error()};
  const std::size_t slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  return parse_forwarder_config(*text, path, directory);
}

Status parse_routes(std::string_view text, std::string_view origin, const ForwarderConfig& config,
                    std::vector<StaticRoute>& routes) {
  return for_each_line(text, origin, [&](const std::vector<std::string_view>& words) -> Status {
    if (words.size() < 2) return Error{"usage: <prefix> <face>[:<weight>] ..."};
    return parse_route_words(words, 0, config, routes);
  });
}

Expected<StaticRoute> parse_static_route(const std::vector<std::string_view>& words, const ForwarderConfig& config) {
  std::vector<StaticRoute> routes;
  if (words.size() < 2) return Error{"usage: <prefix> <face>[:<weight>] ..."};
  if (Status status = parse_route_words(words, 0, config, routes); !status) return Error{status.error()};
  return std::move(routes.front());
}

std::string default_control_socket(std::string_view stats) {
  while (!stats.empty() && stats.front() == '/') stats.remove_prefix(1);
  return "/run/" + std::string(stats.empty() ? "dmsc-forwarder" : stats) + ".sock";
}

std::optional<wire::MacAddress> parse_mac(std::string_view text) {
  wire::MacAddress mac{};
  if (text.size() != 17) return {};
  for (std::size_t i = 0; i < 6; ++i) {
    if (i > 0 && text[i * 3 - 1] != ':') return {};
    const auto octet = parse_integer<std::uint8_t>(std::string("0x") + std::string(text.substr(i * 3, 2)), 0, 255);
    if (!octet) return {};
    mac[i] = *octet;
  }
  return mac;
}

std::optional<wire::Ipv4Address> parse_ipv4(std::string_view text) {
  wire::Ipv4Address address{};
  if (inet_pton(AF_INET, std::string(text).c_str(), address.data()) != 1) return {};
  return address;
}

std::optional<wire::Ipv6Address> parse_ipv6(std::string_view text) {
  wire::Ipv6Address address{};
  if (inet_pton(AF_INET6, std::string(text).c_str(), address.data()) != 1) return {};
  return address;
}

std::string format_mac(const wire::MacAddress& mac) {
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return text;
}

}  // namespace dmsc::dataplane
