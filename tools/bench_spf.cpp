// tools/bench spf: what one SPF run of the control daemon costs on a grid of routers with
// service prefixes, from its LSDB to the routes it hands on.
//
// The grid's routers become real LSPs (built, then decoded into LSDB records as received).
// total_ms is the daemon's whole run (Instance::run_spf): the node descriptions from the LSDB
// (describe_ms), the Topology build (build_ms), SPF (spf_ms), the name RIB (rib_ms) and the
// diff against the previous RIB (diff_ms), storage reused between runs as the daemon does.
#include <algorithm>
#include <optional>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "control/lsdb_nodes.hpp"
#include "control/rib.hpp"
#include "lsa/build.hpp"
#include "control/spf.hpp"
#include "control/topology.hpp"
#include "tools/bench_common.hpp"
#include "tools/spf_grid.hpp"

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

double ms_since(double start) { return (tools::now_seconds() - start) * 1e3; }

// The grid as the daemon would hold it: each router's LSP set, built and decoded.
Lsdb make_lsdb(const tools::Grid& grid, std::size_t& lsp_octets) {
  Lsdb lsdb;
  lsp_octets = 0;
  for (const NodeAdvertisement& node : grid.nodes) {
    const lsa::LspContent content = tools::grid_lsp_content(node);
    const auto fragments = lsa::pack_lsp_fragments(content, lsa::kMaxPduLength, {});
    for (std::size_t f = 0; f < fragments.size(); ++f) {
      lsa::LspHeader header;
      header.id = {tools::lsa_node(node.id), static_cast<std::uint8_t>(f)};
      header.sequence = 1;
      header.remaining_lifetime = 1200;
      header.flags = lsa::kLspFlagLevel2;
      const auto bytes = lsa::build_lsp(header, fragments[f], {});
      lsa::PduView pdu;
      lsa::decode_pdu(bytes, pdu);
      LspRecord& record = lsdb[header.id];
      record.header = pdu.lsp;
      record.bytes = bytes;
      record.tlvs = lsa::decode_tlvs(pdu.tlvs, lsa::PduContext::kLsp);
      record.expires_at = 1200;
      lsp_octets += bytes.size();
    }
  }
  return lsdb;
}

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
  tools::GridSpec spec;
  spec.routers = routers;
  spec.side = side;
  spec.prefixes_per_router = prefixes;
  spec.metric_spread = spread;
  spec.anycast_percent = anycast_percent;
  spec.anycast_names = anycast_names;
  spec.seed = seed;
  const tools::Grid grid = tools::make_grid(spec);

  std::size_t lsp_octets = 0;
  const Lsdb lsdb = make_lsdb(grid, lsp_octets);
  std::fprintf(stderr, "LSDB: %zu LSPs, %.1f MB\n", lsdb.size(), static_cast<double>(lsp_octets) / 1e6);

  // The daemon's SPF run, as Instance::run_spf does it; run 0 allocates (reported as cold).
  std::vector<NodeAdvertisement> nodes;
  SpfResult spf;
  Rib ribs[2];
  std::vector<RouteChange> changes;
  std::optional<Topology> topologies[2];  // the previous RIB's topology stays alive for the diff
  Figures describe_ms, build_ms, spf_ms, rib_ms, diff_ms, total_ms;
  double cold_ms = 0;
  for (std::size_t run = 0; run <= runs; ++run) {
    const std::size_t now_index = run % 2;
    const double t0 = tools::now_seconds();
    describe_nodes(lsdb, 1.0, nodes);
    const double t1 = tools::now_seconds();
    auto topology = Topology::build(nodes);
    if (!topology) {
      std::fprintf(stderr, "error: %s\n", topology.error().c_str());
      return 1;
    }
    topologies[now_index] = std::move(*topology);
    const double t2 = tools::now_seconds();
    const Topology& current = *topologies[now_index];
    if (!compute_spf(current, NodeId::router(1), spf)) {
      std::fprintf(stderr, "error: SPF failed\n");
      return 1;
    }
    const double t3 = tools::now_seconds();
    if (!compute_rib(current, spf, ribs[now_index])) {
      std::fprintf(stderr, "error: RIB failed\n");
      return 1;
    }
    const double t4 = tools::now_seconds();
    diff_ribs(ribs[1 - now_index], ribs[now_index], changes);
    const double t5 = tools::now_seconds();
    if (run == 0) {
      cold_ms = (t5 - t0) * 1e3;
      continue;
    }
    describe_ms.add((t1 - t0) * 1e3);
    build_ms.add((t2 - t1) * 1e3);
    spf_ms.add((t3 - t2) * 1e3);
    rib_ms.add((t4 - t3) * 1e3);
    diff_ms.add((t5 - t4) * 1e3);
    total_ms.add((t5 - t0) * 1e3);
    std::fprintf(stderr, "run %2zu: describe %6.3f  build %6.3f  spf %6.3f  rib %6.3f  diff %6.3f  total %7.3f ms\n",
                 run, describe_ms.values.back(), build_ms.values.back(), spf_ms.values.back(),
                 rib_ms.values.back(), diff_ms.values.back(), total_ms.values.back());
  }
  const Topology& topology = *topologies[runs % 2];
  const Rib& rib = ribs[runs % 2];
  std::size_t ecmp_routes = 0;
  for (const Route& route : rib.routes()) ecmp_routes += route.next_hops.count > 1;

  const SpfStats& stats = spf.stats();
  std::fprintf(stderr,
               "topology: %zu routers, %zu links (%zu directed usable), %zu prefixes (%zu origins), reachable %u; "
               "routes %zu (%zu ECMP)\n",
               routers, grid.links, topology.link_count(), topology.prefixes().size(),
               topology.prefixes().origin_count(), stats.reachable, rib.size(), ecmp_routes);
  std::fprintf(stderr,
               "median: total %.3f ms (min %.3f) = describe %.3f + build %.3f + spf %.3f + rib %.3f + diff %.3f; "
               "cold first run %.3f ms\n",
               total_ms.median(), total_ms.min(), describe_ms.median(), build_ms.median(), spf_ms.median(),
               rib_ms.median(), diff_ms.median(), cold_ms);
  std::fprintf(stderr,
               "reference (measured earlier, NOT in this run): FRR 8.4 SPF without names, "
               "0.57-0.83 ms at 100 routers, 4.4-8.9 ms at 1024, 73-114 ms at 10000\n");

  std::printf(
      "{\"routers\":%zu,\"links\":%zu,\"routes\":%zu,\"prefixes_per_router\":%zu,\"runs\":%zu,"
      "\"total_ms\":%.3f,\"total_ms_min\":%.3f,\"total_ms_max\":%.3f,"
      "\"describe_ms\":%.3f,\"build_ms\":%.3f,\"spf_ms\":%.3f,\"spf_ms_min\":%.3f,\"rib_ms\":%.3f,"
      "\"rib_ms_min\":%.3f,\"diff_ms\":%.3f,\"cold_total_ms\":%.3f,"
      "\"lsps\":%zu,\"lsdb_octets\":%zu,\"reachable\":%u,\"ecmp_routes\":%zu,\"anycast_origins\":%zu,"
      "\"heap_pushes\":%u,"
      "\"conditions\":{\"topology\":\"grid %zux%zu, 4 links per inner router\","
      "\"link_metrics\":\"%s\",\"seed\":%llu,\"root\":\"router 0 (a corner)\","
      "\"timed\":\"the control daemon's SPF run from its LSDB of decoded LSPs to the routes it "
      "hands on: node descriptions (describe_ms), Topology build (build_ms), SPF (spf_ms), name "
      "RIB (rib_ms), diff against the previous RIB by name (diff_ms); storage reused between "
      "runs as the daemon does; single thread\","
      "\"not_timed\":\"building and decoding the LSPs (flooding's work); the first, allocating run: "
      "cold_total_ms\",\"figures\":\"median, min and max over runs\","
      "\"reference_frr_8_4_spf_ms\":{\"note\":\"reference figures measured earlier with FRR 8.4 "
      "on this VM class, SPF only, no names; NOT measured in this run\","
      "\"routers_100\":\"0.57-0.83\",\"routers_1024\":\"4.4-8.9\",\"routers_10000\":\"73-114\"}},"
      "\"cpu\":\"%s\"}\n",
      routers, grid.links, rib.size(), prefixes, runs, total_ms.median(), total_ms.min(),
      *std::max_element(total_ms.values.begin(), total_ms.values.end()), describe_ms.median(),
      build_ms.median(), spf_ms.median(), spf_ms.min(), rib_ms.median(), rib_ms.min(), diff_ms.median(), cold_ms,
      lsdb.size(), lsp_octets, stats.reachable, ecmp_routes, grid.anycast_origins, stats.heap_pushes, side,
      (routers + side - 1) / side, spread ? "1..63 uniform from the seed, same both ways" : "all 10",
      static_cast<unsigned long long>(seed), tools::json_escape(tools::cpu_model()).c_str());
  return 0;
}
