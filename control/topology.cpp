#include "control/topology.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <numeric>

namespace dmsc::control {

NodeId NodeId::make(std::uint64_t system_id, std::uint8_t pseudonode) {
  NodeId id;
  for (int i = 5; i >= 0; --i) {
    id.octets[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(system_id);
    system_id >>= 8;
  }
  id.octets[6] = pseudonode;
  return id;
}

std::string NodeId::to_string() const {
  char text[24];
  std::snprintf(text, sizeof(text), "%02x%02x.%02x%02x.%02x%02x.%02x", octets[0], octets[1],
                octets[2], octets[3], octets[4], octets[5], octets[6]);
  return text;
}

std::size_t NodeIdHash::operator()(const NodeId& id) const {
  std::uint64_t value = 0;
  std::memcpy(&value, id.octets.data(), id.octets.size());
  value *= 0x9E3779B97F4A7C15ull;
  return static_cast<std::size_t>(value ^ (value >> 29));
}

std::optional<PrefixIndex> PrefixTable::find(const fib::Name& name) const {
  const auto it = std::lower_bound(names_.begin(), names_.end(), name);
  if (it == names_.end() || *it != name) return std::nullopt;
  return static_cast<PrefixIndex>(it - names_.begin());
}

std::optional<NodeIndex> Topology::find(const NodeId& id) const {
  const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  if (it == ids_.end() || *it != id) return std::nullopt;
  return static_cast<NodeIndex>(it - ids_.begin());
}

namespace {

struct Candidate {
  NodeIndex target;
  std::uint32_t metric;
};

struct PrefixEntry {
  std::uint64_t head;  // the first 8 wire octets, big-endian, zero-padded: orders like the name
  const fib::Name* name;
  NodeIndex node;
  std::uint32_t metric;
  std::uint8_t flags;
};

// A prefix of the name's order: if head(a) < head(b) then a < b (a shorter name is padded with
// zeros, which sort first, as the end of a name does).
std::uint64_t name_head(const fib::Name& name) {
  std::uint64_t head = 0;
  const std::span<const std::uint8_t> wire = name.wire();
  for (std::size_t i = 0; i < 8; ++i) head = (head << 8) | (i < wire.size() ? wire[i] : 0);
  return head;
}

}  // namespace

Expected<Topology> Topology::build(std::span<const NodeAdvertisement> nodes) {
  Topology topology;
  const std::size_t count = nodes.size();
  if (count >= kNoNode) return Error{"topology: too many nodes"};

  // Dense indices in id order.
  std::vector<std::uint32_t> order(count);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return nodes[a].id < nodes[b].id; });
  topology.ids_.resize(count);
  topology.flags_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const NodeAdvertisement& node = nodes[order[i]];
    if (i > 0 && node.id == topology.ids_[i - 1])
      return Error{"topology: node " + node.id.to_string() + " described twice"};
    topology.ids_[i] = node.id;
    topology.flags_[i] = node.id.is_pseudonode() ? kPseudonode : (node.overload ? kOverload : 0);
  }

  // Candidate links per node, sorted by target, parallel links merged to the lowest metric.
  std::vector<std::uint32_t> begin(count + 1, 0);
  std::vector<Candidate> candidates;
  std::size_t listed = 0;
  for (const NodeAdvertisement& node : nodes) listed += node.links.size();
  candidates.reserve(listed);
  std::size_t unusable = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const NodeAdvertisement& node = nodes[order[i]];
    const std::size_t first = candidates.size();
    for (const Link& link : node.links) {
      if (link.metric > kMaxLinkMetric)
        return Error{"topology: link " + node.id.to_string() + " -> " + link.neighbor.to_string() +
                     " has metric " + std::to_string(link.metric) + ", above 24 bits"};
      const std::optional<NodeIndex> target = topology.find(link.neighbor);
      if (link.metric == kUnusableLinkMetric || !target || *target == i) {
        ++unusable;
        continue;
      }
      candidates.push_back({*target, node.id.is_pseudonode() ? 0u : link.metric});
    }
    auto segment_begin = candidates.begin() + static_cast<std::ptrdiff_t>(first);
    std::sort(segment_begin, candidates.end(), [](const Candidate& a, const Candidate& b) {
      return a.target != b.target ? a.target < b.target : a.metric < b.metric;
    });
    // Sorted by (target, metric): the first of each run of parallel links is the cheapest.
    const auto unique_end =
        std::unique(segment_begin, candidates.end(),
                    [](const Candidate& a, const Candidate& b) { return a.target == b.target; });
    candidates.erase(unique_end, candidates.end());
    begin[i + 1] = static_cast<std::uint32_t>(candidates.size());
  }

  // Two-way check: keep u -> v only when v's (sorted) candidates hold u.
  topology.link_begin_.assign(count + 1, 0);
  topology.targets_.reserve(candidates.size());
  topology.metrics_.reserve(candidates.size());
  std::size_t one_way = 0;
  for (std::size_t u = 0; u < count; ++u) {
    for (std::uint32_t e = begin[u]; e < begin[u + 1]; ++e) {
      const NodeIndex v = candidates[e].target;
      const auto reverse_begin = candidates.begin() + begin[v];
      const auto reverse_end = candidates.begin() + begin[v + 1];
      const auto reverse = std::lower_bound(
          reverse_begin, reverse_end, static_cast<NodeIndex>(u),
          [](const Candidate& c, NodeIndex target) { return c.target < target; });
      if (reverse == reverse_end || reverse->target != u) {
        ++one_way;
        continue;
      }
      topology.targets_.push_back(v);
      topology.metrics_.push_back(candidates[e].metric);
    }
    topology.link_begin_[u + 1] = static_cast<std::uint32_t>(topology.targets_.size());
  }
  topology.dropped_links_ = unusable + one_way;

  // Prefixes: one sort by (name, node) interns the names and groups each one's originators.
  std::vector<PrefixEntry> entries;
  std::size_t prefix_total = 0;
  for (const NodeAdvertisement& node : nodes) prefix_total += node.prefixes.size();
  entries.reserve(prefix_total);
  for (std::size_t i = 0; i < count; ++i)
    for (const ServicePrefix& prefix : nodes[order[i]].prefixes)
      entries.push_back({name_head(prefix.name), &prefix.name, static_cast<NodeIndex>(i),
                         prefix.metric, prefix.flags});
  std::sort(entries.begin(), entries.end(), [](const PrefixEntry& a, const PrefixEntry& b) {
    if (a.head != b.head) return a.head < b.head;
    const auto by_name = *a.name <=> *b.name;
    if (by_name != 0) return by_name < 0;
    if (a.node != b.node) return a.node < b.node;
    return a.metric < b.metric;
  });
  auto table = std::make_shared<PrefixTable>();
  table->names_.reserve(entries.size());
  table->origin_begin_.reserve(entries.size() + 1);
  table->origins_.reserve(entries.size());
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const PrefixEntry& entry = entries[k];
    const bool same_name = k > 0 && *entries[k - 1].name == *entry.name;
    if (same_name && entries[k - 1].node == entry.node) {
      ++topology.duplicate_prefixes_;  // the first (lowest metric) stays
      continue;
    }
    if (!same_name) {
      if (!table->names_.empty())
        table->origin_begin_.push_back(static_cast<std::uint32_t>(table->origins_.size()));
      table->names_.push_back(*entry.name);
    }
    table->origins_.push_back({entry.node, entry.metric, entry.flags});
  }
  if (!table->names_.empty())
    table->origin_begin_.push_back(static_cast<std::uint32_t>(table->origins_.size()));
  topology.prefixes_ = std::move(table);
  return topology;
}

}  // namespace dmsc::control
