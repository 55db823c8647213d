#pragma once
// The stats segment as JSON: totals, drops by reason (forwarding and parse reasons), per lcore
// and per port. Shared by the forwarder's exit report, telemetry and the CLI. No DPDK.

#include <string>

#include "dataplane/stats_segment.hpp"

namespace dmsc::dataplane {

std::string format_stats_json(const StatsSegment& stats);

}  // namespace dmsc::dataplane
