// What a reload would apply (dataplane/config_diff.hpp), on plain configurations; and the
// configuration written back out (config_format.hpp) reads back to the same.
#include "dataplane/config_diff.hpp"

#include <gtest/gtest.h>

#include "dataplane/config_format.hpp"

namespace dmsc::dataplane {
namespace {

const char* kBase = R"(stats sr1
port p0 net_null0 mac 02:00:00:00:00:10 ipv4 10.0.0.1
port p1 net_null1 mac 02:00:00:00:00:11 ipv6 fd00::1 tap dmsc-p1
face 1 ethernet p0 02:00:00:00:01:01
face 2 udp4 p0 02:00:00:00:01:02 10.0.0.2 port 7000 checksum off vlan 12
face 3 udp6 p1 02:00:00:00:02:01 fd00::2
face 4 ethernet p1 learn
route /svc/a 1
route /svc/b 2:3 3
route / 4
)";

ForwarderConfig parse(const std::string& text) {
  auto config = parse_forwarder_config(text, "test.conf", ".");
  EXPECT_TRUE(config.ok()) << config.error();
  return config.ok() ? *config : ForwarderConfig{};
}

TEST(ConfigDiff, TheSameConfigurationChangesNothing) {
  const ConfigDiff diff = diff_forwarder_configs(parse(kBase), parse(kBase));
  EXPECT_TRUE(diff.empty());
  EXPECT_TRUE(diff.live());
  EXPECT_EQ(diff.summary(), "nothing changed");
}

TEST(ConfigDiff, RoutesAndFacesAreAddedChangedAndRemovedOneByOne) {
  std::string next = kBase;
  next.replace(next.find("route /svc/a 1\n"), 15, "route /svc/a 1:2\n");                 // changed
  next.replace(next.find("route / 4\n"), 10, "");                                          // removed
  next += "face 5 ethernet p1 02:00:00:00:05:05\nroute /svc/new 5\nroute /svc/new2 1\n";  // added
  next.replace(next.find("face 1 ethernet p0 02:00:00:00:01:01"), 36, "face 1 ethernet p0 02:00:00:00:01:99");
  const ConfigDiff diff = diff_forwarder_configs(parse(kBase), parse(next));
  ASSERT_TRUE(diff.live()) << diff.needs_restart.front();
  ASSERT_EQ(diff.routes_changed.size(), 1u);
  EXPECT_EQ(diff.routes_changed[0].prefix.to_string(), "/svc/a");
  EXPECT_EQ(diff.routes_changed[0].next_hops.hops[0].weight, 2u);
  ASSERT_EQ(diff.routes_removed.size(), 1u);
  EXPECT_TRUE(diff.routes_removed[0].is_root());
  ASSERT_EQ(diff.routes_added.size(), 2u);
  EXPECT_EQ(diff.routes_added[0].prefix.to_string(), "/svc/new");
  ASSERT_EQ(diff.faces_added.size(), 1u);
  EXPECT_EQ(diff.faces_added[0].id, 5u);
  ASSERT_EQ(diff.faces_changed.size(), 1u);
  EXPECT_EQ(diff.faces_changed[0].id, 1u);
  EXPECT_TRUE(diff.faces_removed.empty());
  EXPECT_EQ(diff.summary(), "2 routes added, 1 route changed, 1 route removed, 1 face added, 1 face changed");

  // The reverse: the face goes.
  const ConfigDiff back = diff_forwarder_configs(parse(next), parse(kBase));
  ASSERT_EQ(back.faces_removed.size(), 1u);
  EXPECT_EQ(back.faces_removed[0], 5u);
  EXPECT_EQ(back.routes_removed.size(), 2u);
}

TEST(ConfigDiff, TheOrderOfNextHopsAndRepeatedRoutesCountAsTheFileMeansThem) {
  std::string next = kBase;
  next.replace(next.find("route /svc/b 2:3 3"), 18, "route /svc/b 3 2:3");  // same set, other order
  next += "route /svc/a 2\nroute /svc/a 1\n";                              // repeated: the last line counts
  EXPECT_TRUE(diff_forwarder_configs(parse(kBase), parse(next)).empty());
}

TEST(ConfigDiff, EveryChangeThatNeedsARestartIsNamed) {
  const std::string next = std::string("fib-capacity 2048\nchannel /dmsc-x\nmbufs 4096\nsimd off\npoll-sleep 10\n"
                                       "affinity-flows 8\naffinity-idle 5\nethertype 0x88b6\nudp-port 7\n"
                                       "verify-udp-checksum off\ncontrol-socket /tmp/other.sock\n") +
                           kBase + "port p2 net_null2\n";
  std::string changed = next;
  changed.replace(changed.find("stats sr1"), 9, "stats sr9");
  changed.replace(changed.find("port p0 net_null0"), 17, "port p0 net_null7");
  const ConfigDiff diff = diff_forwarder_configs(parse(kBase), parse(changed));
  EXPECT_FALSE(diff.live());
  std::string all;
  for (const std::string& change : diff.needs_restart) all += change + "\n";
  for (const char* what : {"port p0 changed", "port p2 added", "stats 'sr1' -> 'sr9'", "control-socket", "channel",
                           "fib-capacity 1048576 -> 2048", "mbufs 0 -> 4096", "simd auto -> off", "poll-sleep 0 -> 10",
                           "affinity-flows 65536 -> 8", "affinity-idle 60 -> 5", "ethertype 34997 -> 34998",
                           "udp-port 6464 -> 7", "verify-udp-checksum on -> off"})
    EXPECT_NE(all.find(what), std::string::npos) << what << " not in:\n" << all;
  EXPECT_EQ(diff.needs_restart.size(), 14u) << all;
  for (const std::string& change : diff.needs_restart) EXPECT_NE(change.find("(needs a restart)"), std::string::npos);
  const ConfigDiff removed = diff_forwarder_configs(parse(next), parse(kBase));
  EXPECT_NE(removed.needs_restart.front().find("port p2 removed"), std::string::npos) << removed.needs_restart.front();
}

TEST(ConfigFormat, TheLineFormReadsBackToTheSameConfiguration) {
  const ForwarderConfig config = parse(std::string(kBase) + "channel /dmsc-fib\nmbufs 8192\nsimd off\nethertype 0x88b6\n");
  const std::string text = format_config_lines(config);
  const ForwarderConfig again = parse(text);
  EXPECT_EQ(format_config_lines(again), text);
  EXPECT_TRUE(diff_forwarder_configs(config, again).empty());
  EXPECT_NE(text.find("face 2 udp4 p0 02:00:00:00:01:02 10.0.0.2 port 7000 checksum off vlan 12\n"), std::string::npos) << text;
  EXPECT_NE(text.find("face 4 ethernet p1 learn\n"), std::string::npos) << text;
  EXPECT_NE(text.find("route /svc/b 2:3 3:1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("control-socket /run/sr1.sock\n"), std::string::npos) << text;
  EXPECT_EQ(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
}

TEST(ConfigFormat, TheControlSocketFollowsTheStatsName) {
  EXPECT_EQ(parse("port p0 net_null0\n").control_socket, "/run/dmsc-forwarder.sock");
  EXPECT_EQ(parse("stats /sr2\nport p0 net_null0\n").control_socket, "/run/sr2.sock");
  EXPECT_EQ(parse("control-socket /tmp/x.sock\nport p0 net_null0\n").control_socket, "/tmp/x.sock");
  EXPECT_FALSE(parse_forwarder_config("control-socket\nport p0 net_null0\n", "t", ".").ok());
}

}  // namespace
}  // namespace dmsc::dataplane
