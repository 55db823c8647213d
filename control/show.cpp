#include "control/show.hpp"

#include <cstdio>
#include <sstream>

#include "control/text_format.hpp"

namespace dmsc::control {

namespace {

std::string mac_text(const std::array<std::uint8_t, 6>& m) {
  char text[20];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return text;
}

std::string show_adjacencies(const Instance& instance, double now, bool json) {
  std::ostringstream out;
  if (json) out << "{\"adjacencies\":[";
  else out << "Interface        System Id        Hostname     State          Holdtime  SNPA\n";
  bool first = true;
  for (std::size_t i = 0; i < instance.circuit_count(); ++i) {
    const Adjacency& adj = instance.adjacency(i);
    const CircuitConfig& circuit = instance.config().circuits[i];
    if (adj.hellos_received == 0 && adj.state == AdjacencyState::kDown) continue;
    const int hold = adj.hold_until > now ? static_cast<int>(adj.hold_until - now + 0.5) : 0;
    if (json) {
      out << (first ? "" : ",") << "{\"interface\":" << json_string(circuit.interface)
          << ",\"system_id\":" << json_string(adj.neighbor.to_string())
          << ",\"hostname\":" << json_string(adj.neighbor_hostname)
          << ",\"state\":" << json_string(adjacency_state_name(adj.state)) << ",\"holdtime\":" << hold
          << ",\"snpa\":" << json_string(mac_text(adj.neighbor_mac)) << ",\"face\":" << circuit.face
          << ",\"up_seconds\":" << (adj.state == AdjacencyState::kUp ? static_cast<long>(now - adj.up_since) : 0) << "}";
    } else {
      char line[160];
      std::snprintf(line, sizeof line, "%-16s %-16s %-12s %-14s %-9d %s\n", circuit.interface.c_str(),
                    adj.neighbor.to_string().c_str(), adj.neighbor_hostname.c_str(), adjacency_state_name(adj.state),
                    hold, mac_text(adj.neighbor_mac).c_str());
      out << line;
    }
    first = false;
  }
  if (json) out << "]}\n";
  return out.str();
}

std::string show_lsdb(const Instance& instance, double now, bool detail, bool json) {
  std::ostringstream out;
  if (json) out << "{\"lsps\":[";
  else out << "LSP ID                  Seq Num     Checksum  Holdtime  Flags  Service prefixes\n";
  bool first = true;
  for (const auto& [id, record] : instance.lsdb()) {
    const auto& tlvs = record.tlvs;
    if (json) {
      out << (first ? "" : ",") << "{\"lsp_id\":" << json_string(id.to_string()) << ",\"sequence\":" << record.header.sequence
          << ",\"checksum\":" << record.header.checksum << ",\"holdtime\":" << record.remaining(now)
          << ",\"purged\":" << (record.purged ? "true" : "false")
          << ",\"overload\":" << ((record.header.flags & lsa::kLspFlagOverload) ? "true" : "false");
      if (tlvs.hostname) out << ",\"hostname\":" << json_string(*tlvs.hostname);
      out << ",\"is_reach\":[";
      for (std::size_t i = 0; i < tlvs.is_reach.size(); ++i)
        out << (i ? "," : "") << "{\"neighbor\":" << json_string(tlvs.is_reach[i].neighbor.to_string())
            << ",\"metric\":" << tlvs.is_reach[i].metric << "}";
      out << "],\"ip_reach\":[";
      for (std::size_t i = 0; i < tlvs.ip_reach.size(); ++i)
        out << (i ? "," : "") << "{\"prefix\":" << json_string(ip_prefix_text(tlvs.ip_reach[i]))
            << ",\"metric\":" << tlvs.ip_reach[i].metric << "}";
      out << "],\"service_prefixes\":[";
      for (std::size_t i = 0; i < tlvs.service_prefixes.size(); ++i)
        out << (i ? "," : "") << "{\"name\":" << json_string(tlvs.service_prefixes[i].name.to_string())
            << ",\"metric\":" << tlvs.service_prefixes[i].metric
            << ",\"anycast\":" << (tlvs.service_prefixes[i].anycast() ? "true" : "false") << "}";
      out << "],\"unknown_tlvs\":[";
      for (std::size_t i = 0; i < tlvs.unknown.size(); ++i) out << (i ? "," : "") << int{tlvs.unknown[i].type};
      out << "],\"tlv_issues\":[";
      for (std::size_t i = 0; i < tlvs.issues.size(); ++i)
        out << (i ? "," : "") << "{\"type\":" << int{tlvs.issues[i].type} << ",\"error\":"
            << json_string(lsa::tlv_error_name(tlvs.issues[i].error)) << ",\"detail\":" << json_string(tlvs.issues[i].detail)
            << "}";
      out << "]}";
    } else {
      char line[160];
      std::snprintf(line, sizeof line, "%-23s 0x%08x  0x%04x    %-8u  %s%s  %zu\n", id.to_string().c_str(),
                    record.header.sequence, record.header.checksum, record.remaining(now),
                    (record.header.flags & lsa::kLspFlagOverload) ? "OL" : "--", record.purged ? " purged" : "",
                    tlvs.service_prefixes.size());
      out << line;
      if (detail) {
        if (tlvs.hostname) out << "  Hostname: " << *tlvs.hostname << "\n";
        for (const auto& reach : tlvs.is_reach)
          out << "  Extended IS reachability: " << reach.neighbor.to_string() << " metric " << reach.metric << "\n";
        for (const auto& reach : tlvs.ip_reach)
          out << "  Extended IP reachability: " << ipv4_text(reach.prefix) << "/" << int{reach.prefix_length}
              << " metric " << reach.metric << "\n";
        for (const auto& prefix : tlvs.service_prefixes)
          out << "  Service prefix: " << prefix.name.to_string() << " metric " << prefix.metric
              << (prefix.anycast() ? " anycast" : "") << "\n";
        for (const auto& unknown : tlvs.unknown)
          out << "  Unknown TLV " << int{unknown.type} << " (" << unknown.value.size() << " octets, flooded as is)\n";
        for (const auto& issue : tlvs.issues)
          out << "  Skipped TLV " << int{issue.type} << ": " << lsa::tlv_error_name(issue.error)
              << (issue.detail.empty() ? "" : " (" + issue.detail + ")") << "\n";
      }
    }
    first = false;
  }
  if (json) out << "]}\n";
  return out.str();
}

std::string show_rib(const Instance& instance, bool json) {
  const Rib& rib = instance.rib();
  std::ostringstream out;
  if (json) out << "{\"routes\":[";
  bool first = true;
  for (const Route& route : rib.routes()) {
    if (json) {
      out << (first ? "" : ",") << "{\"prefix\":" << json_string(rib.name(route).to_string()) << ",\"cost\":" << route.cost
          << ",\"local\":" << (rib.local(route) ? "true" : "false")
          << ",\"anycast\":" << ((route.flags & kRouteAnycast) ? "true" : "false") << ",\"next_hops\":[";
      for (std::size_t i = 0; i < route.next_hops.count; ++i) {
        const NodeId& hop = rib.next_hop(route, i);
        out << (i ? "," : "") << "{\"system_id\":" << json_string(hop.to_string()) << "}";
      }
      out << "],\"originators\":[";
      const auto originators = rib.originators(route);
      for (std::size_t i = 0; i < originators.size(); ++i) out << (i ? "," : "") << json_string(originators[i].to_string());
      out << "]}";
    } else {
      out << format_route(rib, route) << "\n";
    }
    first = false;
  }
  if (json) out << "]}\n";
  else if (first) out << "(no routes)\n";
  return out.str();
}

std::string show_spf_log(const Instance& instance, bool json) {
  std::ostringstream out;
  if (json) out << "{\"spf_runs\":[";
  bool first = true;
  for (const SpfLogEntry& entry : instance.spf_log().entries()) {
    if (json)
      out << (first ? "" : ",") << "{\"duration_us\":" << entry.duration.count() / 1000 << ",\"nodes\":" << entry.nodes
          << ",\"reachable\":" << entry.reachable << ",\"routes\":" << entry.routes
          << ",\"trigger\":" << json_string(entry.trigger) << "}";
    else
      out << format_spf_log_entry(entry) << "\n";
    first = false;
  }
  if (json) out << "]}\n";
  return out.str();
}

std::string show_counters(const Instance& instance, bool json) {
  std::ostringstream out;
  if (json) out << "{";
  for (std::size_t i = 0; i < kCounterCount; ++i) {
    const auto counter = static_cast<Counter>(i);
    if (json) out << (i ? "," : "") << json_string(counter_name(counter)) << ":" << instance.counter(counter);
    else out << counter_name(counter) << " " << instance.counter(counter) << "\n";
  }
  if (json) out << "}\n";
  return out.str();
}

}  // namespace

std::string run_show(const Instance& instance, std::string_view command, double now, bool& ok) {
  bool json = false;
  if (command.size() >= 5 && command.substr(command.size() - 5) == " json") {
    json = true;
    command.remove_suffix(5);
  }
  ok = true;
  if (command == "adjacencies") return show_adjacencies(instance, now, json);
  if (command == "lsdb") return show_lsdb(instance, now, false, json);
  if (command == "lsdb detail") return show_lsdb(instance, now, true, json);
  if (command == "rib") return show_rib(instance, json);
  if (command == "spf-log") return show_spf_log(instance, json);
  if (command == "counters") return show_counters(instance, json);
  ok = false;
  return "unknown command; commands: adjacencies, lsdb, lsdb detail, rib, spf-log, counters, config, reload (append json "
         "for JSON)\n";
}

}  // namespace dmsc::control
