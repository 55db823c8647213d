#pragma once
// The link-state database as SPF and the RIB read it: nodes, two-way links and service prefixes,
// independent of the wire. The LSDB code describes each node (router or pseudonode) from its
// LSP set as one NodeAdvertisement; Topology::build() compiles them once into dense arrays
// (node ids -> indices, CSR adjacency holding only links usable for SPF, an interned prefix
// table) so that SPF and the RIB computation never hash or allocate per node or per route.
//
// Immutable once built; any thread may read it. Built by the daemon's core.

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fib/expected.hpp"
#include "fib/name.hpp"

namespace dmsc::control {

// An IS-IS LAN id / LSP id without the fragment: 6-octet system id + pseudonode id
// (0 for a router itself, non-zero for a pseudonode its DIS originates).
struct NodeId {
  std::array<std::uint8_t, 7> octets{};

  static NodeId router(std::uint64_t system_id) { return make(system_id, 0); }
  static NodeId make(std::uint64_t system_id, std::uint8_t pseudonode);

  std::uint8_t pseudonode() const { return octets[6]; }
  bool is_pseudonode() const { return octets[6] != 0; }
  // "0000.0000.0001.00": system id in IS-IS dotted form, then the pseudonode id.
  std::string to_string() const;

  friend bool operator==(const NodeId&, const NodeId&) = default;
  friend auto operator<=>(const NodeId&, const NodeId&) = default;
};

struct NodeIdHash {
  std::size_t operator()(const NodeId& id) const;
};

// IS-IS wide metrics (RFC 5305 §3): 24 bits; the maximum means "not for SPF" (TE only).
inline constexpr std::uint32_t kMaxLinkMetric = 0xFFFFFF;
inline constexpr std::uint32_t kUnusableLinkMetric = kMaxLinkMetric;
// Paths costing more than this are ignored (RFC 5305's MAX_PATH_METRIC).
inline constexpr std::uint32_t kMaxPathMetric = 0xFE000000;

// Service prefix flags (the flags octet of the Service Prefix TLV).
inline constexpr std::uint8_t kPrefixFlagAnycast = 0x01;

struct Link {
  NodeId neighbor;
  std::uint32_t metric = 0;  // 24-bit wide metric
};

struct ServicePrefix {
  fib::Name name;
  std::uint32_t metric = 0;
  std::uint8_t flags = 0;
};

// What one node says across its whole LSP set (all fragments merged).
struct NodeAdvertisement {
  NodeId id;
  bool overload = false;
  std::vector<Link> links;
  std::vector<ServicePrefix> prefixes;
};

using NodeIndex = std::uint32_t;
using PrefixIndex = std::uint32_t;
inline constexpr NodeIndex kNoNode = 0xFFFFFFFF;

// One node originating one prefix.
struct Origin {
  NodeIndex node = kNoNode;
  std::uint32_t metric = 0;
  std::uint8_t flags = 0;
};

// Every distinct prefix of a topology, sorted by name in wire order (fib::Name::operator<=>),
// so that index order is name order and two tables merge in one pass; each prefix has its
// originators sorted by node index. Shared by the topology and every RIB computed from it, so a
// RIB outlives a rebuilt topology for diffing.
class PrefixTable {
 public:
  std::size_t size() const { return names_.size(); }
  const fib::Name& name(PrefixIndex prefix) const { return names_[prefix]; }
  std::span<const Origin> origins(PrefixIndex prefix) const {
    return {origins_.data() + origin_begin_[prefix], origins_.data() + origin_begin_[prefix + 1]};
  }
  // The index of `name`, if some node originates it (binary search).
  std::optional<PrefixIndex> find(const fib::Name& name) const;
  std::size_t origin_count() const { return origins_.size(); }

 private:
  friend class Topology;
  std::vector<fib::Name> names_;
  std::vector<std::uint32_t> origin_begin_{0};  // size() + 1 entries
  std::vector<Origin> origins_;
};

class Topology {
 public:
  // Fails on a duplicate node id or a link metric above 24 bits: those are the caller's bugs
  // (it merges a node's fragments first; the wire cannot carry such a metric).
  // What the network can cause is tolerated and counted: links are kept only when both ends
  // list each other with a usable metric (the ISO 10589 two-way check; a 0xFFFFFF metric on
  // either side removes the link, RFC 5305 §3), links to nodes without an advertisement are
  // dropped, parallel links and a prefix listed twice by one node keep the lowest metric.
  // Links out of a pseudonode cost 0 whatever they advertise: ISO 10589 charges a LAN once,
  // on the router -> pseudonode link.
  // Only routers are overloaded: the overload bit of a pseudonode's LSP is ignored.
  static Expected<Topology> build(std::span<const NodeAdvertisement> nodes);

  std::size_t node_count() const { return ids_.size(); }
  std::size_t link_count() const { return targets_.size(); }  // directed, usable links
  // Directed links listed but not kept (one-way, unusable metric, unknown neighbour).
  std::size_t dropped_link_count() const { return dropped_links_; }
  std::size_t duplicate_prefix_count() const { return duplicate_prefixes_; }
  const NodeId& id(NodeIndex node) const { return ids_[node]; }
  std::optional<NodeIndex> find(const NodeId& id) const;
  bool overloaded(NodeIndex node) const { return flags_[node] & kOverload; }
  bool is_pseudonode(NodeIndex node) const { return flags_[node] & kPseudonode; }

  // The usable links out of `node`, as parallel spans (targets ascending).
  std::span<const NodeIndex> link_targets(NodeIndex node) const {
    return {targets_.data() + link_begin_[node], targets_.data() + link_begin_[node + 1]};
  }
  std::span<const std::uint32_t> link_metrics(NodeIndex node) const {
    return {metrics_.data() + link_begin_[node], metrics_.data() + link_begin_[node + 1]};
  }
  std::uint32_t link_begin(NodeIndex node) const { return link_begin_[node]; }
  std::uint32_t link_end(NodeIndex node) const { return link_begin_[node + 1]; }
  const NodeIndex* targets() const { return targets_.data(); }
  const std::uint32_t* metrics() const { return metrics_.data(); }

  const PrefixTable& prefixes() const { return *prefixes_; }
  const std::shared_ptr<const PrefixTable>& shared_prefixes() const { return prefixes_; }

 private:
  static constexpr std::uint8_t kOverload = 1;
  static constexpr std::uint8_t kPseudonode = 2;

  std::vector<NodeId> ids_;  // sorted: index order is id order, which keeps tie-breaks stable
  std::vector<std::uint8_t> flags_;
  std::vector<std::uint32_t> link_begin_{0};  // node_count() + 1 entries
  std::vector<NodeIndex> targets_;
  std::vector<std::uint32_t> metrics_;
  std::size_t dropped_links_ = 0;
  std::size_t duplicate_prefixes_ = 0;
  std::shared_ptr<const PrefixTable> prefixes_ = std::make_shared<const PrefixTable>();
};

}  // namespace dmsc::control
