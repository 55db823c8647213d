#include "dataplane/telemetry.hpp"

#include <atomic>
#include <mutex>
#include <cstdio>
#include <cstdlib>

#include <rte_telemetry.h>

#include "dataplane/wire_reasons.hpp"

namespace dmsc::dataplane {
namespace {

// The telemetry thread may be inside a callback when the forwarder shuts down and unmaps the
// segment: callbacks hold this lock while they read, unregister_telemetry() takes it. (Not the
// forwarding path: lcores never touch it.)
std::mutex registered_lock;
const StatsSegment* registered_stats = nullptr;

int stats_command(const char*, const char*, rte_tel_data* data) {
  const std::lock_guard<std::mutex> hold(registered_lock);
  const StatsSegment* stats = registered_stats;
  if (!stats) return -1;
  rte_tel_data_start_dict(data);
  for (const CounterInfo& info : counter_table())
    if (!info.is_drop) rte_tel_data_add_dict_u64(data, info.name, stats->total(info.counter));
  std::uint64_t drops = 0;
  for (const CounterInfo& info : counter_table())
    if (info.is_drop) drops += stats->total(info.counter);
  rte_tel_data_add_dict_u64(data, "dropped", drops);
  return 0;
}

int drops_command(const char*, const char*, rte_tel_data* data) {
  const std::lock_guard<std::mutex> hold(registered_lock);
  const StatsSegment* stats = registered_stats;
  if (!stats) return -1;
  rte_tel_data_start_dict(data);
  for (const CounterInfo& info : counter_table())
    if (info.is_drop) rte_tel_data_add_dict_u64(data, info.name, stats->total(info.counter));
  for (const auto& reason : wire::parse_error_table())
    if (reason.value != wire::ParseError::kNone)
      rte_tel_data_add_dict_u64(data, reason.name, stats->total_parse_drops(static_cast<std::size_t>(reason.value)));
  return 0;
}

int lcores_command(const char*, const char* params, rte_tel_data* data) {
  const std::lock_guard<std::mutex> hold(registered_lock);
  const StatsSegment* stats = registered_stats;
  if (!stats) return -1;
  const StatsLayout& layout = stats->layout();
  rte_tel_data_start_dict(data);
  // Without a parameter: the lcore ids; with one ("/dmsc/lcores,2"): that block's counters.
  if (params == nullptr || *params == '\0') {
    for (std::uint32_t i = 0; i < layout.header.lcore_count && i < kMaxStatsLcores; ++i) {
      char key[32];
      std::snprintf(key, sizeof key, "block_%u", i);
      rte_tel_data_add_dict_u64(data, key, layout.lcores[i].lcore_id);
    }
    return 0;
  }
  const unsigned long index = std::strtoul(params, nullptr, 10);
  if (index >= layout.header.lcore_count || index >= kMaxStatsLcores) return -1;
  const LcoreCounters& lcore = layout.lcores[index];
  rte_tel_data_add_dict_u64(data, "lcore_id", lcore.lcore_id);
  for (const CounterInfo& info : counter_table()) rte_tel_data_add_dict_u64(data, info.name, lcore.get(info.counter));
  rte_tel_data_add_dict_u64(data, "loops", read_counter(lcore.loops));
  rte_tel_data_add_dict_u64(data, "bursts", read_counter(lcore.bursts));
  rte_tel_data_add_dict_u64(data, "processing_cycles", read_counter(lcore.processing_cycles));
  rte_tel_data_add_dict_u64(data, "parse_cycles", read_counter(lcore.parse_cycles));
  rte_tel_data_add_dict_u64(data, "lookup_cycles", read_counter(lcore.lookup_cycles));
  return 0;
}

int ports_command(const char*, const char* params, rte_tel_data* data) {
  const std::lock_guard<std::mutex> hold(registered_lock);
  const StatsSegment* stats = registered_stats;
  if (!stats) return -1;
  const StatsLayout& layout = stats->layout();
  rte_tel_data_start_dict(data);
  const unsigned long index = params && *params ? std::strtoul(params, nullptr, 10) : 0;
  if (index >= layout.header.port_count || index >= kMaxStatsPorts) return -1;
  const PortCounters& port = layout.ports[index];
  rte_tel_data_add_dict_string(data, "name", port.name);
  rte_tel_data_add_dict_u64(data, "port_id", port.port_id);
  rte_tel_data_add_dict_u64(data, "link_up", std::atomic_ref<std::uint32_t>(const_cast<std::uint32_t&>(port.link_up)).load(std::memory_order_relaxed));
  rte_tel_data_add_dict_u64(data, "rx_packets", read_counter(port.rx_packets));
  rte_tel_data_add_dict_u64(data, "tx_packets", read_counter(port.tx_packets));
  rte_tel_data_add_dict_u64(data, "rx_bytes", read_counter(port.rx_bytes));
  rte_tel_data_add_dict_u64(data, "tx_bytes", read_counter(port.tx_bytes));
  rte_tel_data_add_dict_u64(data, "rx_missed", read_counter(port.rx_missed));
  rte_tel_data_add_dict_u64(data, "rx_errors", read_counter(port.rx_errors));
  rte_tel_data_add_dict_u64(data, "tx_errors", read_counter(port.tx_errors));
  rte_tel_data_add_dict_u64(data, "rx_no_mbuf", read_counter(port.rx_no_mbuf));
  return 0;
}

int fib_command(const char*, const char*, rte_tel_data* data) {
  const std::lock_guard<std::mutex> hold(registered_lock);
  const StatsSegment* stats = registered_stats;
  if (!stats) return -1;
  const StatsHeader& header = stats->layout().header;
  rte_tel_data_start_dict(data);
  rte_tel_data_add_dict_u64(data, "prefixes", read_counter(header.fib_prefixes));
  rte_tel_data_add_dict_u64(data, "next_hop_groups", read_counter(header.fib_next_hop_groups));
  rte_tel_data_add_dict_u64(data, "memory_bytes", read_counter(header.fib_memory_bytes));
  rte_tel_data_add_dict_u64(data, "capacity", header.fib_capacity);
  return 0;
}

}  // namespace

void register_telemetry(const StatsSegment& stats) {
  static bool commands_registered = false;
  {
    const std::lock_guard<std::mutex> hold(registered_lock);
    registered_stats = &stats;
  }
  if (commands_registered) return;
  commands_registered = true;
  rte_telemetry_register_cmd("/dmsc/stats", stats_command, "dmsc forwarder totals. No parameters");
  rte_telemetry_register_cmd("/dmsc/drops", drops_command, "dmsc drops by reason. No parameters");
  rte_telemetry_register_cmd("/dmsc/lcores", lcores_command, "dmsc counter blocks; parameter: block index");
  rte_telemetry_register_cmd("/dmsc/ports", ports_command, "dmsc port counters. Parameter: port index");
  rte_telemetry_register_cmd("/dmsc/fib", fib_command, "dmsc FIB size and memory. No parameters");
}

void unregister_telemetry() {
  const std::lock_guard<std::mutex> hold(registered_lock);
  registered_stats = nullptr;
}

}  // namespace dmsc::dataplane
