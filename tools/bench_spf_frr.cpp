// tools/bench spf_frr: FRR 8.4's SPF and dmsc-controld's SPF side by side, on the same LSDB, in
// the same run.
//
// Three network namespaces: an injector (this process, isis_injector.hpp) plays router 1 of
// bench_spf's grid of N routers and forms point-to-point adjacencies over veths with an FRR
// isisd and with a dmsc-controld, each attached to router 1 as an extra leaf router. It floods
// the LSPs of all N grid routers (TLV 22 links, the Service Prefix TLV 251 that FRR floods and
// ignores; IP prefixes only on request) to both and relays their own LSPs between them, paced by
// their socket backlogs, then checks that
// both hold all the LSPs (`show isis database`, `dmsc-controld show lsdb json`). Then it
// re-floods grid router 2's LSP R times, each time with one link metric changed and a new
// sequence number, and reads the SPF run each daemon made of it: FRR's `show isis summary`
// ("last run duration", "run count") and dmsc-controld's `show spf-log json` (duration_us of
// its last run, whose trigger must name router 2's LSP) with `show counters json` (spf_runs).
// A change goes to FRR first and to dmsc-controld once FRR's SPF ran and isisd and zebra went
// idle, so that the two runs do not share the cores. A change whose run counts did not move by
// exactly one on either side is discarded.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "control/packet_io.hpp"
#include "tools/bench_common.hpp"
#include "tools/isis_injector.hpp"
#include "tools/netns_lab.hpp"
#include "tools/spf_frr_probe.hpp"
#include "tools/spf_grid.hpp"

#ifndef DMSC_CONTROLD_BINARY
#define DMSC_CONTROLD_BINARY "dmsc-controld"
#endif

using namespace dmsc;
using namespace dmsc::tools;

namespace {

const char* kUsage =
    "usage: tools/bench spf_frr [--routers N] [--prefixes-per-router P] [--changes R] [--seed S]\n"
    "                           [--metric-spread 1|0] [--flood-timeout SECONDS] [--simultaneous 0|1]\n"
    "                           [--ip-prefixes-per-router K]\n"
    "  N grid routers (bench_spf's grid: side ceil(sqrt(N)), its metrics), P service prefixes each,\n"
    "  flooded to FRR's isisd and to dmsc-controld; then R SPF-triggering changes, flooded to FRR and,\n"
    "  once its SPF ran, to dmsc-controld (--simultaneous 1: to both at once). Needs root and FRR\n"
    "  (exit 77 otherwise). DMSC_CONTROLD=path overrides the daemon; FRR_DIR (default /usr/lib/frr);\n"
    "  LAB_KEEP=1 keeps the daemons' state folder. K > 0 adds K /32s (TLV 135) per router: FRR then\n"
    "  computes and installs N*K IP routes (zebra and the kernel work too: slow at large N*K).\n";

constexpr const char* kFrrSystemId = "0200.0000.0001";
constexpr const char* kDmscSystemId = "0200.0000.0002";
constexpr std::uint16_t kLifetime = 65535;  // no refresh needed, however long the run
constexpr std::uint32_t kLeafMetric = 10;   // router 1 <-> FRR, router 1 <-> dmsc-controld
constexpr std::uint32_t kMetricStep = 20;   // a change adds (then removes) this on router 2's link

const char* kFrrConfig =
    "hostname frr\n"
    "interface eth1\n"
    " ip router isis bench\n"
    " isis circuit-type level-2-only\n"
    " isis network point-to-point\n"
    " isis hello-interval 1\n"
    "router isis bench\n"
    // Before `net`: otherwise the first LSP arms the default 30 s generation timer.
    " lsp-gen-interval 1\n"
    " spf-interval 1\n"
    " is-type level-2-only\n"
    " net 49.0001.0200.0000.0001.00\n";

std::string dmsc_config() {
  return std::string("system-id ") + kDmscSystemId +
         "\narea 49.0001\nhostname dmsc\nrouter-id 10.255.0.2\n"
         "circuit eth1 metric 10 ipv4 10.0.2.2 hello-interval 1 hello-multiplier 10\n";
}

struct Figures {
  std::vector<double> values;
  double median() const {
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    return n == 0 ? 0 : n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
  double min() const { return values.empty() ? 0 : *std::min_element(values.begin(), values.end()); }
  double max() const { return values.empty() ? 0 : *std::max_element(values.begin(), values.end()); }
};

void sleep_for(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

// The LSP fragments of `content` for `node`, all with `sequence`.
std::vector<std::vector<std::uint8_t>> build_fragments(const lsa::NodeId& node, const lsa::LspContent& content,
                                                       std::uint32_t sequence, bool& truncated) {
  std::vector<std::vector<std::uint8_t>> pdus;
  const auto fragments = lsa::pack_lsp_fragments(content, lsa::kMaxPduLength, {}, &truncated);
  for (std::size_t f = 0; f < fragments.size(); ++f) {
    lsa::LspHeader header;
    header.id = {node, static_cast<std::uint8_t>(f)};
    header.sequence = sequence;
    header.remaining_lifetime = kLifetime;
    header.flags = lsa::kLspFlagLevel2;
    pdus.push_back(lsa::build_lsp(header, fragments[f], {}));
  }
  return pdus;
}

// K /32 prefixes (TLV 135) of grid router `router`, from 10.128.0.0 on (clear of the lab's links).
void add_ip_prefixes(lsa::LspContent& content, std::size_t router, std::size_t count) {
  for (std::size_t j = 0; j < count; ++j) {
    const std::uint32_t address = 0x0a800000u + static_cast<std::uint32_t>(router * count + j);
    lsa::IpReach reach;
    reach.metric = static_cast<std::uint32_t>(j % 16);
    reach.prefix_length = 32;
    reach.prefix = {static_cast<std::uint8_t>(address >> 24), static_cast<std::uint8_t>(address >> 16),
                    static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address)};
    content.ip_reach.push_back(reach);
  }
}

int fail(const char* what, const std::string& detail) {
  if (interrupted()) {
    lab_log("interrupted: cleaning up");
    return 130;
  }
  lab_log("FAIL: %s%s%s", what, detail.empty() ? "" : ": ", detail.c_str());
  return 1;
}

struct Params {
  GridSpec spec;
  std::size_t changes = 10;
  std::size_t ip_prefixes = 0;  // per router, TLV 135
  double flood_timeout = 0;
  bool simultaneous = false;
  std::string frr_dir;
  std::string controld;
};

// What the injector floods, and the LSP it changes.
struct InjectedLsdb {
  std::vector<std::vector<std::uint8_t>> lsps;  // every grid router's fragments, sequence 1
  lsa::NodeId router2;
  lsa::LspContent router2_content;
  std::size_t changed_link = 0;  // in router2_content.is_reach
  std::uint32_t base_metric = 0;
};

Expected<InjectedLsdb> build_lsdb(const Grid& grid, const Params& params, const lsa::SystemId& frr_id,
                                  const lsa::SystemId& dmsc_id) {
  InjectedLsdb lsdb;
  bool truncated = false;
  for (std::size_t i = 0; i < grid.nodes.size(); ++i) {
    lsa::LspContent content = grid_lsp_content(grid.nodes[i]);
    add_ip_prefixes(content, i, params.ip_prefixes);
    if (i == 0) {  // router 1 reaches both daemons: their links pass the two-way check
      content.is_reach.push_back({{frr_id, 0}, kLeafMetric, {}});
      content.is_reach.push_back({{dmsc_id, 0}, kLeafMetric, {}});
    }
    if (i == 1) lsdb.router2_content = content;
    for (auto& pdu : build_fragments(lsa_node(grid.nodes[i].id), content, 1, truncated)) lsdb.lsps.push_back(std::move(pdu));
  }
  if (truncated) return Error{"a router's prefixes need more than 256 LSP fragments: lower the prefixes per router"};
  // Router 2's link towards router 3 (or its last link): SPF from router 1 goes through it.
  lsdb.router2 = lsa_node(grid.nodes[1].id);
  const auto& links = lsdb.router2_content.is_reach;
  lsdb.changed_link = links.size() - 1;
  for (std::size_t l = 0; l < links.size(); ++l)
    if (links[l].neighbor == lsa_node(control::NodeId::router(3))) lsdb.changed_link = l;
  lsdb.base_metric = links[lsdb.changed_link].metric;
  return lsdb;
}

Status start_lab(NetnsLab& lab, const Params& params) {
  for (const char* name : {"inj", "frr", "dmsc"})
    if (Status s = lab.add_namespace(name); !s) return s;
  if (Status s = lab.link("inj", "eth1", "10.0.1.1/30", "frr", "eth1", "10.0.1.2/30"); !s) return s;
  if (Status s = lab.link("inj", "eth2", "10.0.2.1/30", "dmsc", "eth1", "10.0.2.2/30"); !s) return s;
  if (Status s = lab.start_frr("frr", kFrrConfig, "warnings"); !s) return s;
  return lab.start_controld("dmsc", params.controld, dmsc_config());
}

Expected<std::unique_ptr<IsisInjector>> start_injector(NetnsLab& lab, const lsa::SystemId& frr_id,
                                                       const lsa::SystemId& dmsc_id) {
  std::vector<control::PacketSocket> sockets;
  Status opened = lab.in_namespace("inj", [&]() -> Status {
    for (const char* interface : {"eth1", "eth2"}) {
      auto socket = control::PacketSocket::open(interface);
      if (!socket) return Error{socket.error()};
      sockets.push_back(std::move(*socket));
    }
    return ok_status();
  });
  if (!opened) return Error{opened.error()};
  InjectorConfig config;
  config.system_id = lsa_node(control::NodeId::router(1)).system;
  return std::make_unique<IsisInjector>(config,
                                        std::vector<InjectorNeighbor>{
                                            {"frr", frr_id, {10, 0, 1, 1}, lab.frr_pid("frr", "isisd")},
                                            {"dmsc", dmsc_id, {10, 0, 2, 1}, lab.controld_pid("dmsc")}},
                                        std::move(sockets));
}

std::string flooding_text(const NeighborStatus& status) {
  char text[160];
  std::snprintf(text, sizeof text, "holds %zu (%s, %llu sent, %llu again, paused %llu times)", status.acknowledged,
                status.up ? "Up" : "not Up", static_cast<unsigned long long>(status.lsps_sent),
                static_cast<unsigned long long>(status.retransmissions), static_cast<unsigned long long>(status.paused));
  return text;
}

// Floods until both daemons acknowledged every LSP (ours and the other daemon's); the seconds it took.
Expected<double> flood(IsisInjector& injector, const lsa::SystemId& frr_id, const lsa::SystemId& dmsc_id,
                       double timeout) {
  const double start = now_seconds();
  double next_report = start + 5;
  injector.run();
  for (;;) {
    if (interrupted()) return Error{"interrupted"};
    const NeighborStatus frr = injector.status(0), dmsc = injector.status(1);
    const std::size_t total = injector.lsp_count();
    const bool theirs_in = injector.holds_lsp_of(frr_id) && injector.holds_lsp_of(dmsc_id);
    const double now = now_seconds();
    const std::string state = std::to_string(total) + " LSPs; FRR " + flooding_text(frr) + ", dmsc-controld " +
                              flooding_text(dmsc);
    if (frr.up && dmsc.up && theirs_in && frr.acknowledged == total && dmsc.acknowledged == total) {
      lab_log("flooded in %.1f s: %s", now - start, state.c_str());
      return now - start;
    }
    if (now > start + timeout) return Error{"timed out " + state};
    if (now >= next_report) {
      next_report = now + 5;
      lab_log("flooding %s", state.c_str());
    }
    sleep_for(0.1);
  }
}

struct Results {
  Figures frr_ms, dmsc_ms;
  std::size_t discarded = 0;
  std::size_t dmsc_nodes = 0;
  std::size_t dmsc_routes = 0;
};

// Changes router 2's LSP until `params.changes` clean samples (or too many discarded ones).
Status measure_changes(NetnsLab& lab, IsisInjector& injector, InjectedLsdb& lsdb, const Params& params,
                       Results& results) {
  std::uint32_t sequence = 1;
  const std::string router2_lsp = lsa::LspId{lsdb.router2, 0}.to_string();
  for (std::size_t attempt = 1; results.frr_ms.values.size() < params.changes; ++attempt) {
    if (attempt > 2 * params.changes + 3) return Error{std::to_string(results.discarded) + " changes discarded"};
    const auto frr_before = read_frr_spf(lab);
    const auto dmsc_before = read_dmsc_spf_runs(lab);
    if (!frr_before || !dmsc_before) return Error{"cannot read the daemons' SPF state"};
    ++sequence;
    std::uint32_t& metric = lsdb.router2_content.is_reach[lsdb.changed_link].metric;
    metric = lsdb.base_metric + (sequence % 2 == 0 ? kMetricStep : 0);
    bool truncated = false;
    auto pdus = build_fragments(lsdb.router2, lsdb.router2_content, sequence, truncated);
    pdus.resize(1);  // only fragment 0 carries the links: one LSP changes, one SPF runs
    injector.originate(pdus, params.simultaneous ? std::nullopt : std::optional<std::size_t>(0));
    const auto frr = wait_frr_spf(lab, frr_before->runs, 30);
    if (!frr) return Error{frr.error()};
    if (!params.simultaneous) {
      // isisd and zebra may still be busy after the SPF (routes to zebra, zebra to the kernel).
      if (Status s = wait_frr_idle(lab, 0.2, 60); !s) return s;
      injector.release(pdus);
    }
    const auto dmsc = wait_dmsc_spf(lab, *dmsc_before, 30);
    if (!dmsc) return Error{dmsc.error()};
    const bool clean = frr->runs == frr_before->runs + 1 && dmsc->runs == *dmsc_before + 1 &&
                       dmsc->trigger.find(router2_lsp) != std::string::npos;
    lab_log("change %zu (seq %u, metric %u): FRR %.3f ms (run %llu), dmsc-controld %.3f ms (run %llu, \"%s\", "
            "%zu nodes, %zu routes)%s",
            attempt, sequence, metric, frr->duration_us / 1000.0, static_cast<unsigned long long>(frr->runs),
            dmsc->duration_us / 1000.0, static_cast<unsigned long long>(dmsc->runs), dmsc->trigger.c_str(),
            dmsc->nodes, dmsc->routes, clean ? "" : "  DISCARDED: not exactly one run each for this change");
    if (clean) {
      results.frr_ms.values.push_back(frr->duration_us / 1000.0);
      results.dmsc_ms.values.push_back(dmsc->duration_us / 1000.0);
      results.dmsc_nodes = dmsc->nodes;
      results.dmsc_routes = dmsc->routes;
    } else {
      ++results.discarded;
    }
    // FRR runs an SPF at once only when its last one is over spf-interval (1 s) old.
    if (Status s = wait_spf_quiet(lab, 1.2, 30); !s) return s;
  }
  return ok_status();
}

void print_json(const Params& params, const Results& results, const InjectedLsdb& lsdb, std::size_t lsdb_lsps,
                double flood_seconds, const NeighborStatus& frr, const NeighborStatus& dmsc,
                const std::string& frr_version) {
  const GridSpec& spec = params.spec;
  const double ratio = results.frr_ms.median() > 0 ? results.dmsc_ms.median() / results.frr_ms.median() : 0;
  const std::string frr_figure =
      "show isis summary 'last run duration' of the IPv4 SPF tree: FRR's isis_run_spf, the SPT and its IP route "
      "table (" +
      (params.ip_prefixes ? std::to_string(spec.routers * params.ip_prefixes) + " /32s"
                          : std::string("the grid has no IP prefixes")) +
      "); not the zebra and kernel updates that follow";
  const std::string lsps = "TLV 22, the Service Prefix TLV 251 (FRR floods it, ignores it)" +
                           (params.ip_prefixes ? ", TLV 135 with " + std::to_string(params.ip_prefixes) + " /32s per router"
                                               : std::string(", no TLV 135"));
  std::printf(
      "{\"routers\":%zu,\"prefixes_per_router\":%zu,\"ip_prefixes_per_router\":%zu,\"changes\":%zu,"
      "\"changes_discarded\":%zu,\"frr_spf_ms\":%.3f,\"frr_spf_ms_min\":%.3f,\"frr_spf_ms_max\":%.3f,"
      "\"dmsc_spf_ms\":%.3f,\"dmsc_spf_ms_min\":%.3f,\"dmsc_spf_ms_max\":%.3f,\"ratio\":%.3f,"
      "\"lsdb_lsps\":%zu,\"flood_seconds\":%.1f,\"dmsc_nodes\":%zu,\"dmsc_routes\":%zu,"
      "\"lsps_sent\":{\"frr\":%llu,\"dmsc\":%llu},\"retransmissions\":{\"frr\":%llu,\"dmsc\":%llu},"
      "\"conditions\":{\"frr\":\"%s\",\"topology\":\"bench_spf's grid %zux%zu (seed %llu, link metrics %s); FRR "
      "and dmsc-controld each a leaf of router 1 (metric %u): %zu nodes\",\"lsps\":\"%s\","
      "\"frr_figure\":\"%s\",\"dmsc_figure\":\"show spf-log duration_us of the run the change triggered: node "
      "descriptions, topology build, SPF, name RIB of %zu names, diff against the previous RIB\","
      "\"trigger\":\"router 2's LSP fragment 0 re-flooded with a new sequence number, its link to router 3 "
      "toggled between metric %u and %u, %s; a change counts only if each daemon ran exactly one SPF for it\","
      "\"timers\":\"FRR spf-interval 1 (each change comes over 1 s after its last SPF: run at once), "
      "lsp-gen-interval 1, hello 1 s; dmsc-controld spf-delay 0.05 s, hello 1 s\","
      "\"flood_seconds\":\"from the injector's start (adjacencies included) until both daemons acknowledged "
      "every LSP\",\"figures\":\"median, min and max over the changes; each daemon times its own run (wall "
      "clock); both daemons and the injector share the machine's cores\"},"
      "\"cpu\":\"%s\"}\n",
      spec.routers, spec.prefixes_per_router, params.ip_prefixes, results.frr_ms.values.size(), results.discarded,
      results.frr_ms.median(), results.frr_ms.min(), results.frr_ms.max(), results.dmsc_ms.median(),
      results.dmsc_ms.min(), results.dmsc_ms.max(), ratio, lsdb_lsps, flood_seconds, results.dmsc_nodes,
      results.dmsc_routes, static_cast<unsigned long long>(frr.lsps_sent),
      static_cast<unsigned long long>(dmsc.lsps_sent), static_cast<unsigned long long>(frr.retransmissions),
      static_cast<unsigned long long>(dmsc.retransmissions), json_escape(frr_version).c_str(), spec.side,
      (spec.routers + spec.side - 1) / spec.side, static_cast<unsigned long long>(spec.seed),
      spec.metric_spread ? "1..63" : "all 10", kLeafMetric, spec.routers + 2, lsps.c_str(),
      json_escape(frr_figure).c_str(), spec.routers * spec.prefixes_per_router, lsdb.base_metric,
      lsdb.base_metric + kMetricStep,
      params.simultaneous ? "to both daemons at once (their SPFs may overlap)"
                          : "to FRR first, to dmsc-controld once FRR's SPF ran and isisd and zebra went idle",
      json_escape(cpu_model()).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Options options(argc, argv, kUsage);
  Params params;
  GridSpec& spec = params.spec;
  spec.routers = static_cast<std::size_t>(options.number("--routers", 1024));
  spec.prefixes_per_router = static_cast<std::size_t>(options.number("--prefixes-per-router", 10));
  params.changes = static_cast<std::size_t>(options.number("--changes", 10));
  spec.seed = static_cast<std::uint64_t>(options.number("--seed", 1));
  spec.metric_spread = options.number("--metric-spread", 1) != 0;
  params.flood_timeout = options.number("--flood-timeout", 120 + 0.05 * static_cast<double>(spec.routers));
  params.simultaneous = options.number("--simultaneous", 0) != 0;
  params.ip_prefixes = static_cast<std::size_t>(options.number("--ip-prefixes-per-router", 0));
  options.check_all_used();
  if (spec.routers < 4 || params.changes < 1) {
    std::fprintf(stderr, "error: --routers must be at least 4 and --changes at least 1\n%s", kUsage);
    return 2;
  }
  spec.side = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(spec.routers))));
  const char* frr_dir = std::getenv("FRR_DIR");
  params.frr_dir = frr_dir ? frr_dir : "/usr/lib/frr";
  const char* controld = std::getenv("DMSC_CONTROLD");
  params.controld = controld ? controld : DMSC_CONTROLD_BINARY;
  if (const auto missing = NetnsLab::missing_prerequisite(params.frr_dir)) {
    std::fprintf(stderr, "SKIP: bench spf_frr %s\n", missing->c_str());
    return 77;
  }
  if (access(params.controld.c_str(), X_OK) != 0) return fail("dmsc-controld not found", params.controld);
  install_interrupt_handlers();

  const lsa::SystemId frr_id = *lsa::SystemId::parse(kFrrSystemId);
  const lsa::SystemId dmsc_id = *lsa::SystemId::parse(kDmscSystemId);
  const Grid grid = make_grid(spec);
  auto lsdb = build_lsdb(grid, params, frr_id, dmsc_id);
  if (!lsdb) return fail("LSDB", lsdb.error());
  lab_log("grid %zux%zu: %zu routers, %zu links, %zu names and %zu IP prefixes each: %zu LSPs; changes: router 2's "
          "link to %s, metric %u <-> %u",
          spec.side, (spec.routers + spec.side - 1) / spec.side, spec.routers, grid.links, spec.prefixes_per_router,
          params.ip_prefixes, lsdb->lsps.size(),
          lsdb->router2_content.is_reach[lsdb->changed_link].neighbor.to_string().c_str(), lsdb->base_metric,
          lsdb->base_metric + kMetricStep);

  NetnsLab::reap_stale("dmscspf");
  auto created = NetnsLab::create("dmscspf", params.frr_dir);
  if (!created) {
    std::fprintf(stderr, "SKIP: bench spf_frr: %s\n", created.error().c_str());
    return 77;
  }
  std::unique_ptr<NetnsLab> lab = std::move(*created);  // cleaned up on every way out
  if (Status s = start_lab(*lab, params); !s) return fail("lab", s.error());
  const std::string frr_version = frr_version_line(*lab);
  lab_log("%s and dmsc-controld running; state in %s", frr_version.c_str(), lab->dir().c_str());
  auto injector = start_injector(*lab, frr_id, dmsc_id);
  if (!injector) return fail("injector", injector.error());
  (*injector)->originate(lsdb->lsps);
  const auto flood_seconds = flood(**injector, frr_id, dmsc_id, params.flood_timeout);
  if (!flood_seconds) return fail("flooding", flood_seconds.error());
  const std::size_t lsdb_lsps = (*injector)->lsp_count();
  if (Status s = check_lsdbs(*lab, lsdb_lsps); !s) return fail("LSDB check", s.error());
  if (Status s = wait_spf_quiet(*lab, 2.5, 120); !s) return fail("SPF did not settle", s.error());

  Results results;
  if (Status s = measure_changes(*lab, **injector, *lsdb, params, results); !s) return fail("changes", s.error());
  const NeighborStatus frr = (*injector)->status(0), dmsc = (*injector)->status(1);
  (*injector)->stop();
  lab->cleanup();
  lab_log("FRR SPF median %.3f ms (min %.3f, max %.3f); dmsc-controld SPF median %.3f ms (min %.3f, max %.3f)",
          results.frr_ms.median(), results.frr_ms.min(), results.frr_ms.max(), results.dmsc_ms.median(),
          results.dmsc_ms.min(), results.dmsc_ms.max());
  print_json(params, results, *lsdb, lsdb_lsps, *flood_seconds, frr, dmsc, frr_version);
  return 0;
}
