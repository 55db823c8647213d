#pragma once
// The SR forwarder, wired together: mbuf pool, ports and TAPs, the FIB with its static routes
// and update channel, the face table, one ForwardingContext per worker lcore, the stats segment
// and telemetry. The main lcore runs the service loop: punt/inject, FIB updates and
// reclamation, stats refresh.
//
// Threading: create() and run() on the main lcore, after rte_eal_init; run() launches the
// forwarding lcores and returns after they stopped.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <rte_mempool.h>

#include "dataplane/faces.hpp"
#include "dataplane/forwarder_config.hpp"
#include "dataplane/forwarding.hpp"
#include "dataplane/ports.hpp"
#include "dataplane/stats_segment.hpp"
#include "fib/expected.hpp"
#include "fib/qsbr.hpp"
#include "fib/table.hpp"
#include "fib/update_channel.hpp"

namespace dmsc::dataplane {

struct RunOptions {
  // Stop once packets were received and none arrived for this long (replaying a pcap); 0: never.
  double exit_when_idle_seconds = 0;
  // Stop after this long; 0: run until stopped.
  double duration_seconds = 0;
};

class Forwarder {
 public:
  static Expected<std::unique_ptr<Forwarder>> create(const ForwarderConfig& config);
  ~Forwarder();

  Status run(const std::atomic<bool>& stop, const RunOptions& options);
  // Totals, drops by reason, per lcore and per port, as one JSON object.
  std::string report_json() const;
  const StatsSegment& stats() const { return stats_; }
  // Which forwarding code the lcores run: "avx512" or "portable" (config `simd`).
  const char* forwarding_code() const { return burst_handler_name(lcores_.front()->forward_burst); }

 private:
  Forwarder(const ForwarderConfig& config, StatsSegment stats) : config_(config), stats_(std::move(stats)) {}
  Status start();
  Status load_static_routes();
  void service_punt_paths();
  void refresh_stats();
  void mirror_carrier(std::size_t port, bool link_up);
  void learn_neighbours(std::size_t port, rte_mbuf* const* packets, unsigned count);

  ForwarderConfig config_;
  StatsSegment stats_;
  std::unique_ptr<rte_mempool, void (*)(rte_mempool*)> pool_{nullptr, rte_mempool_free};
  std::vector<StartedPort> ports_;
  std::vector<PortRuntime> port_runtime_;
  FaceTable faces_;
  std::vector<bool> learning_ports_;  // ports with a face that learns its neighbour's MAC
  std::unique_ptr<fib::Qsbr> qsbr_;
  std::unique_ptr<fib::Table> table_;
  std::unique_ptr<fib::FibUpdateConsumer> channel_;
  std::unique_ptr<fib::FibUpdateSink> sink_;
  std::vector<std::unique_ptr<ForwardingContext>> lcores_;
  std::vector<std::unique_ptr<FlowAffinityTable>> affinity_tables_;  // one per lcore
  std::atomic<bool> stop_lcores_{false};
  LcoreCounters* main_counters_ = nullptr;  // the service loop's punt/inject tallies
  std::vector<rte_ring*> rings_;
};

}  // namespace dmsc::dataplane
