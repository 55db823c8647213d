// What a reload compares: every configurable field that differs is named (and waits for a
// restart), the originated entries are matched by key; the outcome in words and in JSON.
#include <gtest/gtest.h>

#include <functional>
#include <utility>

#include "control/reload.hpp"
#include "tests/control/config_samples.hpp"

namespace dmsc::control {
namespace {

DaemonConfig every_statement() {
  auto config = parse_daemon_config(test::kEveryStatement, "test.conf");
  EXPECT_TRUE(config.ok()) << config.error();
  return *config;
}

lsa::ServicePrefix name(const char* text, std::uint32_t metric = 0, bool anycast = false) {
  return {*fib::Name::parse(text), metric, static_cast<std::uint8_t>(anycast ? lsa::kServicePrefixFlagAnycast : 0)};
}

lsa::IpReach ip(std::uint8_t third, std::uint8_t length, std::uint32_t metric = 0) {
  lsa::IpReach reach;
  reach.prefix = {10, 9, third, 0};
  reach.prefix_length = length;
  reach.metric = metric;
  return reach;
}

TEST(Reload, EveryDifferenceIsNamed) {
  using Change = std::function<void(DaemonConfig&)>;
  const std::vector<std::pair<std::string, Change>> cases = {
      {"system-id", [](DaemonConfig& c) { c.instance.system_id.octets[5] ^= 1; }},
      {"area", [](DaemonConfig& c) { c.instance.areas.pop_back(); }},
      {"hostname", [](DaemonConfig& c) { c.instance.hostname = "box-2"; }},
      {"router-id", [](DaemonConfig& c) { c.instance.router_id[3] = 10; }},
      {"overload", [](DaemonConfig& c) { c.instance.overload = false; }},
      {"lsp-auth", [](DaemonConfig& c) { c.instance.lsp_auth.secret = "new"; }},
      {"lsp-auth", [](DaemonConfig& c) { c.instance.lsp_auth.key_id = 10; }},
      {"lsp-auth", [](DaemonConfig& c) { c.instance.lsp_auth.mode = lsa::AuthMode::kHmacMd5; }},
      {"snp-auth", [](DaemonConfig& c) { c.instance.snp_auth = InstanceConfig::SnpAuth::kNone; }},
      {"application-id", [](DaemonConfig& c) { c.instance.service_application_id = 1; }},
      {"lsp-mtu", [](DaemonConfig& c) { c.instance.lsp_mtu = 1497; }},
      {"circuit e0 metric", [](DaemonConfig& c) { c.instance.circuits[0].metric = 30; }},
      {"circuit e0 face", [](DaemonConfig& c) { c.instance.circuits[0].face = 4; }},
      {"circuit e0 ipv4", [](DaemonConfig& c) { c.instance.circuits[0].ipv4[3] = 2; }},
      {"circuit e0 hello-interval", [](DaemonConfig& c) { c.instance.circuits[0].hello_interval = 2; }},
      {"circuit e0 hello-multiplier", [](DaemonConfig& c) { c.instance.circuits[0].hello_multiplier = 5; }},
      {"circuit e0 auth", [](DaemonConfig& c) { c.instance.circuits[0].hello_auth.secret = "new"; }},
      {"circuit e2 auth", [](DaemonConfig& c) { c.instance.circuits[2].hello_auth.key_id = 8; }},
      {"circuit e0 padding", [](DaemonConfig& c) { c.instance.circuits[0].pad_hellos = true; }},
      {"circuit e9 added", [](DaemonConfig& c) { c.instance.circuits.emplace_back().interface = "e9"; }},
      {"circuit e1 removed", [](DaemonConfig& c) { c.instance.circuits.erase(c.instance.circuits.begin() + 1); }},
      {"circuit order", [](DaemonConfig& c) { std::swap(c.instance.circuits[0], c.instance.circuits[1]); }},
      {"timer lsp-lifetime", [](DaemonConfig& c) { c.instance.timers.lsp_lifetime = 4000; }},
      {"timer lsp-refresh", [](DaemonConfig& c) { c.instance.timers.lsp_refresh = 2000; }},
      {"timer lsp-gen-interval", [](DaemonConfig& c) { c.instance.timers.lsp_gen_interval = 1; }},
      {"timer spf-delay", [](DaemonConfig& c) { c.instance.timers.spf_delay = 1; }},
      {"timer spf-short-delay", [](DaemonConfig& c) { c.instance.timers.spf_short_delay = 1; }},
      {"timer spf-long-delay", [](DaemonConfig& c) { c.instance.timers.spf_long_delay = 1; }},
      {"timer spf-time-to-learn", [](DaemonConfig& c) { c.instance.timers.spf_time_to_learn = 1; }},
      {"timer spf-holddown", [](DaemonConfig& c) { c.instance.timers.spf_holddown = 1; }},
      {"timer csnp-interval", [](DaemonConfig& c) { c.instance.timers.csnp_interval = 1; }},
      {"timer lsp-retransmit", [](DaemonConfig& c) { c.instance.timers.lsp_retransmit = 1; }},
      {"channel", [](DaemonConfig& c) { c.channel = "other"; }},
      {"state-file", [](DaemonConfig& c) { c.state_file = "/tmp/seq"; }},
  };
  const DaemonConfig running = every_statement();
  EXPECT_EQ(restart_changes(running, running), std::vector<std::string>{});
  for (const auto& [statement, change] : cases) {
    DaemonConfig loaded = running;
    change(loaded);
    EXPECT_EQ(restart_changes(running, loaded), std::vector<std::string>{statement});
    EXPECT_TRUE(compare_originated(running.instance, loaded.instance).empty()) << statement;
  }
}

TEST(Reload, OriginatedEntriesAreMatchedByKey) {
  InstanceConfig before, after;
  before.service_prefixes = {name("/a", 5), name("/b"), name("/c", 1, true)};
  after.service_prefixes = {name("/c", 1, true), name("/a", 6), name("/d")};  // reordered /c: not a change
  before.ip_prefixes = {ip(1, 24), ip(2, 24, 10)};
  after.ip_prefixes = {ip(2, 24, 20), ip(3, 24)};
  const OriginatedChanges changes = compare_originated(before, after);
  EXPECT_EQ(changes.names_added, std::vector<lsa::ServicePrefix>{name("/d")});
  EXPECT_EQ(changes.names_removed, std::vector<lsa::ServicePrefix>{name("/b")});
  EXPECT_EQ(changes.names_changed, std::vector<lsa::ServicePrefix>{name("/a", 6)});
  EXPECT_EQ(changes.prefixes_added, std::vector<lsa::IpReach>{ip(3, 24)});
  EXPECT_EQ(changes.prefixes_removed, std::vector<lsa::IpReach>{ip(1, 24)});
  EXPECT_EQ(changes.prefixes_changed, std::vector<lsa::IpReach>{ip(2, 24, 20)});
  DaemonConfig running, loaded;
  running.instance = before;
  loaded.instance = after;
  EXPECT_TRUE(restart_changes(running, loaded).empty());
}

TEST(Reload, OutcomeInWords) {
  DaemonConfig running = every_statement();
  DaemonConfig loaded = running;
  loaded.instance.service_prefixes.push_back(name("/svc/new", 7));
  loaded.instance.ip_prefixes.erase(loaded.instance.ip_prefixes.begin());
  loaded.instance.circuits[0].metric = 30;
  const ReloadOutcome outcome = plan_reload(running, loaded);
  ASSERT_TRUE(outcome.applied);
  EXPECT_EQ(format_reload(outcome, false),
            "reload applied: now originating 4 service prefix(es) and 1 IP prefix(es) (1 added, 1 removed, 0 changed); "
            "1 change(s) wait for a restart\n"
            "  added service-prefix /svc/new metric 7\n"
            "  removed ip-prefix 10.255.0.9/32\n"
            "  waits for a restart: circuit e0 metric\n");
  EXPECT_EQ(format_reload(outcome, true),
            R"({"result":"applied","service_prefixes":4,"ip_prefixes":1,)"
            R"("added":{"service_prefixes":[{"name":"/svc/new","metric":7,"anycast":false}],"ip_prefixes":[]},)"
            R"("removed":{"service_prefixes":[],"ip_prefixes":[{"prefix":"10.255.0.9/32","metric":0}]},)"
            R"("changed":{"service_prefixes":[],"ip_prefixes":[]},"restart_needed":["circuit e0 metric"]})"
            "\n");
  const auto lines = describe_reload(outcome);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].level, LogLevel::kInfo);
  EXPECT_EQ(lines[3].level, LogLevel::kWarning);

  EXPECT_EQ(format_reload(plan_reload(running, running), false),
            "reload applied: nothing changed; originating 3 service prefix(es) and 2 IP prefix(es)\n");
  const ReloadOutcome refused = refused_reload("box.conf:3: bad system id 'x'");
  EXPECT_EQ(format_reload(refused, false), "reload refused, the running configuration stays: box.conf:3: bad system id 'x'\n");
  EXPECT_EQ(format_reload(refused, true), "{\"result\":\"refused\",\"error\":\"box.conf:3: bad system id 'x'\"}\n");
  EXPECT_EQ(describe_reload(refused)[0].level, LogLevel::kError);
}

}  // namespace
}  // namespace dmsc::control
