// tools/bench forward: the forwarder's packet rate on one forwarding lcore, against
// dpdk-testpmd --forward-mode=io on the same virtual devices and the same pcap, in the same run.
//
// Both read a pcap replayed forever by net_pcap (infinite_rx=1) and send to net_null (no-rx=1).
// The forwarder's rate is read from its stats segment over a window after warm-up, as the CLI
// would; testpmd's from its per-second throughput lines. testpmd rxonly on the same source shows
// what the source itself costs (it copies every packet), which both runs pay.

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/counters.hpp"
#include "dataplane/forwarding.hpp"
#include "dataplane/stats_segment.hpp"
#include "dataplane/wire_names_avx512.hpp"
#include "dataplane/wire_reasons.hpp"
#include "fib/expected.hpp"
#include "tools/bench_common.hpp"
#include "tools/telemetry_client.hpp"
#include "tools/traffic.hpp"

using namespace dmsc;

namespace {

const char* kUsage =
    "usage: tools/bench forward [--prefixes N] [--packets P] [--seconds S] [--warmup W] [--payload B]\n"
    "                           [--udp 0|1] [--miss-percent M] [--baseline 0|1] [--rounds R] [--seed S]\n"
    "  --rounds: forwarder and testpmd io runs alternated R times (default 5); figures are medians,\n"
    "            ratio_min and ratio_max the spread of the rounds' ratios\n"
    "  --packets: distinct packets in the replayed pcap (names drawn from the N prefixes)\n";

struct Child {
  pid_t pid = -1;
  std::string log;
};

Child spawn(std::vector<std::string> arguments, const std::string& log_path) {
  Child child;
  child.log = log_path;
  child.pid = fork();
  if (child.pid == 0) {
    FILE* out = std::freopen(log_path.c_str(), "w", stdout);
    FILE* err = std::freopen(log_path.c_str(), "a", stderr);
    (void)out, (void)err;
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  return child;
}

int stop_and_wait(const Child& child) {
  kill(child.pid, SIGINT);
  int status = 0;
  for (int i = 0; i < 300; ++i) {  // 30 s, then kill
    if (waitpid(child.pid, &status, WNOHANG) == child.pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(child.pid, SIGKILL);
  waitpid(child.pid, &status, 0);
  return -1;
}

bool running(const Child& child) {
  int status = 0;
  return waitpid(child.pid, &status, WNOHANG) == 0;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> eal_arguments(const std::string& binary, const std::string& prefix, const std::string& pcap) {
  return {binary, "-l", "0,1", "--no-huge", "-m", "1024", "--no-pci", "--file-prefix", prefix,
          "--vdev=net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1", "--vdev=net_null0,no-rx=1"};
}

// Runs testpmd in `mode` and measures `key` ("opackets" of port 1, "ipackets" of port 0) over
// `seconds` after `warmup`, through testpmd's telemetry socket.
double run_testpmd(const std::string& mode, int port, const char* key, const std::string& work, const std::string& pcap,
                   std::size_t mbufs, double warmup, double seconds) {
  const std::string prefix = "dmsc-bench-testpmd-" + std::to_string(getpid());
  auto arguments = eal_arguments("dpdk-testpmd", prefix, pcap);
  // --stats-period keeps testpmd forwarding until signalled (without it, it exits at EOF on stdin).
  for (const char* argument : {"--", "--auto-start", "--stats-period", "60", "--nb-cores", "1"}) arguments.push_back(argument);
  arguments.push_back("--forward-mode=" + mode);
  // The forwarder's burst size, so that both move packets in the same batches.
  arguments.push_back("--burst=" + std::to_string(dataplane::kBurstSize));
  arguments.push_back("--total-num-mbufs=" + std::to_string(mbufs));
  const Child child = spawn(arguments, work + "/testpmd-" + mode + ".log");
  tools::TelemetryClient telemetry(prefix);
  const std::string command = "/ethdev/stats," + std::to_string(port);
  const double deadline = tools::now_seconds() + 60;
  while (tools::now_seconds() < deadline && running(child) && tools::json_u64(telemetry.query(command), key) == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::duration<double>(warmup));
  const double begin_time = tools::now_seconds();
  const std::uint64_t begin = tools::json_u64(telemetry.query(command), key);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const std::uint64_t end = tools::json_u64(telemetry.query(command), key);
  const double elapsed = tools::now_seconds() - begin_time;
  stop_and_wait(child);
  if (end <= begin) {
    std::fprintf(stderr, "warning: testpmd %s forwarded nothing measurable; see %s\n", mode.c_str(), child.log.c_str());
    return 0;
  }
  return static_cast<double>(end - begin) / elapsed;
}

struct Sample {
  double time = 0;
  std::uint64_t rx = 0, forwarded = 0, cycles = 0, parse_cycles = 0, lookup_cycles = 0;
};

Sample sample(const dataplane::StatsSegment& stats) {
  Sample s;
  s.time = tools::now_seconds();
  s.rx = stats.total(dataplane::Counter::kRxPackets);
  s.forwarded = stats.total(dataplane::Counter::kForwarded);
  for (const auto& lcore : stats.layout().lcores)
    if (lcore.in_use) {
      s.cycles += dataplane::read_counter(lcore.processing_cycles);
      s.parse_cycles += dataplane::read_counter(lcore.parse_cycles);
      s.lookup_cycles += dataplane::read_counter(lcore.lookup_cycles);
    }
  return s;
}

struct ForwarderFigures {
  double mpps = 0, cycles = 0, parse_cycles = 0, lookup_cycles = 0;
  std::uint64_t tsc_hz = 0;
  std::string drops;  // {"reason":count,...} over the whole run
  std::uint64_t unexpected_drops = 0;
};

// Runs the forwarder: waits for the FIB to load and packets to flow, warms up, then reads its
// stats segment over `seconds`.
Expected<ForwarderFigures> measure_forwarder(const char* binary, const std::string& work, const std::string& pcap,
                                             const std::string& config, const std::string& stats_name, double warmup,
                                             double seconds, double miss_percent) {
  auto arguments = eal_arguments(binary, "dmsc-bench-fwd-" + std::to_string(getpid()), pcap);
  for (const std::string& argument : {std::string("--"), std::string("--config"), config, std::string("--report"), work + "/report.json"})
    arguments.push_back(argument);
  const Child forwarder = spawn(arguments, work + "/forwarder.log");
  std::optional<dataplane::StatsSegment> stats;
  const double deadline = tools::now_seconds() + 600;
  while (tools::now_seconds() < deadline && running(forwarder)) {
    if (!stats) {
      auto opened = dataplane::StatsSegment::open(stats_name);
      if (opened && dataplane::read_counter(opened->layout().header.pid) == static_cast<std::uint64_t>(forwarder.pid)) stats.emplace(std::move(*opened));
    }
    if (stats && stats->total(dataplane::Counter::kRxPackets) > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!stats || !running(forwarder)) {
    stop_and_wait(forwarder);
    return Error{"the forwarder did not start forwarding; its log:\n" + read_text(forwarder.log)};
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(warmup));
  const Sample begin = sample(*stats);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const Sample end = sample(*stats);
  if (stop_and_wait(forwarder) != 0) return Error{"the forwarder failed; its log:\n" + read_text(forwarder.log)};
  ForwarderFigures figures;
  figures.tsc_hz = stats->layout().header.tsc_hz;
  figures.mpps = static_cast<double>(end.forwarded - begin.forwarded) / (end.time - begin.time) / 1e6;
  const double packets = static_cast<double>(std::max<std::uint64_t>(1, end.rx - begin.rx));
  figures.cycles = static_cast<double>(end.cycles - begin.cycles) / packets;
  figures.parse_cycles = static_cast<double>(end.parse_cycles - begin.parse_cycles) / packets;
  figures.lookup_cycles = static_cast<double>(end.lookup_cycles - begin.lookup_cycles) / packets;
  figures.drops = "{";
  for (const auto& info : dataplane::counter_table()) {
    if (!info.is_drop) continue;
    const std::uint64_t count = stats->total(info.counter);
    if (count == 0) continue;
    if (!(info.counter == dataplane::Counter::kNoRoute && miss_percent > 0)) figures.unexpected_drops += count;
    figures.drops += std::string(figures.drops.size() > 1 ? "," : "") + "\"" + info.name + "\":" + std::to_string(count);
  }
  figures.drops += "}";
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  tools::Options options(argc, argv, kUsage);
  const auto prefix_count = static_cast<std::size_t>(options.number("--prefixes", 1000000));
  const auto packet_count = static_cast<std::size_t>(options.number("--packets", 4096));
  const double seconds = options.number("--seconds", 5);
  const double warmup = options.number("--warmup", 2);
  const auto payload = static_cast<std::size_t>(options.number("--payload", 16));
  const bool udp = options.number("--udp", 0) != 0;
  const double miss_percent = options.number("--miss-percent", 0);
  const bool with_baseline = options.number("--baseline", 1) != 0;
  const auto rounds = static_cast<std::size_t>(options.number("--rounds", 5));
  const auto seed = static_cast<std::uint64_t>(options.number("--seed", 1));
  options.check_all_used();
  if (prefix_count == 0 || packet_count == 0 || seconds <= 0 || rounds == 0) {
    std::fprintf(stderr, "error: --prefixes, --packets, --seconds and --rounds must be positive\n%s", kUsage);
    return 2;
  }

  std::string work_pattern = "/tmp/dmsc-bench-forward-XXXXXX";
  const std::string work = mkdtemp(work_pattern.data());
  const std::string routes = work + "/routes.txt", pcap = work + "/traffic.pcap", config = work + "/sr.conf";

  const auto prefixes = tools::generate_prefixes(prefix_count, seed);
  if (auto written = tools::write_routes_file(routes, prefixes, {1, 2, 3, 4}); !written) {
    std::fprintf(stderr, "error: %s\n", written.error().c_str());
    return 1;
  }
  tools::TrafficSpec spec;
  spec.packets = packet_count;
  spec.seed = seed + 1;
  spec.payload_bytes = payload;
  spec.miss_percent = miss_percent;
  spec.destination_mac = {0x02, 0, 0, 0, 0, 0x10};
  spec.encap = udp ? tools::TrafficEncap::kUdp4 : tools::TrafficEncap::kEthernet;
  auto traffic = tools::write_traffic_pcap(pcap, prefixes, spec);
  if (!traffic) {
    std::fprintf(stderr, "error: %s\n", traffic.error().c_str());
    return 1;
  }
  const std::size_t mbufs = packet_count + 32768;
  const std::string stats_name = "dmsc-bench-forward-" + std::to_string(getpid());
  {
    std::ofstream out(config);
    out << "stats " << stats_name << "\nfib-capacity " << prefix_count << "\nmbufs " << mbufs << "\n"
        << "port p0 net_pcap0 mac 02:00:00:00:00:10 ipv4 10.0.0.1\nport p1 net_null0 ipv4 10.0.1.1\n";
    for (int face = 1; face <= 4; ++face) out << "face " << face << " ethernet p1 02:00:00:00:01:0" << face << "\n";
    out << "routes " << routes << "\n";
  }
  std::fprintf(stderr, "workload: %zu prefixes, %zu distinct packets of %.1f octets (names %.1f octets), %s\n",
               prefix_count, traffic->packets, traffic->mean_frame_bytes, traffic->mean_name_bytes,
               udp ? "UDP/IPv4" : "Ethernet");

  // Rounds alternate the forwarder and testpmd io, so that the host's slow drifts (this class of
  // machine is shared) hit both sides alike; the figures are the medians of the rounds.
  const char* binary = std::getenv("DMSC_FORWARDER_BINARY") ? std::getenv("DMSC_FORWARDER_BINARY") : DMSC_FORWARDER_BINARY;
  std::vector<ForwarderFigures> ours;
  std::vector<double> testpmd, ratios;
  std::string drops_json = "{}";
  std::uint64_t unexpected = 0;
  for (std::size_t round = 0; round < rounds; ++round) {
    auto figures = measure_forwarder(binary, work, pcap, config, stats_name, warmup, seconds, miss_percent);
    if (!figures) {
      std::fprintf(stderr, "error: %s\n", figures.error().c_str());
      return 1;
    }
    std::fprintf(stderr,
                 "round %zu: dmsc-forwarder %.2f Mpps, %.1f cycles/packet in our code (classify+parse %.1f, FIB lookup "
                 "%.1f, next hop+rewrite %.1f; TSC %.2f GHz), drops %s\n",
                 round + 1, figures->mpps, figures->cycles, figures->parse_cycles, figures->lookup_cycles,
                 figures->cycles - figures->parse_cycles - figures->lookup_cycles,
                 static_cast<double>(figures->tsc_hz) / 1e9, figures->drops.c_str());
    unexpected += figures->unexpected_drops;
    if (figures->drops != "{}") drops_json = figures->drops;  // a round with drops shows them
    ours.push_back(*figures);
    if (with_baseline) {
      const double io = run_testpmd("io", 1, "opackets", work, pcap, mbufs, warmup, seconds) / 1e6;
      std::fprintf(stderr, "round %zu: testpmd io %.2f Mpps, ratio %.3f\n", round + 1, io, io > 0 ? figures->mpps / io : 0);
      testpmd.push_back(io);
      ratios.push_back(io > 0 ? figures->mpps / io : 0);
    }
  }
  double source_mpps = 0;
  if (with_baseline) {
    source_mpps = run_testpmd("rxonly", 0, "ipackets", work, pcap, mbufs, warmup, seconds) / 1e6;
    std::fprintf(stderr, "testpmd rxonly (the source alone): %.2f Mpps\n", source_mpps);
  }
  auto median_of = [](std::vector<double> values) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  };
  auto median_field = [&](double ForwarderFigures::*field) {
    std::vector<double> values;
    for (const ForwarderFigures& figures : ours) values.push_back(figures.*field);
    return median_of(values);
  };
  const double mpps = median_field(&ForwarderFigures::mpps);
  const double cycles_per_packet = median_field(&ForwarderFigures::cycles);
  const double parse_per_packet = median_field(&ForwarderFigures::parse_cycles);
  const double lookup_per_packet = median_field(&ForwarderFigures::lookup_cycles);
  const double testpmd_mpps = median_of(testpmd);
  // The host moves testpmd's rate by up to a fifth between rounds: one run of three rounds
  // once reported 0.51 where its neighbours gave 0.43-0.45. Five rounds and the spread.
  const double ratio = median_of(ratios);
  const double ratio_min = ratios.empty() ? 0 : *std::min_element(ratios.begin(), ratios.end());
  const double ratio_max = ratios.empty() ? 0 : *std::max_element(ratios.begin(), ratios.end());
  const std::uint64_t tsc_hz = ours.front().tsc_hz;
  const double source_cycles = source_mpps > 0 ? static_cast<double>(tsc_hz) / (source_mpps * 1e6) : 0;
  std::string rounds_json = "[";
  for (std::size_t r = 0; r < ours.size(); ++r) {
    char entry[160];
    std::snprintf(entry, sizeof entry, "%s{\"mpps\":%.3f,\"testpmd_io_mpps\":%.3f,\"ratio\":%.3f}", r ? "," : "",
                  ours[r].mpps, r < testpmd.size() ? testpmd[r] : 0.0, r < ratios.size() ? ratios[r] : 0.0);
    rounds_json += entry;
  }
  rounds_json += "]";
  if (!std::getenv("DMSC_KEEP_BENCH_FILES")) std::filesystem::remove_all(work);

  std::printf(
      "{\"bench\":\"forward\",\"prefixes\":%zu,\"mpps\":%.3f,\"testpmd_io_mpps\":%.3f,\"ratio\":%.3f,"
      "\"ratio_min\":%.3f,\"ratio_max\":%.3f,"
      "\"rounds\":%s,\"packet_bytes\":%.1f,\"drops\":%s,\"unexpected_drops\":%" PRIu64 ",\"cycles_per_packet\":%.1f,"
      "\"cycles_per_packet_breakdown\":{\"classify_parse\":%.1f,\"fib_lookup\":%.1f,\"next_hop_rewrite\":%.1f},"
      "\"source_rxonly_mpps\":%.3f,\"source_cycles_per_packet\":%.1f,"
      "\"conditions\":{\"forwarding_lcores\":1,\"forwarding_code\":\"%s\",\"forwarder_rx_burst\":%u,\"testpmd_burst\":%u,\"distinct_packets\":%zu,\"name_octets\":%.1f,\"encapsulation\":\"%s\","
      "\"miss_percent\":%.1f,\"source\":\"net_pcap infinite_rx\",\"sink\":\"net_null\",\"seconds\":%.1f,\"warmup\":%.1f,"
      "\"tsc_hz\":%" PRIu64 ",\"eal\":\"--no-huge -m 1024 --no-pci\"},\"cpu\":\"%s\"}\n",
      prefix_count, mpps, testpmd_mpps, ratio, ratio_min, ratio_max, rounds_json.c_str(), traffic->mean_frame_bytes, drops_json.c_str(), unexpected, cycles_per_packet,
      parse_per_packet, lookup_per_packet, cycles_per_packet - parse_per_packet - lookup_per_packet,
      source_mpps, source_cycles, wire::names_avx512_supported() ? "avx512" : "portable", unsigned{dataplane::kBurstSize},
      unsigned{dataplane::kBurstSize}, traffic->packets, traffic->mean_name_bytes, udp ? "udp4" : "ethernet", miss_percent,
      seconds, warmup, tsc_hz, tools::json_escape(tools::cpu_model()).c_str());
  return 0;
}
