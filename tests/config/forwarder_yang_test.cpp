// dmsc-forwarder's YANG configuration: the JSON example means what the same statements in the
// line format mean, and mistakes are refused with their data path (libyang's, or the entry's
// when the forwarder's own checks find them).
#include <gtest/gtest.h>

#include "config/forwarder_yang.hpp"
#include "config/yang_context.hpp"
#include "dataplane/config_diff.hpp"
#include "dataplane/config_format.hpp"

namespace dmsc::config {
namespace {

Expected<dataplane::ForwarderConfig> parse(const std::string& inside) {
  return parse_forwarder_json(R"({"dmsc-forwarder:forwarder": {"port": [{"name": "p0", "device": "net_null0"}])" +
                                  (inside.empty() ? std::string() : ", " + inside) + "}}",
                              ".", yang_directory());
}

TEST(ForwarderYang, TheJsonExampleEqualsItsLineForm) {
  const auto json = load_forwarder_json(std::string(DMSC_SOURCE_DIR) + "/config/examples/forwarder.json");
  ASSERT_TRUE(json.ok()) << json.error();
  const auto lines = dataplane::parse_forwarder_config(
      "stats dmsc-forwarder\nchannel /dmsc-fib-updates\nfib-capacity 1048576\n"
      "port p0 0000:03:00.0 mac 02:00:00:00:00:01 tap dmsc-p0\n"
      "port p1 0000:03:00.1 rx-queues 2 ipv4 192.0.2.1 tap dmsc-p1\n"
      "face 1 ethernet p0 learn\nface 2 udp4 p1 02:00:00:00:00:fe 192.0.2.2\n"
      "route /svc/static 1:3 2\n",
      "line", ".");
  ASSERT_TRUE(lines.ok()) << lines.error();
  ASSERT_EQ(json->ports.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(json->ports[i].name, lines->ports[i].name);
    EXPECT_EQ(json->ports[i].device, lines->ports[i].device);
    EXPECT_EQ(json->ports[i].rx_queues, lines->ports[i].rx_queues);
    EXPECT_EQ(json->ports[i].mac, lines->ports[i].mac);
    EXPECT_EQ(json->ports[i].ipv4, lines->ports[i].ipv4);
    EXPECT_EQ(json->ports[i].tap, lines->ports[i].tap);
  }
  ASSERT_EQ(json->faces.size(), 2u);
  EXPECT_TRUE(json->faces[0].learn_neighbour);
  EXPECT_EQ(json->faces[1].kind, dataplane::FaceKind::kUdp4);
  EXPECT_EQ(json->faces[1].neighbour, lines->faces[1].neighbour);
  EXPECT_EQ(json->faces[1].remote4, lines->faces[1].remote4);
  EXPECT_EQ(json->faces[1].remote_port, lines->faces[1].remote_port);
  ASSERT_EQ(json->routes.size(), 1u);
  EXPECT_EQ(json->routes[0].prefix, lines->routes[0].prefix);
  EXPECT_EQ(json->routes[0].next_hops, lines->routes[0].next_hops);
  EXPECT_EQ(json->channel, lines->channel);
  EXPECT_EQ(json->fib_capacity, lines->fib_capacity);
  EXPECT_EQ(json->encap.ethertype, lines->encap.ethertype);
}

TEST(ForwarderYang, MistakesNameTheirDataPath) {
  const auto expect_error = [](const Expected<dataplane::ForwarderConfig>& config, const std::string& path) {
    ASSERT_FALSE(config.ok());
    EXPECT_NE(config.error().find(path), std::string::npos) << config.error();
  };
  expect_error(parse(R"("face": [{"id": 1, "kind": "ethernet", "port": "p9", "neighbour-mac": "02:00:00:00:00:02"}])"),
               "/dmsc-forwarder:forwarder/face[id='1']/port");
  expect_error(parse(R"("face": [{"id": 1, "kind": "udp4", "port": "p0", "neighbour-mac": "02:00:00:00:00:02"}])"),
               "remote-address");
  expect_error(parse(R"("face": [{"id": 0, "kind": "ethernet", "port": "p0", "neighbour-mac": "02:00:00:00:00:02"}])"),
               "/dmsc-forwarder:forwarder/face/id: Unsatisfied range");
  // The forwarder's own checks, mapped back to the entry: a route whose prefix is not a name,
  // a UDP face on a port without an address.
  expect_error(parse(R"("face": [{"id": 1, "kind": "ethernet", "port": "p0", "neighbour-mac": "02:00:00:00:00:02"}],
                        "route": [{"prefix": "no-slash", "next-hop": [{"face": 1}]}])"),
               "/dmsc-forwarder:forwarder/route[prefix='no-slash']:");
  expect_error(parse(R"("face": [{"id": 2, "kind": "udp4", "port": "p0", "neighbour-mac": "02:00:00:00:00:02", "remote-address": "192.0.2.9"}])"),
               "/dmsc-forwarder:forwarder/face[id='2']: face 2: port 'p0' has no ipv4 address");
}

// `config json` on the control socket (dataplane/config_format.hpp) writes YANG data that loads
// back to the same configuration, every kind of face and option included.
TEST(ForwarderYang, TheRunningConfigurationWrittenAsJsonLoadsBack) {
  const auto lines = dataplane::parse_forwarder_config(
      "stats sr7\ncontrol-socket /tmp/sr7.sock\nchannel /dmsc-fib\nfib-capacity 4096\nmbufs 8192\nsimd off\n"
      "poll-sleep 50\naffinity-flows 16\naffinity-idle 9\nethertype 0x88b6\nudp-port 7000\nverify-udp-checksum off\n"
      "port p0 0000:03:00.0 rx-queues 2 mac 02:00:00:00:00:01 ipv4 192.0.2.1 tap dmsc-p0\n"
      "port p1 net_null1 ipv6 fd00::1\n"
      "face 1 ethernet p0 learn vlan 7\nface 2 udp4 p0 02:00:00:00:00:fe 192.0.2.2 port 6000 checksum off\n"
      "face 3 udp6 p1 02:00:00:00:00:fd fd00::2\nroute /svc/a 1:3 2\nroute / 3\n",
      "line", ".");
  ASSERT_TRUE(lines.ok()) << lines.error();
  const std::string json = dataplane::format_config_yang_json(*lines);
  const auto loaded = parse_forwarder_json(json, ".", yang_directory());
  ASSERT_TRUE(loaded.ok()) << loaded.error() << "\n" << json;
  EXPECT_EQ(dataplane::format_config_lines(*loaded), dataplane::format_config_lines(*lines));
  EXPECT_TRUE(dataplane::diff_forwarder_configs(*lines, *loaded).empty());
}

}  // namespace
}  // namespace dmsc::config
