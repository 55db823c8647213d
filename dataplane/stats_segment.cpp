#include "dataplane/stats_segment.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace dmsc::dataplane {
namespace {

std::string shm_path(const std::string& name) { return name.empty() || name[0] != '/' ? "/" + name : name; }

Error system_error(const std::string& name, const char* call) {
  return Error{"stats segment /dev/shm" + shm_path(name) + ": " + call + ": " + std::strerror(errno)};
}

// Field by field with relaxed loads and stores: the lcores write these words meanwhile.
void copy_counters(const LcoreCounters& from, LcoreCounters& to) {
  for (std::size_t i = 0; i < kCounterCount; ++i) store_counter(to.counters[i], read_counter(from.counters[i]));
  for (std::size_t i = 0; i < kParseDropSlots; ++i) store_counter(to.parse_drops[i], read_counter(from.parse_drops[i]));
  for (auto field : {&LcoreCounters::loops, &LcoreCounters::bursts, &LcoreCounters::processing_cycles,
                     &LcoreCounters::parse_cycles, &LcoreCounters::lookup_cycles})
    store_counter(to.*field, read_counter(from.*field));
}

void copy_counters(const PortCounters& from, PortCounters& to) {
  for (auto field : {&PortCounters::rx_packets, &PortCounters::tx_packets, &PortCounters::rx_bytes,
                     &PortCounters::tx_bytes, &PortCounters::rx_missed, &PortCounters::rx_errors,
                     &PortCounters::tx_errors, &PortCounters::rx_no_mbuf})
    store_counter(to.*field, read_counter(from.*field));
}

}  // namespace

#define DMSC_COUNTER_INFO(enumerator, name, is_drop, description) {Counter::enumerator, name, description, is_drop},
std::span<const CounterInfo> counter_table() {
  static const CounterInfo table[] = {DMSC_FORWARD_COUNTERS(DMSC_COUNTER_INFO)};
  static_assert(std::size(table) == kCounterCount);
  return table;
}
#undef DMSC_COUNTER_INFO

Expected<StatsSegment> StatsSegment::create(const std::string& name) {
  const std::string path = shm_path(name);
  int fd = shm_open(path.c_str(), O_RDWR | O_CREAT | O_EXCL, 0644);
  if (fd < 0 && errno == EEXIST) {
    // A segment of that name: a running forwarder's (refuse: truncating it would zero its
    // counters and fault its readers) or a stale one left by a crash (replace it).
    if (auto existing = open(name); existing.ok()) {
      const auto pid = static_cast<pid_t>(read_counter(existing->layout().header.pid));
      if (pid > 0 && pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM))
        return Error{"stats segment /dev/shm" + path + " belongs to running process " + std::to_string(pid) +
                     " (another forwarder? give this one its own `stats <name>`)"};
    }
    shm_unlink(path.c_str());
    fd = shm_open(path.c_str(), O_RDWR | O_CREAT | O_EXCL, 0644);
  }
  if (fd < 0) return system_error(name, "shm_open");
  if (ftruncate(fd, 0) != 0 || ftruncate(fd, sizeof(StatsLayout)) != 0) {
    const Error error = system_error(name, "ftruncate");
    close(fd);
    return error;
  }
  void* base = mmap(nullptr, sizeof(StatsLayout), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
  close(fd);
  if (base == MAP_FAILED) return system_error(name, "mmap");
  auto* layout = new (base) StatsLayout{};
  layout->header.magic = kStatsMagic;
  layout->header.version = kStatsVersion;
  layout->header.counter_count = kCounterCount;
  layout->header.pid = static_cast<std::uint64_t>(getpid());
  return StatsSegment(path, layout, true);
}

Expected<StatsSegment> StatsSegment::open(const std::string& name) {
  const std::string path = shm_path(name);
  const int fd = shm_open(path.c_str(), O_RDONLY, 0);
  if (fd < 0) return system_error(name, "shm_open (is the forwarder running?)");
  struct stat status {};
  if (fstat(fd, &status) != 0 || static_cast<std::size_t>(status.st_size) < sizeof(StatsLayout)) {
    close(fd);
    return Error{"stats segment /dev/shm" + path + ": smaller than this version's layout (a different dmsc version?)"};
  }
  void* base = mmap(nullptr, sizeof(StatsLayout), PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (base == MAP_FAILED) return system_error(name, "mmap");
  auto* layout = static_cast<StatsLayout*>(base);
  if (layout->header.magic != kStatsMagic || layout->header.version != kStatsVersion) {
    munmap(base, sizeof(StatsLayout));
    return Error{"stats segment /dev/shm" + path + ": not a version " + std::to_string(kStatsVersion) + " dmsc stats segment"};
  }
  return StatsSegment(path, layout, false);
}

StatsSegment::StatsSegment(StatsSegment&& other) noexcept
    : name_(std::move(other.name_)), layout_(other.layout_), writer_(other.writer_) {
  other.layout_ = nullptr;
}

StatsSegment& StatsSegment::operator=(StatsSegment&& other) noexcept {
  if (this != &other) {
    if (layout_) munmap(layout_, sizeof(StatsLayout));
    name_ = std::move(other.name_);
    layout_ = other.layout_;
    writer_ = other.writer_;
    other.layout_ = nullptr;
  }
  return *this;
}

StatsSegment::~StatsSegment() {
  if (layout_) munmap(layout_, sizeof(StatsLayout));
}

void StatsSegment::unlink() {
  if (writer_) shm_unlink(name_.c_str());
}

std::uint64_t StatsSegment::total(Counter counter) const {
  std::uint64_t sum = 0;
  for (const LcoreCounters& lcore : layout_->lcores)
    if (lcore.in_use) sum += lcore.get(counter);
  return sum;
}

std::uint64_t StatsSegment::total_parse_drops(std::size_t reason) const {
  std::uint64_t sum = 0;
  if (reason >= kParseDropSlots) return 0;
  for (const LcoreCounters& lcore : layout_->lcores)
    if (lcore.in_use) sum += read_counter(lcore.parse_drops[reason]);
  return sum;
}

void StatsSegment::clear_counters(std::uint64_t now_unix_ns) {
  StatsBaseline& baseline = layout_->baseline;
  std::atomic_ref<std::uint64_t> epoch(baseline.epoch);
  const std::uint64_t start = epoch.load(std::memory_order_relaxed);
  epoch.store(start + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);  // odd before any copied word
  for (std::size_t l = 0; l < kMaxStatsLcores; ++l) copy_counters(layout_->lcores[l], baseline.lcores[l]);
  for (std::size_t p = 0; p < kMaxStatsPorts; ++p) copy_counters(layout_->ports[p], baseline.ports[p]);
  store_counter(baseline.cleared_unix_ns, now_unix_ns);
  store_counter(baseline.clears, read_counter(baseline.clears) + 1);
  epoch.store(start + 2, std::memory_order_release);
}

void StatsSegment::read_baseline(StatsBaseline& out) const {
  const StatsBaseline& baseline = layout_->baseline;
  std::atomic_ref<std::uint64_t> epoch(const_cast<std::uint64_t&>(baseline.epoch));
  // A clear takes microseconds; an epoch odd for a whole second belongs to a forwarder that died
  // while clearing. Then the copy is taken as it stands rather than waiting forever.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (;;) {
    const std::uint64_t before = epoch.load(std::memory_order_acquire);
    if (before % 2 == 0 || std::chrono::steady_clock::now() > give_up) {
      for (std::size_t l = 0; l < kMaxStatsLcores; ++l) copy_counters(baseline.lcores[l], out.lcores[l]);
      for (std::size_t p = 0; p < kMaxStatsPorts; ++p) copy_counters(baseline.ports[p], out.ports[p]);
      out.cleared_unix_ns = read_counter(baseline.cleared_unix_ns);
      out.clears = read_counter(baseline.clears);
      std::atomic_thread_fence(std::memory_order_acquire);  // the copy before the second load
      if (epoch.load(std::memory_order_relaxed) == before || before % 2 != 0) {
        out.epoch = before;
        return;
      }
    }
    std::this_thread::yield();
  }
}

}  // namespace dmsc::dataplane
