#pragma once
// What a reload would change: the running configuration against the one just read from the
// file. Static routes and faces can change while forwarding goes on (each route or face on its
// own); anything else needs a restart, and a reload that contains any such change is refused as
// a whole (dataplane/README.md, "Reload"). No DPDK: unit-tested on plain configurations.

#include <string>
#include <vector>

#include "dataplane/forwarder_config.hpp"

namespace dmsc::dataplane {

struct ConfigDiff {
  // One line per change that cannot be applied live, naming it ("port p1: device net_null1 ->
  // net_null2", "fib-capacity 1048576 -> 2048").
  std::vector<std::string> needs_restart;
  std::vector<StaticRoute> routes_added, routes_changed;
  std::vector<fib::Name> routes_removed;
  std::vector<FaceConfig> faces_added, faces_changed;
  std::vector<fib::FaceId> faces_removed;

  bool live() const { return needs_restart.empty(); }
  bool empty() const;
  // "2 routes added, 1 face changed" (or "nothing changed").
  std::string summary() const;
};

// `running.routes` are the static routes in force (those added at run time included); a route
// listed twice counts as its last line, as when the file was loaded.
ConfigDiff diff_forwarder_configs(const ForwarderConfig& running, const ForwarderConfig& next);

bool same_face(const FaceConfig& a, const FaceConfig& b);

}  // namespace dmsc::dataplane
