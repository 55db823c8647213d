#include "tools/exporter_metrics.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "control/api_client.hpp"
#include "dataplane/wire_reasons.hpp"

namespace dmsc::tools {
namespace {

using dataplane::LcoreCounters;
using dataplane::PortCounters;
using dataplane::read_counter;
using dataplane::StatsLayout;

// Words the forwarder writes once at start; read like the counters (never torn).
std::uint32_t read_word(const std::uint32_t& word) {
  return std::atomic_ref<std::uint32_t>(const_cast<std::uint32_t&>(word)).load(std::memory_order_relaxed);
}

std::string lcore_label(const LcoreCounters& lcore) { return std::to_string(read_word(lcore.lcore_id)); }

std::string port_name(const PortCounters& port) { return std::string(port.name, strnlen(port.name, sizeof port.name)); }

// The forwarding lcores' blocks, as StatsSegment::total() sums them.
template <typename Visit>
void for_each_lcore(const StatsLayout& layout, Visit visit) {
  for (const LcoreCounters& lcore : layout.lcores)
    if (read_word(lcore.in_use)) visit(lcore);
}

bool process_alive(std::uint64_t pid) {
  if (pid == 0 || pid > static_cast<std::uint64_t>(INT32_MAX)) return false;
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

struct LcoreFigure {
  const char* name;
  const char* help;
  std::uint64_t LcoreCounters::*field;
};
const LcoreFigure kLcoreFigures[] = {
    {"loops", "polling loop iterations", &LcoreCounters::loops},
    {"bursts", "rx bursts that returned packets", &LcoreCounters::bursts},
    {"processing_cycles", "TSC cycles in the forwarder's own code (rx/tx PMD calls excluded)",
     &LcoreCounters::processing_cycles},
    {"parse_cycles", "TSC cycles classifying and parsing (part of processing_cycles)", &LcoreCounters::parse_cycles},
    {"lookup_cycles", "TSC cycles in the FIB lookup (part of processing_cycles)", &LcoreCounters::lookup_cycles},
};

struct PortFigure {
  const char* name;
  const char* help;
  std::uint64_t PortCounters::*field;
};
const PortFigure kPortFigures[] = {
    {"rx_packets", "packets the port received (rte_eth_stats ipackets)", &PortCounters::rx_packets},
    {"tx_packets", "packets the port sent (rte_eth_stats opackets)", &PortCounters::tx_packets},
    {"rx_bytes", "octets the port received (rte_eth_stats ibytes)", &PortCounters::rx_bytes},
    {"tx_bytes", "octets the port sent (rte_eth_stats obytes)", &PortCounters::tx_bytes},
    {"rx_missed", "packets the port dropped for lack of rx descriptors (rte_eth_stats imissed)", &PortCounters::rx_missed},
    {"rx_errors", "erroneous packets received (rte_eth_stats ierrors)", &PortCounters::rx_errors},
    {"tx_errors", "packets the port failed to send (rte_eth_stats oerrors)", &PortCounters::tx_errors},
    {"rx_no_mbuf", "rx mbuf allocation failures (rte_eth_stats rx_nombuf)", &PortCounters::rx_no_mbuf},
};

void append_header(PrometheusText& out, const StatsLayout& layout) {
  const dataplane::StatsHeader& header = layout.header;
  out.family("dmsc_forwarder_start_time_seconds", MetricType::kGauge, "when the forwarder started, in Unix seconds");
  out.sample({}, static_cast<double>(read_counter(header.started_unix_ns)) / 1e9);
  out.family("dmsc_forwarder_heartbeat_total", MetricType::kCounter,
             "service loop periods completed (100 ms each); stops rising when the forwarder stalls");
  out.sample({}, read_counter(header.heartbeat));
  out.family("dmsc_forwarder_tsc_hz", MetricType::kGauge, "TSC frequency: divides the *_cycles_total counters into seconds");
  out.sample({}, read_counter(header.tsc_hz));
  out.family("dmsc_forwarder_fib_prefixes", MetricType::kGauge, "name prefixes in the FIB");
  out.sample({}, read_counter(header.fib_prefixes));
  out.family("dmsc_forwarder_fib_next_hop_groups", MetricType::kGauge, "next-hop groups in the FIB");
  out.sample({}, read_counter(header.fib_next_hop_groups));
  out.family("dmsc_forwarder_fib_memory_bytes", MetricType::kGauge, "memory the FIB holds");
  out.sample({}, read_counter(header.fib_memory_bytes));
  out.family("dmsc_forwarder_fib_capacity", MetricType::kGauge, "prefixes the FIB was sized for (fib-capacity)");
  out.sample({}, read_counter(header.fib_capacity));
}

void append_lcores(PrometheusText& out, const StatsLayout& layout) {
  for (const dataplane::CounterInfo& info : dataplane::counter_table()) {
    std::string help = info.description;
    if (info.is_drop) help += " (a drop)";
    out.family("dmsc_forwarder_" + metric_name(info.name) + "_total", MetricType::kCounter, help);
    for_each_lcore(layout, [&](const LcoreCounters& lcore) {
      out.sample({{"lcore", lcore_label(lcore)}}, lcore.get(info.counter));
    });
  }
  out.family("dmsc_forwarder_parse_drops_total", MetricType::kCounter,
             "frames counted in malformed, by the check they failed (docs/wire-format.md section 7)");
  for_each_lcore(layout, [&](const LcoreCounters& lcore) {
    for (const auto& reason : wire::parse_error_table()) {
      const auto slot = static_cast<std::size_t>(reason.value);
      if (reason.value == wire::ParseError::kNone || slot >= dataplane::kParseDropSlots) continue;
      out.sample({{"lcore", lcore_label(lcore)}, {"reason", reason.name}}, read_counter(lcore.parse_drops[slot]));
    }
  });
  for (const LcoreFigure& figure : kLcoreFigures) {
    out.family(std::string("dmsc_forwarder_") + figure.name + "_total", MetricType::kCounter, figure.help);
    for_each_lcore(layout, [&](const LcoreCounters& lcore) {
      out.sample({{"lcore", lcore_label(lcore)}}, read_counter(lcore.*figure.field));
    });
  }
}

void append_ports(PrometheusText& out, const StatsLayout& layout) {
  const std::uint32_t ports = std::min<std::uint32_t>(read_word(layout.header.port_count), dataplane::kMaxStatsPorts);
  const auto labels = [](const PortCounters& port) {
    return Labels{{"port", port_name(port)}, {"port_id", std::to_string(read_word(port.port_id))}};
  };
  out.family("dmsc_forwarder_port_link_up", MetricType::kGauge, "1 when the port's link is up");
  for (std::uint32_t p = 0; p < ports; ++p) out.sample(labels(layout.ports[p]), std::uint64_t{read_word(layout.ports[p].link_up)});
  for (const PortFigure& figure : kPortFigures) {
    out.family(std::string("dmsc_forwarder_port_") + figure.name + "_total", MetricType::kCounter, figure.help);
    for (std::uint32_t p = 0; p < ports; ++p) out.sample(labels(layout.ports[p]), read_counter(layout.ports[p].*figure.field));
  }
}

}  // namespace

void append_forwarder_metrics(PrometheusText& out, const dataplane::StatsSegment* stats) {
  const bool up = stats && process_alive(read_counter(stats->layout().header.pid));
  out.family("dmsc_forwarder_up", MetricType::kGauge,
             "1 when the forwarder's stats segment is readable and its process is alive");
  out.sample({}, std::uint64_t{up});
  if (!up) return;
  append_header(out, stats->layout());
  append_lcores(out, stats->layout());
  append_ports(out, stats->layout());
}

void append_forwarder_metrics(PrometheusText& out, const std::string& stats_name, bool& up) {
  auto stats = dataplane::StatsSegment::open(stats_name);
  up = stats.ok() && process_alive(read_counter(stats->layout().header.pid));
  append_forwarder_metrics(out, stats.ok() ? &*stats : nullptr);
}

Expected<std::vector<std::pair<std::string, std::uint64_t>>> parse_counters_json(const std::string& json) {
  std::vector<std::pair<std::string, std::uint64_t>> counters;
  std::size_t at = 0;
  const auto skip_space = [&] {
    while (at < json.size() && (json[at] == ' ' || json[at] == '\n' || json[at] == '\r' || json[at] == '\t')) ++at;
  };
  const auto expect = [&](char c) {
    skip_space();
    if (at >= json.size() || json[at] != c) return false;
    ++at;
    return true;
  };
  const auto bad = [&](const char* what) {
    return Error{"controld counters: " + std::string(what) + " at offset " + std::to_string(at)};
  };
  if (!expect('{')) return bad("expected '{'");
  if (expect('}')) return counters;
  for (;;) {
    if (!expect('"')) return bad("expected a counter name");
    std::string name;
    while (at < json.size() && json[at] != '"') {
      if (json[at] == '\\') return bad("escaped counter name");
      name += json[at++];
    }
    if (!expect('"') || !expect(':')) return bad("expected ':'");
    skip_space();
    if (at >= json.size() || json[at] < '0' || json[at] > '9') return bad("expected an unsigned number");
    std::uint64_t value = 0;
    for (; at < json.size() && json[at] >= '0' && json[at] <= '9'; ++at) {
      const auto digit = static_cast<std::uint64_t>(json[at] - '0');
      if (value > (UINT64_MAX - digit) / 10) return bad("number out of range");
      value = value * 10 + digit;
    }
    counters.emplace_back(std::move(name), value);
    if (expect('}')) break;
    if (!expect(',')) return bad("expected ',' or '}'");
  }
  skip_space();
  if (at != json.size()) return bad("trailing text");
  return counters;
}

Expected<std::string> query_controld(const std::string& socket_path, std::chrono::milliseconds timeout) {
  return control::ask_controld(socket_path, "counters json", timeout);
}

void append_controld_metrics(PrometheusText& out, const Expected<std::string>& answer) {
  auto counters = answer.ok() ? parse_counters_json(*answer) : Expected<std::vector<std::pair<std::string, std::uint64_t>>>(Error{answer.error()});
  out.family("dmsc_controld_up", MetricType::kGauge, "1 when dmsc-controld answered `show counters json` on its socket");
  out.sample({}, std::uint64_t{counters.ok()});
  if (!counters.ok()) return;
  for (const auto& [name, value] : *counters) {
    out.family("dmsc_controld_" + metric_name(name) + "_total", MetricType::kCounter,
               "dmsc-controld's " + name + " counter (control/instance.hpp, `dmsc-controld show counters`)");
    out.sample({}, value);
  }
}

}  // namespace dmsc::tools
