#include <gtest/gtest.h>

#include "dataplane/forwarder_config.hpp"

namespace dmsc::dataplane {
namespace {

Expected<ForwarderConfig> parse(const std::string& text) { return parse_forwarder_config(text, "sr.conf", ""); }

TEST(ForwarderConfig, ParsesPortsFacesAndRoutes) {
  auto config = parse(
      "# comment\n"
      "ethertype 0x88b6\nudp-port 7000\nverify-udp-checksum off\nfib-capacity 1000\nchannel dmsc-fib\n"
      "simd off\naffinity-flows 0\naffinity-idle 5\npoll-sleep 50\n"
      "port p0 net_null0,size=64 rx-queues 2 mac 02:00:00:00:00:01 ipv4 10.0.0.1 ipv6 fd00::1 tap dmsc-p0\n"
      "face 1 ethernet p0 02:00:00:00:00:02 vlan 7\n"
      "face 2 udp4 p0 02:00:00:00:00:03 10.0.0.2 port 9000 checksum off\n"
      "face 3 udp6 p0 02:00:00:00:00:04 fd00::2\n"
      "route /svc/a 1 2:5   # weighted\n");
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->encap.ethertype, 0x88b6);
  EXPECT_EQ(config->encap.udp_port, 7000);
  EXPECT_FALSE(config->encap.verify_udp_checksum);
  EXPECT_EQ(config->fib_capacity, 1000u);
  EXPECT_FALSE(config->allow_avx512);
  EXPECT_EQ(config->affinity_flows, 0u);
  EXPECT_EQ(config->affinity_idle_seconds, 5u);
  EXPECT_EQ(config->poll_sleep_us, 50u);
  EXPECT_EQ(config->channel, "dmsc-fib");
  EXPECT_EQ(config->stats, "dmsc-forwarder");
  ASSERT_EQ(config->ports.size(), 1u);
  EXPECT_EQ(config->ports[0].device, "net_null0,size=64");
  EXPECT_EQ(config->ports[0].rx_queues, 2);
  EXPECT_EQ(format_mac(*config->ports[0].mac), "02:00:00:00:00:01");
  EXPECT_EQ(config->ports[0].tap, "dmsc-p0");
  ASSERT_EQ(config->faces.size(), 3u);
  EXPECT_EQ(config->find_face(1)->vlan, 7);
  EXPECT_EQ(config->find_face(2)->remote_port, 9000);
  EXPECT_FALSE(config->find_face(2)->udp4_checksum);
  EXPECT_EQ(config->find_face(3)->kind, FaceKind::kUdp6);
  ASSERT_EQ(config->routes.size(), 1u);
  EXPECT_EQ(config->routes[0].prefix.to_string(), "/svc/a");
  ASSERT_EQ(config->routes[0].next_hops.count, 2);
  EXPECT_EQ(config->routes[0].next_hops.hops[1].weight, 5u);
}

TEST(ForwarderConfig, ErrorsNameTheLineAndTheProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "sr.conf: no port is configured"},
      {"port p0 net_null0\nbogus 1\n", "sr.conf:2: unknown statement 'bogus'"},
      {"port p0 net_null0\nport p0 net_null1\n", "sr.conf:2: port 'p0' is configured twice"},
      {"port p0 net_null0 mac 02:00:00:00:00\n", "sr.conf:1: port 'p0': bad MAC address"},
      {"port p0 net_null0 rx-queues 0\n", "sr.conf:1: port 'p0': rx-queues must be 1-16"},
      {"port p0 net_null0\nface 1 ethernet p1 02:00:00:00:00:01\n", "sr.conf:2: face 1: no port named 'p1'"},
      {"port p0 net_null0\nface 1 udp4 p0 02:00:00:00:00:01 10.0.0.2\n", "sr.conf:2: face 1: port 'p0' has no ipv4 address"},
      {"port p0 net_null0\nface 0 ethernet p0 02:00:00:00:00:01\n", "sr.conf:2: face id must be 1-4095"},
      {"port p0 net_null0\nface 1 ethernet p0 02:00:00:00:00:01 vlan 5000\n", "sr.conf:2: face 1: vlan must be 1-4094"},
      {"port p0 net_null0\nroute /a 1\n", "sr.conf:2: next hop '1': no face 1 is configured"},
      {"port p0 net_null0\nface 1 ethernet p0 02:00:00:00:00:01\nroute /a 1:0\n", "sr.conf:3: next hop '1:0': weight must be 1-65535"},
      {"port p0 net_null0\nface 1 ethernet p0 02:00:00:00:00:01\nroute a/b 1\n", "sr.conf:3: prefix 'a/b'"},
      {"port p0 net_null0\nface 1 ethernet p0 02:00:00:00:00:01\nroute /a 1 1\n", "sr.conf:3:"},
      {"ethertype 0x0800\nport p0 net_null0\n", "sr.conf:"},
      {"port p0 net_null0\nroutes /nonexistent/routes.txt\n", "sr.conf:2: cannot open '/nonexistent/routes.txt'"},
      {"port p\"0 net_null0\n", "sr.conf:1: port name 'p\"0': use up to 31 letters"},
      {"port p0 net_null0 tap x,remote=eth0\n", "sr.conf:1: port 'p0': tap interface name 'x,remote=eth0'"},
      {"port p0 net_null0 mac 01:00:5e:00:00:01\n", "sr.conf:1: port 'p0': 01:00:5e:00:00:01 is not a unicast address"},
      {"port p0 net_null0 mac 00:00:00:00:00:00\n", "is not a unicast address"},
      {"simd on\nport p0 net_null0\n", "sr.conf:1: usage: simd auto|off"},
      {"affinity-flows -1\nport p0 net_null0\n", "sr.conf:1: usage: affinity-flows <0-16777216>"},
      {"affinity-idle 0\nport p0 net_null0\n", "sr.conf:1: usage: affinity-idle <1-86400>"},
      {"poll-sleep 200000\nport p0 net_null0\n", "sr.conf:1: usage: poll-sleep <0-100000>"},
  };
  for (const auto& [text, message] : cases) {
    auto config = parse(text);
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_NE(config.error().find(message), std::string::npos) << "got: " << config.error() << "\nwanted: " << message;
  }
}

TEST(ForwarderConfig, RoutesFilesAreReadWithLineNumbers) {
  auto config = parse("port p0 net_null0\nface 1 ethernet p0 02:00:00:00:00:01\n");
  ASSERT_TRUE(config.ok());
  std::vector<StaticRoute> routes;
  EXPECT_TRUE(parse_routes("/a 1\n\n# c\n/a/b 1:2\n", "r.txt", *config, routes).ok());
  EXPECT_EQ(routes.size(), 2u);
  const Status bad = parse_routes("/a 1\n/b\n", "r.txt", *config, routes);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("r.txt:2:"), std::string::npos) << bad.error();
}

}  // namespace
}  // namespace dmsc::dataplane
