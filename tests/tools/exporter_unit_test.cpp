// The exporter's text without a forwarder: escaping, names, the controld counters' JSON, and a
// stats segment this test writes itself, read back through the strict parser.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>

#include "dataplane/wire_reasons.hpp"
#include "tests/tools/prometheus_parser.hpp"
#include "tools/exporter_metrics.hpp"

namespace dmsc::tools::test {
namespace {

TEST(PrometheusText, EscapesHelpAndLabelValues) {
  PrometheusText out;
  out.family("a_total", MetricType::kCounter, "back\\slash and\nnewline \"quoted\"");
  out.sample({{"port", "p\"0\\\n"}, {"lcore", "1"}}, std::uint64_t{18446744073709551615ull});
  out.family("b", MetricType::kGauge, "a gauge");
  out.sample({}, 0.25);
  const Exposition parsed = parse_exposition(out.text());
  ASSERT_EQ(parsed.error, "") << out.text();
  EXPECT_EQ(parsed.families.at("a_total").type, "counter");
  EXPECT_EQ(parsed.families.at("a_total").samples.at(0).labels.at("port"), "p\"0\\\n");
  EXPECT_DOUBLE_EQ(parsed.families.at("a_total").samples.at(0).value, 18446744073709551615.0);
  EXPECT_DOUBLE_EQ(parsed.sum("b"), 0.25);
  EXPECT_NE(out.text().find("a_total{port=\"p\\\"0\\\\\\n\",lcore=\"1\"} 18446744073709551615\n"), std::string::npos);
}

TEST(PrometheusText, MetricNames) {
  EXPECT_EQ(metric_name("rx_packets"), "rx_packets");
  EXPECT_EQ(metric_name("lsp-gen.count"), "lsp_gen_count");
  EXPECT_EQ(metric_name("9lives"), "_9lives");
  EXPECT_EQ(metric_name(""), "_");
}

TEST(PrometheusParser, RejectsWhatPrometheusRejects) {
  EXPECT_EQ(parse_exposition("# HELP a x\n# TYPE a gauge\na 1\n").error, "");
  EXPECT_NE(parse_exposition("# HELP a x\n# TYPE a gauge\na 1").error, "");                       // no final newline
  EXPECT_NE(parse_exposition("a 1\n").error, "");                                                 // no HELP/TYPE
  EXPECT_NE(parse_exposition("# HELP a x\n# TYPE a gauge\na 1\n# HELP b y\n# TYPE b gauge\nb 1\na 2\n").error, "");
  EXPECT_NE(parse_exposition("# HELP a x\n# TYPE a gauge\na{l=\"\\q\"} 1\n").error, "");          // bad escape
  EXPECT_NE(parse_exposition("# HELP a x\n# TYPE a gauge\na{l=\"1\"} 1\na{l=\"1\"} 2\n").error, "");  // repeated
  EXPECT_NE(parse_exposition("# HELP a x\n# TYPE a gauge\na one\n").error, "");
  EXPECT_NE(parse_exposition("# HELP a x\n# TYPE a kounter\na 1\n").error, "");
}

TEST(ControldCounters, ParsesTheDaemonsJson) {
  auto counters = parse_counters_json("{\"pdu_received\":12,\"spf_runs\":3}\n");
  ASSERT_TRUE(counters.ok()) << counters.error();
  ASSERT_EQ(counters->size(), 2u);
  EXPECT_EQ((*counters)[0].first, "pdu_received");
  EXPECT_EQ((*counters)[1].second, 3u);
  EXPECT_TRUE(parse_counters_json("{}").ok());
  for (const char* bad : {"", "{", "{\"a\":}", "{\"a\":-1}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":99999999999999999999}",
                          "unknown command; commands: ...\n"})
    EXPECT_FALSE(parse_counters_json(bad).ok()) << bad;
}

TEST(ControldCounters, DownWhenTheSocketIsMissing) {
  PrometheusText out;
  append_controld_metrics(out, query_controld("/nonexistent/dmsc-controld.sock", std::chrono::milliseconds(200)));
  const Exposition parsed = parse_exposition(out.text());
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.sum("dmsc_controld_up"), 0);
  EXPECT_EQ(parsed.families.size(), 1u);
}

TEST(ForwarderMetrics, DownWithoutASegment) {
  PrometheusText out;
  bool up = true;
  append_forwarder_metrics(out, "dmsc-exporter-test-none-" + std::to_string(getpid()), up);
  EXPECT_FALSE(up);
  EXPECT_EQ(out.text(), "# HELP dmsc_forwarder_up 1 when the forwarder's stats segment is readable and its process is alive\n"
                        "# TYPE dmsc_forwarder_up gauge\ndmsc_forwarder_up 0\n");
}

// A segment written here, with this process as its "forwarder": two lcore blocks and a port.
TEST(ForwarderMetrics, EveryCounterOfTheTableBySumAndByLcore) {
  const std::string name = "dmsc-exporter-unit-" + std::to_string(getpid());
  auto segment = dataplane::StatsSegment::create(name);
  ASSERT_TRUE(segment.ok()) << segment.error();
  dataplane::StatsLayout& layout = segment->layout();
  layout.header.lcore_count = 2;
  layout.header.port_count = 1;
  layout.header.fib_prefixes = 7;
  layout.header.fib_capacity = 1024;
  for (std::uint32_t i = 0; i < 2; ++i) {
    layout.lcores[i].lcore_id = i + 1;
    layout.lcores[i].in_use = 1;
    for (std::size_t c = 0; c < dataplane::kCounterCount; ++c) layout.lcores[i].counters[c] = 100 * (i + 1) + c;
    layout.lcores[i].parse_drops[static_cast<std::size_t>(wire::ParseError::kBadVersion)] = 5 + i;
    layout.lcores[i].loops = 1000;
  }
  std::strcpy(layout.ports[0].name, "p0");
  layout.ports[0].rx_packets = 42;
  layout.ports[0].link_up = 1;

  PrometheusText out;
  bool up = false;
  append_forwarder_metrics(out, name, up);
  segment->unlink();
  EXPECT_TRUE(up);
  const Exposition parsed = parse_exposition(out.text());
  ASSERT_EQ(parsed.error, "") << out.text();
  EXPECT_EQ(parsed.order.front(), "dmsc_forwarder_up");
  EXPECT_EQ(parsed.sum("dmsc_forwarder_up"), 1);
  for (const dataplane::CounterInfo& info : dataplane::counter_table()) {
    const std::string family = std::string("dmsc_forwarder_") + info.name + "_total";
    ASSERT_TRUE(parsed.families.count(family)) << family;
    EXPECT_EQ(parsed.families.at(family).type, "counter");
    EXPECT_NE(parsed.families.at(family).help.find(info.description), std::string::npos) << family;
    EXPECT_EQ(parsed.sum(family), static_cast<double>(segment->total(info.counter))) << family;
    EXPECT_EQ(parsed.sum(family, {{"lcore", "2"}}), static_cast<double>(layout.lcores[1].get(info.counter))) << family;
  }
  EXPECT_EQ(parsed.sum("dmsc_forwarder_parse_drops_total", {{"reason", "bad_version"}}), 11);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_parse_drops_total", {{"reason", "bad_version"}, {"lcore", "1"}}), 5);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_loops_total"), 2000);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_fib_prefixes"), 7);
  EXPECT_EQ(parsed.families.at("dmsc_forwarder_fib_prefixes").type, "gauge");
  EXPECT_EQ(parsed.sum("dmsc_forwarder_fib_capacity"), 1024);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_port_rx_packets_total", {{"port", "p0"}, {"port_id", "0"}}), 42);
  EXPECT_EQ(parsed.sum("dmsc_forwarder_port_link_up", {{"port", "p0"}}), 1);
}

}  // namespace
}  // namespace dmsc::tools::test
