// dmsc-controld's YANG configuration: the JSON example means what the line-oriented example
// means, and every mistake is refused with its data path.
#include <gtest/gtest.h>

#include "config/controld_yang.hpp"

namespace dmsc::config {
namespace {

std::string with(const std::string& inside) {
  return R"({"dmsc-controld:controld": {"system-id": "0000.0000.0001", "area-address": ["49.0001"])" +
         (inside.empty() ? std::string() : ", " + inside) + "}}";
}

TEST(ControldYang, TheJsonExampleEqualsTheLineExample) {
  const auto json = load_controld_json(std::string(DMSC_SOURCE_DIR) + "/config/examples/controld.json");
  ASSERT_TRUE(json.ok()) << json.error();
  const auto lines = control::load_daemon_config(std::string(DMSC_SOURCE_DIR) + "/tools/examples/controld.conf");
  ASSERT_TRUE(lines.ok()) << lines.error();
  const control::InstanceConfig& a = json->instance;
  const control::InstanceConfig& b = lines->instance;
  EXPECT_EQ(a.system_id, b.system_id);
  EXPECT_EQ(a.areas, b.areas);
  EXPECT_EQ(a.hostname, b.hostname);
  EXPECT_EQ(a.router_id, b.router_id);
  EXPECT_EQ(a.lsp_auth.mode, b.lsp_auth.mode);
  EXPECT_EQ(a.lsp_auth.secret, b.lsp_auth.secret);
  EXPECT_EQ(a.snp_auth, b.snp_auth);
  ASSERT_EQ(a.circuits.size(), b.circuits.size());
  for (std::size_t i = 0; i < a.circuits.size(); ++i) {
    EXPECT_EQ(a.circuits[i].interface, b.circuits[i].interface);
    EXPECT_EQ(a.circuits[i].metric, b.circuits[i].metric);
    EXPECT_EQ(a.circuits[i].face, b.circuits[i].face);
    EXPECT_EQ(a.circuits[i].ipv4, b.circuits[i].ipv4);
    EXPECT_EQ(a.circuits[i].hello_interval, b.circuits[i].hello_interval);
    EXPECT_EQ(a.circuits[i].hello_multiplier, b.circuits[i].hello_multiplier);
    EXPECT_EQ(a.circuits[i].pad_hellos, b.circuits[i].pad_hellos);
    EXPECT_EQ(a.circuits[i].hello_auth.mode, b.circuits[i].hello_auth.mode);
    EXPECT_EQ(a.circuits[i].hello_auth.secret, b.circuits[i].hello_auth.secret);
    EXPECT_EQ(a.circuits[i].hello_auth.key_id, b.circuits[i].hello_auth.key_id);
  }
  EXPECT_EQ(a.service_prefixes, b.service_prefixes);
  ASSERT_EQ(a.ip_prefixes.size(), 1u);
  EXPECT_EQ(a.ip_prefixes, b.ip_prefixes);
  EXPECT_DOUBLE_EQ(a.timers.spf_delay, b.timers.spf_delay);
  EXPECT_DOUBLE_EQ(a.timers.csnp_interval, b.timers.csnp_interval);
  EXPECT_EQ(a.timers.lsp_lifetime, b.timers.lsp_lifetime);
  EXPECT_EQ(json->channel, lines->channel);
  EXPECT_EQ(json->state_file, lines->state_file);
}

TEST(ControldYang, DefaultsAreTheDaemonsDefaults) {
  const auto config = parse_controld_json(with(R"("circuit": [{"interface": "e0"}])"));
  ASSERT_TRUE(config.ok()) << config.error();
  const control::InstanceConfig defaults;
  const control::CircuitConfig circuit_defaults;
  EXPECT_EQ(config->instance.circuits[0].metric, circuit_defaults.metric);
  EXPECT_EQ(config->instance.circuits[0].hello_interval, circuit_defaults.hello_interval);
  EXPECT_EQ(config->instance.circuits[0].hello_multiplier, circuit_defaults.hello_multiplier);
  EXPECT_EQ(config->instance.lsp_mtu, defaults.lsp_mtu);
  EXPECT_EQ(config->instance.service_application_id, defaults.service_application_id);
  EXPECT_DOUBLE_EQ(config->instance.timers.spf_holddown, defaults.timers.spf_holddown);
  EXPECT_DOUBLE_EQ(config->instance.timers.lsp_retransmit, defaults.timers.lsp_retransmit);
  EXPECT_EQ(config->instance.snp_auth, defaults.snp_auth);
}

TEST(ControldYang, MistakesNameTheirDataPath) {
  const auto expect_error = [](const std::string& json, const std::string& path) {
    const auto config = parse_controld_json(json);
    ASSERT_FALSE(config.ok()) << json;
    EXPECT_NE(config.error().find(path), std::string::npos) << config.error();
  };
  expect_error(R"({"dmsc-controld:controld": {"system-id": "0000.0000", "area-address": ["49"]}})",
               "/dmsc-controld:controld/system-id");
  expect_error(R"({"dmsc-controld:controld": {"system-id": "0000.0000.0001"}})", "area-address");
  expect_error(with(R"("circuit": [{"interface": "e0", "metric": 0}])"),
               "/dmsc-controld:controld/circuit[interface='e0']/metric");
  expect_error(with(R"("circuit": [{"interface": "e0", "hello": {"authentication": {"mode": "hmac-md5"}}}])"),
               "/dmsc-controld:controld/circuit/hello/authentication/key: Mandatory node \"key\"");
  expect_error(with(R"("timers": {"lsp-refresh": 1000})"), "lsp-refresh must be at least 300 s below lsp-lifetime");
  expect_error(with(R"("service-prefix": [{"name": "svc/no-slash"}])"),
               "/dmsc-controld:controld/service-prefix[name='svc/no-slash']/name:");
  expect_error(with(R"("colour": "blue")"), "colour");
  expect_error(with(R"("router-id": "10.0.0.300")"), "/dmsc-controld:controld/router-id");
  // Two bad names: both are reported.
  const auto two = parse_controld_json(with(R"("service-prefix": [{"name": "a"}, {"name": "/ok"}, {"name": "b"}])"));
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().find("[name='a']"), std::string::npos) << two.error();
  EXPECT_NE(two.error().find("[name='b']"), std::string::npos) << two.error();
}

}  // namespace
}  // namespace dmsc::config
