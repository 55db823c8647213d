// The daemon's local API without a socket (Daemon::answer, as serve_api calls it): `config`
// shows the running configuration, `reload` applies the file or refuses it and says so, the
// show commands are as before.
#include <gtest/gtest.h>

#include <memory>

#include "control/daemon.hpp"
#include "tests/control/config_samples.hpp"

namespace dmsc::control {
namespace {

using test::differences;

// A daemon without sockets (no API socket, no FIB channel; circuits open only in run()),
// reloading from `file`, which a test rewrites.
struct DaemonUnderTest {
  std::string file;
  std::unique_ptr<Daemon> daemon;

  explicit DaemonUnderTest(const std::string& text) : file(text) {
    auto config = parse_daemon_config(text, "box.conf");
    EXPECT_TRUE(config.ok()) << config.error();
    auto created = Daemon::create(std::move(*config), {.api_socket = "", .log_level = LogLevel::kError});
    EXPECT_TRUE(created.ok()) << created.error();
    daemon = std::move(*created);
    daemon->set_reload([this] { return parse_daemon_config(file, "box.conf"); }, nullptr);
  }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(DaemonApi, ConfigIsTheRunningConfigurationAndLoadsBack) {
  const std::string file = std::string(test::kMinimal) + "hostname sr1\ncircuit e0 face 1\nservice-prefix /svc/a metric 5\n";
  DaemonUnderTest box(file);
  const std::string text = box.daemon->answer("config");
  EXPECT_EQ(text, "# dmsc-controld 0000.0000.0001: the running configuration; keys read <hidden>\n"
                  "system-id 0000.0000.0001\narea 49.0001\nhostname sr1\ncircuit e0 face 1\nservice-prefix /svc/a metric 5\n");
  const auto loaded = parse_daemon_config(text, "saved.conf");
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(differences(box.daemon->running_config(), *loaded), std::vector<std::string>{});
  const std::string json = box.daemon->answer("config json");
  EXPECT_EQ(json.rfind("{\n  \"dmsc-controld:controld\": {\n", 0), 0u) << json;
  EXPECT_TRUE(contains(json, R"("service-prefix": [)")) << json;
}

TEST(DaemonApi, ConfigHidesKeys) {
  DaemonUnderTest box(test::kEveryStatement);
  for (const char* command : {"config", "config json"}) {
    const std::string answer = box.daemon->answer(command);
    EXPECT_TRUE(contains(answer, "<hidden>")) << answer;
    for (const char* secret : {"domain-secret", "link-secret", "other-secret"})
      EXPECT_FALSE(contains(answer, secret)) << command << " shows " << secret;
  }
}

TEST(DaemonApi, ReloadAppliesWhatIsOriginated) {
  DaemonUnderTest box(std::string(test::kMinimal) + "service-prefix /svc/a metric 5\nservice-prefix /svc/b\n");
  box.file = std::string(test::kMinimal) + "service-prefix /svc/a metric 6\nservice-prefix /svc/c anycast\nip-prefix 10.1.0.0/16\n";
  const std::string answer = box.daemon->answer("reload");
  EXPECT_EQ(answer,
            "reload applied: now originating 2 service prefix(es) and 1 IP prefix(es) (2 added, 1 removed, 1 changed)\n"
            "  added service-prefix /svc/c anycast\n"
            "  added ip-prefix 10.1.0.0/16\n"
            "  removed service-prefix /svc/b\n"
            "  changed service-prefix /svc/a metric 6\n");
  // The running configuration is the file now.
  EXPECT_EQ(differences(box.daemon->running_config(), *parse_daemon_config(box.file, "box.conf")), std::vector<std::string>{});
  EXPECT_TRUE(contains(box.daemon->answer("config"), "service-prefix /svc/c anycast\nip-prefix 10.1.0.0/16\n"));
  // Once more: nothing changed.
  EXPECT_EQ(box.daemon->answer("reload json"),
            R"({"result":"applied","service_prefixes":2,"ip_prefixes":1,"added":{"service_prefixes":[],"ip_prefixes":[]},)"
            R"("removed":{"service_prefixes":[],"ip_prefixes":[]},"changed":{"service_prefixes":[],"ip_prefixes":[]},)"
            R"("restart_needed":[]})"
            "\n");
}

TEST(DaemonApi, ReloadRefusesABrokenFileAndKeepsRunning) {
  const std::string file = std::string(test::kMinimal) + "service-prefix /svc/a\n";
  DaemonUnderTest box(file);
  const DaemonConfig before = box.daemon->running_config();
  box.file = std::string(test::kMinimal) + "service-prefix /svc/b\ncircuit e0 metric 0\n";
  EXPECT_EQ(box.daemon->answer("reload"),
            "reload refused, the running configuration stays: box.conf:4: circuit e0: bad metric '0'\n");
  EXPECT_EQ(box.daemon->answer("reload json"),
            "{\"result\":\"refused\",\"error\":\"box.conf:4: circuit e0: bad metric '0'\"}\n");
  EXPECT_EQ(differences(before, box.daemon->running_config()), std::vector<std::string>{});
  // A `config` answer saved as it is, keys hidden, is refused too.
  DaemonUnderTest keyed(std::string(test::kMinimal) + "lsp-auth md5 secret\n");
  keyed.file = keyed.daemon->answer("config");
  EXPECT_TRUE(contains(keyed.daemon->answer("reload"), "reload refused, the running configuration stays: box.conf:4: lsp-auth: the key reads <hidden>"));
}

TEST(DaemonApi, ReloadNamesWhatWaitsForARestart) {
  const std::string file = std::string(test::kMinimal) + "circuit e0 metric 10\nservice-prefix /svc/a\n";
  DaemonUnderTest box(file);
  box.file = std::string(test::kMinimal) + "hostname new\ncircuit e0 metric 20\ncircuit e1\ntimer spf-delay 0.1\nservice-prefix /svc/a\n";
  EXPECT_EQ(box.daemon->answer("reload"),
            "reload applied: what is originated is unchanged (originating 1 service prefix(es) and 0 IP prefix(es)); "
            "4 change(s) wait for a restart\n"
            "  waits for a restart: hostname\n"
            "  waits for a restart: circuit e0 metric\n"
            "  waits for a restart: circuit e1 added\n"
            "  waits for a restart: timer spf-delay\n");
  // Still running with what it started with, and `config` says what waits.
  const std::string config = box.daemon->answer("config");
  EXPECT_TRUE(contains(config, "# changed in the file, waiting for a restart: hostname, circuit e0 metric, circuit e1 added, "
                               "timer spf-delay\n"))
      << config;
  EXPECT_TRUE(contains(config, "circuit e0\n")) << config;  // metric 10, the default
  EXPECT_FALSE(contains(config, "\nhostname")) << config;
  EXPECT_TRUE(contains(box.daemon->answer("reload json"),
                       R"("restart_needed":["hostname","circuit e0 metric","circuit e1 added","timer spf-delay"]})"));
  // The file back as it was: nothing waits any more.
  box.file = file;
  EXPECT_EQ(box.daemon->answer("reload"), "reload applied: nothing changed; originating 1 service prefix(es) and 0 IP prefix(es)\n");
  EXPECT_FALSE(contains(box.daemon->answer("config"), "waiting for a restart"));
}

TEST(DaemonApi, WithoutAFileReloadIsRefused) {
  auto config = parse_daemon_config(test::kMinimal, "box.conf");
  auto daemon = Daemon::create(std::move(*config), {.api_socket = "", .log_level = LogLevel::kError});
  ASSERT_TRUE(daemon.ok()) << daemon.error();
  EXPECT_EQ((*daemon)->answer("reload"),
            "reload refused, the running configuration stays: this daemon has no configuration file to read again\n");
}

TEST(DaemonApi, ShowCommandsAndHelpAreAsBefore) {
  DaemonUnderTest box(test::kMinimal);
  EXPECT_TRUE(contains(box.daemon->answer("counters"), "spf_runs "));
  EXPECT_EQ(box.daemon->answer("rib"), "(no routes)\n");
  EXPECT_EQ(box.daemon->answer("adjacencies json"), "{\"adjacencies\":[]}\n");
  const std::string help = box.daemon->answer("frobnicate");
  EXPECT_EQ(help.rfind("unknown command; commands: adjacencies, lsdb, lsdb detail, rib, spf-log, counters, config, reload", 0), 0u)
      << help;
  EXPECT_EQ(box.daemon->answer("config detail").rfind("unknown command", 0), 0u);
}

}  // namespace
}  // namespace dmsc::control
