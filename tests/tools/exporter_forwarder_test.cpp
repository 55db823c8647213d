// dmsc-exporter against a real dmsc-forwarder on net_pcap → net_null (no-rx=1), and a real dmsc-controld:
// the exposition parses strictly (and under promtool when installed), its counters equal the
// forwarder's own exit report, and the HTTP server answers /metrics, 404, 405, 400 and survives
// a silent client.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <thread>

#include "dataplane/forwarder_config.hpp"
#include "dataplane/stats_segment.hpp"
#include "dataplane/wire.hpp"
#include "dataplane/wire_frame.hpp"
#include "tests/dataplane/forwarder_harness.hpp"
#include "tests/tools/exporter_process.hpp"
#include "tests/tools/prometheus_parser.hpp"
#include "tools/exporter_metrics.hpp"
#include "tools/pcap_file.hpp"

namespace dmsc::tools::test {
namespace {

using dataplane::test::ScratchDirectory;
using dataplane::test::write_text;
using Bytes = std::vector<std::uint8_t>;

constexpr int kRouted = 40, kNoRoute = 7, kHopLimit = 3, kTruncated = 5;
constexpr int kFrames = kRouted + kNoRoute + kHopLimit + kTruncated;

Bytes dmsc_frame(const std::string& destination, std::uint8_t hop_limit, std::uint32_t id) {
  wire::PacketFields fields;
  fields.destination = *fib::Name::parse(destination);
  fields.source = *fib::Name::parse("/sg/exporter-test");
  fields.hop_limit = hop_limit;
  fields.flow_key = id * 2654435761u;
  auto packet = wire::encode_packet(fields);
  return wire::build_ethernet_frame(*dataplane::parse_mac("02:00:00:00:00:10"), *dataplane::parse_mac("02:00:00:00:77:01"),
                                    wire::kDefaultEthertype, *packet);
}

void write_input(const std::string& path) {
  auto writer = PcapWriter::open(path);
  ASSERT_TRUE(writer.ok());
  std::uint32_t id = 0;
  for (int i = 0; i < kRouted; ++i) writer->write(dmsc_frame("/svc/a/x" + std::to_string(i), 64, ++id));
  for (int i = 0; i < kNoRoute; ++i) writer->write(dmsc_frame("/nowhere/" + std::to_string(i), 64, ++id));
  for (int i = 0; i < kHopLimit; ++i) writer->write(dmsc_frame("/svc/a", 1, ++id));
  for (int i = 0; i < kTruncated; ++i) {
    Bytes frame = dmsc_frame("/svc/a", 64, ++id);
    frame.resize(14 + 4);  // the DMSC header cut after 4 octets, padded by nothing
    writer->write(frame);
  }
  writer->close();
}

std::string exporter_binary() { return DMSC_EXPORTER_BINARY; }

// The forwarder has taken in the whole pcap and its port figures caught up (copied every 100 ms).
bool wait_drained(const std::string& stats_name) {
  for (int attempt = 0; attempt < 300; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto stats = dataplane::StatsSegment::open(stats_name);
    if (!stats.ok()) continue;
    if (stats->total(dataplane::Counter::kRxPackets) == kFrames &&
        dataplane::read_counter(stats->layout().ports[0].rx_packets) == kFrames) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return true;
    }
  }
  return false;
}

// The families that must not move while the forwarder idles (loops and heartbeat do).
void expect_same_counters(const Exposition& a, const Exposition& b) {
  for (const dataplane::CounterInfo& info : dataplane::counter_table()) {
    const std::string family = std::string("dmsc_forwarder_") + info.name + "_total";
    EXPECT_EQ(a.sum(family), b.sum(family)) << family;
  }
  EXPECT_EQ(a.sum("dmsc_forwarder_parse_drops_total"), b.sum("dmsc_forwarder_parse_drops_total"));
}

// promtool exits 1 when the text does not parse and 3 for lint findings. The one finding
// allowed is its guess that "us" in not_for_us abbreviates microseconds: the metric keeps the
// counter table's name.
void expect_promtool_accepts(const std::string& text) {
  if (access("/usr/bin/promtool", X_OK) != 0) {
    std::fprintf(stderr, "promtool not installed (Debian package prometheus): strict parser only\n");
    return;
  }
  const Output lint = run({"/bin/sh", "-c", "/usr/bin/promtool check metrics 2>&1"}, text);
  EXPECT_TRUE(lint.status == 0 || lint.status == 3) << lint.out;
  std::istringstream lines(lint.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) EXPECT_EQ(line, "dmsc_forwarder_not_for_us_total metric names should not contain abbreviated units");
  }
}

TEST(ExporterForwarder, CountersEqualTheForwardersReportOverStdoutAndHttp) {
  ScratchDirectory scratch("exporter");
  const std::string stats_name = dataplane::test::file_prefix() + "-stats";
  write_input(scratch.file("in.pcap"));
  write_text(scratch.file("sr.conf"), "stats " + stats_name +
                                          "\nport p0 net_pcap0 mac 02:00:00:00:00:10\n"
                                          "port p1 net_null0 mac 02:00:00:00:00:11\n"
                                          "face 1 ethernet p1 02:00:00:00:01:01\nroute /svc/a 1\nroute /svc/b 1\n");
  const pid_t forwarder = dataplane::test::start_forwarder(
      scratch, {"net_pcap0,rx_pcap=" + scratch.file("in.pcap") + ",tx_pcap=" + scratch.file("out0.pcap"), "net_null0,no-rx=1"},
      scratch.file("sr.conf"), {});
  const bool drained = wait_drained(stats_name);
  if (!drained) {
    const auto run = dataplane::test::wait_forwarder(scratch, forwarder, true);
    FAIL() << "the forwarder did not take in the pcap; log:\n" << run.log;
  }

  // --once, while the forwarder runs.
  const Output once = run({exporter_binary(), "--once", "--stats", stats_name});
  EXPECT_EQ(once.status, 0);
  const Exposition parsed = parse_exposition(once.out);
  ASSERT_EQ(parsed.error, "") << once.out;
  EXPECT_EQ(parsed.sum("dmsc_forwarder_up"), 1);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_forwarded_total"), kRouted);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_no_route_total"), kNoRoute);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_hop_limit_exceeded_total"), kHopLimit);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_parse_drops_total", {{"reason", "truncated_header"}}), kTruncated);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_port_rx_packets_total", {{"port", "p0"}}), kFrames);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_fib_prefixes"), 2);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_forwarded_total", {{"lcore", "1"}}), kRouted);  // the forwarding lcore

  expect_promtool_accepts(once.out);

  // The HTTP server on a port of the kernel's choosing, which it names on stderr.
  int err_pipe[2];
  ASSERT_EQ(pipe(err_pipe), 0);
  const pid_t exporter = spawn({exporter_binary(), "--stats", stats_name, "--listen", "127.0.0.1:0"}, -1, err_pipe[1]);
  close(err_pipe[1]);
  std::string banner;
  for (char c; banner.find('\n') == std::string::npos && read(err_pipe[0], &c, 1) == 1;) banner += c;
  const std::size_t colon = banner.rfind(':');
  ASSERT_NE(colon, std::string::npos) << banner;
  const auto port = static_cast<std::uint16_t>(std::stoi(banner.substr(colon + 1)));

  const HttpAnswer metrics = split_http(http_exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.headers.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << metrics.headers;
  EXPECT_NE(metrics.headers.find("Content-Length: " + std::to_string(metrics.body.size()) + "\r\n"), std::string::npos);
  const Exposition scraped = parse_exposition(metrics.body);
  ASSERT_EQ(scraped.error, "") << metrics.body;
  expect_same_counters(parsed, scraped);
  EXPECT_EQ(split_http(http_exchange(port, "GET /metrics?name[]=x HTTP/1.0\r\n\r\n")).status, 200);
  const HttpAnswer head = split_http(http_exchange(port, "HEAD /metrics HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(split_http(http_exchange(port, "GET / HTTP/1.1\r\n\r\n")).status, 404);
  EXPECT_EQ(split_http(http_exchange(port, "GET /metricsx HTTP/1.1\r\n\r\n")).status, 404);
  EXPECT_EQ(split_http(http_exchange(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")).status, 405);
  EXPECT_EQ(split_http(http_exchange(port, "hello\r\n\r\n")).status, 400);
  EXPECT_EQ(split_http(http_exchange(port, std::string(9000, 'a'))).status, 431);
  {
    // A client that connects and says nothing holds the server for its timeout, no longer.
    const int silent = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(silent, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(split_http(http_exchange(port, "GET /metrics HTTP/1.1\r\n\r\n", std::chrono::seconds(9))).status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(7));
    close(silent);
  }
  kill(exporter, SIGTERM);
  EXPECT_EQ(wait_status(exporter), 0);
  close(err_pipe[0]);

  const auto report = dataplane::test::wait_forwarder(scratch, forwarder, true);
  ASSERT_EQ(report.exit_status, 0) << report.log;
  for (const dataplane::CounterInfo& info : dataplane::counter_table()) {
    const auto value = dataplane::test::json_number(report.report, info.name);
    ASSERT_TRUE(value) << info.name << " missing in " << report.report;
    EXPECT_EQ(parsed.sum(std::string("dmsc_forwarder_") + info.name + "_total"), static_cast<double>(*value)) << info.name;
  }
  EXPECT_EQ(dataplane::test::json_number(report.report, "truncated_header"), kTruncated);
  EXPECT_EQ(dataplane::test::json_number(report.report, "prefixes"), 2u);

  // A forwarder that exited cleanly removed its segment: the exporter says down.
  const Output after = run({exporter_binary(), "--once", "--stats", stats_name});
  EXPECT_EQ(after.status, 1);
  EXPECT_EQ(parse_exposition(after.out).sum("dmsc_forwarder_up"), 0);
}

TEST(ExporterControld, CountersEqualShowCountersJson) {
  ScratchDirectory scratch("exporter-controld");
  write_text(scratch.file("controld.conf"), "system-id 0000.0000.0042\narea 49.0001\nhostname exporter-test\n"
                                            "service-prefix /svc/exporter\n");
  const std::string socket_path = scratch.file("api.sock");
  const int log = ::open(scratch.file("controld.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const pid_t controld =
      spawn({DMSC_CONTROLD_BINARY, "--config", scratch.file("controld.conf"), "--socket", socket_path}, log, log);
  close(log);
  struct stat status {};
  for (int attempt = 0; attempt < 100 && stat(socket_path.c_str(), &status) != 0; ++attempt)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  const Output once = run({exporter_binary(), "--once", "--stats", "dmsc-exporter-test-absent", "--controld-socket", socket_path});
  const Output show = run({DMSC_CONTROLD_BINARY, "show", "counters", "json", "--socket", socket_path});
  kill(controld, SIGTERM);
  wait_status(controld);
  EXPECT_EQ(once.status, 1);  // no forwarder
  const Exposition parsed = parse_exposition(once.out);
  ASSERT_EQ(parsed.error, "") << once.out << "\ncontrold log:\n" << dataplane::test::read_text(scratch.file("controld.log"));
  EXPECT_EQ(parsed.sum("dmsc_forwarder_up"), 0);
  EXPECT_EQ(parsed.sum("dmsc_controld_up"), 1);
  const auto counters = parse_counters_json(show.out);
  ASSERT_TRUE(counters.ok()) << show.out;
  ASSERT_GT(counters->size(), 10u);
  for (const auto& [name, value] : *counters) {
    const std::string family = "dmsc_controld_" + name + "_total";
    ASSERT_TRUE(parsed.families.count(family)) << family;
    EXPECT_EQ(parsed.families.at(family).type, "counter");
    // The daemon has no circuit: nothing it counts moves between the two reads.
    EXPECT_EQ(parsed.sum(family), static_cast<double>(value)) << family;
  }
  expect_promtool_accepts(once.out);
}

}  // namespace
}  // namespace dmsc::tools::test
