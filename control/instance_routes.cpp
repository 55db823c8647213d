// From the LSDB to the name RIB: the topology SPF reads, the run, and the RIB diff handed on.
#include <chrono>
#include <map>

#include "control/instance.hpp"

namespace dmsc::control {

namespace {

NodeId node_id(const lsa::NodeId& id) {
  NodeId out;
  std::copy(id.system.octets.begin(), id.system.octets.end(), out.octets.begin());
  out.octets[6] = id.pseudonode;
  return out;
}

}  // namespace

void Instance::schedule_spf(const std::string& why, double now) {
  if (spf_pending_) return;  // the run already due covers this change too
  spf_pending_ = true;
  spf_due_ = now + config_.timers.spf_delay;
  spf_reason_ = why;
}

void Instance::run_spf(double now) {
  spf_pending_ = false;
  const auto started = std::chrono::steady_clock::now();
  // One advertisement per node from all its live fragments; a node whose fragment 0 is missing
  // or purged is left out (ISO 10589 §7.2.5: its LSP set is not usable).
  std::vector<NodeAdvertisement> nodes;
  const lsa::NodeId* current = nullptr;
  bool usable_set = false;
  for (const auto& [id, record] : lsdb_) {
    if (current == nullptr || id.node != *current) {
      current = &id.node;
      usable_set = id.fragment == 0 && !record.purged && record.remaining(now) != 0;
      if (usable_set) {
        nodes.emplace_back();
        nodes.back().id = node_id(id.node);
        nodes.back().overload = (record.header.flags & lsa::kLspFlagOverload) != 0;
      }
    }
    if (!usable_set || record.purged || record.remaining(now) == 0) continue;
    NodeAdvertisement& node = nodes.back();
    for (const lsa::IsReach& reach : record.tlvs.is_reach) node.links.push_back({node_id(reach.neighbor), reach.metric});
    for (const lsa::ServicePrefix& prefix : record.tlvs.service_prefixes)
      node.prefixes.push_back({prefix.name, prefix.metric, prefix.flags});
  }
  auto topology = Topology::build(nodes);
  if (!topology) {
    log(LogLevel::kError, "SPF not run: " + topology.error());
    return;
  }
  topology_ = std::move(*topology);
  const NodeId root = node_id({config_.system_id, 0});
  Rib rib;
  if (topology_->find(root)) {
    if (Status status = compute_spf(*topology_, root, spf_result_); !status) {
      log(LogLevel::kError, "SPF failed: " + status.error());
      return;
    }
    if (Status status = compute_rib(*topology_, spf_result_, rib); !status) {
      log(LogLevel::kError, "RIB not computed: " + status.error());
      return;
    }
  }
  std::vector<RouteChange> changes;
  diff_ribs(rib_, rib, changes);
  rib_ = std::move(rib);
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
                            std::to_string(rib_.size()) + " routes, " + std::to_string(changes.size()) + " changed");
  if (!changes.empty()) output_.routes_changed(rib_, changes);
}

}  // namespace dmsc::control
