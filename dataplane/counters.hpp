#pragma once
// The forwarder's counters and the shared-memory stats segment that carries them.
//
// Each forwarding lcore owns one cache-aligned LcoreCounters block in the segment and is its
// only writer: it adds plain (relaxed) 64-bit stores once per burst, no atomics with a lock
// prefix. Readers (telemetry, the CLI, tests) map the segment read-only and load the same
// words relaxed: a figure may be one burst old, never torn, and reading never disturbs
// forwarding. Port figures are copied in by the main thread from rte_eth_stats.
//
// Every counter is declared once below with its name and meaning; telemetry, the CLI, the
// forwarder's exit report and the docs read the same table.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace dmsc::dataplane {

// X(enumerator, name, is_drop, description)
#define DMSC_FORWARD_COUNTERS(X)                                                               \
  X(kRxPackets, "rx_packets", false, "frames received from the ports")                                \
  X(kRxBytes, "rx_bytes", false, "octets of the frames received")                                     \
  X(kForwarded, "forwarded", false, "DMSC packets sent to a next hop")                                \
  X(kPunted, "punted", false, "frames that are not DMSC data, written to the port's TAP")              \
  X(kInjected, "injected", false, "frames written to a TAP by the host and sent out of its port")     \
  X(kAffinityKept, "affinity_kept", false, "packets with the A flag sent to their flow's earlier next hop")  \
  X(kAffinityNew, "affinity_new", false, "A flows seen for the first time (or again after affinity-idle)")  \
  X(kAffinityMoved, "affinity_moved", false, "A flows moved because their next hop left the entry's set")  \
  X(kAffinityEvicted, "affinity_evicted", false, "live A flows forgotten for lack of room (raise affinity-flows)") \
  X(kMalformed, "malformed", true, "frames or DMSC headers that failed a check (see parse drops)")  \
  X(kNotForUs, "not_for_us", true, "frames unicast to another Ethernet address (a promiscuous port), or DMSC for another box")                \
  X(kHopLimitExceeded, "hop_limit_exceeded", true, "DMSC packets received with hop limit 0 or 1")    \
  X(kNoRoute, "no_route", true, "no FIB entry matches the destination name")                         \
  X(kNoUsableNextHop, "no_usable_next_hop", true, "the chosen next hop's face is not configured, or has not learned its neighbour yet")    \
  X(kPacketTooBig, "packet_too_big", true, "packet larger than the out port's MTU once encapsulated") \
  X(kChainedMbuf, "chained_mbuf", true, "frame larger than one mbuf (scatter is not supported)")     \
  X(kTxQueueFull, "tx_queue_full", true, "packets the out port's tx queue refused")                  \
  X(kNoPuntPath, "no_punt_path", true, "non-DMSC frames on a port without a TAP")                    \
  X(kPuntQueueFull, "punt_queue_full", true, "non-DMSC frames dropped: the punt ring or the TAP's queue was full") \
  X(kInjectQueueFull, "inject_queue_full", true, "frames from a TAP dropped: the inject ring or tx queue is full") \
  X(kNoHeadroom, "no_headroom", true, "mbuf headroom too small for the encapsulation (a PMD leaving under 66 octets)")

#define DMSC_COUNTER_ENUMERATOR(enumerator, name, is_drop, description) enumerator,
enum class Counter : std::uint8_t { DMSC_FORWARD_COUNTERS(DMSC_COUNTER_ENUMERATOR) kCount };
#undef DMSC_COUNTER_ENUMERATOR
inline constexpr std::size_t kCounterCount = static_cast<std::size_t>(Counter::kCount);

struct CounterInfo {
  Counter counter;
  const char* name;
  const char* description;
  bool is_drop;  // counts packets the forwarder did not deliver anywhere
};
std::span<const CounterInfo> counter_table();

// Parse drops are counted by wire::ParseError value (docs/wire-format.md §7).
inline constexpr std::size_t kParseDropSlots = 64;

// Relaxed single-writer counter: a plain load and store, never a locked add.
inline void bump(std::uint64_t& counter, std::uint64_t amount) {
  std::atomic_ref<std::uint64_t> word(counter);
  word.store(word.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
}
// For figures copied in whole (port statistics, FIB size) rather than added to.
inline void store_counter(std::uint64_t& counter, std::uint64_t value) {
  std::atomic_ref<std::uint64_t>(counter).store(value, std::memory_order_relaxed);
}
inline std::uint64_t read_counter(const std::uint64_t& counter) {
  return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(counter)).load(std::memory_order_relaxed);
}

struct alignas(64) LcoreCounters {
  std::uint64_t counters[kCounterCount];
  std::uint64_t parse_drops[kParseDropSlots];
  std::uint64_t loops;              // polling loop iterations
  std::uint64_t bursts;             // rx bursts that returned packets
  std::uint64_t processing_cycles;  // TSC cycles in our own code: rx/tx PMD calls excluded
  // Of processing_cycles: classifying and parsing, and the FIB lookup; the rest is choosing
  // next hops and rewriting. Three TSC reads per burst, about 1 cycle per packet.
  std::uint64_t parse_cycles;
  std::uint64_t lookup_cycles;
  std::uint32_t lcore_id;
  std::uint32_t in_use;             // 1: a forwarding lcore owns this block

  std::uint64_t& operator[](Counter counter) { return counters[static_cast<std::size_t>(counter)]; }
  std::uint64_t get(Counter counter) const { return read_counter(counters[static_cast<std::size_t>(counter)]); }
};

struct alignas(64) PortCounters {
  char name[32];       // PortConfig::name
  std::uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
  std::uint64_t rx_missed, rx_errors, tx_errors, rx_no_mbuf;
  std::uint32_t port_id;
  std::uint32_t link_up;
};

inline constexpr std::uint64_t kStatsMagic = 0x31535443534d44ULL;  // "DMSCSTS1"
// 4: the clear-stats baseline after the port blocks.
inline constexpr std::uint32_t kStatsVersion = 4;
inline constexpr std::size_t kMaxStatsLcores = 64;
inline constexpr std::size_t kMaxStatsPorts = 16;

// The segment: header, then kMaxStatsLcores lcore blocks, then kMaxStatsPorts port blocks.
// Fixed offsets, no pointers; `version` changes with any layout change.
struct alignas(64) StatsHeader {
  std::uint64_t magic;
  std::uint32_t version;
  std::uint32_t counter_count;    // kCounterCount of the writer
  std::uint32_t lcore_count;      // blocks in use
  std::uint32_t port_count;
  std::uint64_t tsc_hz;
  std::uint64_t started_unix_ns;
  std::uint64_t fib_prefixes;     // published by the FIB writer thread
  std::uint64_t fib_next_hop_groups;
  std::uint64_t fib_memory_bytes;
  std::uint64_t fib_capacity;
  std::uint64_t pid;
  std::uint64_t heartbeat;        // main thread, once per period: a stalled forwarder stops it
};

// `clear stats` (the control socket) as VPP does it: the counters are never reset (the lcores
// are their only writers, and Prometheus counters must not go down); the service loop copies
// the lcore and port blocks here instead, and the CLI shows the counters minus this baseline.
// Telemetry, the exporter and the exit report keep the raw totals.
//
// One writer (the service loop), any number of readers: a sequence lock. The writer makes
// `epoch` odd, copies, makes it even again; a reader copies between two equal, even loads of
// `epoch` and retries otherwise. cleared_unix_ns 0: never cleared (the baseline is zero).
struct alignas(64) StatsBaseline {
  std::uint64_t epoch;
  std::uint64_t cleared_unix_ns;
  std::uint64_t clears;           // how many times the counters were cleared
  LcoreCounters lcores[kMaxStatsLcores];
  PortCounters ports[kMaxStatsPorts];
};

struct StatsLayout {
  StatsHeader header;
  LcoreCounters lcores[kMaxStatsLcores];
  PortCounters ports[kMaxStatsPorts];
  StatsBaseline baseline;
};
static_assert(sizeof(StatsHeader) == 128);
static_assert(sizeof(LcoreCounters) % 64 == 0);
static_assert(offsetof(StatsLayout, lcores) == 128);
static_assert(sizeof(PortCounters) == 128);
static_assert(offsetof(StatsLayout, ports) == 128 + kMaxStatsLcores * sizeof(LcoreCounters));
static_assert(offsetof(StatsLayout, baseline) == offsetof(StatsLayout, ports) + kMaxStatsPorts * sizeof(PortCounters));
static_assert(offsetof(StatsBaseline, lcores) == 64 && sizeof(StatsBaseline) % 64 == 0);
static_assert(offsetof(StatsBaseline, ports) == 64 + kMaxStatsLcores * sizeof(LcoreCounters));

}  // namespace dmsc::dataplane
