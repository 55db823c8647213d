#pragma once
// What dmsc-exporter serves: the forwarder's stats segment (dataplane/counters.hpp) and,
// optionally, dmsc-controld's counters, as Prometheus text. Read-only: opening and reading the
// segment never disturbs forwarding (relaxed loads of single-writer words, counters.hpp).

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dataplane/stats_segment.hpp"
#include "fib/expected.hpp"
#include "tools/prometheus_text.hpp"

namespace dmsc::tools {

// Every family of one forwarder: dmsc_forwarder_up first, then (when `stats` is given and its
// process is alive) the FIB gauges, the per-lcore counters of the counter table, parse drops by
// reason, the per-lcore cycle counters and the per-port figures.
void append_forwarder_metrics(PrometheusText& out, const dataplane::StatsSegment* stats);

// Opens /dev/shm/<stats_name> afresh (a restarted forwarder makes a new segment) and appends
// its metrics; `up` tells whether the segment was readable and its forwarder alive.
void append_forwarder_metrics(PrometheusText& out, const std::string& stats_name, bool& up);

// A flat JSON object of counters, as `dmsc-controld show counters json` prints it.
Expected<std::vector<std::pair<std::string, std::uint64_t>>> parse_counters_json(const std::string& json);

// Asks the daemon's local API socket for `counters json`, within `timeout`.
Expected<std::string> query_controld(const std::string& socket_path, std::chrono::milliseconds timeout);

// dmsc_controld_up, and dmsc_controld_<counter>_total for each counter of `answer`.
void append_controld_metrics(PrometheusText& out, const Expected<std::string>& answer);

}  // namespace dmsc::tools
