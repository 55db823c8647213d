#include "config/forwarder_yang.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "config/yang_context.hpp"

namespace dmsc::config {

namespace {

// The statements made from the tree, each with the data path of the node it came from.
struct Statements {
  std::string text;
  std::vector<std::string> paths;  // paths[i]: line i + 1
  void add(const std::string& line, const std::string& path) {
    text += line + "\n";
    paths.push_back(path);
  }
};

std::string optional(const lyd_node* node, const char* leaf, const char* keyword) {
  const std::string v = value(node, leaf);
  return v.empty() ? "" : std::string(" ") + keyword + " " + v;
}

Statements statements_of(const lyd_node* root) {
  Statements s;
  const std::string base = path_of(root);
  s.add("stats " + value(root, "stats"), base + "/stats");
  if (const std::string channel = value(root, "channel"); !channel.empty()) s.add("channel " + channel, base + "/channel");
  if (const std::string socket = value(root, "control-socket"); !socket.empty())
    s.add("control-socket " + socket, base + "/control-socket");
  s.add("fib-capacity " + value(root, "fib-capacity"), base + "/fib-capacity");
  if (const std::string mbufs = value(root, "mbufs"); !mbufs.empty()) s.add("mbufs " + mbufs, base + "/mbufs");
  s.add("simd " + value(root, "simd"), base + "/simd");
  s.add("poll-sleep " + value(root, "poll-sleep"), base + "/poll-sleep");
  if (const lyd_node* affinity = child(root, "affinity")) {
    s.add("affinity-flows " + value(affinity, "flows"), path_of(affinity) + "/flows");
    s.add("affinity-idle " + value(affinity, "idle"), path_of(affinity) + "/idle");
  }
  if (const lyd_node* encap = child(root, "encapsulation")) {
    char ethertype[16];
    std::snprintf(ethertype, sizeof ethertype, "0x%04lx", std::stoul(value(encap, "ethertype")));
    s.add(std::string("ethertype ") + ethertype, path_of(encap) + "/ethertype");
    s.add("udp-port " + value(encap, "udp-port"), path_of(encap) + "/udp-port");
    s.add(std::string("verify-udp-checksum ") + (value(encap, "verify-udp-checksum") == "true" ? "on" : "off"),
          path_of(encap) + "/verify-udp-checksum");
  }
  for (const lyd_node* port : children(root, "port")) {
    std::string line = "port " + value(port, "name") + " " + value(port, "device") + " rx-queues " + value(port, "rx-queues");
    line += optional(port, "mac", "mac") + optional(port, "ipv4-address", "ipv4") + optional(port, "ipv6-address", "ipv6") +
            optional(port, "tap", "tap");
    s.add(line, path_of(port));
  }
  for (const lyd_node* face : children(root, "face")) {
    const std::string kind = value(face, "kind");
    std::string line = "face " + value(face, "id") + " " + kind + " " + value(face, "port") + " ";
    line += child(face, "learn-neighbour") ? "learn" : value(face, "neighbour-mac");
    if (kind != "ethernet") {
      line += " " + value(face, "remote-address") + " port " + value(face, "remote-port");
      if (kind == "udp4") line += std::string(" checksum ") + (value(face, "udp4-checksum") == "false" ? "off" : "on");
    }
    line += optional(face, "vlan", "vlan");
    s.add(line, path_of(face));
  }
  for (const lyd_node* route : children(root, "route")) {
    std::string line = "route " + value(route, "prefix");
    for (const lyd_node* hop : children(route, "next-hop")) line += " " + value(hop, "face") + ":" + value(hop, "weight");
    s.add(line, path_of(route));
  }
  for (const lyd_node* file : children(root, "routes-file")) s.add(std::string("routes ") + lyd_get_value(file), path_of(file));
  return s;
}

// "<origin>:<line>: message" from the line parser -> "<data path>: message".
std::string to_data_path(const std::string& error, const std::string& origin, const Statements& s) {
  const std::string prefix = origin + ":";
  if (error.rfind(prefix, 0) != 0) return error;
  std::size_t line = 0;
  const char* begin = error.data() + prefix.size();
  const auto [end, ec] = std::from_chars(begin, error.data() + error.size(), line);
  if (ec != std::errc() || line == 0 || line > s.paths.size() || *end != ':') return error;
  return s.paths[line - 1] + std::string(end);
}

}  // namespace

Expected<dataplane::ForwarderConfig> parse_forwarder_json(std::string_view json, const std::string& base_directory,
                                                          const std::string& yang_dir) {
  auto document = YangDocument::parse(json, yang_dir, "dmsc-forwarder", "forwarder");
  if (!document) return Error{document.error()};
  const Statements s = statements_of(document->root());
  const std::string origin = "(dmsc-forwarder data)";
  auto config = dataplane::parse_forwarder_config(s.text, origin, base_directory);
  if (!config) return Error{to_data_path(config.error(), origin, s)};
  return config;
}

Expected<dataplane::ForwarderConfig> load_forwarder_json(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Error{path + ": cannot read"};
  std::stringstream text;
  text << file.rdbuf();
  const std::string directory = std::filesystem::path(path).parent_path().string();
  auto config = parse_forwarder_json(text.str(), directory.empty() ? "." : directory, yang_directory());
  if (!config) return Error{path + ":\n" + config.error()};
  return config;
}

}  // namespace dmsc::config
