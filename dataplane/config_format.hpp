#pragma once
// The forwarder's configuration written back out: in the line format (dataplane/README.md,
// "Configuration"), which load_forwarder_config() reads back to the same configuration, and as
// YANG data of module dmsc-forwarder in JSON, which `--config FILE.json` reads back. The control
// socket's `config` answer; also how reload names what changed. No DPDK.

#include <string>

#include "dataplane/forwarder_config.hpp"

namespace dmsc::dataplane {

std::string format_port_line(const PortConfig& port);
std::string format_face_line(const FaceConfig& face);
std::string format_route_line(const StaticRoute& route);
// "1:1 4:3"
std::string format_next_hops(const fib::NextHopSet& set);

// Every statement, one a line, routes as `route` lines (a `routes` file is written out as the
// routes it held).
std::string format_config_lines(const ForwarderConfig& config);
std::string format_config_yang_json(const ForwarderConfig& config);

// A JSON string literal (quotes included) for any text.
std::string json_string(std::string_view text);

}  // namespace dmsc::dataplane
