// The FIB update channel between two real processes (channel_peer), the consumer applying to a
// real fib::Table: convergence through a ring smaller than the route set, kill -9 of either
// side mid-stream and restart, churn while the consumer is down, random churn. Waits are
// bounded only so that a bug cannot hang the suite; nothing asserts on time.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

#include "tests/fib/channel_test_util.hpp"

extern char** environ;

namespace dmsc::fib {
namespace {

using Routes = std::map<Name, NextHopSet>;
using test::make_routes;
using test::sorted;

constexpr auto kPatience = std::chrono::seconds(30);

bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

// A channel_peer process; killed with SIGKILL if still running when destroyed.
class Peer {
 public:
  explicit Peer(std::vector<std::string> args) {
    args.insert(args.begin(), DMSC_CHANNEL_PEER);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
  }
  ~Peer() {
    if (pid_ > 0) kill9();
  }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  bool running() const { return pid_ > 0; }
  void kill9() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // SIGTERM and reap; returns the exit status (-1 if it did not exit normally).
  int stop() {
    kill(pid_, SIGTERM);
    return reap();
  }
  // Waits (bounded) for the process to exit by itself.
  int reap() {
    int status = 0;
    if (!eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; })) {
      kill9();
      return -1;
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
};

struct Report {
  std::map<std::string, std::uint64_t> values;
  Routes routes;
  std::uint64_t operator[](const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? ~0ull : it->second;
  }
};

Report read_report(const std::string& path) {
  Report report;
  std::ifstream in(path);
  std::string key;
  std::uint64_t value;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    if (line.rfind("route ", 0) == 0) continue;
    if (fields >> key >> value) report.values[key] = value;
  }
  report.routes = test::read_routes(path);
  return report;
}

class ChannelTwoProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("dmsc-channel-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& file) const { return (dir_ / file).string(); }
  std::string routes_file(const std::string& file, const Routes& routes) const {
    test::write_file_atomically(path(file), test::format_routes(routes));
    return path(file);
  }
  std::vector<std::string> producer_args(const std::string& routes_path, std::uint32_t slots) {
    return {"producer", "--shm", shm_.name(), "--slots", std::to_string(slots), "--routes",
            routes_path};
  }
  std::vector<std::string> consumer_args(const std::string& report, std::uint32_t slots) {
    return {"consumer", "--shm", shm_.name(), "--slots", std::to_string(slots), "--report",
            path(report)};
  }
  static std::vector<std::string> with(std::vector<std::string> args,
                                       std::initializer_list<std::string> more) {
    args.insert(args.end(), more);
    return args;
  }
  bool converges(const std::string& report, const Routes& expected) {
    return eventually([&] { return read_report(path(report)).routes == sorted(expected); });
  }
  void expect_clean(const std::string& report) {
    const Report r = read_report(path(report));
    EXPECT_EQ(r["rejects"], 0u);
    EXPECT_EQ(r["sink_errors"], 0u);
    EXPECT_EQ(r["table_mismatches"], 0u);  // the real FIB holds exactly the reported routes
  }
  ChannelCounters counters() {
    auto c = inspect_channel(shm_.name());
    EXPECT_TRUE(c.ok()) << c.error();
    return c ? *c : ChannelCounters{};
  }
  // The first consumer has attached and asked for its resync (so a producer started now
  // serves it with its first resync).
  bool consumer_asked() {
    return eventually([&] {
      auto c = inspect_channel(shm_.name());
      return c.ok() && c->resync_requested != 0;
    });
  }
  bool exists(const std::string& file) const { return std::filesystem::exists(path(file)); }

  test::UniqueShm shm_{"2p"};
  std::filesystem::path dir_;
};

TEST_F(ChannelTwoProcess, ConsumerFirstConvergesThroughASmallerRing) {
  const Routes routes = make_routes(3000);
  Peer consumer(consumer_args("report", 256));
  ASSERT_TRUE(consumer_asked());
  Peer producer(producer_args(routes_file("routes", routes), 256));
  ASSERT_TRUE(converges("report", routes));
  expect_clean("report");
  // One resync of 3000 routes through 256 slots, each message sent exactly once.
  EXPECT_EQ(counters().of(ProducerCounter::kMessages), 3002u);
  EXPECT_EQ(counters().of(ConsumerCounter::kRoutes), 3000u);
  EXPECT_EQ(producer.stop(), 0);
  EXPECT_EQ(consumer.stop(), 0);
}

TEST_F(ChannelTwoProcess, ProducerFirstIsResentForTheConsumer) {
  const Routes routes = make_routes(3000);
  Peer producer(producer_args(routes_file("routes", routes), 256));
  // No consumer: the producer fills the ring and waits mid-resync.
  ASSERT_TRUE(eventually([&] {
    auto c = inspect_channel(shm_.name());
    return c.ok() && c->of(ProducerCounter::kRingFull) > 0;
  }));
  Peer consumer(consumer_args("report", 256));
  ASSERT_TRUE(converges("report", routes));
  expect_clean("report");
  EXPECT_EQ(counters().of(ProducerCounter::kResyncsRestarted), 1u);
}

TEST_F(ChannelTwoProcess, ConsumerKilledMidStreamIsRestartedAndConverges) {
  const Routes routes = make_routes(3000);
  Peer first(with(consumer_args("report1", 128),
                  {"--stall-after", "700", "--marker", path("stalled")}));
  ASSERT_TRUE(consumer_asked());
  Peer producer(producer_args(routes_file("routes", routes), 128));
  ASSERT_TRUE(eventually([&] { return exists("stalled"); }));
  first.kill9();
  const ChannelCounters at_kill = counters();
  EXPECT_EQ(at_kill.of(ConsumerCounter::kResyncsCompleted), 0u);  // killed mid-resync
  EXPECT_GT(at_kill.of(ConsumerCounter::kRoutes), 0u);

  Peer second(consumer_args("report2", 128));
  ASSERT_TRUE(converges("report2", routes));
  expect_clean("report2");
  const ChannelCounters c = counters();
  EXPECT_EQ(c.of(ConsumerCounter::kAttaches), 2u);
  EXPECT_EQ(c.of(ProducerCounter::kResyncsRestarted), 1u);
}

TEST_F(ChannelTwoProcess, ProducerKilledMidResyncRestartedWithANewSet) {
  const Routes a = make_routes(1500, 1, 0);
  Routes b = make_routes(1500, 1, 750);
  for (auto& [prefix, set] : b) set = test::hops(set.hops[0].face + 100);  // all changed
  const Routes c = make_routes(1500, 1, 400);
  Routes common;  // in the state before and after the restarts: must never be absent
  for (const auto& [prefix, set] : a)
    if (c.count(prefix)) common.emplace(prefix, set);
  ASSERT_EQ(common.size(), 1100u);

  Peer consumer(with(consumer_args("report", 128), {"--watch", routes_file("watch", common)}));
  ASSERT_TRUE(consumer_asked());
  {
    Peer p1(producer_args(routes_file("a", a), 128));
    ASSERT_TRUE(converges("report", a));
    p1.kill9();
  }
  const ChannelCounters before = counters();
  {
    Peer p2(with(producer_args(routes_file("b", b), 128),
                 {"--stall-after", "400", "--marker", path("stalled")}));
    ASSERT_TRUE(eventually([&] { return exists("stalled"); }));
    p2.kill9();
  }
  ChannelCounters mid = counters();
  // The second producer died inside its resync, and the consumer applied its beginning.
  EXPECT_EQ(mid.of(ProducerCounter::kResyncsBegun), before.of(ProducerCounter::kResyncsBegun) + 1);
  EXPECT_EQ(mid.of(ProducerCounter::kResyncsCompleted),
            before.of(ProducerCounter::kResyncsCompleted));
  EXPECT_TRUE(eventually([&] {
    mid = counters();
    return mid.tail == mid.head;
  }));
  EXPECT_EQ(mid.of(ConsumerCounter::kResyncsBegun), before.of(ConsumerCounter::kResyncsBegun) + 1);
  EXPECT_EQ(mid.of(ConsumerCounter::kResyncsCompleted),
            before.of(ConsumerCounter::kResyncsCompleted));

  Peer p3(producer_args(routes_file("c", c), 128));
  ASSERT_TRUE(converges("report", c));  // exactly C: nothing stale from A or B
  expect_clean("report");
  const Report r = read_report(path("report"));
  EXPECT_EQ(r["epoch"], 3u);
  EXPECT_EQ(r["watch_armed"], 1u);
  EXPECT_EQ(r["watch_violations"], 0u);  // checked after every message, in the table too
  EXPECT_EQ(r["watched_removals"], 0u);
  EXPECT_EQ(counters().of(ConsumerCounter::kEpochChanges), 2u);
}

TEST_F(ChannelTwoProcess, ChangesMadeWhileTheConsumerIsDownArriveAfterItsRestart) {
  Peer producer(with(producer_args(routes_file("routes", make_routes(500)), 64),
                     {"--churn", "30000", "--seed", "7", "--state-out", path("state")}));
  Peer first(with(consumer_args("report1", 64),
                  {"--stall-after", "100", "--marker", path("stalled")}));
  ASSERT_TRUE(eventually([&] { return exists("stalled"); }));
  first.kill9();
  ASSERT_TRUE(eventually([&] { return exists("state"); }));  // churn done, consumer still down
  EXPECT_GT(counters().of(ProducerCounter::kRingFull), 0u);
  Peer second(consumer_args("report2", 64));
  ASSERT_TRUE(converges("report2", test::read_routes(path("state"))));
  expect_clean("report2");
}

TEST_F(ChannelTwoProcess, RandomChurnEndsEqualToTheProducer) {
  Peer consumer(consumer_args("report", 32));
  Peer producer(with(producer_args(routes_file("routes", make_routes(1000)), 32),
                     {"--churn", "50000", "--seed", "11", "--state-out", path("state")}));
  ASSERT_TRUE(eventually([&] { return exists("state"); }));
  const Routes final_state = test::read_routes(path("state"));
  ASSERT_FALSE(final_state.empty());
  ASSERT_TRUE(converges("report", final_state));
  expect_clean("report");
}

TEST_F(ChannelTwoProcess, ASecondProducerOrConsumerIsRefused) {
  const std::string routes = routes_file("routes", make_routes(10));
  Peer producer(producer_args(routes, 64));
  Peer consumer(consumer_args("report", 64));
  ASSERT_TRUE(converges("report", make_routes(10)));
  Peer producer2(producer_args(routes, 64));
  EXPECT_EQ(producer2.reap(), 3);
  Peer consumer2(consumer_args("report2", 64));
  EXPECT_EQ(consumer2.reap(), 3);
  EXPECT_EQ(producer.stop(), 0);
  EXPECT_EQ(consumer.stop(), 0);
}

}  // namespace
}  // namespace dmsc::fib
