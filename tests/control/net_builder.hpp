#pragma once
// Topologies for the SPF and RIB tests, written as short tables of links and prefixes.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "control/topology.hpp"

namespace dmsc::control::testing {

inline NodeId router(std::uint64_t system_id) { return NodeId::router(system_id); }
inline NodeId lan(std::uint64_t dis, std::uint8_t pseudonode) { return NodeId::make(dis, pseudonode); }

inline fib::Name name(const char* text) {
  auto parsed = fib::Name::parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : fib::Name{};
}

class NetBuilder {
 public:
  NodeAdvertisement& node(const NodeId& id) {
    auto [it, added] = nodes_.try_emplace(id);
    it->second.id = id;
    return it->second;
  }
  // Both ends list the link (with the same metric unless `back` is given).
  NetBuilder& link(const NodeId& a, const NodeId& b, std::uint32_t metric, std::int64_t back = -1) {
    node(a).links.push_back({b, metric});
    node(b).links.push_back({a, back < 0 ? metric : static_cast<std::uint32_t>(back)});
    return *this;
  }
  NetBuilder& one_way(const NodeId& from, const NodeId& to, std::uint32_t metric) {
    node(from).links.push_back({to, metric});
    node(to);
    return *this;
  }
  // A LAN: each router links to the pseudonode with its metric, the pseudonode back with 0.
  NetBuilder& lan_member(const NodeId& pseudonode, const NodeId& member, std::uint32_t metric) {
    return link(member, pseudonode, metric, 0);
  }
  NetBuilder& overload(const NodeId& id) {
    node(id).overload = true;
    return *this;
  }
  NetBuilder& prefix(const NodeId& id, const char* text, std::uint32_t metric = 0,
                     std::uint8_t flags = 0) {
    node(id).prefixes.push_back({name(text), metric, flags});
    return *this;
  }
  std::vector<NodeAdvertisement> advertisements() const {
    std::vector<NodeAdvertisement> out;
    for (const auto& [id, advertisement] : nodes_) out.push_back(advertisement);
    return out;
  }
  Topology build() const {
    auto topology = Topology::build(advertisements());
    EXPECT_TRUE(topology.ok()) << (topology.ok() ? "" : topology.error());
    return topology.ok() ? std::move(*topology) : *Topology::build({});
  }

 private:
  std::map<NodeId, NodeAdvertisement> nodes_;
};

}  // namespace dmsc::control::testing
