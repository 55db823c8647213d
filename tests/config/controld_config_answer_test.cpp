// `config json`, dmsc-controld's running configuration as YANG JSON: it validates against the
// module (libyang here, yanglint when installed), loads back through `--config FILE.json` to
// the same configuration, keys aside, and says what the text answer says. A saved answer with
// its keys still hidden is refused with the key's data path.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "config/controld_yang.hpp"
#include "control/daemon.hpp"
#include "tests/control/config_samples.hpp"

namespace dmsc::config {
namespace {

using control::kHiddenKey;
using control::test::differences;
using control::test::replace_all;
using control::test::with_keys;

control::DaemonConfig from_lines(const std::string& text) {
  auto config = control::parse_daemon_config(text, "test.conf");
  EXPECT_TRUE(config.ok()) << config.error();
  return config.ok() ? *config : control::DaemonConfig{};
}

control::DaemonConfig from_json(const std::string& json) {
  auto config = parse_controld_json(json);
  EXPECT_TRUE(config.ok()) << config.error() << "\n" << json;
  return config.ok() ? *config : control::DaemonConfig{};
}

std::string unhidden(const std::string& answer) { return replace_all(answer, std::string(kHiddenKey), "k"); }

TEST(ControldConfigAnswer, MinimalConfiguration) {
  EXPECT_EQ(control::format_daemon_config_json(from_lines(control::test::kMinimal)),
            "{\n  \"dmsc-controld:controld\": {\n    \"system-id\": \"0000.0000.0001\",\n"
            "    \"area-address\": [\"49.0001\"]\n  }\n}\n");
}

TEST(ControldConfigAnswer, EveryStatementRoundTripsThroughYang) {
  const control::DaemonConfig config = from_lines(control::test::kEveryStatement);
  const std::string json = control::format_daemon_config_json(config);
  const control::DaemonConfig loaded = from_json(unhidden(json));
  EXPECT_EQ(differences(with_keys(config, "k"), loaded), std::vector<std::string>{}) << json;
  EXPECT_EQ(control::format_daemon_config_json(loaded), json);
  // The text answer means the same.
  const std::string text = control::format_daemon_config(config);
  EXPECT_EQ(differences(from_lines(unhidden(text)), loaded), std::vector<std::string>{});
}

TEST(ControldConfigAnswer, TheJsonExampleRoundTrips) {
  const auto config = load_controld_json(std::string(DMSC_SOURCE_DIR) + "/config/examples/controld.json");
  ASSERT_TRUE(config.ok()) << config.error();
  const std::string json = control::format_daemon_config_json(*config);
  EXPECT_EQ(differences(with_keys(*config, "k"), from_json(unhidden(json))), std::vector<std::string>{}) << json;
}

TEST(ControldConfigAnswer, BothFormatsClearHostBits) {
  const control::DaemonConfig lines = from_lines(std::string(control::test::kMinimal) + "ip-prefix 10.1.2.255/23\n");
  const control::DaemonConfig json = from_json(
      R"({"dmsc-controld:controld": {"system-id": "0000.0000.0001", "area-address": ["49.0001"], "ip-prefix": [{"prefix": "10.1.2.255/23"}]}})");
  EXPECT_EQ(differences(lines, json), std::vector<std::string>{});
  EXPECT_EQ(differences(lines, from_json(control::format_daemon_config_json(lines))), std::vector<std::string>{});
}

TEST(ControldConfigAnswer, KeysAreHiddenAndRefusedWithTheirDataPath) {
  const std::string json = control::format_daemon_config_json(from_lines(control::test::kEveryStatement));
  for (const char* secret : {"domain-secret", "link-secret", "other-secret"})
    EXPECT_EQ(json.find(secret), std::string::npos) << secret << " printed in\n" << json;
  EXPECT_NE(json.find(R"("lsp-authentication": {"mode": "hmac-sha-256", "key": "<hidden>", "key-id": 9, )"
                      R"("snp-authentication": "send-only"})"),
            std::string::npos)
      << json;
  const auto refused = parse_controld_json(json);
  ASSERT_FALSE(refused.ok());
  for (const char* path : {"/dmsc-controld:controld/lsp-authentication/key: the key reads <hidden>",
                           "/dmsc-controld:controld/circuit[interface='e0']/hello/authentication/key: the key reads <hidden>",
                           "/dmsc-controld:controld/circuit[interface='e2']/hello/authentication/key: the key reads <hidden>"})
    EXPECT_NE(refused.error().find(path), std::string::npos) << refused.error();
}

// The daemon's answer itself, as `dmsc-controld show config json` prints it.
TEST(ControldConfigAnswer, YanglintValidatesTheDaemonsAnswer) {
  auto config = control::parse_daemon_config(control::test::kEveryStatement, "test.conf");
  ASSERT_TRUE(config.ok()) << config.error();
  auto daemon = control::Daemon::create(std::move(*config), {.api_socket = "", .log_level = control::LogLevel::kError});
  ASSERT_TRUE(daemon.ok()) << daemon.error();
  const std::string answer = (*daemon)->answer("config json");
  EXPECT_EQ(differences(with_keys((*daemon)->running_config(), "k"), from_json(unhidden(answer))), std::vector<std::string>{});
  if (std::system("command -v yanglint >/dev/null 2>&1") != 0) GTEST_SKIP() << "yanglint is not installed";
  const std::string file = ::testing::TempDir() + "controld_config_answer.json";
  std::ofstream(file) << answer;
  const std::string yang = std::string(DMSC_SOURCE_DIR) + "/config/yang";
  const std::string command = "yanglint --present -p " + yang + " " + yang + "/dmsc-controld.yang " + file;
  EXPECT_EQ(std::system(command.c_str()), 0) << command << "\n" << answer;
}

}  // namespace
}  // namespace dmsc::config
