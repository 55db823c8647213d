#include "dataplane/config_diff.hpp"

#include <map>

#include "dataplane/config_format.hpp"

namespace dmsc::dataplane {
namespace {

// A field added to ForwarderConfig must be compared below (live or needs a restart): this
// assertion fails until then, and then takes the new size.
static_assert(sizeof(ForwarderConfig) == 216, "ForwarderConfig changed: teach diff_forwarder_configs() the new field");

template <typename Value>
void compare(std::vector<std::string>& out, const char* what, const Value& running, const Value& next) {
  if (running != next) out.push_back(std::string(what) + " " + std::to_string(running) + " -> " + std::to_string(next));
}

void compare_text(std::vector<std::string>& out, const char* what, const std::string& running, const std::string& next) {
  if (running != next)
    out.push_back(std::string(what) + " '" + running + "' -> '" + next + "'");
}

void compare_ports(std::vector<std::string>& out, const ForwarderConfig& running, const ForwarderConfig& next) {
  for (const PortConfig& port : running.ports) {
    const PortConfig* after = next.find_port(port.name);
    if (after == nullptr) out.push_back("port " + port.name + " removed");
    else if (format_port_line(port) != format_port_line(*after))
      out.push_back("port " + port.name + " changed: '" + format_port_line(port) + "' -> '" + format_port_line(*after) + "'");
  }
  for (const PortConfig& port : next.ports)
    if (running.find_port(port.name) == nullptr) out.push_back("port " + port.name + " added");
  // Ports are numbered in order: faces and stats refer to them by position.
  bool same_names = running.ports.size() == next.ports.size();
  for (std::size_t i = 0; same_names && i < running.ports.size(); ++i) same_names = running.ports[i].name == next.ports[i].name;
  if (!same_names && out.empty()) out.push_back("ports reordered");
}

// The static routes by prefix; a prefix listed twice counts as its last line (the table got
// that one when the file was loaded).
std::map<fib::Name, fib::NextHopSet> by_prefix(const std::vector<StaticRoute>& routes) {
  std::map<fib::Name, fib::NextHopSet> map;
  for (const StaticRoute& route : routes) {
    fib::NextHopSet set = route.next_hops;
    set.sort();
    map[route.prefix] = set;
  }
  return map;
}

std::string count(std::size_t n, const char* thing, const char* what) {
  return std::to_string(n) + " " + thing + (n == 1 ? "" : "s") + " " + what;
}

}  // namespace

bool same_face(const FaceConfig& a, const FaceConfig& b) { return format_face_line(a) == format_face_line(b); }

bool ConfigDiff::empty() const {
  return needs_restart.empty() && routes_added.empty() && routes_changed.empty() && routes_removed.empty() &&
         faces_added.empty() && faces_changed.empty() && faces_removed.empty();
}

std::string ConfigDiff::summary() const {
  std::vector<std::string> parts;
  if (!routes_added.empty()) parts.push_back(count(routes_added.size(), "route", "added"));
  if (!routes_changed.empty()) parts.push_back(count(routes_changed.size(), "route", "changed"));
  if (!routes_removed.empty()) parts.push_back(count(routes_removed.size(), "route", "removed"));
  if (!faces_added.empty()) parts.push_back(count(faces_added.size(), "face", "added"));
  if (!faces_changed.empty()) parts.push_back(count(faces_changed.size(), "face", "changed"));
  if (!faces_removed.empty()) parts.push_back(count(faces_removed.size(), "face", "removed"));
  if (parts.empty()) return "nothing changed";
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

ConfigDiff diff_forwarder_configs(const ForwarderConfig& running, const ForwarderConfig& next) {
  ConfigDiff diff;
  std::vector<std::string>& restart = diff.needs_restart;
  compare_ports(restart, running, next);
  compare_text(restart, "stats", running.stats, next.stats);
  compare_text(restart, "control-socket", running.control_socket, next.control_socket);
  compare_text(restart, "channel", running.channel, next.channel);
  compare(restart, "fib-capacity", running.fib_capacity, next.fib_capacity);
  compare(restart, "mbufs", running.mbufs, next.mbufs);
  if (running.allow_avx512 != next.allow_avx512)
    restart.push_back(std::string("simd ") + (running.allow_avx512 ? "auto" : "off") + " -> " + (next.allow_avx512 ? "auto" : "off"));
  compare(restart, "poll-sleep", running.poll_sleep_us, next.poll_sleep_us);
  compare(restart, "affinity-flows", running.affinity_flows, next.affinity_flows);
  compare(restart, "affinity-idle", running.affinity_idle_seconds, next.affinity_idle_seconds);
  compare(restart, "ethertype", running.encap.ethertype, next.encap.ethertype);
  compare(restart, "udp-port", running.encap.udp_port, next.encap.udp_port);
  if (running.encap.verify_udp_checksum != next.encap.verify_udp_checksum)
    restart.push_back(std::string("verify-udp-checksum ") + (next.encap.verify_udp_checksum ? "off -> on" : "on -> off"));
  for (std::string& change : restart) change += " (needs a restart)";

  for (const FaceConfig& face : running.faces) {
    const FaceConfig* after = next.find_face(face.id);
    if (after == nullptr) diff.faces_removed.push_back(face.id);
    else if (!same_face(face, *after)) diff.faces_changed.push_back(*after);
  }
  for (const FaceConfig& face : next.faces)
    if (running.find_face(face.id) == nullptr) diff.faces_added.push_back(face);

  const auto before = by_prefix(running.routes), after = by_prefix(next.routes);
  for (const auto& [prefix, set] : before)
    if (!after.contains(prefix)) diff.routes_removed.push_back(prefix);
  for (const auto& [prefix, set] : after) {
    const auto old = before.find(prefix);
    if (old == before.end()) diff.routes_added.push_back({prefix, set});
    else if (!(old->second == set)) diff.routes_changed.push_back({prefix, set});
  }
  return diff;
}

}  // namespace dmsc::dataplane
