#pragma once
// How the control socket's answers show next hops and entries, shared by `fib` and `lookup`.
// Internal to the control commands.

#include <memory>
#include <optional>
#include <string>

#include "dataplane/control_commands.hpp"

namespace dmsc::dataplane::control {

// "face 1:3 p1 ethernet 02:00:00:00:01:01 vlan 100", "face 2:1 p1 udp4 10.0.1.2:6464 via
// 02:00:00:00:01:02", "face 7:1 p2 ethernet unresolved (learns its neighbour)",
// "face 42:1 not configured".
std::string next_hop_text(ControlTarget& target, const fib::NextHop& hop);
// {"face":1,"weight":3,"configured":true,"port":"p1","kind":"ethernet","resolved":true,
//  "neighbour":"02:00:00:00:01:01","vlan":100}; UDP faces add "remote" and "remote_port".
std::string next_hop_json(ControlTarget& target, const fib::NextHop& hop);
// [{"face":1,"weight":1},...] without face details (shadowed routes, route add answers).
std::string next_hop_set_json(const fib::NextHopSet& set);
// "face 1:1, face 4:3"
std::string next_hop_set_text(const fib::NextHopSet& set);

// One entry: the text lines (code, prefix, next hops one a line, a shadowed channel route) or
// its JSON object.
std::string entry_text(ControlTarget& target, const std::string& prefix, fib::RouteSource source,
                       const fib::NextHopSet& next_hops, const fib::RouteSources::Static* statics);
std::string entry_json(ControlTarget& target, const std::string& prefix, std::size_t depth, fib::RouteSource source,
                       const fib::NextHopSet& next_hops, const fib::RouteSources::Static* statics);

std::string error_answer(const std::string& why, bool json);

// `fib [PREFIX]`: the summary, then the entries (at or under `under`), a part at a time
// (control_fib.cpp).
std::unique_ptr<ControlAnswer> fib_answer(ControlTarget& target, std::optional<fib::Name> under, bool json);

}  // namespace dmsc::dataplane::control
