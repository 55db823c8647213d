#include "dataplane/config_format.hpp"

#include <arpa/inet.h>

#include <cstdio>

namespace dmsc::dataplane {
namespace {

std::string ipv4_text(const wire::Ipv4Address& address) {
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, address.data(), text, sizeof text);
  return text;
}

std::string ipv6_text(const wire::Ipv6Address& address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, address.data(), text, sizeof text);
  return text;
}

std::string remote_text(const FaceConfig& face) {
  return face.kind == FaceKind::kUdp4 ? ipv4_text(face.remote4) : ipv6_text(face.remote6);
}

const char* on_off(bool on) { return on ? "on" : "off"; }
const char* boolean(bool value) { return value ? "true" : "false"; }

}  // namespace

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto octet = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (octet < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", octet);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string format_port_line(const PortConfig& port) {
  std::string line = "port " + port.name + " " + port.device + " rx-queues " + std::to_string(port.rx_queues);
  if (port.mac) line += " mac " + format_mac(*port.mac);
  if (port.ipv4) line += " ipv4 " + ipv4_text(*port.ipv4);
  if (port.ipv6) line += " ipv6 " + ipv6_text(*port.ipv6);
  if (!port.tap.empty()) line += " tap " + port.tap;
  return line;
}

std::string format_face_line(const FaceConfig& face) {
  std::string line = "face " + std::to_string(face.id) + " " + face_kind_name(face.kind) + " " + face.port + " ";
  line += face.learn_neighbour ? std::string("learn") : format_mac(face.neighbour);
  if (face.kind != FaceKind::kEthernet) {
    line += " " + remote_text(face) + " port " + std::to_string(face.remote_port);
    if (face.kind == FaceKind::kUdp4) line += std::string(" checksum ") + on_off(face.udp4_checksum);
  }
  if (face.vlan) line += " vlan " + std::to_string(*face.vlan);
  return line;
}

std::string format_next_hops(const fib::NextHopSet& set) {
  std::string text;
  for (std::size_t i = 0; i < set.count; ++i) {
    if (i != 0) text += ' ';
    text += std::to_string(set.hops[i].face) + ":" + std::to_string(set.hops[i].weight);
  }
  return text;
}

std::string format_route_line(const StaticRoute& route) {
  return "route " + route.prefix.to_string() + " " + format_next_hops(route.next_hops);
}

std::string format_config_lines(const ForwarderConfig& config) {
  char ethertype[8];
  std::snprintf(ethertype, sizeof ethertype, "0x%04x", config.encap.ethertype);
  std::string text = "stats " + config.stats + "\n";
  text += "control-socket " + config.control_socket + "\n";
  if (!config.channel.empty()) text += "channel " + config.channel + "\n";
  text += "fib-capacity " + std::to_string(config.fib_capacity) + "\n";
  if (config.mbufs != 0) text += "mbufs " + std::to_string(config.mbufs) + "\n";
  text += std::string("simd ") + (config.allow_avx512 ? "auto" : "off") + "\n";
  text += "poll-sleep " + std::to_string(config.poll_sleep_us) + "\n";
  text += "affinity-flows " + std::to_string(config.affinity_flows) + "\n";
  text += "affinity-idle " + std::to_string(config.affinity_idle_seconds) + "\n";
  text += std::string("ethertype ") + ethertype + "\n";
  text += "udp-port " + std::to_string(config.encap.udp_port) + "\n";
  text += std::string("verify-udp-checksum ") + on_off(config.encap.verify_udp_checksum) + "\n";
  for (const PortConfig& port : config.ports) text += format_port_line(port) + "\n";
  for (const FaceConfig& face : config.faces) text += format_face_line(face) + "\n";
  for (const StaticRoute& route : config.routes) text += format_route_line(route) + "\n";
  return text;
}

std::string format_config_yang_json(const ForwarderConfig& config) {
  std::string out = "{\"dmsc-forwarder:forwarder\": {\n";
  out += "  \"stats\": " + json_string(config.stats) + ",\n";
  out += "  \"control-socket\": " + json_string(config.control_socket) + ",\n";
  if (!config.channel.empty()) out += "  \"channel\": " + json_string(config.channel) + ",\n";
  out += "  \"fib-capacity\": " + std::to_string(config.fib_capacity) + ",\n";
  if (config.mbufs != 0) out += "  \"mbufs\": " + std::to_string(config.mbufs) + ",\n";
  out += std::string("  \"simd\": \"") + (config.allow_avx512 ? "auto" : "off") + "\",\n";
  out += "  \"poll-sleep\": " + std::to_string(config.poll_sleep_us) + ",\n";
  out += "  \"affinity\": {\"flows\": " + std::to_string(config.affinity_flows) +
         ", \"idle\": " + std::to_string(config.affinity_idle_seconds) + "},\n";
  out += "  \"encapsulation\": {\"ethertype\": " + std::to_string(config.encap.ethertype) +
         ", \"udp-port\": " + std::to_string(config.encap.udp_port) +
         ", \"verify-udp-checksum\": " + boolean(config.encap.verify_udp_checksum) + "},\n";
  out += "  \"port\": [";
  for (std::size_t i = 0; i < config.ports.size(); ++i) {
    const PortConfig& port = config.ports[i];
    out += std::string(i ? "," : "") + "\n    {\"name\": " + json_string(port.name) + ", \"device\": " +
           json_string(port.device) + ", \"rx-queues\": " + std::to_string(port.rx_queues);
    if (port.mac) out += ", \"mac\": \"" + format_mac(*port.mac) + "\"";
    if (port.ipv4) out += ", \"ipv4-address\": \"" + ipv4_text(*port.ipv4) + "\"";
    if (port.ipv6) out += ", \"ipv6-address\": \"" + ipv6_text(*port.ipv6) + "\"";
    if (!port.tap.empty()) out += ", \"tap\": " + json_string(port.tap);
    out += "}";
  }
  out += "\n  ]";
  if (!config.faces.empty()) {
    out += ",\n  \"face\": [";
    for (std::size_t i = 0; i < config.faces.size(); ++i) {
      const FaceConfig& face = config.faces[i];
      out += std::string(i ? "," : "") + "\n    {\"id\": " + std::to_string(face.id) + ", \"kind\": \"" +
             face_kind_name(face.kind) + "\", \"port\": " + json_string(face.port);
      out += face.learn_neighbour ? std::string(", \"learn-neighbour\": [null]")
                                  : ", \"neighbour-mac\": \"" + format_mac(face.neighbour) + "\"";
      if (face.kind != FaceKind::kEthernet)
        out += ", \"remote-address\": \"" + remote_text(face) + "\", \"remote-port\": " + std::to_string(face.remote_port);
      if (face.kind == FaceKind::kUdp4) out += std::string(", \"udp4-checksum\": ") + boolean(face.udp4_checksum);
      if (face.vlan) out += ", \"vlan\": " + std::to_string(*face.vlan);
      out += "}";
    }
    out += "\n  ]";
  }
  if (!config.routes.empty()) {
    out += ",\n  \"route\": [";
    for (std::size_t i = 0; i < config.routes.size(); ++i) {
      const StaticRoute& route = config.routes[i];
      out += std::string(i ? "," : "") + "\n    {\"prefix\": " + json_string(route.prefix.to_string()) + ", \"next-hop\": [";
      for (std::size_t h = 0; h < route.next_hops.count; ++h)
        out += std::string(h ? ", " : "") + "{\"face\": " + std::to_string(route.next_hops.hops[h].face) +
               ", \"weight\": " + std::to_string(route.next_hops.hops[h].weight) + "}";
      out += "]}";
    }
    out += "\n  ]";
  }
  return out + "\n}}\n";
}

}  // namespace dmsc::dataplane
