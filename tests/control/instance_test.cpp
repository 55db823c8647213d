// The protocol core end to end, in memory: adjacencies, flooding, SPF and the name RIB,
// link failures, restarts, authentication and malformed input.
#include <gtest/gtest.h>

#include <map>

#include "lsa/build.hpp"
#include "tests/control/instance_harness.hpp"

namespace dmsc::control {
namespace {

using test::Lab;
using test::system_id;

NodeId router(std::uint8_t n) { return NodeId::router(n); }

const Route* route(Instance& instance, const std::string& name) { return instance.rib().find(*fib::Name::parse(name)); }

std::vector<NodeId> next_hops(Instance& instance, const std::string& name) {
  std::vector<NodeId> hops;
  const Route* r = route(instance, name);
  if (r == nullptr) return hops;
  for (std::size_t i = 0; i < r->next_hops.count; ++i) hops.push_back(instance.rib().next_hop(*r, i));
  return hops;
}

std::string dump_logs(const Lab& lab) {
  std::string text;
  for (const auto& line : lab.logs) text += line + "\n";
  return text;
}

TEST(Instance, TwoRoutersComeUpAndLearnEachOthersNames) {
  Lab lab;
  lab.add_router(1, "/svc/a");
  lab.add_router(2, "/svc/b");
  lab.connect(0, 1, 7);
  lab.start_all();
  lab.run(3);
  ASSERT_EQ(lab[0].adjacency(0).state, AdjacencyState::kUp) << dump_logs(lab);
  ASSERT_EQ(lab[1].adjacency(0).state, AdjacencyState::kUp);
  EXPECT_EQ(lab[0].adjacency(0).neighbor, system_id(2));
  EXPECT_EQ(lab[0].adjacency(0).neighbor_hostname, "r2");
  EXPECT_EQ(lab[0].lsdb().size(), 2u);
  EXPECT_EQ(lab[1].lsdb().size(), 2u);
  const Route* b = route(lab[0], "/svc/b");
  ASSERT_NE(b, nullptr) << dump_logs(lab);
  EXPECT_EQ(b->cost, 7u + 1u);
  EXPECT_EQ(next_hops(lab[0], "/svc/b"), std::vector<NodeId>{router(2)});
  const Route* a = route(lab[0], "/svc/a");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(lab[0].rib().local(*a));
  EXPECT_EQ(lab[0].counter(Counter::kPduDropped), 0u) << dump_logs(lab);
}

TEST(Instance, LineOfThreeRoutesThroughTheMiddleAndRepairsOverARing) {
  Lab lab;
  lab.add_router(1);
  lab.add_router(2);
  lab.add_router(3, "/svc/c");
  const std::size_t ab = lab.connect(0, 1, 10);
  lab.connect(1, 2, 5);
  const std::size_t ac = lab.connect(0, 2, 100);
  lab.links[ac].up = false;  // the long way round starts down
  lab.start_all();
  lab.run(4);
  EXPECT_EQ(route(lab[0], "/svc/c")->cost, 10u + 5u + 1u);
  EXPECT_EQ(next_hops(lab[0], "/svc/c"), std::vector<NodeId>{router(2)});

  lab.set_link(ac, true);
  lab.run(4);
  EXPECT_EQ(route(lab[0], "/svc/c")->cost, 16u) << "the shorter path stays";
  lab.set_link(ab, false);
  lab.run(2);
  ASSERT_NE(route(lab[0], "/svc/c"), nullptr) << dump_logs(lab);
  EXPECT_EQ(route(lab[0], "/svc/c")->cost, 101u);
  EXPECT_EQ(next_hops(lab[0], "/svc/c"), std::vector<NodeId>{router(3)});
  lab.set_link(ac, false);
  lab.run(2);
  EXPECT_EQ(route(lab[0], "/svc/c"), nullptr) << "no path: withdrawn";
}

TEST(Instance, AnycastNameFromTwoRoutersAtEqualCostUsesBoth) {
  Lab lab;
  lab.add_router(1);
  lab.add_router(2, "/svc/any");
  lab.add_router(3, "/svc/any");
  lab.connect(0, 1, 10);
  lab.connect(0, 2, 10);
  lab.start_all();
  lab.run(4);
  EXPECT_EQ(next_hops(lab[0], "/svc/any"), (std::vector<NodeId>{router(2), router(3)}));
}

TEST(Instance, HoldTimeExpiryTakesTheAdjacencyDown) {
  Lab lab;
  lab.add_router(1);
  lab.add_router(2, "/svc/b");
  lab.connect(0, 1);
  lab.start_all();
  lab.run(3);
  ASSERT_NE(route(lab[0], "/svc/b"), nullptr);
  lab.stop(1);  // silent: no circuit-down event at router 0
  lab.run(4);   // hold time 3 s
  EXPECT_EQ(lab[0].adjacency(0).state, AdjacencyState::kDown);
  EXPECT_EQ(route(lab[0], "/svc/b"), nullptr);
}

TEST(Instance, RestartContinuesAboveTheOldSequenceAndPurgesStaleFragments) {
  Lab lab;
  lab.add_router(1);
  lab.add_router(2);
  for (int i = 0; i < 300; ++i)
    lab.routers[1].config.service_prefixes.push_back({*fib::Name::parse("/svc/many/name-" + std::to_string(i)), 1, 0});
  lab.connect(0, 1);
  lab.start_all();
  lab.run(3);
  // Several originations so the sequence is well above 1.
  for (int i = 0; i < 5; ++i) {
    lab[1].set_service_prefixes(lab.routers[1].config.service_prefixes, lab.now);
    lab.routers[1].config.service_prefixes.push_back({*fib::Name::parse("/svc/extra/" + std::to_string(i)), 1, 0});
    lab[1].set_service_prefixes(lab.routers[1].config.service_prefixes, lab.now);
    lab.run(1);
  }
  const std::uint32_t before = lab[1].own_sequence();
  ASSERT_GT(before, 3u);
  std::map<lsa::LspId, std::uint32_t> old_sequences;
  for (const auto& [id, record] : lab[0].lsdb())
    if (id.node.system == system_id(2)) old_sequences[id] = record.header.sequence;
  ASSERT_GT(old_sequences.size(), 2u);
  EXPECT_EQ(lab[0].rib().size(), 305u);

  // Restart router 2 without its state: sequence 1, and only one prefix now.
  lab.stop(1);
  lab.routers[1].config.service_prefixes = {{*fib::Name::parse("/svc/only"), 1, 0}};
  lab.start(1, 1);
  lab.run(6);
  EXPECT_GT(lab[1].own_sequence(), before) << dump_logs(lab);
  for (const auto& [id, sequence] : old_sequences) {
    ASSERT_TRUE(lab[0].lsdb().contains(id)) << id.to_string();
    EXPECT_GT(lab[0].lsdb().at(id).header.sequence, sequence) << id.to_string();
    EXPECT_EQ(lab[0].lsdb().at(id).purged, id.fragment != 0) << id.to_string();
  }
  EXPECT_GE(lab[1].counter(Counter::kLspOwnRecovered), 1u);
  std::size_t live = 0;
  for (const auto& [id, record] : lab[0].lsdb()) live += id.node.system == system_id(2) && !record.purged;
  EXPECT_EQ(live, 1u) << "stale fragments purged";
  EXPECT_EQ(lab[0].rib().size(), 1u);
  EXPECT_NE(route(lab[0], "/svc/only"), nullptr);
}

class AuthenticatedLab : public ::testing::TestWithParam<lsa::AuthMode> {};

TEST_P(AuthenticatedLab, MatchingKeysWorkAndAWrongKeyIsRejectedWithAReason) {
  for (bool same_key : {true, false}) {
    Lab lab;
    lab.add_router(1);
    lab.add_router(2, "/svc/b");
    lab.connect(0, 1);
    for (auto& router : lab.routers) {
      router.config.lsp_auth = {GetParam(), "domain-key", 5};
      router.config.circuits[0].hello_auth = {GetParam(), "link-key", 5};
    }
    if (!same_key) lab.routers[1].config.circuits[0].hello_auth.secret = "other";
    lab.start_all();
    lab.run(4);
    if (same_key) {
      EXPECT_EQ(lab[0].adjacency(0).state, AdjacencyState::kUp) << dump_logs(lab);
      EXPECT_NE(route(lab[0], "/svc/b"), nullptr);
      EXPECT_EQ(lab[0].counter(Counter::kDropAuthentication), 0u);
    } else {
      EXPECT_EQ(lab[0].adjacency(0).state, AdjacencyState::kDown);
      EXPECT_GT(lab[0].counter(Counter::kDropAuthentication), 0u);
      bool logged = false;
      for (const auto& line : lab.logs) logged |= line.find("authentication digest mismatch") != std::string::npos;
      EXPECT_TRUE(logged) << dump_logs(lab);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, AuthenticatedLab, ::testing::Values(lsa::AuthMode::kHmacMd5, lsa::AuthMode::kHmacSha256));

TEST(Instance, MalformedPdusAreCountedAndChangeNothing) {
  Lab lab;
  lab.add_router(1);
  lab.add_router(2, "/svc/b");
  lab.connect(0, 1);
  lab.start_all();
  lab.run(3);
  ASSERT_NE(route(lab[0], "/svc/b"), nullptr);
  const std::size_t lsps = lab[0].lsdb().size();
  // Damage every PDU router 2 sends for a while, in different ways.
  std::size_t n = 0;
  lab.tamper = [&](std::size_t from, std::vector<std::uint8_t>& pdu) {
    if (from != 1) return true;
    switch (n++ % 4) {
      case 0: pdu.resize(5); break;
      case 1: pdu[0] = 0x42; break;
      case 2: pdu[17] = 0xff; break;                // a length field
      case 3: pdu.back() ^= 0xff; break;            // a TLV octet (LSP: checksum now wrong)
    }
    return true;
  };
  lab.run(2);  // shorter than the hold time
  lab.tamper = nullptr;
  EXPECT_GT(lab[0].counter(Counter::kDropMalformed), 0u);
  EXPECT_EQ(lab[0].adjacency(0).state, AdjacencyState::kUp);
  EXPECT_EQ(lab[0].lsdb().size(), lsps);
  EXPECT_NE(route(lab[0], "/svc/b"), nullptr);
}

TEST(Instance, AServicePrefixTheNetworkMangledIsSkippedButTheLspIsKept) {
  // A third router's LSP reaches router 1 with a GENINFO whose name is broken: the LSP stays
  // in the LSDB (and is flooded on), its other prefixes and links still count.
  Lab lab;
  lab.add_router(1);
  lab.add_router(2, "/svc/good");
  lab.routers[1].config.service_prefixes.push_back({*fib::Name::parse("/svc/bad"), 1, 0});
  lab.connect(0, 1);
  lab.tamper = [](std::size_t from, std::vector<std::uint8_t>& pdu) {
    lsa::PduView view;
    if (from != 1 || lsa::decode_pdu(pdu, view) != lsa::PduError::kNone || view.type != lsa::PduType::kL2Lsp)
      return true;
    // Find "/svc/bad"'s first name octet (3 = length of "svc" after the name length 8).
    for (std::size_t i = 0; i + 8 < pdu.size(); ++i)
      if (pdu[i] == 8 && pdu[i + 1] == 3 && pdu[i + 2] == 's' && pdu[i + 6] == 'b') {
        pdu[i + 5] = 0;  // "bad" component length 3 -> 0: empty component
        lsa::set_lsp_checksum(pdu);
        break;
      }
    return true;
  };
  lab.start_all();
  lab.run(3);
  EXPECT_NE(route(lab[0], "/svc/good"), nullptr) << dump_logs(lab);
  EXPECT_EQ(route(lab[0], "/svc/bad"), nullptr);
  EXPECT_GT(lab[0].counter(Counter::kTlvIssues), 0u);
  EXPECT_EQ(lab[0].lsdb().size(), 2u);
}

}  // namespace
}  // namespace dmsc::control

namespace dmsc::control {
namespace {

TEST(Instance, SpfBacksOffDuringAStormAndIsPromptAfterAQuietSpell) {
  // RFC 8405: a change after a quiet spell runs SPF after spf_delay; a storm of changes runs
  // it ever less often; after the hold-down the next change is prompt again.
  test::Lab lab;
  lab.add_router(1);
  lab.add_router(2, "/svc/b");
  lab.connect(0, 1);
  lab.start_all();
  lab.run(5);  // quiet
  const auto runs = [&] { return lab[0].counter(Counter::kSpfRuns); };
  std::vector<lsa::ServicePrefix> prefixes = lab.routers[1].config.service_prefixes;
  // A storm: router 2 changes its names every 50 ms for 4 s.
  const std::uint64_t before = runs();
  for (int i = 0; i < 80; ++i) {
    prefixes.push_back({*fib::Name::parse("/svc/storm/" + std::to_string(i)), 1, 0});
    lab[1].set_service_prefixes(prefixes, lab.now);
    lab.run(0.05);
  }
  const std::uint64_t storm_runs = runs() - before;
  EXPECT_LE(storm_runs, 12u) << "80 changes in 4 s: 1 prompt + short waits for 1 s + long waits";
  EXPECT_GE(storm_runs, 4u);
  lab.run(3);  // past the hold-down: quiet again
  const std::uint64_t quiet = runs();
  prefixes.push_back({*fib::Name::parse("/svc/after"), 1, 0});
  lab[1].set_service_prefixes(prefixes, lab.now);
  lab.run(0.15);  // origination (50 ms) + flooding + spf_delay (50 ms)
  EXPECT_EQ(runs(), quiet + 1);
  EXPECT_NE(lab[0].rib().find(*fib::Name::parse("/svc/after")), nullptr);
}

}  // namespace
}  // namespace dmsc::control
