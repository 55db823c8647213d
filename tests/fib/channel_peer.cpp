// One side of the FIB update channel as its own process, for the two-process tests: they start,
// kill -9 and restart these, and compare what the consumer reports with what the producer holds.
//
//   channel_peer producer --shm NAME --routes FILE [--slots N] [--stall-after N --marker FILE]
//                         [--churn STEPS --seed S] [--state-out FILE]
//   channel_peer consumer --shm NAME --report FILE [--slots N] [--sink table|map]
//                         [--watch FILE] [--stall-after N --marker FILE]
//
// Both run until SIGTERM (exit 0) or SIGKILL. --stall-after stops taking part after N messages
// (and writes --marker) so that a test can kill a side at a known point, e.g. mid-resync. The
// consumer rewrites --report whenever it has drained the ring after a change: its routes (from a
// mirror sink applied alongside the real fib::Table, and checked against the table), counters,
// and for --watch prefixes whether any was ever absent once first synced.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "fib/channel_map_sink.hpp"
#include "fib/channel_table_sink.hpp"
#include "fib/update_channel.hpp"
#include "tests/fib/channel_test_util.hpp"

namespace dmsc::fib {
namespace {

volatile std::sig_atomic_t stop_requested = 0;
void on_sigterm(int) { stop_requested = 1; }

struct Options {
  std::string role, shm, routes, report, watch, marker, state_out, sink = "table";
  std::uint32_t slots = 4096;
  std::uint64_t stall_after = 0, churn = 0, seed = 1;
};

bool parse(int argc, char** argv, Options& o) {
  if (argc < 2) return false;
  o.role = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--shm") o.shm = value;
    else if (key == "--routes") o.routes = value;
    else if (key == "--report") o.report = value;
    else if (key == "--watch") o.watch = value;
    else if (key == "--marker") o.marker = value;
    else if (key == "--state-out") o.state_out = value;
    else if (key == "--sink") o.sink = value;
    else if (key == "--slots") o.slots = static_cast<std::uint32_t>(std::stoul(value));
    else if (key == "--stall-after") o.stall_after = std::stoull(value);
    else if (key == "--churn") o.churn = std::stoull(value);
    else if (key == "--seed") o.seed = std::stoull(value);
    else return false;
  }
  return (o.role == "producer" || o.role == "consumer") && !o.shm.empty();
}

void nap() { std::this_thread::sleep_for(std::chrono::microseconds(200)); }

// Stops taking part, leaves a marker for the test, and waits to be killed.
void stall(const Options& o) {
  if (!o.marker.empty()) test::write_file_atomically(o.marker, "stalled\n");
  while (!stop_requested) nap();
}

int run_producer(const Options& o) {
  auto created = RouteSyncProducer::create({o.shm, o.slots});
  if (!created) {
    std::fprintf(stderr, "channel_peer: %s\n", created.error().c_str());
    return 3;
  }
  RouteSyncProducer& producer = **created;
  for (const auto& [prefix, set] : test::read_routes(o.routes))
    if (!producer.set_route(prefix, set)) return 4;
  producer.start();

  std::mt19937_64 random(o.seed);
  std::uint64_t sent = 0, churned = 0;
  bool state_written = false;
  while (!stop_requested) {
    if (o.stall_after != 0 && sent >= o.stall_after) {
      stall(o);
      break;
    }
    const std::size_t budget = o.stall_after != 0 ? o.stall_after - sent : 256;
    const ProducerPoll result = producer.poll(budget);
    sent += result.messages;
    // Changes keep coming whether or not the consumer keeps up: the backlog is the producer's.
    for (int i = 0; i < 10 && churned < o.churn; ++i, ++churned) {
      const Name prefix = test::name("/churn/c" + std::to_string(random() % 400));
      if (random() % 3 == 0) producer.delete_route(prefix);
      else producer.set_route(prefix, test::hops(static_cast<FaceId>(random() % 64 + 1)));
    }
    if (churned == o.churn && !state_written && !o.state_out.empty())
      state_written =
          test::write_file_atomically(o.state_out, test::format_routes(producer.routes()));
    if (result.messages == 0 && churned == o.churn) nap();
  }
  return 0;
}

// Applies every update to the real table and to a mirror map; the mirror lists the routes and
// records removals, the table is checked against it.
class TeeSink final : public FibUpdateSink {
 public:
  TeeSink(MapSink& mirror, TableSink* table) : mirror_(mirror), table_(table) {}
  void on_resync_begin() override {
    mirror_.on_resync_begin();
    if (table_) table_->on_resync_begin();
  }
  Status on_route(NameView prefix, const NextHopSet& next_hops) override {
    mirror_.on_route(prefix, next_hops);
    return table_ ? table_->on_route(prefix, next_hops) : ok_status();
  }
  void on_delete(NameView prefix) override {
    mirror_.on_delete(prefix);
    if (table_) table_->on_delete(prefix);
  }
  void on_resync_end() override {
    mirror_.on_resync_end();
    if (table_) table_->on_resync_end();
  }

 private:
  MapSink& mirror_;
  TableSink* table_;
};

std::size_t table_mismatches(const MapSink& mirror, const Table* table) {
  if (table == nullptr) return 0;
  std::size_t mismatches = 0;
  for (const auto& [prefix, entry] : mirror.entries()) {
    const NextHopGroup* group = table->find(prefix);
    NextHopSet expected = entry.next_hops;
    expected.sort();
    if (group == nullptr || !(group->set == expected)) ++mismatches;
  }
  const std::size_t in_table = table->stats().prefixes;
  const std::size_t in_mirror = mirror.entries().size();
  return mismatches + (in_table > in_mirror ? in_table - in_mirror : in_mirror - in_table);
}

int run_consumer(const Options& o) {
  auto created = FibUpdateConsumer::create({o.shm, o.slots});
  if (!created) {
    std::fprintf(stderr, "channel_peer: %s\n", created.error().c_str());
    return 3;
  }
  FibUpdateConsumer& consumer = **created;
  std::unique_ptr<Qsbr> qsbr;
  std::unique_ptr<Table> table;
  std::unique_ptr<TableSink> table_sink;
  if (o.sink == "table") {
    auto made_qsbr = Qsbr::create(1);
    if (!made_qsbr) return 5;
    qsbr = std::move(*made_qsbr);
    auto made_table = Table::create({.capacity = 1 << 16}, *qsbr);
    if (!made_table) return 5;
    table = std::move(*made_table);
    table_sink = std::make_unique<TableSink>(*table);
  }
  MapSink mirror;
  TeeSink sink(mirror, table_sink.get());
  std::set<Name> watched;
  if (!o.watch.empty())
    for (const auto& [prefix, set] : test::read_routes(o.watch)) watched.insert(prefix);

  // Watching starts once every watched prefix is present and the consumer is synced; from then
  // on each one must stay present after every single message.
  bool armed = false;
  std::uint64_t violations = 0, taken_total = 0, reported_at = ~0ull;
  auto present = [&](const Name& prefix) {
    return mirror.entries().count(prefix) != 0 && (!table || table->find(prefix) != nullptr);
  };
  while (!stop_requested) {
    if (o.stall_after != 0 && taken_total >= o.stall_after) {
      stall(o);
      break;
    }
    std::size_t budget = watched.empty() ? 64 : 1;
    if (o.stall_after != 0) budget = std::min<std::size_t>(budget, o.stall_after - taken_total);
    const std::size_t taken = consumer.poll(sink, budget);
    taken_total += taken;
    if (!watched.empty() && taken != 0) {
      if (armed) {
        for (const Name& prefix : watched) violations += present(prefix) ? 0 : 1;
      } else if (consumer.state() == ConsumerState::kSynced) {
        armed = std::all_of(watched.begin(), watched.end(), present);
      }
    }
    if (taken != 0) continue;
    if (taken_total != reported_at && consumer.state() == ConsumerState::kSynced &&
        !o.report.empty()) {
      const ChannelCounters c = consumer.counters();
      std::uint64_t watched_removals = 0;
      for (const Name& prefix : watched) {
        auto it = mirror.removals().find(prefix);
        if (it != mirror.removals().end()) watched_removals += it->second;
      }
      std::string text = "epoch " + std::to_string(consumer.epoch()) + "\n";
      text += "resyncs_completed " +
              std::to_string(c.of(ConsumerCounter::kResyncsCompleted)) + "\n";
      text += "rejects " + std::to_string(c.rejects_total()) + "\n";
      text += "sink_errors " + std::to_string(c.of(ConsumerCounter::kSinkErrors)) + "\n";
      text += "watch_armed " + std::to_string(armed ? 1 : 0) + "\n";
      text += "watch_violations " + std::to_string(violations) + "\n";
      text += "watched_removals " + std::to_string(watched_removals) + "\n";
      text += "table_mismatches " + std::to_string(table_mismatches(mirror, table.get())) + "\n";
      text += test::format_routes(mirror.routes());
      if (test::write_file_atomically(o.report, text)) reported_at = taken_total;
    }
    nap();
  }
  return 0;
}

}  // namespace
}  // namespace dmsc::fib

int main(int argc, char** argv) {
  dmsc::fib::Options options;
  if (!dmsc::fib::parse(argc, argv, options)) {
    std::fprintf(stderr, "usage: channel_peer producer|consumer --shm NAME [options]\n");
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = dmsc::fib::on_sigterm;
  sigaction(SIGTERM, &action, nullptr);
  return options.role == "producer" ? dmsc::fib::run_producer(options)
                                    : dmsc::fib::run_consumer(options);
}
