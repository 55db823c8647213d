// `config` in the line format: what it prints loads back to the same configuration, keys
// aside; keys never appear, and a file that still says <hidden> is refused.
#include <gtest/gtest.h>

#include "control/daemon_config.hpp"
#include "tests/control/config_samples.hpp"

namespace dmsc::control {
namespace {

using test::differences;
using test::replace_all;
using test::with_keys;

DaemonConfig parse(const std::string& text) {
  auto config = parse_daemon_config(text, "test.conf");
  EXPECT_TRUE(config.ok()) << config.error() << "\n" << text;
  return config.ok() ? *config : DaemonConfig{};
}

TEST(DaemonConfigFormat, MinimalConfigurationPrintsTwoStatements) {
  const DaemonConfig config = parse(test::kMinimal);
  EXPECT_EQ(format_daemon_config(config), test::kMinimal);
}

TEST(DaemonConfigFormat, EveryStatementRoundTrips) {
  const DaemonConfig config = parse(test::kEveryStatement);
  const std::string text = format_daemon_config(config);
  // Keys as <hidden>: replaced by one key, the text loads back to the configuration with that key.
  const DaemonConfig loaded = parse(replace_all(text, std::string(kHiddenKey), "k"));
  EXPECT_EQ(differences(with_keys(config, "k"), loaded), std::vector<std::string>{}) << text;
  // Printed again, the same text.
  EXPECT_EQ(format_daemon_config(loaded), text);
}

TEST(DaemonConfigFormat, TheExampleRoundTrips) {
  const auto config = load_daemon_config(std::string(DMSC_SOURCE_DIR) + "/tools/examples/controld.conf");
  ASSERT_TRUE(config.ok()) << config.error();
  const std::string text = format_daemon_config(*config);
  EXPECT_EQ(differences(with_keys(*config, "k"), parse(replace_all(text, std::string(kHiddenKey), "k"))),
            std::vector<std::string>{});
  EXPECT_NE(text.find("circuit dmsc-p1 metric 20 face 2 ipv4 10.0.2.1 auth sha256 <hidden> key-id 7 padding off\n"),
            std::string::npos)
      << text;
}

TEST(DaemonConfigFormat, KeysAreHidden) {
  const DaemonConfig config = parse(test::kEveryStatement);
  const std::string text = format_daemon_config(config);
  for (const char* secret : {"domain-secret", "link-secret", "other-secret"})
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " printed in\n" << text;
  EXPECT_NE(text.find("lsp-auth sha256 <hidden> key-id 9\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" auth md5 <hidden> "), std::string::npos) << text;
  EXPECT_NE(text.find(" auth sha256 <hidden> key-id 7\n"), std::string::npos) << text;
}

TEST(DaemonConfigFormat, AHiddenKeyIsRefusedWithItsLine) {
  const std::string head = std::string(test::kMinimal);
  const auto lsp = parse_daemon_config(head + "lsp-auth md5 <hidden>\n", "saved.conf");
  ASSERT_FALSE(lsp.ok());
  EXPECT_NE(lsp.error().find("saved.conf:3: lsp-auth: the key reads <hidden>"), std::string::npos) << lsp.error();
  const auto hello = parse_daemon_config(head + "circuit e0 auth sha256 <hidden> key-id 7\n", "saved.conf");
  ASSERT_FALSE(hello.ok());
  EXPECT_NE(hello.error().find("saved.conf:3: circuit e0: auth: the key reads <hidden>"), std::string::npos) << hello.error();
}

TEST(DaemonConfigFormat, TimerTableMatchesTheParser) {
  for (const TimerValue& timer : timer_values(TimerConfig{})) {
    // lsp-refresh must stay 300 s below lsp-lifetime.
    const std::string value = timer.name == "lsp-refresh" ? "600" : "4000";
    const DaemonConfig config = parse(std::string(test::kMinimal) + "timer " + std::string(timer.name) + " " + value + "\n");
    for (const TimerValue& other : timer_values(config.instance.timers)) {
      if (other.name == timer.name) {
        EXPECT_EQ(other.seconds, std::stod(value)) << timer.name;
      }
    }
  }
}

TEST(DaemonConfigFormat, ValuesTheFormatCannotHoldAreComments) {
  DaemonConfig config = parse(test::kMinimal);
  config.instance.hostname = "two words";  // possible from a JSON file
  config.state_file = "/var/lib/dmsc#1";
  const std::string text = format_daemon_config(config);
  EXPECT_NE(text.find("# hostname: a value with a space or '#'"), std::string::npos) << text;
  EXPECT_NE(text.find("# state-file: a value with a space or '#'"), std::string::npos) << text;
  EXPECT_TRUE(parse_daemon_config(text, "x").ok());  // the rest still loads
}

TEST(DaemonConfigFormat, PrefixesLoseTheirHostBits) {
  const DaemonConfig config = parse(std::string(test::kMinimal) + "ip-prefix 10.1.2.255/23\nip-prefix 10.9.9.9/0 metric 3\n");
  EXPECT_EQ(format_daemon_config(config), std::string(test::kMinimal) + "ip-prefix 10.1.2.0/23\nip-prefix 0.0.0.0/0 metric 3\n");
}

TEST(DaemonConfigFormat, FineTimersKeepTheirValue) {
  const DaemonConfig config = parse(std::string(test::kMinimal) + "timer spf-delay 0.0125\ntimer csnp-interval 65535\n");
  const std::string text = format_daemon_config(config);
  EXPECT_NE(text.find("timer spf-delay 0.0125\n"), std::string::npos) << text;
  EXPECT_NE(text.find("timer csnp-interval 65535\n"), std::string::npos) << text;
  EXPECT_EQ(differences(config, parse(text)), std::vector<std::string>{});
}

}  // namespace
}  // namespace dmsc::control
