#pragma once
// From the LSDB to what SPF reads: one NodeAdvertisement per node with a usable LSP set (live
// fragment 0; ISO 10589 §7.2.5), its links (TLV 22) and service prefixes (TLV 251) merged over
// all its live fragments.

#include <vector>

#include "control/lsdb.hpp"
#include "control/topology.hpp"

namespace dmsc::control {

NodeId node_id(const lsa::NodeId& id);

// Fills `nodes` (its storage reused: SPF runs often, on big databases) from `lsdb` as of `now`.
void describe_nodes(const Lsdb& lsdb, double now, std::vector<NodeAdvertisement>& nodes);

}  // namespace dmsc::control
