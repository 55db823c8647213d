#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

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
