// The control daemon's configuration file: the example parses to what it says; every mistake
// is refused with the file, the line and what is wrong.
#include <gtest/gtest.h>

#include "control/daemon_config.hpp"

namespace dmsc::control {
namespace {

TEST(DaemonConfig, TheExampleParses) {
  const auto config = load_daemon_config(std::string(DMSC_SOURCE_DIR) + "/tools/examples/controld.conf");
  ASSERT_TRUE(config.ok()) << config.error();
  const InstanceConfig& i = config->instance;
  EXPECT_EQ(i.system_id.to_string(), "0000.0000.0001");
  EXPECT_EQ(i.areas, (std::vector<std::vector<std::uint8_t>>{{0x49, 0x00, 0x01}}));
  EXPECT_EQ(i.hostname, "sr1");
  EXPECT_EQ(i.lsp_auth.mode, lsa::AuthMode::kHmacMd5);
  ASSERT_EQ(i.circuits.size(), 2u);
  EXPECT_EQ(i.circuits[0].interface, "dmsc-p0");
  EXPECT_EQ(i.circuits[0].face, 1u);
  EXPECT_EQ(i.circuits[0].hello_auth.secret, "link-secret");
  EXPECT_EQ(i.circuits[1].metric, 20u);
  EXPECT_EQ(i.circuits[1].hello_auth.mode, lsa::AuthMode::kHmacSha256);
  EXPECT_EQ(i.circuits[1].hello_auth.key_id, 7);
  EXPECT_FALSE(i.circuits[1].pad_hellos);
  ASSERT_EQ(i.service_prefixes.size(), 2u);
  EXPECT_EQ(i.service_prefixes[0].metric, 5u);
  EXPECT_TRUE(i.service_prefixes[1].anycast());
  ASSERT_EQ(i.ip_prefixes.size(), 1u);
  EXPECT_EQ(i.ip_prefixes[0].prefix_length, 32);
  EXPECT_EQ(config->channel, "/dmsc-fib-updates");
}

TEST(DaemonConfig, MistakesNameTheLine) {
  const std::string head = "system-id 0000.0000.0001\narea 49.0001\n";
  const auto expect_error = [&](const std::string& line, const std::string& want) {
    const auto config = parse_daemon_config(head + line + "\n", "box.conf");
    ASSERT_FALSE(config.ok()) << line;
    EXPECT_NE(config.error().find("box.conf:3: " + want), std::string::npos) << config.error();
  };
  expect_error("system-id 0000.0000", "bad system id");
  expect_error("circuit eth0 metric 0", "circuit eth0: bad metric");
  expect_error("circuit eth0 metric 16777215", "circuit eth0: bad metric");
  expect_error("circuit eth0 colour blue", "circuit eth0: unknown option 'colour'");
  expect_error("circuit eth0 auth md4 key", "circuit eth0: auth: unknown authentication 'md4'");
  expect_error("service-prefix svc", "service-prefix 'svc'");
  expect_error("service-prefix /svc metric 4278190081", "service-prefix: bad metric");
  expect_error("ip-prefix 10.0.0.300/32", "ip-prefix: bad prefix");
  expect_error("timer spf-delay soon", "timer: bad seconds");
  expect_error("snp-auth sometimes", "snp-auth: expected validate, send-only or none");
  expect_error("frobnicate", "unknown or incomplete statement");
  std::string long_name = "/";
  for (int i = 0; i < 28; ++i) long_name += std::string(8, 'n') + "/";  // 252 octets: a name, too long to advertise
  long_name.pop_back();
  expect_error("service-prefix " + long_name, "service-prefix " + long_name + ": longer than 244 octets");
  const auto duplicate = parse_daemon_config(head + "circuit eth0\ncircuit eth0\n", "box.conf");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.error().find("box.conf:4: circuit eth0 declared twice"), std::string::npos);
  EXPECT_FALSE(parse_daemon_config("area 49\n", "x").ok());           // no system id
  EXPECT_FALSE(parse_daemon_config("system-id 0000.0000.0001\n", "x").ok());  // no area
}

}  // namespace
}  // namespace dmsc::control
