// dmscctl: the operator's CLI of an SR box (tools/README.md). It reads the forwarder's counters
// from its shared-memory stats segment (never disturbing forwarding) and asks dmsc-controld
// over its local API socket. Every command takes --json.
//
// Exit codes: 0 done, 2 bad usage, 3 a daemon or segment cannot be reached, 4 bad answer.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "control/api_client.hpp"
#include "dataplane/counters.hpp"
#include "dataplane/stats_format.hpp"
#include "dataplane/stats_segment.hpp"

namespace {

const char* kUsage =
    "usage: dmscctl [--json] [--controld-socket PATH] [--stats NAME] COMMAND\n"
    "  show adjacencies | show lsdb [detail] | show rib | show spf-log | show routing-counters\n"
    "                                  from dmsc-controld (default socket /run/dmsc-controld.sock)\n"
    "  show stats [--interval S]       forwarder counters: totals (and rates over S seconds), drops\n"
    "                                  by reason, per lcore (stats segment, default dmsc-forwarder)\n"
    "  show ports                      forwarder ports: link, packets, bytes, errors\n"
    "  show fib                        forwarder FIB size, next-hop groups, memory\n";

struct Options {
  bool json = false;
  std::string socket = "/run/dmsc-controld.sock";
  std::string stats = "dmsc-forwarder";
  double interval = 0;
  std::vector<std::string> words;
};

int ask_controld(const Options& o, std::string command) {
  if (o.json) command += " json";
  const auto answer = dmsc::control::ask_controld(o.socket, command);
  if (!answer) {
    std::fprintf(stderr, "dmscctl: %s (is dmsc-controld running? --controld-socket)\n", answer.error().c_str());
    return 3;
  }
  std::fwrite(answer->data(), 1, answer->size(), stdout);
  return answer->rfind("unknown command", 0) == 0 ? 4 : 0;
}

dmsc::Expected<dmsc::dataplane::StatsSegment> open_stats(const Options& o) {
  auto segment = dmsc::dataplane::StatsSegment::open(o.stats);
  if (!segment)
    std::fprintf(stderr, "dmscctl: the forwarder's stats segment '%s' cannot be opened: %s (--stats names another segment)\n",
                 o.stats.c_str(), segment.error().c_str());
  return segment;
}

std::vector<std::uint64_t> totals(const dmsc::dataplane::StatsSegment& s) {
  std::vector<std::uint64_t> values;
  for (const auto& info : dmsc::dataplane::counter_table()) values.push_back(s.total(info.counter));
  return values;
}

int show_stats(const Options& o) {
  auto segment = open_stats(o);
  if (!segment) return 3;
  if (o.json && o.interval <= 0) {
    std::printf("%s\n", dmsc::dataplane::format_stats_json(*segment).c_str());
    return 0;
  }
  const auto before = totals(*segment);
  const auto started = std::chrono::steady_clock::now();
  if (o.interval > 0) std::this_thread::sleep_for(std::chrono::duration<double>(o.interval));
  const auto after = totals(*segment);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto table = dmsc::dataplane::counter_table();
  if (o.json) {
    std::printf("{\"interval_s\":%.3f,\"counters\":{", seconds);
    for (std::size_t i = 0; i < table.size(); ++i)
      std::printf("%s\"%s\":{\"total\":%llu,\"per_second\":%.1f}", i ? "," : "", table[i].name,
                  static_cast<unsigned long long>(after[i]), static_cast<double>(after[i] - before[i]) / seconds);
    std::printf("}}\n");
    return 0;
  }
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
  const auto& layout = segment->layout();
  for (std::uint32_t l = 0; l < layout.header.lcore_count && l < dmsc::dataplane::kMaxStatsLcores; ++l) {
    const auto& block = layout.lcores[l];
    if (!block.in_use) continue;
    std::printf("lcore %u: rx %llu forwarded %llu\n", block.lcore_id,
                static_cast<unsigned long long>(block.get(dmsc::dataplane::Counter::kRxPackets)),
                static_cast<unsigned long long>(block.get(dmsc::dataplane::Counter::kForwarded)));
  }
  return 0;
}

int show_ports(const Options& o) {
  auto segment = open_stats(o);
  if (!segment) return 3;
  const auto& layout = segment->layout();
  using dmsc::dataplane::read_counter;
  if (o.json) std::printf("{\"ports\":[");
  else std::printf("%-12s %-5s %14s %14s %16s %16s %10s %10s\n", "port", "link", "rx packets", "tx packets", "rx bytes",
                   "tx bytes", "rx missed", "errors");
  for (std::uint32_t p = 0; p < layout.header.port_count && p < dmsc::dataplane::kMaxStatsPorts; ++p) {
    const auto& port = layout.ports[p];
    const std::string name(port.name, strnlen(port.name, sizeof port.name));
    const auto errors = read_counter(port.rx_errors) + read_counter(port.tx_errors);
    if (o.json)
      std::printf("%s{\"name\":\"%s\",\"link_up\":%s,\"rx_packets\":%llu,\"tx_packets\":%llu,\"rx_bytes\":%llu,"
                  "\"tx_bytes\":%llu,\"rx_missed\":%llu,\"errors\":%llu}",
                  p ? "," : "", name.c_str(), port.link_up ? "true" : "false",
                  static_cast<unsigned long long>(read_counter(port.rx_packets)),
                  static_cast<unsigned long long>(read_counter(port.tx_packets)),
                  static_cast<unsigned long long>(read_counter(port.rx_bytes)),
                  static_cast<unsigned long long>(read_counter(port.tx_bytes)),
                  static_cast<unsigned long long>(read_counter(port.rx_missed)), static_cast<unsigned long long>(errors));
    else
      std::printf("%-12s %-5s %14llu %14llu %16llu %16llu %10llu %10llu\n", name.c_str(), port.link_up ? "up" : "down",
                  static_cast<unsigned long long>(read_counter(port.rx_packets)),
                  static_cast<unsigned long long>(read_counter(port.tx_packets)),
                  static_cast<unsigned long long>(read_counter(port.rx_bytes)),
                  static_cast<unsigned long long>(read_counter(port.tx_bytes)),
                  static_cast<unsigned long long>(read_counter(port.rx_missed)), static_cast<unsigned long long>(errors));
  }
  if (o.json) std::printf("]}\n");
  return 0;
}

int show_fib(const Options& o) {
  auto segment = open_stats(o);
  if (!segment) return 3;
  const auto& h = segment->layout().header;
  using dmsc::dataplane::read_counter;
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
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--json") o.json = true;
    else if (arg == "--controld-socket" && has_value) o.socket = argv[++i];
    else if (arg == "--stats" && has_value) o.stats = argv[++i];
    else if (arg == "--interval" && has_value) o.interval = std::atof(argv[++i]);
    else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else o.words.push_back(arg);
  }
  const auto is = [&](std::initializer_list<const char*> words) {
    if (o.words.size() != words.size()) return false;
    std::size_t i = 0;
    for (const char* w : words)
      if (o.words[i++] != w) return false;
    return true;
  };
  if (is({"show", "adjacencies"})) return ask_controld(o, "adjacencies");
  if (is({"show", "lsdb"})) return ask_controld(o, "lsdb");
  if (is({"show", "lsdb", "detail"})) return ask_controld(o, "lsdb detail");
  if (is({"show", "rib"})) return ask_controld(o, "rib");
  if (is({"show", "spf-log"})) return ask_controld(o, "spf-log");
  if (is({"show", "routing-counters"})) return ask_controld(o, "counters");
  if (is({"show", "stats"})) return show_stats(o);
  if (is({"show", "ports"})) return show_ports(o);
  if (is({"show", "fib"})) return show_fib(o);
  std::string given;
  for (const auto& w : o.words) given += (given.empty() ? "" : " ") + w;
  std::fprintf(stderr, "dmscctl: unknown command '%s'\n%s", given.c_str(), kUsage);
  return 2;
}
