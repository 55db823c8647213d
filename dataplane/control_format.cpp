#include "dataplane/control_format.hpp"

#include <arpa/inet.h>

#include "dataplane/config_format.hpp"

namespace dmsc::dataplane::control {
namespace {

// The prefix column of `fib` lines; next hops of longer prefixes start on the next line.
constexpr std::size_t kPrefixColumn = 30;

std::string remote_address(const FaceConfig& face) {
  char text[INET6_ADDRSTRLEN] = {};
  if (face.kind == FaceKind::kUdp4) inet_ntop(AF_INET, face.remote4.data(), text, sizeof text);
  else inet_ntop(AF_INET6, face.remote6.data(), text, sizeof text);
  return text;
}

}  // namespace

std::string next_hop_text(ControlTarget& target, const fib::NextHop& hop) {
  std::string text = "face " + std::to_string(hop.face) + ":" + std::to_string(hop.weight);
  const FaceConfig* face = target.running_config().find_face(hop.face);
  if (face == nullptr) return text + " not configured";
  text += std::string(" ") + face->port + " " + face_kind_name(face->kind);
  const auto neighbour = target.face_table().neighbour(hop.face);
  if (face->kind != FaceKind::kEthernet) {
    const std::string remote = remote_address(*face);
    text += " " + (face->kind == FaceKind::kUdp6 ? "[" + remote + "]" : remote) + ":" + std::to_string(face->remote_port);
    text += neighbour ? " via " : " unusable";
  } else {
    text += neighbour ? " " : face->learn_neighbour ? " unresolved (learns its neighbour)" : " unusable";
  }
  if (neighbour) text += format_mac(*neighbour);
  if (face->vlan) text += " vlan " + std::to_string(*face->vlan);
  return text;
}

std::string next_hop_json(ControlTarget& target, const fib::NextHop& hop) {
  std::string json = "{\"face\":" + std::to_string(hop.face) + ",\"weight\":" + std::to_string(hop.weight);
  const FaceConfig* face = target.running_config().find_face(hop.face);
  if (face == nullptr) return json + ",\"configured\":false}";
  const auto neighbour = target.face_table().neighbour(hop.face);
  json += ",\"configured\":true,\"port\":" + json_string(face->port) + ",\"kind\":\"" + face_kind_name(face->kind) + "\"";
  json += std::string(",\"resolved\":") + (neighbour ? "true" : "false");
  json += ",\"neighbour\":";
  json += neighbour ? json_string(format_mac(*neighbour)) : std::string("null");
  json += std::string(",\"learns\":") + (face->learn_neighbour ? "true" : "false");
  if (face->kind != FaceKind::kEthernet)
    json += ",\"remote\":\"" + remote_address(*face) + "\",\"remote_port\":" + std::to_string(face->remote_port);
  if (face->vlan) json += ",\"vlan\":" + std::to_string(*face->vlan);
  return json + "}";
}

std::string next_hop_set_json(const fib::NextHopSet& set) {
  std::string json = "[";
  for (std::size_t i = 0; i < set.count; ++i)
    json += std::string(i ? "," : "") + "{\"face\":" + std::to_string(set.hops[i].face) +
            ",\"weight\":" + std::to_string(set.hops[i].weight) + "}";
  return json + "]";
}

std::string next_hop_set_text(const fib::NextHopSet& set) {
  std::string text;
  for (std::size_t i = 0; i < set.count; ++i)
    text += std::string(i ? ", " : "") + "face " + std::to_string(set.hops[i].face) + ":" + std::to_string(set.hops[i].weight);
  return text;
}

std::string entry_text(ControlTarget& target, const std::string& prefix, fib::RouteSource source,
                       const fib::NextHopSet& next_hops, const fib::RouteSources::Static* statics) {
  std::string text = source == fib::RouteSource::kStatic ? "S  " : "R  ";
  text += prefix;
  const std::string indent(3 + kPrefixColumn, ' ');
  if (prefix.size() < kPrefixColumn) text += std::string(kPrefixColumn - prefix.size(), ' ');
  else text += "\n" + indent;
  for (std::size_t i = 0; i < next_hops.count; ++i)
    text += (i ? indent : "") + next_hop_text(target, next_hops.hops[i]) + "\n";
  if (statics != nullptr && statics->shadowed)
    text += indent + "(shadows the routing route " + next_hop_set_text(*statics->shadowed) + ")\n";
  return text;
}

std::string entry_json(ControlTarget& target, const std::string& prefix, std::size_t depth, fib::RouteSource source,
                       const fib::NextHopSet& next_hops, const fib::RouteSources::Static* statics) {
  std::string json = "{\"prefix\":" + json_string(prefix) + ",\"depth\":" + std::to_string(depth) + ",\"source\":\"" +
                     fib::route_source_name(source) + "\",\"next_hops\":[";
  for (std::size_t i = 0; i < next_hops.count; ++i) {
    if (i != 0) json += ',';
    json += next_hop_json(target, next_hops.hops[i]);
  }
  json += "]";
  if (statics != nullptr && statics->shadowed) json += ",\"shadowed\":" + next_hop_set_json(*statics->shadowed);
  return json + "}";
}

std::string error_answer(const std::string& why, bool json) {
  return json ? "{\"error\":" + json_string(why) + "}\n" : "error: " + why + "\n";
}

}  // namespace dmsc::dataplane::control
