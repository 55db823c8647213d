#pragma once
// The SR forwarder, wired together: mbuf pool, ports and TAPs, the FIB with its static routes
// and update channel, the face table, one ForwardingContext per worker lcore, the stats segment,
// telemetry and the control socket. The main lcore runs the service loop: punt/inject, FIB
// updates and reclamation, stats refresh, the control socket's commands and reloads.
//
// Threading: create() and run() on the main lcore, after rte_eal_init; run() launches the
// forwarding lcores and returns after they stopped.

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <rte_mempool.h>

#include "dataplane/config_diff.hpp"
#include "dataplane/control_commands.hpp"
#include "dataplane/control_socket.hpp"
#include "dataplane/faces.hpp"
#include "dataplane/forwarder_config.hpp"
#include "dataplane/forwarding.hpp"
#include "dataplane/ports.hpp"
#include "dataplane/stats_segment.hpp"
#include "fib/expected.hpp"
#include "fib/qsbr.hpp"
#include "fib/route_sources.hpp"
#include "fib/table.hpp"
#include "fib/update_channel.hpp"

namespace dmsc::dataplane {

struct RunOptions {
  // Stop once packets were received and none arrived for this long (replaying a pcap); 0: never.
  double exit_when_idle_seconds = 0;
  // Stop after this long; 0: run until stopped.
  double duration_seconds = 0;
  // Reload (SIGHUP, or `reload` on the control socket): set by the signal handler, taken by the
  // service loop; `load_config` reads the configuration file again (in a helper thread: a large
  // routes file must not stall the service loop). Without `load_config`, reload is refused.
  std::atomic<bool>* reload_requested = nullptr;
  std::function<Expected<ForwarderConfig>()> load_config;
  std::string config_origin;  // the file, for `config`
};

struct ReloadOutcome;  // forwarder_control.cpp

class Forwarder final : public ControlTarget {
 public:
  static Expected<std::unique_ptr<Forwarder>> create(const ForwarderConfig& config);
  ~Forwarder();

  Status run(const std::atomic<bool>& stop, const RunOptions& options);
  // Totals, drops by reason, per lcore and per port, as one JSON object.
  std::string report_json() const;
  const StatsSegment& stats() const { return stats_; }
  // Which forwarding code the lcores run: "avx512" or "portable" (config `simd`).
  const char* forwarding_code() const { return burst_handler_name(lcores_.front()->forward_burst); }
  const std::string& control_socket() const { return control_->path(); }

  // ControlTarget (forwarder_control.cpp): the control socket's commands act on these.
  const fib::Table& fib_table() const override { return *table_; }
  fib::RouteSources& route_sources() override { return *routes_; }
  const FaceTable& face_table() const override { return faces_; }
  const ForwarderConfig& running_config() const override { return config_; }
  std::string config_origin() const override;
  std::string clear_stats(bool json) override;
  std::unique_ptr<ControlAnswer> reload(bool json) override;

 private:
  Forwarder(const ForwarderConfig& config, StatsSegment stats) : config_(config), stats_(std::move(stats)) {}
  Status start();
  Status load_static_routes();
  void service_punt_paths();
  void refresh_stats();
  void mirror_carrier(std::size_t port, bool link_up);
  void learn_neighbours(std::size_t port, rte_mbuf* const* packets, unsigned count);
  // forwarder_control.cpp: the control socket and reloads, from the service loop.
  Status start_control_socket();
  bool serve_control();
  void start_reload(std::shared_ptr<ReloadOutcome> waiter);
  void finish_reload();
  void apply_reload(const ForwarderConfig& next, ReloadOutcome& outcome);

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
  std::unique_ptr<fib::RouteSources> routes_;  // static routes over the channel's; the channel's sink
  std::vector<std::unique_ptr<ForwardingContext>> lcores_;
  std::vector<std::unique_ptr<FlowAffinityTable>> affinity_tables_;  // one per lcore
  std::atomic<bool> stop_lcores_{false};
  LcoreCounters* main_counters_ = nullptr;  // the service loop's punt/inject tallies
  std::vector<rte_ring*> rings_;
  std::vector<PortAddresses> port_addresses_;  // what faces are built from (reload builds more)
  RunOptions options_;                          // of run(): the reload's loader
  // One reload loads at a time; answers asked for meanwhile wait for the next one (the file
  // may have changed since the first began).
  struct Reload {
    std::future<Expected<ForwarderConfig>> loading;
    std::vector<std::shared_ptr<ReloadOutcome>> waiting, waiting_next;
    bool again = false;
  } reload_;
  // Last: destroyed first, with the answers in progress that refer to the FIB.
  std::unique_ptr<ControlServer> control_;
};

}  // namespace dmsc::dataplane
