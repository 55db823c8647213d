#pragma once
// DPDK telemetry commands under /dmsc/: /dmsc/stats (totals), /dmsc/drops (by reason),
// /dmsc/lcores, /dmsc/ports, /dmsc/fib. They read the stats segment only, so a telemetry
// client never touches forwarding state. Query with:
//   echo /dmsc/stats | dpdk-telemetry.py -f <file-prefix>
//
// Threading: register on the main lcore after the segment is filled in; the callbacks run on
// DPDK's telemetry thread. Telemetry callbacks take no context argument in DPDK 22.11, hence
// one process-wide pointer, set by register and cleared by unregister.

#include "dataplane/stats_segment.hpp"

namespace dmsc::dataplane {

void register_telemetry(const StatsSegment& stats);
void unregister_telemetry();

}  // namespace dmsc::dataplane
