// From the LSDB to the name RIB: the topology SPF reads, the run, and the RIB diff handed on.
#include <chrono>
#include <map>

#include "control/instance.hpp"
#include "control/lsdb_nodes.hpp"

namespace dmsc::control {


void Instance::schedule_spf(const std::string& why, double now) {
  const TimerConfig& t = config_.timers;
  if (spf_backoff_ != SpfBackoff::kQuiet && now >= spf_holddown_until_) spf_backoff_ = SpfBackoff::kQuiet;
  if (spf_backoff_ == SpfBackoff::kShortWait && now >= spf_learn_until_) spf_backoff_ = SpfBackoff::kLongWait;
  spf_holddown_until_ = now + t.spf_holddown;  // every change restarts the hold-down
  if (spf_pending_) return;  // the run already due covers this change too
  double delay = t.spf_delay;
  switch (spf_backoff_) {
    case SpfBackoff::kQuiet:
      spf_backoff_ = SpfBackoff::kShortWait;
      spf_learn_until_ = now + t.spf_time_to_learn;
      break;
    case SpfBackoff::kShortWait: delay = t.spf_short_delay; break;
    case SpfBackoff::kLongWait: delay = t.spf_long_delay; break;
  }
  spf_pending_ = true;
  spf_due_ = now + delay;
  spf_reason_ = why;
}

void Instance::run_spf(double now) {
  spf_pending_ = false;
  const auto started = std::chrono::steady_clock::now();
  describe_nodes(lsdb_, now, nodes_);
  auto topology = Topology::build(nodes_);
  if (!topology) {
    log(LogLevel::kError, "SPF not run: " + topology.error());
    return;
  }
  topology_ = std::move(*topology);
  const NodeId root = node_id({config_.system_id, 0});
  Rib& rib = next_rib_;  // the RIBs swap: each keeps its storage for the run after next
  if (!topology_->find(root)) {
    rib = Rib{};  // our own LSP is not in yet: no routes
  } else {
    if (Status status = compute_spf(*topology_, root, spf_result_); !status) {
      log(LogLevel::kError, "SPF failed: " + status.error());
      return;
    }
    if (Status status = compute_rib(*topology_, spf_result_, rib); !status) {
      log(LogLevel::kError, "RIB not computed: " + status.error());
      return;
    }
  }
  diff_ribs(rib_, rib, changes_);
  std::swap(rib_, next_rib_);
  bump(Counter::kSpfRuns);
  const auto duration = std::chrono::steady_clock::now() - started;
  SpfLogEntry entry;
  entry.when = std::chrono::system_clock::now();
  entry.duration = std::chrono::duration_cast<std::chrono::nanoseconds>(duration);
  entry.nodes = static_cast<std::uint32_t>(topology_->node_count());
  entry.reachable = spf_result_.node_count() == topology_->node_count() ? spf_result_.stats().reachable : 0;
  entry.routes = static_cast<std::uint32_t>(rib_.size());
  entry.trigger = spf_reason_;
  spf_log_.record(std::move(entry));
  log(LogLevel::kDebug, "SPF (" + spf_reason_ + "): " + std::to_string(topology_->node_count()) + " nodes, " +
                            std::to_string(rib_.size()) + " routes, " + std::to_string(changes_.size()) + " changed");
  if (!changes_.empty()) output_.routes_changed(rib_, changes_);
}

}  // namespace dmsc::control
