#pragma once
// The forwarding lcore: poll rx queues, classify, parse, batch LNPM, pick the next hop, rewrite,
// tx burst per port; punt what is not DMSC data towards the port's TAP and send what the TAP
// injects. One cache-aligned context per lcore, built at start-up and read-only afterwards
// except for its own counters.
//
// Threading: run_forwarding_lcore() runs on its own lcore, forever until `stop`. It takes no
// lock, allocates nothing, makes no system call, and reports a QSBR quiescent state to the
// FIB's Qsbr once per loop (it holds no FIB pointer across loops).

#include <atomic>
#include <cstdint>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane/affinity.hpp"
#include "dataplane/counters.hpp"
#include "dataplane/faces.hpp"
#include "dataplane/forwarder_config.hpp"
#include "dataplane/wire.hpp"
#include "fib/qsbr.hpp"
#include "fib/table.hpp"

namespace dmsc::dataplane {

// One rx burst is one FIB lookup burst: 64 amortizes the lookup pipeline's fill and drain.
inline constexpr std::uint16_t kBurstSize = 64;
static_assert(kBurstSize <= fib::kMaxLookupBurst);
inline constexpr std::size_t kMaxRxQueuesPerLcore = 32;
// With poll-sleep, loops without a packet before the lcore sleeps.
inline constexpr std::uint32_t kIdleLoopsBeforeSleep = 64;

// What a forwarding lcore needs to know of a port.
struct PortRuntime {
  std::uint16_t port_id = 0;
  wire::MacAddress mac{};
  std::uint32_t mac_head = 0;  // mac[0..3] and mac[4..5] as loaded from a frame (fast path)
  std::uint16_t mac_tail = 0;
  bool has_ipv4 = false, has_ipv6 = false;
  wire::Ipv4Address ipv4{};
  wire::Ipv6Address ipv6{};
  rte_ring* punt_ring = nullptr;   // lcores -> main thread -> TAP; nullptr: no TAP
  rte_ring* inject_ring = nullptr; // TAP -> main thread -> the injecting lcore
};

struct RxQueueRef {
  std::uint16_t port_index = 0;
  std::uint16_t queue = 0;
};

struct ForwardingContext;
// One received burst from port `port_index`: the variant chosen at start-up.
using BurstHandler = void (*)(ForwardingContext& context, std::uint16_t port_index, rte_mbuf** packets,
                              std::uint16_t count);

// The fastest variant this CPU runs (AVX-512 VBMI name checks when present and allowed).
BurstHandler pick_burst_handler(bool allow_avx512 = true);
const char* burst_handler_name(BurstHandler handler);  // "avx512" or "portable"

struct alignas(64) ForwardingContext {
  BurstHandler forward_burst = pick_burst_handler();
  const fib::Table* table = nullptr;
  fib::Qsbr* qsbr = nullptr;
  std::uint32_t reader_id = 0;
  const FaceTable* faces = nullptr;
  wire::EncapConfig encap;
  std::uint16_t ethertype_be = 0;  // encap.ethertype as it appears in a frame
  const PortRuntime* ports = nullptr;
  std::uint16_t port_count = 0;
  std::uint16_t tx_queue = 0;     // this lcore's tx queue, on every port
  bool sends_injected = false;    // this lcore drains the ports' inject rings
  RxQueueRef rx_queues[kMaxRxQueuesPerLcore];
  std::uint16_t rx_queue_count = 0;
  LcoreCounters* counters = nullptr;
  const std::atomic<bool>* stop = nullptr;
  FlowAffinityTable* affinity = nullptr;  // this lcore's A flows; nullptr: affinity-flows 0
  std::uint64_t tsc_hz = 1;
  std::uint32_t poll_sleep_us = 0;  // config poll-sleep: sleep when idle; 0: busy-poll
};

// The lcore's main loop; returns when *context.stop is set.
int run_forwarding_lcore(ForwardingContext& context);

// One received burst from port `port_index` (exposed for tests that feed mbufs directly).
void forward_burst(ForwardingContext& context, std::uint16_t port_index, rte_mbuf** packets,
                   std::uint16_t count);

}  // namespace dmsc::dataplane
