#pragma once
// The grid of routers the SPF benchmarks run on, and its routers' LSP content.
//
// Shared by tools/bench spf and tools/bench spf_frr, so that for the same routers, prefixes and
// seed both see the same topology and metrics (link metrics row by row, then per router its
// prefix metrics and the anycast draw).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "control/topology.hpp"
#include "lsa/build.hpp"

namespace dmsc::tools {

struct GridSpec {
  std::size_t routers = 0;
  std::size_t side = 0;  // routers per row: ceil(sqrt(routers))
  std::size_t prefixes_per_router = 0;
  bool metric_spread = true;  // link metrics 1..63 from the seed; false: all 10
  double anycast_percent = 0;
  std::size_t anycast_names = 16;
  std::uint64_t seed = 1;
};

struct Grid {
  std::vector<control::NodeAdvertisement> nodes;  // router i has system id i + 1
  std::size_t links = 0;                          // undirected
  std::size_t anycast_origins = 0;
};

inline Grid make_grid(const GridSpec& spec) {
  std::mt19937_64 rng(spec.seed);
  Grid grid;
  grid.nodes.resize(spec.routers);
  for (std::size_t i = 0; i < spec.routers; ++i) grid.nodes[i].id = control::NodeId::router(i + 1);
  auto connect = [&](std::size_t a, std::size_t b) {
    const std::uint32_t metric = spec.metric_spread ? static_cast<std::uint32_t>(1 + rng() % 63) : 10;
    grid.nodes[a].links.push_back({grid.nodes[b].id, metric});
    grid.nodes[b].links.push_back({grid.nodes[a].id, metric});
    ++grid.links;
  };
  for (std::size_t i = 0; i < spec.routers; ++i) {
    if ((i % spec.side) + 1 < spec.side && i + 1 < spec.routers) connect(i, i + 1);
    if (i + spec.side < spec.routers) connect(i, i + spec.side);
  }
  for (std::size_t i = 0; i < spec.routers; ++i) {
    control::NodeAdvertisement& node = grid.nodes[i];
    node.prefixes.reserve(spec.prefixes_per_router + 1);
    for (std::size_t j = 0; j < spec.prefixes_per_router; ++j) {
      const std::string text = "/svc/r" + std::to_string(i) + "/p" + std::to_string(j);
      node.prefixes.push_back({*fib::Name::parse(text), static_cast<std::uint32_t>(rng() % 16), 0});
    }
    if (spec.anycast_names > 0 && static_cast<double>(rng() % 10000) < spec.anycast_percent * 100) {
      const std::string text = "/svc/any/a" + std::to_string(rng() % spec.anycast_names);
      node.prefixes.push_back({*fib::Name::parse(text), static_cast<std::uint32_t>(rng() % 4),
                               control::kPrefixFlagAnycast});
      ++grid.anycast_origins;
    }
  }
  return grid;
}

inline lsa::NodeId lsa_node(const control::NodeId& id) {
  lsa::NodeId out;
  std::copy_n(id.octets.begin(), 6, out.system.octets.begin());
  out.pseudonode = id.octets[6];
  return out;
}

// What grid router `node` advertises: area 49.0001, IPv4, its links (TLV 22) and its service
// prefixes (TLV 251); no hostname and no IP prefixes, as bench_spf's make_lsdb builds them.
inline lsa::LspContent grid_lsp_content(const control::NodeAdvertisement& node) {
  lsa::LspContent content;
  content.areas = {{0x49, 0x00, 0x01}};
  for (const control::Link& link : node.links) content.is_reach.push_back({lsa_node(link.neighbor), link.metric, {}});
  for (const control::ServicePrefix& prefix : node.prefixes)
    content.service_prefixes.push_back({prefix.name, prefix.metric, prefix.flags});
  return content;
}

}  // namespace dmsc::tools
