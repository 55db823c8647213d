// tools/bench spf: SPF + name RIB computation time on a grid of routers with service prefixes.
//
// Timed: compute_spf() and compute_rib() from a built Topology to the finished RIB, the
// storage of both reused between runs as the daemon does. Not timed in total_ms: building the
// Topology from the node descriptions (ids -> indices, two-way check, CSR, prefix interning),
// reported as build_ms.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "control/rib.hpp"
#include "control/spf.hpp"
#include "control/topology.hpp"
#include "tools/bench_common.hpp"

using namespace dmsc;
using namespace dmsc::control;

namespace {

const char* kUsage =
    "usage: tools/bench spf [--routers N] [--prefixes-per-router P] [--runs R] [--seed S]\n"
    "                       [--metric-spread 1|0]  (1: link metrics 1..63 from the seed; 0: all 10)\n"
    "                       [--anycast-percent A] [--anycast-names K]\n"
    "  A grid of N routers (side ceil(sqrt(N))), P service prefixes /svc/r<i>/p<j> each, and\n"
    "  A% of the routers also originating one of K shared anycast names. Root: router 0.\n";

struct Figures {
  std::vector<double> values;
  void add(double ms) { values.push_back(ms); }
  double min() const { return *std::min_element(values.begin(), values.end()); }
  double median() const {
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
};

struct Grid {
  std::vector<NodeAdvertisement> nodes;
  std::size_t links = 0;  // undirected
  std::size_t anycast_origins = 0;
};

Grid make_grid(std::size_t routers, std::size_t side, std::size_t prefixes, bool spread,
               double anycast_percent, std::size_t anycast_names, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Grid grid;
  grid.nodes.resize(routers);
  for (std::size_t i = 0; i < routers; ++i) grid.nodes[i].id = NodeId::router(i + 1);
  auto connect = [&](std::size_t a, std::size_t b) {
    const std::uint32_t metric = spread ? static_cast<std::uint32_t>(1 + rng() % 63) : 10;
    grid.nodes[a].links.push_back({grid.nodes[b].id, metric});
    grid.nodes[b].links.push_back({grid.nodes[a].id, metric});
    ++grid.links;
  };
  for (std::size_t i = 0; i < routers; ++i) {
    if ((i % side) + 1 < side && i + 1 < routers) connect(i, i + 1);
    if (i + side < routers) connect(i, i + side);
  }
  for (std::size_t i = 0; i < routers; ++i) {
    NodeAdvertisement& node = grid.nodes[i];
    node.prefixes.reserve(prefixes + 1);
    for (std::size_t j = 0; j < prefixes; ++j) {
      const std::string text = "/svc/r" + std::to_string(i) + "/p" + std::to_string(j);
      node.prefixes.push_back({*fib::Name::parse(text), static_cast<std::uint32_t>(rng() % 16), 0});
    }
    if (anycast_names > 0 && static_cast<double>(rng() % 10000) < anycast_percent * 100) {
      const std::string text = "/svc/any/a" + std::to_string(rng() % anycast_names);
      node.prefixes.push_back({*fib::Name::parse(text), static_cast<std::uint32_t>(rng() % 4),
                               kPrefixFlagAnycast});
      ++grid.anycast_origins;
    }
  }
  return grid;
}

double ms_since(double start) { return (tools::now_seconds() - start) * 1e3; }

}  // namespace

int main(int argc, char** argv) {
  tools::Options options(argc, argv, kUsage);
  const auto routers = static_cast<std::size_t>(options.number("--routers", 10000));
  const auto prefixes = static_cast<std::size_t>(options.number("--prefixes-per-router", 10));
  const auto runs = static_cast<std::size_t>(options.number("--runs", 15));
  const auto seed = static_cast<std::uint64_t>(options.number("--seed", 1));
  const bool spread = options.number("--metric-spread", 1) != 0;
  const double anycast_percent = options.number("--anycast-percent", 0);
  const auto anycast_names = static_cast<std::size_t>(options.number("--anycast-names", 16));
  options.check_all_used();
  if (routers < 1 || runs < 1) {
    std::fprintf(stderr, "error: --routers and --runs must be at least 1\n%s", kUsage);
    return 2;
  }
  const auto side = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(routers))));

  std::fprintf(stderr, "generating a %zux%zu grid: %zu routers, %zu prefixes each ...\n", side,
               (routers + side - 1) / side, routers, prefixes);
  const Grid grid =
      make_grid(routers, side, prefixes, spread, anycast_percent, anycast_names, seed);

  // Build (not part of total_ms): a few times, the last one kept.
  Figures build;
  Expected<Topology> topology = Error{"not built"};
  for (std::size_t i = 0; i < std::min<std::size_t>(runs, 5); ++i) {
    const double start = tools::now_seconds();
    topology = Topology::build(grid.nodes);
    build.add(ms_since(start));
    std::fprintf(stderr, "build %zu: %7.3f ms\n", i, build.values.back());
    if (!topology) {
      std::fprintf(stderr, "error: %s\n", topology.error().c_str());
      return 1;
    }
  }
  const NodeIndex root = *topology->find(NodeId::router(1));

  // The first run allocates the result storage: reported apart as cold.
  SpfResult spf;
  Rib ribs[2];
  double start = tools::now_seconds();
  if (!compute_spf(*topology, root, spf) || !compute_rib(*topology, spf, ribs[0])) {
    std::fprintf(stderr, "error: SPF or RIB failed\n");
    return 1;
  }
  const double cold_ms = ms_since(start);

  Figures spf_ms, rib_ms, total_ms;
  for (std::size_t run = 0; run < runs; ++run) {
    Rib& rib = ribs[(run + 1) % 2];  // double-buffered, as the daemon keeps old and new
    start = tools::now_seconds();
    (void)compute_spf(*topology, root, spf);
    const double spf_end = tools::now_seconds();
    (void)compute_rib(*topology, spf, rib);
    const double end = tools::now_seconds();
    spf_ms.add((spf_end - start) * 1e3);
    rib_ms.add((end - spf_end) * 1e3);
    total_ms.add((end - start) * 1e3);
    std::fprintf(stderr, "run %2zu: spf %7.3f ms  rib %7.3f ms  total %7.3f ms\n", run,
                 spf_ms.values.back(), rib_ms.values.back(), total_ms.values.back());
  }
  const Rib& rib = ribs[runs % 2];
  std::size_t ecmp_routes = 0;
  for (const Route& route : rib.routes()) ecmp_routes += route.next_hops.count > 1;

  // A diff against a RIB of a rebuilt topology (names merged, not indices): the root's first
  // link gets costlier, which moves the routes behind it.
  Grid changed = grid;
  if (!changed.nodes[0].links.empty()) {
    changed.nodes[0].links[0].metric += 200;
    for (Link& back : changed.nodes[1].links)
      if (back.neighbor == changed.nodes[0].id) back.metric += 200;
  }
  Topology changed_topology = *Topology::build(changed.nodes);
  SpfResult changed_spf;
  Rib changed_rib;
  (void)compute_spf(changed_topology, root, changed_spf);
  (void)compute_rib(changed_topology, changed_spf, changed_rib);
  std::vector<RouteChange> changes;
  Figures diff_ms;
  double diff_cold_ms = 0;
  for (std::size_t run = 0; run < std::min<std::size_t>(runs, 5) + 1; ++run) {
    start = tools::now_seconds();
    diff_ribs(rib, changed_rib, changes);
    if (run == 0)
      diff_cold_ms = ms_since(start);  // into a new vector: its pages are faulted in
    else
      diff_ms.add(ms_since(start));
  }

  const SpfStats& stats = spf.stats();
  std::fprintf(stderr,
               "topology: %zu routers, %zu links (%zu directed usable), %zu prefixes (%zu "
               "origins), reachable %u\n",
               routers, grid.links, topology->link_count(), topology->prefixes().size(),
               topology->prefixes().origin_count(), stats.reachable);
  std::fprintf(stderr,
               "routes %zu (%zu ECMP), diff after a link change: %zu changes in %.3f ms (%.3f ms "
               "into a new vector)\n",
               rib.size(), ecmp_routes, changes.size(), diff_ms.median(), diff_cold_ms);
  std::fprintf(stderr,
               "median: spf %.3f ms, rib %.3f ms, total %.3f ms (min %.3f); build %.3f ms; "
               "cold first run %.3f ms\n",
               spf_ms.median(), rib_ms.median(), total_ms.median(), total_ms.min(),
               build.median(), cold_ms);
  std::fprintf(stderr,
               "reference (measured earlier, NOT in this run): FRR 8.4 SPF without names, "
               "0.57-0.83 ms at 100 routers, 4.4-8.9 ms at 1024, 73-114 ms at 10000\n");

  std::printf(
      "{\"routers\":%zu,\"links\":%zu,\"routes\":%zu,\"prefixes_per_router\":%zu,\"runs\":%zu,"
      "\"spf_ms\":%.3f,\"spf_ms_min\":%.3f,\"rib_ms\":%.3f,\"rib_ms_min\":%.3f,"
      "\"total_ms\":%.3f,\"total_ms_min\":%.3f,\"build_ms\":%.3f,\"build_ms_min\":%.3f,"
      "\"cold_total_ms\":%.3f,\"diff_ms\":%.3f,\"diff_cold_ms\":%.3f,\"diff_changes\":%zu,"
      "\"reachable\":%u,\"ecmp_routes\":%zu,\"anycast_origins\":%zu,\"heap_pushes\":%u,"
      "\"conditions\":{\"topology\":\"grid %zux%zu, 4 links per inner router\","
      "\"link_metrics\":\"%s\",\"seed\":%llu,\"root\":\"router 0 (a corner)\","
      "\"timed\":\"compute_spf + compute_rib from a built Topology to the finished RIB; "
      "result storage reused between runs (double-buffered RIB); single thread\","
      "\"not_timed\":\"Topology::build from the node descriptions (id interning, two-way check, "
      "CSR, prefix interning): build_ms; the first, allocating run: cold_total_ms\","
      "\"figures\":\"median and min over runs\","
      "\"diff\":\"diff_ribs against a RIB of a rebuilt topology after one root link metric "
      "+200 (names compared): diff_ms median with the output vector reused, diff_cold_ms into a "
      "new one\","
      "\"reference_frr_8_4_spf_ms\":{\"note\":\"reference figures measured earlier with FRR 8.4 "
      "on this VM class, SPF only, no names; NOT measured in this run\","
      "\"routers_100\":\"0.57-0.83\",\"routers_1024\":\"4.4-8.9\",\"routers_10000\":\"73-114\"}},"
      "\"cpu\":\"%s\"}\n",
      routers, grid.links, rib.size(), prefixes, runs, spf_ms.median(), spf_ms.min(),
      rib_ms.median(), rib_ms.min(), total_ms.median(), total_ms.min(), build.median(),
      build.min(), cold_ms, diff_ms.median(), diff_cold_ms, changes.size(), stats.reachable, ecmp_routes,
      grid.anycast_origins, stats.heap_pushes, side, (routers + side - 1) / side,
      spread ? "1..63 uniform from the seed, same both ways" : "all 10",
      static_cast<unsigned long long>(seed), tools::json_escape(tools::cpu_model()).c_str());
  return 0;
}
