#include "control/spf.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <functional>

namespace dmsc::control {

namespace {

constexpr std::uint8_t kSettled = 1;
// A pseudonode the root links to on a shortest path: the routers behind it are first hops.
constexpr std::uint8_t kRootLan = 2;

// Heap keys: distance in the high half (at most kMaxPathMetric), node index in the low half,
// so equal distances pop in index order and a run is deterministic.
std::uint64_t heap_key(std::uint32_t distance, NodeIndex node) {
  return (std::uint64_t{distance} << 32) | node;
}

}  // namespace

// The Dijkstra loop, specialised on the first-hop mask width (one word covers 64 adjacent
// routers, the usual case; kWords == 0 means "mask_words_ words").
class SpfRun {
 public:
  SpfRun(const Topology& topology, NodeIndex root, SpfResult& result)
      : topology_(topology), root_(root), result_(result) {}

  template <std::size_t kWords>
  void run() {
    const std::size_t words = kWords != 0 ? kWords : result_.mask_words_;
    std::uint32_t* distance = result_.distance_.data();
    std::uint8_t* state = result_.state_.data();
    std::vector<std::uint64_t>& heap = result_.heap_;
    SpfStats& stats = result_.stats_;

    distance[root_] = 0;
    heap.push_back(heap_key(0, root_));
    ++stats.heap_pushes;
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), std::greater<>());
      const std::uint64_t key = heap.back();
      heap.pop_back();
      const NodeIndex u = static_cast<NodeIndex>(key);
      if (static_cast<std::uint32_t>(key >> 32) != distance[u]) continue;  // stale entry
      state[u] |= kSettled;
      ++stats.reachable;
      if (u != root_ && topology_.overloaded(u)) continue;  // reached, never transited

      const NodeIndex* targets = topology_.targets();
      const std::uint32_t* metrics = topology_.metrics();
      const std::uint32_t end = topology_.link_end(u);
      stats.links_scanned += end - topology_.link_begin(u);
      for (std::uint32_t e = topology_.link_begin(u); e < end; ++e) {
        const NodeIndex v = targets[e];
        if (v == root_) continue;
        const std::uint64_t cost = std::uint64_t{distance[u]} + metrics[e];
        if (cost > kMaxPathMetric) continue;
        if (cost < distance[v]) {
          distance[v] = static_cast<std::uint32_t>(cost);
          std::uint64_t* mask = mask_of(v, words);
          std::fill(mask, mask + words, 0);
          state[v] &= static_cast<std::uint8_t>(~kRootLan);
          contribute(u, v, words);
          heap.push_back(heap_key(distance[v], v));
          std::push_heap(heap.begin(), heap.end(), std::greater<>());
          ++stats.heap_pushes;
        } else if (cost == distance[v]) {
          if (contribute(u, v, words) && (state[v] & kSettled)) result_.ties_.push_back(v);
        }
      }
      // A settled node gained first hops through a zero-cost tie: hand them on to the nodes
      // it reaches on shortest paths. Masks only grow, so this ends.
      while (!result_.ties_.empty()) {
        const NodeIndex t = result_.ties_.back();
        result_.ties_.pop_back();
        ++stats.tie_repropagations;
        if (topology_.overloaded(t)) continue;
        for (std::uint32_t e = topology_.link_begin(t); e < topology_.link_end(t); ++e) {
          const NodeIndex w = targets[e];
          if (w == root_ || std::uint64_t{distance[t]} + metrics[e] != distance[w]) continue;
          if (contribute(t, w, words) && (state[w] & kSettled)) result_.ties_.push_back(w);
        }
      }
    }
  }

  // Finds the root's adjacent routers and sizes the result; false when there are too many.
  bool prepare() {
    const std::size_t n = topology_.node_count();
    std::vector<NodeIndex>& neighbors = result_.neighbors_;
    neighbors.clear();
    for (const NodeIndex v : topology_.link_targets(root_)) {
      if (!topology_.is_pseudonode(v)) {
        neighbors.push_back(v);
        continue;
      }
      for (const NodeIndex w : topology_.link_targets(v))
        if (w != root_ && !topology_.is_pseudonode(w)) neighbors.push_back(w);
    }
    std::sort(neighbors.begin(), neighbors.end());
    neighbors.erase(std::unique(neighbors.begin(), neighbors.end()), neighbors.end());
    if (neighbors.size() > 0x10000) return false;

    result_.topology_key_ = &topology_.prefixes();
    result_.root_ = root_;
    result_.stats_ = SpfStats{};
    result_.stats_.nodes = static_cast<std::uint32_t>(n);
    result_.mask_words_ = std::max<std::size_t>(1, (neighbors.size() + 63) / 64);
    result_.distance_.assign(n, kUnreachable);
    result_.masks_.assign(n * result_.mask_words_, 0);
    result_.state_.assign(n, 0);
    result_.heap_.clear();
    result_.heap_.reserve(n);
    result_.ties_.clear();
    return true;
  }

 private:
  std::uint64_t* mask_of(NodeIndex node, std::size_t words) {
    return result_.masks_.data() + node * words;
  }

  std::size_t neighbor_number(NodeIndex router) const {
    const auto& neighbors = result_.neighbors_;
    return static_cast<std::size_t>(
        std::lower_bound(neighbors.begin(), neighbors.end(), router) - neighbors.begin());
  }

  // ORs into v's first hops those of the paths through the link u -> v; true if v changed.
  bool contribute(NodeIndex u, NodeIndex v, std::size_t words) {
    std::uint8_t* state = result_.state_.data();
    std::uint64_t* target = mask_of(v, words);
    bool changed = false;
    if (u == root_) {
      if (topology_.is_pseudonode(v)) {
        changed = !(state[v] & kRootLan);
        state[v] |= kRootLan;
        return changed;
      }
      const std::size_t bit = neighbor_number(v);
      const std::uint64_t add = std::uint64_t{1} << (bit % 64);
      changed = (target[bit / 64] & add) == 0;
      target[bit / 64] |= add;
      return changed;
    }
    const std::uint64_t* source = mask_of(u, words);
    for (std::size_t w = 0; w < words; ++w) {
      changed |= (target[w] | source[w]) != target[w];
      target[w] |= source[w];
    }
    if ((state[u] & kRootLan) && !topology_.is_pseudonode(v)) {
      const std::size_t bit = neighbor_number(v);
      const std::uint64_t add = std::uint64_t{1} << (bit % 64);
      changed |= (target[bit / 64] & add) == 0;
      target[bit / 64] |= add;
    }
    return changed;
  }

  const Topology& topology_;
  NodeIndex root_;
  SpfResult& result_;
};

std::size_t SpfResult::first_hop_count(NodeIndex node) const {
  std::size_t count = 0;
  const std::uint64_t* mask = first_hop_mask(node);
  for (std::size_t w = 0; w < mask_words_; ++w) count += std::popcount(mask[w]);
  return count;
}

Status compute_spf(const Topology& topology, NodeIndex root, SpfResult& result) {
  if (root >= topology.node_count()) return Error{"spf: root is not in the topology"};
  if (topology.is_pseudonode(root))
    return Error{"spf: root " + topology.id(root).to_string() + " is a pseudonode"};
  SpfRun run(topology, root, result);
  if (!run.prepare())
    return Error{"spf: root " + topology.id(root).to_string() +
                 " has more than 65536 adjacent routers"};
  if (result.mask_words() == 1)
    run.run<1>();
  else
    run.run<0>();
  return ok_status();
}

Status compute_spf(const Topology& topology, const NodeId& root, SpfResult& result) {
  const std::optional<NodeIndex> index = topology.find(root);
  if (!index) return Error{"spf: root " + root.to_string() + " is not in the topology"};
  return compute_spf(topology, *index, result);
}

void SpfLog::record(SpfLogEntry entry) {
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(std::move(entry));
  ++total_runs_;
}

std::string format_spf_log_entry(const SpfLogEntry& entry) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(entry.when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char when[32];
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &utc);
  char line[160];
  std::snprintf(line, sizeof(line), "%s  %8.3f ms  nodes %" PRIu32 "  reachable %" PRIu32
                "  routes %" PRIu32 "  ",
                when, static_cast<double>(entry.duration.count()) / 1e6, entry.nodes,
                entry.reachable, entry.routes);
  return line + entry.trigger;
}

}  // namespace dmsc::control
