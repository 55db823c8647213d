// The control socket's commands (dataplane/control_commands.hpp) on a FIB, faces and route
// sources of the test's own, no DPDK: what each answers, in text and JSON, and that `lookup`
// picks the next hop the forwarding path picks.
#include "dataplane/control_commands.hpp"

#include <gtest/gtest.h>

#include <set>

#include "dataplane/affinity.hpp"
#include "dataplane/next_hop_pick.hpp"
#include "tests/tools/json_value.hpp"

namespace dmsc::dataplane {
namespace {

using tools::test::JsonValue;
using tools::test::parse_json;

const char* kConfig = R"(stats ctl-test
port p0 net_null0 mac 02:00:00:00:00:10 ipv4 10.0.0.1
port p1 net_null1 mac 02:00:00:00:00:11
face 1 ethernet p0 02:00:00:00:01:01
face 2 ethernet p1 02:00:00:00:02:02 vlan 100
face 3 ethernet p1 learn
face 4 udp4 p0 02:00:00:00:01:02 10.0.0.2
route /svc/a 1
route /svc/ecmp 1:1 2:3 4:2
route /svc/learn 3
)";

fib::Name name(const std::string& text) { return *fib::Name::parse(text); }

class TestTarget final : public ControlTarget {
 public:
  explicit TestTarget(std::size_t capacity = 4096) {
    config_ = *parse_forwarder_config(kConfig, "test.conf", ".");
    qsbr_ = std::move(*fib::Qsbr::create(1));
    table_ = std::move(*fib::Table::create({.capacity = capacity}, *qsbr_));
    sources_ = std::make_unique<fib::RouteSources>(*table_);
    faces_ = FaceTable::build(config_, {{config_.ports[0].mac.value(), 1500}, {config_.ports[1].mac.value(), 1500}});
    for (const StaticRoute& route : config_.routes) EXPECT_TRUE(sources_->set_static(route.prefix, route.next_hops).ok());
  }
  const fib::Table& fib_table() const override { return *table_; }
  fib::RouteSources& route_sources() override { return *sources_; }
  const FaceTable& face_table() const override { return faces_; }
  const ForwarderConfig& running_config() const override { return config_; }
  std::string config_origin() const override { return "test.conf"; }
  std::string clear_stats(bool json) override {
    ++clears;
    return json ? "{\"cleared\":true}\n" : "cleared\n";
  }
  std::unique_ptr<ControlAnswer> reload(bool) override { return text_answer("reloaded\n"); }

  int clears = 0;

 private:
  ForwarderConfig config_;
  std::unique_ptr<fib::Qsbr> qsbr_;
  std::unique_ptr<fib::Table> table_;
  std::unique_ptr<fib::RouteSources> sources_;
  FaceTable faces_;
};

// The whole answer, and how much the largest part added.
std::string ask(ControlTarget& target, const std::string& command, std::size_t* largest_part = nullptr,
                std::size_t* parts = nullptr) {
  auto answer = run_control_command(target, command);
  std::string out;
  std::size_t count = 0, largest = 0;
  for (;;) {
    const std::size_t before = out.size();
    const auto progress = answer->next(out);
    ++count;
    largest = std::max(largest, out.size() - before);
    if (progress == ControlAnswer::Progress::kDone) break;
    EXPECT_NE(progress, ControlAnswer::Progress::kWaiting);
  }
  if (largest_part) *largest_part = largest;
  if (parts) *parts = count;
  return out;
}

JsonValue ask_json(ControlTarget& target, const std::string& command) {
  const std::string text = ask(target, command + " json");
  auto json = parse_json(text);
  EXPECT_TRUE(json.has_value()) << command << " json is not JSON:\n" << text;
  return json.value_or(JsonValue{});
}

TEST(ControlCommands, FibListsTheEntriesWithTheirSourcesAndFaces) {
  TestTarget target;
  fib::RouteSources& sources = target.route_sources();
  fib::NextHopSet routed;
  routed.count = 1;
  routed.hops[0] = {2, 1};
  fib::NextHopSet channel_route;
  channel_route.count = 1;
  channel_route.hops[0] = {4, 1};
  sources.on_resync_begin();
  ASSERT_TRUE(sources.on_route(name("/svc/routed").view(), routed).ok());
  ASSERT_TRUE(sources.on_route(name("/svc/a").view(), channel_route).ok());  // shadowed by the static route
  sources.on_resync_end();

  const std::string text = ask(target, "fib");
  EXPECT_NE(text.find("FIB: 4 prefixes of capacity 4096"), std::string::npos) << text;
  EXPECT_NE(text.find("S  /svc/a                        face 1:1 p0 ethernet 02:00:00:00:01:01\n"
                      "                                 (shadows the routing route face 4:1)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("face 2:3 p1 ethernet 02:00:00:00:02:02 vlan 100\n"), std::string::npos) << text;
  EXPECT_NE(text.find("face 4:2 p0 udp4 10.0.0.2:6464 via 02:00:00:00:01:02\n"), std::string::npos) << text;
  EXPECT_NE(text.find("face 3:1 p1 ethernet unresolved (learns its neighbour)"), std::string::npos) << text;
  EXPECT_NE(text.find("R  /svc/routed"), std::string::npos) << text;
  EXPECT_LT(text.find("/svc/a "), text.find("/svc/ecmp")) << "sorted by prefix:\n" << text;
  EXPECT_NE(text.find("\n4 entries\n"), std::string::npos) << text;

  const JsonValue json = ask_json(target, "fib");
  EXPECT_EQ(json["prefixes"].u64(), 4u);
  EXPECT_EQ(json["capacity"].u64(), 4096u);
  EXPECT_EQ(json["static_routes"].u64(), 3u);
  EXPECT_EQ(json["count"].u64(), 4u);
  EXPECT_TRUE(json["sorted"].boolean);
  ASSERT_EQ(json["entries"].size(), 4u);
  const JsonValue& a = json["entries"][0];
  EXPECT_EQ(a["prefix"].text, "/svc/a");
  EXPECT_EQ(a["source"].text, "static");
  EXPECT_EQ(a["depth"].u64(), 2u);
  EXPECT_EQ(a["next_hops"][0]["port"].text, "p0");
  EXPECT_EQ(a["next_hops"][0]["neighbour"].text, "02:00:00:00:01:01");
  EXPECT_EQ(a["shadowed"][0]["face"].u64(), 4u);
  const JsonValue& learn = json["entries"][2];
  EXPECT_EQ(learn["prefix"].text, "/svc/learn");
  EXPECT_FALSE(learn["next_hops"][0]["resolved"].boolean);
  EXPECT_TRUE(learn["next_hops"][0]["neighbour"].is_null());
  EXPECT_EQ(json["entries"][3]["source"].text, "routing");

  const JsonValue under = ask_json(target, "fib /svc/ecmp");
  EXPECT_EQ(under["count"].u64(), 1u);
  EXPECT_EQ(under["under"].text, "/svc/ecmp");
  EXPECT_NE(ask(target, "fib /nothing").find("no entry at or under /nothing"), std::string::npos);
  EXPECT_EQ(ask(target, "fib /a//b"), "error: '/a//b' is not a name: empty component ('//') (at offset 3)\n");
}

TEST(ControlCommands, ALargeFibStreamsInBoundedPartsInTableOrder) {
  TestTarget target(20000);
  fib::NextHopSet set;
  set.count = 1;
  set.hops[0] = {1, 1};
  for (int i = 0; i < 12000; ++i) ASSERT_TRUE(target.route_sources().set_static(name("/bulk/s" + std::to_string(i)), set).ok());
  std::size_t largest = 0, parts = 0;
  const std::string text = ask(target, "fib", &largest, &parts);
  EXPECT_NE(text.find("\n12003 entries (more than 4096: listed in table order, not sorted)\n"), std::string::npos)
      << text.substr(text.size() - 200);
  EXPECT_GT(parts, 10u);
  EXPECT_LT(largest, 2u << 20) << "one part of the answer is too large";
  const JsonValue json = ask_json(target, "fib /bulk");
  EXPECT_EQ(json["count"].u64(), 12000u);
  EXPECT_EQ(json["entries"].size(), 12000u);
  EXPECT_FALSE(json["sorted"].boolean);
}

TEST(ControlCommands, LookupPicksTheNextHopTheForwardingPathPicks) {
  TestTarget target;
  const fib::NextHopGroup* group = target.fib_table().find(name("/svc/ecmp"));
  ASSERT_NE(group, nullptr);
  auto affinity = std::move(*FlowAffinityTable::create(1024, 60));
  std::set<fib::FaceId> seen;
  for (std::uint32_t key : {0u, 1u, 2u, 7u, 0x1234u, 0xdeadbeefu, 0xffffffffu, 99u, 1000u, 65536u}) {
    const JsonValue json = ask_json(target, "lookup /svc/ecmp/x/y flow " + std::to_string(key));
    ASSERT_TRUE(json["matched"].boolean);
    EXPECT_EQ(json["flow"]["slot"].u64(), selection_slot(key));
    // The forwarding loop's pick (forwarding.cpp) and a new A flow's (affinity.cpp) use pick_next_hop.
    const fib::FaceId forwarding = pick_next_hop(*group, key).face;
    AffinityTally tally;
    const fib::Name destination = name("/svc/ecmp/x/y");  // outlives the pointer into it
    const fib::FaceId affine =
        affinity->face_for(destination.wire().data(), destination.wire().size(), key, *group, 1, tally);
    EXPECT_EQ(json["flow"]["next_hop"]["face"].u64(), forwarding) << "flow " << key;
    EXPECT_EQ(affine, forwarding) << "flow " << key;
    EXPECT_EQ(group->set.hops[group->selection[selection_slot(key)]].face, forwarding);
    seen.insert(forwarding);
    const std::string text = ask(target, "lookup /svc/ecmp/x/y flow " + std::to_string(key));
    EXPECT_NE(text.find(") takes face " + std::to_string(forwarding) + ":"), std::string::npos) << text;
  }
  EXPECT_GT(seen.size(), 1u) << "the flows should spread over the next hops";

  const JsonValue json = ask_json(target, "lookup /svc/ecmp/x/y");
  EXPECT_EQ(json["prefix"].text, "/svc/ecmp");
  EXPECT_EQ(json["depth"].u64(), 2u);
  EXPECT_EQ(json["name_depth"].u64(), 4u);
  EXPECT_EQ(json["next_hops"].size(), 3u);
  EXPECT_FALSE(json.has("flow"));
  EXPECT_EQ(ask(target, "lookup /svc/ecmp/x/y").rfind("/svc/ecmp/x/y: longest match /svc/ecmp (depth 2 of 4), static\n", 0), 0u);
  EXPECT_EQ(ask(target, "lookup /other"), "no route for /other: packets to it are dropped (no_route)\n");
  EXPECT_FALSE(ask_json(target, "lookup /other")["matched"].boolean);
  EXPECT_EQ(ask(target, "lookup /svc/a flow x").rfind("error: flow key 'x'", 0), 0u);
  EXPECT_EQ(ask(target, "lookup"), "error: usage: lookup NAME [flow KEY]\n");
}

TEST(ControlCommands, RouteAddAndDelChangeStaticRoutesNow) {
  TestTarget target;
  EXPECT_EQ(ask(target, "route add /svc/new 2:5 1"), "static route /svc/new added: face 1:1, face 2:5\n");
  ASSERT_NE(target.fib_table().find(name("/svc/new")), nullptr);
  const JsonValue replaced = ask_json(target, "route add /svc/new 2");
  EXPECT_EQ(replaced["outcome"].text, "replaced");
  EXPECT_TRUE(replaced["shadows"].is_null());
  EXPECT_EQ(ask(target, "route add /svc/x 9"), "error: next hop '9': no face 9 is configured\n");
  EXPECT_EQ(ask_json(target, "route add /svc/x 9")["error"].text, "next hop '9': no face 9 is configured");
  EXPECT_EQ(ask(target, "route add /svc/x"), "error: usage: route add PREFIX FACE[:WEIGHT] ...\n");
  EXPECT_EQ(ask(target, "route add /a//b 1").rfind("error: '/a//b' is not a name", 0), 0u);
  EXPECT_EQ(ask(target, "route del /svc/new"), "static route /svc/new deleted; the prefix left the FIB\n");
  EXPECT_EQ(target.fib_table().find(name("/svc/new")), nullptr);
  EXPECT_EQ(ask(target, "route del /svc/new"), "error: no static route for /svc/new\n");

  // Over a channel route: it comes back.
  fib::NextHopSet routed;
  routed.count = 1;
  routed.hops[0] = {4, 1};
  ASSERT_TRUE(target.route_sources().on_route(name("/svc/routed").view(), routed).ok());
  EXPECT_EQ(ask(target, "route del /svc/routed"),
            "error: no static route for /svc/routed (its route comes from dmsc-controld: change it there)\n");
  EXPECT_EQ(ask(target, "route add /svc/routed 1"), "static route /svc/routed added: face 1:1 (shadows the routing route face 4:1)\n");
  const JsonValue deleted = ask_json(target, "route del /svc/routed");
  EXPECT_EQ(deleted["restored"][0]["face"].u64(), 4u);
  EXPECT_EQ(target.fib_table().find(name("/svc/routed"))->set.hops[0].face, 4u);
}

TEST(ControlCommands, ConfigShowsTheRunningConfigurationWithRuntimeRoutes) {
  TestTarget target;
  ask(target, "route add /svc/runtime 2");
  ask(target, "route del /svc/a");
  const std::string text = ask(target, "config");
  EXPECT_EQ(text.rfind("# dmsc-forwarder running configuration, loaded from test.conf\n", 0), 0u) << text;
  EXPECT_NE(text.find("route /svc/runtime 2:1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("route /svc/a "), std::string::npos) << text;
  auto again = parse_forwarder_config(text, "config answer", ".");
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->routes.size(), 3u);
  const JsonValue json = ask_json(target, "config");
  const JsonValue& forwarder = json["dmsc-forwarder:forwarder"];
  EXPECT_EQ(forwarder["stats"].text, "ctl-test");
  EXPECT_EQ(forwarder["control-socket"].text, "/run/ctl-test.sock");
  EXPECT_EQ(forwarder["port"].size(), 2u);
  EXPECT_EQ(forwarder["face"].size(), 4u);
  EXPECT_EQ(forwarder["route"].size(), 3u);
}

TEST(ControlCommands, ClearStatsReloadAndMistakes) {
  TestTarget target;
  EXPECT_EQ(ask(target, "clear stats"), "cleared\n");
  EXPECT_EQ(ask_json(target, "clear stats")["cleared"].boolean, true);
  EXPECT_EQ(target.clears, 2);
  EXPECT_EQ(ask(target, "reload"), "reloaded\n");
  EXPECT_EQ(ask(target, "frobnicate").rfind("error: unknown command 'frobnicate'; commands: fib [PREFIX]", 0), 0u);
  EXPECT_TRUE(ask_json(target, "frobnicate").has("error"));
  EXPECT_TRUE(ask_json(target, "")["error"].text.find("no command") == 0);
  EXPECT_NE(ask(target, "help").find("lookup NAME [flow KEY]"), std::string::npos);
}

}  // namespace
}  // namespace dmsc::dataplane
