#pragma once
// The commands of the forwarder's control socket (control_socket.hpp), each with a text answer
// for people and a JSON twin (a trailing "json" word):
//
//   fib [PREFIX]               summary, then every entry (at or under PREFIX)
//   lookup NAME [flow KEY]     the longest-prefix match for NAME, and the next hop a packet of
//                              flow KEY takes (next_hop_pick.hpp: the forwarding path's pick)
//   config                     the running configuration (line format; YANG JSON with json)
//   route add PREFIX FACE[:WEIGHT] ...   a static route, now
//   route del PREFIX           removes a static route (the channel's route comes back, if any)
//   clear stats                counters shown by dmscctl restart from zero (counters.hpp)
//   reload                     as SIGHUP: re-read the configuration file, apply what changed
//
// A refused command answers "error: <why>" (JSON: {"error": "<why>"}); a lookup without a
// route is an answer, not an error ("no route for NAME", JSON "matched": false). Layouts are
// in dataplane/README.md, "Control socket".
//
// Threading: the service loop (the FIB's writer), through ControlServer::poll().

#include <memory>
#include <string>
#include <string_view>

#include "dataplane/control_socket.hpp"
#include "dataplane/faces.hpp"
#include "dataplane/forwarder_config.hpp"
#include "fib/route_sources.hpp"
#include "fib/table.hpp"

namespace dmsc::dataplane {

// What the commands act on: the forwarder's own objects (or a test's).
class ControlTarget {
 public:
  virtual ~ControlTarget() = default;
  virtual const fib::Table& fib_table() const = 0;
  virtual fib::RouteSources& route_sources() = 0;
  virtual const FaceTable& face_table() const = 0;
  // The running configuration; its static routes are route_sources().statics(), not `routes`.
  virtual const ForwarderConfig& running_config() const = 0;
  // Where the configuration came from (shown by `config`).
  virtual std::string config_origin() const = 0;
  virtual std::string clear_stats(bool json) = 0;
  virtual std::unique_ptr<ControlAnswer> reload(bool json) = 0;
};

std::unique_ptr<ControlAnswer> run_control_command(ControlTarget& target, std::string_view command);

// The running configuration with the static routes in force, as `config` shows it and reload
// compares it.
ForwarderConfig running_config_with_statics(ControlTarget& target);

// Largest FIB listing that is sorted by prefix; a larger one streams out in table order.
inline constexpr std::size_t kSortedFibEntries = 4096;

}  // namespace dmsc::dataplane
