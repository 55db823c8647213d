#include "control/lsdb_nodes.hpp"

#include <algorithm>

namespace dmsc::control {

NodeId node_id(const lsa::NodeId& id) {
  NodeId out;
  std::copy(id.system.octets.begin(), id.system.octets.end(), out.octets.begin());
  out.octets[6] = id.pseudonode;
  return out;
}

void describe_nodes(const Lsdb& lsdb, double now, std::vector<NodeAdvertisement>& nodes) {
  // Entries past `used` keep their vectors' capacity for the next run.
  std::size_t used = 0;
  const lsa::NodeId* current = nullptr;
  bool usable_set = false;
  for (const auto& [id, record] : lsdb) {
    const bool live = !record.purged && record.remaining(now) != 0;
    if (current == nullptr || id.node != *current) {
      current = &id.node;
      usable_set = id.fragment == 0 && live;
      if (usable_set) {
        if (used == nodes.size()) nodes.emplace_back();
        NodeAdvertisement& node = nodes[used++];
        node.id = node_id(id.node);
        node.overload = (record.header.flags & lsa::kLspFlagOverload) != 0;
        node.links.clear();
        node.prefixes.clear();
      }
    }
    if (!usable_set || !live) continue;
    NodeAdvertisement& node = nodes[used - 1];
    for (const lsa::IsReach& reach : record.tlvs.is_reach) node.links.push_back({node_id(reach.neighbor), reach.metric});
    for (const lsa::ServicePrefix& prefix : record.tlvs.service_prefixes)
      node.prefixes.push_back({prefix.name, prefix.metric, prefix.flags});
  }
  nodes.resize(used);
}

}  // namespace dmsc::control
