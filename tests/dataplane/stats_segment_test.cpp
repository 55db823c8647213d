#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "dataplane/stats_format.hpp"
#include "dataplane/stats_segment.hpp"

namespace dmsc::dataplane {
namespace {

TEST(StatsSegment, ReadersSeeTheWritersCountersAndVersion) {
  const std::string name = "dmsc-test-stats-" + std::to_string(getpid());
  auto writer = StatsSegment::create(name);
  ASSERT_TRUE(writer.ok()) << writer.error();
  writer->layout().header.lcore_count = 2;
  writer->layout().lcores[0].in_use = writer->layout().lcores[1].in_use = 1;
  bump(writer->layout().lcores[0][Counter::kForwarded], 5);
  bump(writer->layout().lcores[1][Counter::kForwarded], 7);
  bump(writer->layout().lcores[1].parse_drops[3], 2);
  auto reader = StatsSegment::open(name);
  ASSERT_TRUE(reader.ok()) << reader.error();
  EXPECT_EQ(reader->total(Counter::kForwarded), 12u);
  EXPECT_EQ(reader->total_parse_drops(3), 2u);
  writer->unlink();
  EXPECT_FALSE(StatsSegment::open(name).ok());
}

// `clear stats`: the counters go on (telemetry and the exporter read them raw), the baseline
// taken at clear time is what the CLI subtracts.
TEST(StatsSegment, ClearingTakesABaselineAndLeavesTheCountersAlone) {
  const std::string name = "dmsc-test-stats-clear-" + std::to_string(getpid());
  auto writer = StatsSegment::create(name);
  ASSERT_TRUE(writer.ok()) << writer.error();
  StatsLayout& layout = writer->layout();
  layout.header.lcore_count = 2;
  layout.header.port_count = 1;
  layout.lcores[0].in_use = layout.lcores[1].in_use = 1;
  bump(layout.lcores[0][Counter::kForwarded], 5);
  bump(layout.lcores[1][Counter::kForwarded], 7);
  bump(layout.lcores[1].parse_drops[3], 2);
  bump(layout.lcores[0].loops, 100);
  store_counter(layout.ports[0].rx_packets, 40);
  auto reader = StatsSegment::open(name);
  ASSERT_TRUE(reader.ok()) << reader.error();
  auto before = std::make_unique<StatsBaseline>();
  reader->read_baseline(*before);
  EXPECT_EQ(before->cleared_unix_ns, 0u);
  EXPECT_EQ(StatsReading(*reader, before.get()).total(Counter::kForwarded), 12u);

  writer->clear_counters(1234);
  bump(layout.lcores[1][Counter::kForwarded], 3);
  store_counter(layout.ports[0].rx_packets, 41);
  auto since = std::make_unique<StatsBaseline>();
  reader->read_baseline(*since);
  EXPECT_EQ(since->cleared_unix_ns, 1234u);
  EXPECT_EQ(since->clears, 1u);
  EXPECT_EQ(since->epoch % 2, 0u);
  const StatsReading reading(*reader, since.get());
  EXPECT_EQ(reading.total(Counter::kForwarded), 3u);
  EXPECT_EQ(reading.lcore(0, Counter::kForwarded), 0u);
  EXPECT_EQ(reading.total_parse_drops(3), 0u);
  EXPECT_EQ(reading.lcore(0, &LcoreCounters::loops), 0u);
  EXPECT_EQ(reading.port(0, &PortCounters::rx_packets), 1u);
  EXPECT_EQ(reader->total(Counter::kForwarded), 15u) << "the raw totals go on";
  const std::string json = format_stats_json(*reader, since.get());
  EXPECT_NE(json.find("\"forwarded\":3,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"cleared_unix_ns\":1234,"), std::string::npos) << json;
  EXPECT_NE(format_stats_json(*reader).find("\"forwarded\":15,"), std::string::npos);
  EXPECT_EQ(format_stats_json(*reader).find("cleared_unix_ns"), std::string::npos);
  writer->unlink();
}

// A second forwarder with the same stats name must not zero the running one's counters.
TEST(StatsSegment, ASegmentOfARunningProcessIsNotTakenOver) {
  const std::string name = "dmsc-test-stats-busy-" + std::to_string(getpid());
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t owner = fork();
  if (owner == 0) {
    auto segment = StatsSegment::create(name);
    const char status = segment.ok() ? 'y' : 'n';
    (void)!write(ready[1], &status, 1);
    pause();
    _exit(0);
  }
  char status = 0;
  ASSERT_EQ(read(ready[0], &status, 1), 1);
  ASSERT_EQ(status, 'y');
  auto second = StatsSegment::create(name);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().find("belongs to running process " + std::to_string(owner)), std::string::npos) << second.error();
  kill(owner, SIGKILL);
  waitpid(owner, nullptr, 0);
  // Its owner gone, the segment is stale: taken over.
  auto third = StatsSegment::create(name);
  ASSERT_TRUE(third.ok()) << third.error();
  third->unlink();
}

}  // namespace
}  // namespace dmsc::dataplane
