// Throughput of the FIB update channel between two processes: a producer process pushes M route
// messages (one resync: ResyncBegin, M routes, ResyncEnd) through the shared-memory ring while
// a consumer process validates and applies them to a counting sink (the channel alone) or, with
// --apply-to-table, to a real fib::Table. Each route carries its index in its first next hop,
// so the consumer checks that it saw every message exactly once and in order (the table gets
// next hops from a pool of 64 sets instead).
//
// Human-readable lines go to stderr; the last line of stdout is one JSON object.
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "fib/channel_table_sink.hpp"
#include "fib/channel_writer.hpp"
#include "fib/update_channel.hpp"
#include "tools/name_generator.hpp"

namespace dmsc::tools {
namespace {

constexpr const char* kUsage =
    "usage: bench_channel [--messages N] [--slots N] [--names N] [--apply-to-table] [--no-pin]\n"
    "  --messages N      route messages to push (default 2000000)\n"
    "  --slots N         ring slots, a power of two (default 4096)\n"
    "  --names N         distinct prefixes the messages cycle through (default 65536)\n"
    "  --apply-to-table  consumer applies to a real fib::Table instead of a counting sink\n"
    "  --no-pin          do not pin producer and consumer to CPUs 0 and 1\n";

struct Options {
  std::uint64_t messages = 2'000'000;
  std::uint32_t slots = 4096;
  std::size_t names = 65536;
  bool apply_to_table = false;
  bool pin = true;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--apply-to-table") o.apply_to_table = true;
    else if (arg == "--no-pin") o.pin = false;
    else if (arg == "--messages" && has_value) o.messages = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--slots" && has_value)
      o.slots = static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    else if (arg == "--names" && has_value) o.names = std::strtoull(argv[++i], nullptr, 10);
    else return false;
  }
  return o.messages > 0 && o.messages < 0xfffffff0u && o.names > 0;
}

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    std::string model;
    for (char c : line.substr(line.find(':') + 2))
      if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) model.push_back(c);
    return model;
  }
  return "unknown";
}

void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0)
    std::fprintf(stderr, "bench_channel: cannot pin to CPU %d (continuing unpinned)\n", cpu);
}

// What each child reports to the parent through a pipe (plain bytes: same binary).
struct ProducerResult {
  int ok = 0;
  std::uint64_t start_ns = 0, end_ns = 0, wait_spins = 0;
};
struct ConsumerResult {
  int ok = 0;
  std::uint64_t first_ns = 0, end_ns = 0, received = 0, lost = 0, reordered = 0, rejects = 0;
  std::uint64_t sink_errors = 0;
};

// Counts routes and checks their order; optionally forwards them to the real table.
class CountingSink final : public fib::FibUpdateSink {
 public:
  explicit CountingSink(fib::TableSink* table) : table_(table) {}
  void on_resync_begin() override {
    if (table_) table_->on_resync_begin();
  }
  Status on_route(fib::NameView prefix, const fib::NextHopSet& next_hops) override {
    const std::uint64_t index = next_hops.hops[0].face;
    if (index == expected_) {
      ++expected_;
    } else if (index < expected_) {
      ++reordered_;  // earlier than due: reordered or repeated
    } else {
      lost_ += index - expected_;
      expected_ = index + 1;
    }
    ++received_;
    if (!table_) return ok_status();
    // The table sees next hops from a pool of 64 sets, as a network has a few next hops per
    // router, not one per route (a unique set per route would make every insert build a new
    // next-hop group, which measures the group allocator, not the channel or the FIB).
    fib::NextHopSet applied = next_hops;
    applied.hops[0].face = static_cast<fib::FaceId>(1 + index % 64);
    return table_->on_route(prefix, applied);
  }
  void on_delete(fib::NameView prefix) override {
    if (table_) table_->on_delete(prefix);
  }
  void on_resync_end() override {
    if (table_) table_->on_resync_end();
    ended_ = true;
  }

  bool ended() const { return ended_; }
  std::uint64_t received() const { return received_; }
  std::uint64_t expected() const { return expected_; }
  std::uint64_t lost() const { return lost_; }
  std::uint64_t reordered() const { return reordered_; }

 private:
  fib::TableSink* table_;
  std::uint64_t expected_ = 0, received_ = 0, lost_ = 0, reordered_ = 0;
  bool ended_ = false;
};

int run_consumer(const Options& o, const fib::ChannelConfig& config, int ready_fd, int result_fd) {
  if (o.pin) pin_to(1);
  ConsumerResult result;
  auto consumer = fib::FibUpdateConsumer::create(config);
  if (!consumer) {
    std::fprintf(stderr, "bench_channel: consumer: %s\n", consumer.error().c_str());
    return 1;
  }
  std::unique_ptr<fib::Qsbr> qsbr;
  std::unique_ptr<fib::Table> table;
  std::unique_ptr<fib::TableSink> table_sink;
  if (o.apply_to_table) {
    qsbr = std::move(*fib::Qsbr::create(1));
    auto made = fib::Table::create({.capacity = o.names * 2}, *qsbr);
    if (!made) {
      std::fprintf(stderr, "bench_channel: table: %s\n", made.error().c_str());
      return 1;
    }
    table = std::move(*made);
    table_sink = std::make_unique<fib::TableSink>(*table);
  }
  CountingSink sink(table_sink.get());
  const char ready = 1;
  if (write(ready_fd, &ready, 1) != 1) return 1;

  // Bounded: a producer that died must not leave the consumer spinning forever.
  std::uint64_t idle_since = now_ns(), idle_polls = 0;
  while (!sink.ended()) {
    if ((*consumer)->poll(sink, 256) != 0) {
      if (result.first_ns == 0) result.first_ns = now_ns();
      idle_polls = 0;
      continue;
    }
    _mm_pause();
    // Reading the clock on every empty poll would slow the reaction to the next message.
    if (++idle_polls % 4096 != 1) continue;
    if (idle_polls == 1) idle_since = now_ns();
    else if (now_ns() - idle_since > 30'000'000'000ull) break;
  }
  result.end_ns = now_ns();
  result.ok = sink.ended() ? 1 : 0;
  result.received = sink.received();
  result.lost = sink.lost() + (o.messages - std::min(o.messages, sink.expected()));
  result.reordered = sink.reordered();
  const fib::ChannelCounters counters = (*consumer)->counters();
  result.rejects = counters.rejects_total();
  result.sink_errors = counters.of(fib::ConsumerCounter::kSinkErrors);
  return write(result_fd, &result, sizeof(result)) == sizeof(result) ? 0 : 1;
}

int run_producer(const Options& o, const fib::ChannelConfig& config, int result_fd) {
  if (o.pin) pin_to(0);
  ProducerResult result;
  // Wire forms are built before the clock starts, packed one after another so that walking
  // them costs the producer sequential reads, not a pointer chase per message.
  NameGenerator generator(42);
  std::vector<std::uint8_t> wire;
  std::vector<fib::NameView> names;
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < o.names; ++i) {
    const fib::Name name = generator.prefix();
    offsets.push_back(wire.size());
    wire.insert(wire.end(), name.wire().begin(), name.wire().end());
    names.push_back({nullptr, static_cast<std::uint8_t>(name.wire_length())});
  }
  for (std::size_t i = 0; i < o.names; ++i) names[i].bytes = wire.data() + offsets[i];
  auto writer = fib::channel::ChannelWriter::attach(config);
  if (!writer) {
    std::fprintf(stderr, "bench_channel: producer: %s\n", writer.error().c_str());
    return 1;
  }
  fib::channel::ChannelWriter& ring = **writer;
  fib::NextHopSet set;
  set.count = 2;
  set.hops[1] = {0xfffffff0u, 3};  // face above any index: the set stays valid and sorted

  result.start_ns = now_ns();
  while (!ring.try_resync_begin(ring.resync_requested())) {
    ++result.wait_spins;
    _mm_pause();
  }
  for (std::uint64_t i = 0; i < o.messages; ++i) {
    set.hops[0] = {static_cast<fib::FaceId>(i), 1};
    const fib::NameView prefix = names[i % names.size()];
    while (!ring.try_route(prefix, set)) {
      ++result.wait_spins;
      _mm_pause();
    }
  }
  while (!ring.try_resync_end()) _mm_pause();
  ring.publish();
  result.end_ns = now_ns();
  result.ok = 1;
  return write(result_fd, &result, sizeof(result)) == sizeof(result) ? 0 : 1;
}

template <typename T>
bool read_all(int fd, T& value) {
  return read(fd, &value, sizeof(value)) == static_cast<ssize_t>(sizeof(value));
}

int run(const Options& o) {
  const fib::ChannelConfig config{"/dmsc-bench-channel-" + std::to_string(getpid()), o.slots};
  (void)fib::remove_channel(config.shm_name);
  int ready[2], consumer_out[2], producer_out[2];
  if (pipe(ready) != 0 || pipe(consumer_out) != 0 || pipe(producer_out) != 0) return 1;

  // The consumer attaches first, so the producer's one resync answers its request.
  const pid_t consumer_pid = fork();
  if (consumer_pid == 0) _exit(run_consumer(o, config, ready[1], consumer_out[1]));
  char byte = 0;
  if (read(ready[0], &byte, 1) != 1) {
    std::fprintf(stderr, "bench_channel: consumer did not start\n");
    waitpid(consumer_pid, nullptr, 0);
    (void)fib::remove_channel(config.shm_name);
    return 1;
  }
  const pid_t producer_pid = fork();
  if (producer_pid == 0) _exit(run_producer(o, config, producer_out[1]));

  ProducerResult produced;
  ConsumerResult consumed;
  const bool got_producer = read_all(producer_out[0], produced);
  const bool got_consumer = read_all(consumer_out[0], consumed);
  int status_producer = 0, status_consumer = 0;
  waitpid(producer_pid, &status_producer, 0);
  waitpid(consumer_pid, &status_consumer, 0);
  auto counters = fib::inspect_channel(config.shm_name);
  (void)fib::remove_channel(config.shm_name);
  if (!got_producer || !got_consumer || !produced.ok || !consumed.ok || !counters) {
    std::fprintf(stderr, "bench_channel: a side failed (producer %d, consumer %d)\n",
                 produced.ok, consumed.ok);
    return 1;
  }

  const double seconds = static_cast<double>(consumed.end_ns - produced.start_ns) / 1e9;
  const double rate = static_cast<double>(o.messages) / seconds;
  const std::uint64_t ring_full = counters->of(fib::ProducerCounter::kRingFull);
  const std::string cpu = cpu_model();
  std::fprintf(stderr, "bench_channel: %llu messages through %u slots of %u bytes in %.3f s\n",
               static_cast<unsigned long long>(o.messages), o.slots, fib::channel::kSlotSize,
               seconds);
  std::fprintf(stderr, "  %.2f M messages/s (%s), %.1f ns/message\n", rate / 1e6,
               o.apply_to_table ? "applied to fib::Table" : "counting sink", 1e9 / rate);
  std::fprintf(stderr, "  producer %.3f s, ring full %llu times; lost %llu, reordered %llu, "
               "rejects %llu\n",
               static_cast<double>(produced.end_ns - produced.start_ns) / 1e9,
               static_cast<unsigned long long>(ring_full),
               static_cast<unsigned long long>(consumed.lost),
               static_cast<unsigned long long>(consumed.reordered),
               static_cast<unsigned long long>(consumed.rejects));
  std::fprintf(stderr, "  %s\n", fib::format_counters(*counters, false).c_str());
  std::printf(
      "{\"bench\":\"channel\",\"messages\":%llu,\"messages_per_sec\":%.0f,\"seconds\":%.6f,"
      "\"slot_bytes\":%u,\"slots\":%u,\"names\":%zu,\"sink\":\"%s\",\"ring_full_waits\":%llu,"
      "\"producer_wait_spins\":%llu,\"received\":%llu,\"lost\":%llu,\"reordered\":%llu,"
      "\"rejects\":%llu,\"sink_errors\":%llu,\"pinned\":%s,\"cpu\":\"%s\",\"cores_used\":2}\n",
      static_cast<unsigned long long>(o.messages), rate, seconds, fib::channel::kSlotSize,
      o.slots, o.names, o.apply_to_table ? "table" : "counting",
      static_cast<unsigned long long>(ring_full),
      static_cast<unsigned long long>(produced.wait_spins),
      static_cast<unsigned long long>(consumed.received),
      static_cast<unsigned long long>(consumed.lost),
      static_cast<unsigned long long>(consumed.reordered),
      static_cast<unsigned long long>(consumed.rejects),
      static_cast<unsigned long long>(consumed.sink_errors), o.pin ? "true" : "false",
      cpu.c_str());
  const bool exact = consumed.lost == 0 && consumed.reordered == 0 && consumed.rejects == 0 &&
                     consumed.received == o.messages;
  return exact ? 0 : 3;
}

}  // namespace
}  // namespace dmsc::tools

int main(int argc, char** argv) {
  dmsc::tools::Options options;
  if (!dmsc::tools::parse(argc, argv, options)) {
    std::fprintf(stderr, "%s", dmsc::tools::kUsage);
    return 2;
  }
  return dmsc::tools::run(options);
}
