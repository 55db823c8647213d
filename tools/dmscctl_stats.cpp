// dmscctl's views of the forwarder's stats segment (dataplane/counters.hpp). Counters are shown
// since the last `clear stats`: the segment's baseline is subtracted (the segment itself, and
// so telemetry and the exporter, keep the raw totals).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

#include "dataplane/stats_format.hpp"
#include "dataplane/stats_segment.hpp"
#include "tools/dmscctl.hpp"

namespace dmsc::tools::ctl {
namespace {

using dataplane::Counter;
using dataplane::LcoreCounters;
using dataplane::PortCounters;
using dataplane::read_counter;
using dataplane::StatsBaseline;
using dataplane::StatsReading;
using dataplane::StatsSegment;

Expected<StatsSegment> open_stats(const Options& o) {
  auto segment = StatsSegment::open(o.stats);
  if (!segment)
    std::fprintf(stderr, "dmscctl: the forwarder's stats segment '%s' cannot be opened: %s (--stats names another segment)\n",
                 o.stats.c_str(), segment.error().c_str());
  return segment;
}

std::unique_ptr<StatsBaseline> baseline(const StatsSegment& segment) {
  auto since = std::make_unique<StatsBaseline>();
  segment.read_baseline(*since);
  return since;
}

std::vector<std::uint64_t> totals(const StatsSegment& segment, const StatsBaseline& since) {
  const StatsReading reading(segment, &since);
  std::vector<std::uint64_t> values;
  for (const auto& info : dataplane::counter_table()) values.push_back(reading.total(info.counter));
  return values;
}

// "since 2026-12-06 10:31:02" or nothing when never cleared.
std::string cleared_note(const StatsBaseline& since) {
  if (since.cleared_unix_ns == 0) return "";
  const std::time_t seconds = static_cast<std::time_t>(since.cleared_unix_ns / 1000000000);
  char text[64];
  std::tm local{};
  localtime_r(&seconds, &local);
  std::strftime(text, sizeof text, "counters since clear stats at %Y-%m-%d %H:%M:%S\n", &local);
  return text;
}

}  // namespace

int show_stats(const Options& o) {
  auto segment = open_stats(o);
  if (!segment) return kUnreachable;
  const auto since = baseline(*segment);
  if (o.json && o.interval <= 0) {
    std::printf("%s\n", dataplane::format_stats_json(*segment, since.get()).c_str());
    return kOk;
  }
  const auto before = totals(*segment, *since);
  const auto started = std::chrono::steady_clock::now();
  if (o.interval > 0) std::this_thread::sleep_for(std::chrono::duration<double>(o.interval));
  const auto after = totals(*segment, *since);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto table = dataplane::counter_table();
  if (o.json) {
    std::printf("{\"interval_s\":%.3f,\"cleared_unix_ns\":%llu,\"counters\":{", seconds,
                static_cast<unsigned long long>(since->cleared_unix_ns));
    for (std::size_t i = 0; i < table.size(); ++i)
      std::printf("%s\"%s\":{\"total\":%llu,\"per_second\":%.1f}", i ? "," : "", table[i].name,
                  static_cast<unsigned long long>(after[i]), static_cast<double>(after[i] - before[i]) / seconds);
    std::printf("}}\n");
    return kOk;
  }
  std::fputs(cleared_note(*since).c_str(), stdout);
  std::printf("%-26s %16s %14s  %s\n", "counter", "total", o.interval > 0 ? "per second" : "", "");
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (after[i] == 0) continue;
    if (o.interval > 0)
      std::printf("%-26s %16llu %14.1f  %s%s\n", table[i].name, static_cast<unsigned long long>(after[i]),
                  static_cast<double>(after[i] - before[i]) / seconds, table[i].is_drop ? "drop: " : "", table[i].description);
    else
      std::printf("%-26s %16llu  %s%s\n", table[i].name, static_cast<unsigned long long>(after[i]),
                  table[i].is_drop ? "drop: " : "", table[i].description);
  }
  if (std::all_of(after.begin(), after.end(), [](std::uint64_t value) { return value == 0; }))
    std::printf("(every counter is zero)\n");
  const StatsReading reading(*segment, since.get());
  const auto& layout = segment->layout();
  for (std::uint32_t l = 0; l < layout.header.lcore_count && l < dataplane::kMaxStatsLcores; ++l) {
    if (!layout.lcores[l].in_use) continue;
    std::printf("lcore %u: rx %llu forwarded %llu\n", layout.lcores[l].lcore_id,
                static_cast<unsigned long long>(reading.lcore(l, Counter::kRxPackets)),
                static_cast<unsigned long long>(reading.lcore(l, Counter::kForwarded)));
  }
  return kOk;
}

int show_ports(const Options& o) {
  auto segment = open_stats(o);
  if (!segment) return kUnreachable;
  const auto since = baseline(*segment);
  const StatsReading reading(*segment, since.get());
  const auto& layout = segment->layout();
  if (o.json) std::printf("{\"ports\":[");
  else std::printf("%s%-12s %-5s %14s %14s %16s %16s %10s %10s\n", cleared_note(*since).c_str(), "port", "link", "rx packets",
                   "tx packets", "rx bytes", "tx bytes", "rx missed", "errors");
  for (std::uint32_t p = 0; p < layout.header.port_count && p < dataplane::kMaxStatsPorts; ++p) {
    const PortCounters& port = layout.ports[p];
    const std::string name(port.name, strnlen(port.name, sizeof port.name));
    const auto value = [&](std::uint64_t PortCounters::*field) {
      return static_cast<unsigned long long>(reading.port(p, field));
    };
    const auto errors = value(&PortCounters::rx_errors) + value(&PortCounters::tx_errors);
    if (o.json)
      std::printf("%s{\"name\":\"%s\",\"link_up\":%s,\"rx_packets\":%llu,\"tx_packets\":%llu,\"rx_bytes\":%llu,"
                  "\"tx_bytes\":%llu,\"rx_missed\":%llu,\"errors\":%llu}",
                  p ? "," : "", name.c_str(), port.link_up ? "true" : "false", value(&PortCounters::rx_packets),
                  value(&PortCounters::tx_packets), value(&PortCounters::rx_bytes), value(&PortCounters::tx_bytes),
                  value(&PortCounters::rx_missed), errors);
    else
      std::printf("%-12s %-5s %14llu %14llu %16llu %16llu %10llu %10llu\n", name.c_str(), port.link_up ? "up" : "down",
                  value(&PortCounters::rx_packets), value(&PortCounters::tx_packets), value(&PortCounters::rx_bytes),
                  value(&PortCounters::tx_bytes), value(&PortCounters::rx_missed), errors);
  }
  if (o.json) std::printf("],\"cleared_unix_ns\":%llu}\n", static_cast<unsigned long long>(since->cleared_unix_ns));
  return kOk;
}

int show_fib_summary(const Options& o) {
  auto segment = open_stats(o);
  if (!segment) return kUnreachable;
  const auto& h = segment->layout().header;
  const auto prefixes = read_counter(h.fib_prefixes), groups = read_counter(h.fib_next_hop_groups),
             memory = read_counter(h.fib_memory_bytes), capacity = h.fib_capacity;
  if (o.json)
    std::printf("{\"prefixes\":%llu,\"capacity\":%llu,\"next_hop_groups\":%llu,\"memory_bytes\":%llu}\n",
                static_cast<unsigned long long>(prefixes), static_cast<unsigned long long>(capacity),
                static_cast<unsigned long long>(groups), static_cast<unsigned long long>(memory));
  else
    std::printf("FIB: %llu prefixes of %llu, %llu next-hop groups, %.1f MiB\n", static_cast<unsigned long long>(prefixes),
                static_cast<unsigned long long>(capacity), static_cast<unsigned long long>(groups),
                static_cast<double>(memory) / (1 << 20));
  return kOk;
}

}  // namespace dmsc::tools::ctl
