#include "dataplane/stats_format.hpp"

#include <cinttypes>
#include <cstdio>

#include "dataplane/wire_reasons.hpp"

namespace dmsc::dataplane {
namespace {

void append(std::string& out, const char* format, auto... values) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, format, values...);
  out += buffer;
}

}  // namespace

std::uint64_t StatsReading::total(Counter counter) const {
  std::uint64_t sum = 0;
  for (std::size_t l = 0; l < kMaxStatsLcores; ++l)
    if (layout_.lcores[l].in_use) sum += lcore(l, counter);
  return sum;
}

std::uint64_t StatsReading::total_parse_drops(std::size_t reason) const {
  std::uint64_t sum = 0;
  if (reason >= kParseDropSlots) return 0;
  for (std::size_t l = 0; l < kMaxStatsLcores; ++l)
    if (layout_.lcores[l].in_use) sum += parse_drops(l, reason);
  return sum;
}

std::string format_stats_json(const StatsSegment& segment, const StatsBaseline* since) {
  const StatsReading stats(segment, since);
  const StatsLayout& layout = segment.layout();
  std::string out = "{";
  for (const CounterInfo& info : counter_table())
    append(out, "\"%s\":%" PRIu64 ",", info.name, stats.total(info.counter));
  out += "\"parse_drops\":{";
  bool first = true;
  for (const auto& reason : wire::parse_error_table()) {
    const std::uint64_t count = stats.total_parse_drops(static_cast<std::size_t>(reason.value));
    if (reason.value == wire::ParseError::kNone || count == 0) continue;
    append(out, "%s\"%s\":%" PRIu64, first ? "" : ",", reason.name, count);
    first = false;
  }
  std::uint64_t processing_cycles = 0, parse_cycles = 0, lookup_cycles = 0, processed = 0;
  out += "},\"lcores\":[";
  for (std::uint32_t i = 0; i < layout.header.lcore_count && i < kMaxStatsLcores; ++i) {
    const LcoreCounters& lcore = layout.lcores[i];
    const std::uint64_t rx = stats.lcore(i, Counter::kRxPackets);
    const std::uint64_t cycles = stats.lcore(i, &LcoreCounters::processing_cycles);
    processing_cycles += cycles;
    parse_cycles += stats.lcore(i, &LcoreCounters::parse_cycles);
    lookup_cycles += stats.lcore(i, &LcoreCounters::lookup_cycles);
    processed += rx;
    append(out, "%s{\"lcore\":%u,\"rx_packets\":%" PRIu64 ",\"forwarded\":%" PRIu64 ",\"loops\":%" PRIu64
                ",\"bursts\":%" PRIu64 ",\"processing_cycles\":%" PRIu64 "}",
           i == 0 ? "" : ",", lcore.lcore_id, rx, stats.lcore(i, Counter::kForwarded), stats.lcore(i, &LcoreCounters::loops),
           stats.lcore(i, &LcoreCounters::bursts), cycles);
  }
  out += "],\"ports\":[";
  for (std::uint32_t p = 0; p < layout.header.port_count && p < kMaxStatsPorts; ++p) {
    const PortCounters& port = layout.ports[p];
    append(out, "%s{\"name\":\"%s\",\"port_id\":%u,\"link_up\":%u,", p == 0 ? "" : ",", port.name, port.port_id,
           port.link_up);
    append(out, "\"rx_packets\":%" PRIu64 ",\"tx_packets\":%" PRIu64 ",\"rx_bytes\":%" PRIu64 ",\"tx_bytes\":%" PRIu64 ",",
           stats.port(p, &PortCounters::rx_packets), stats.port(p, &PortCounters::tx_packets),
           stats.port(p, &PortCounters::rx_bytes), stats.port(p, &PortCounters::tx_bytes));
    append(out, "\"rx_missed\":%" PRIu64 ",\"rx_errors\":%" PRIu64 ",\"tx_errors\":%" PRIu64 ",\"rx_no_mbuf\":%" PRIu64 "}",
           stats.port(p, &PortCounters::rx_missed), stats.port(p, &PortCounters::rx_errors),
           stats.port(p, &PortCounters::tx_errors), stats.port(p, &PortCounters::rx_no_mbuf));
  }
  append(out, "],\"fib\":{\"prefixes\":%" PRIu64 ",\"next_hop_groups\":%" PRIu64 ",\"memory_bytes\":%" PRIu64
              ",\"capacity\":%" PRIu64 "},",
         read_counter(layout.header.fib_prefixes), read_counter(layout.header.fib_next_hop_groups),
         read_counter(layout.header.fib_memory_bytes), layout.header.fib_capacity);
  const auto per_packet = [processed](std::uint64_t cycles) {
    return processed ? static_cast<double>(cycles) / static_cast<double>(processed) : 0.0;
  };
  append(out, "\"cycles_per_packet\":%.1f,\"cycles_per_packet_parse\":%.1f,\"cycles_per_packet_lookup\":%.1f,"
              "\"cycles_per_packet_rewrite\":%.1f,",
         per_packet(processing_cycles), per_packet(parse_cycles), per_packet(lookup_cycles),
         per_packet(processing_cycles > parse_cycles + lookup_cycles ? processing_cycles - parse_cycles - lookup_cycles : 0));
  if (since != nullptr) append(out, "\"cleared_unix_ns\":%" PRIu64 ",", since->cleared_unix_ns);
  append(out, "\"tsc_hz\":%" PRIu64 ",\"pid\":%" PRIu64 "}", layout.header.tsc_hz, layout.header.pid);
  return out;
}

}  // namespace dmsc::dataplane
