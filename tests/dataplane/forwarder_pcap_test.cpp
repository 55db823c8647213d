// The forwarder end to end on net_pcap: a pcap of known frames in, one pcap out per port, each
// output frame checked byte for byte against what its face must make of its input, and every
// counter checked against the input.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "dataplane/faces.hpp"
#include "dataplane/forwarder_config.hpp"
#include "dataplane/wire_names_avx512.hpp"
#include "dataplane/wire.hpp"
#include "dataplane/wire_bytes.hpp"
#include "tests/dataplane/forwarder_harness.hpp"
#include "tools/pcap_file.hpp"

namespace dmsc::dataplane::test {
namespace {

using Bytes = std::vector<std::uint8_t>;

const wire::MacAddress kPeerMac = {0x02, 0, 0, 0, 0x77, 0x01};  // whoever sends to port p0
const char* kConfig = R"(# three pcap ports; p0 receives the test input
port p0 net_pcap0 mac 02:00:00:00:00:10 ipv4 10.0.0.1 ipv6 fd00::1
port p1 net_pcap1 mac 02:00:00:00:00:11 ipv4 10.0.1.1
port p2 net_pcap2 mac 02:00:00:00:00:12 ipv6 fd00:2::1
face 1 ethernet p1 02:00:00:00:01:01
face 2 udp4 p1 02:00:00:00:01:02 10.0.1.2
face 3 udp6 p2 02:00:00:00:02:01 fd00:2::2 port 7000
face 4 ethernet p2 02:00:00:00:02:02 vlan 100
face 5 ethernet p0 02:00:00:00:77:01
face 6 udp4 p1 02:00:00:00:01:02 10.0.1.3 checksum off
route /svc/a 1
route /svc/b 2
route /svc/c 3
route /svc/d 4
route /svc/a/deep 5
route /svc/e 6
route /svc/ecmp 1:1 4:3
)";

fib::Name name(const std::string& text) {
  auto parsed = fib::Name::parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : fib::Name{};
}

// Every test packet carries its id in its payload, so an output frame names its input.
Bytes dmsc_packet(const std::string& destination, std::uint32_t id, std::uint8_t hop_limit = 64,
                  std::uint32_t flow_key = 0) {
  wire::PacketFields fields;
  fields.destination = name(destination);
  fields.source = name("/sg/test");
  fields.hop_limit = hop_limit;
  fields.flow_key = flow_key ? flow_key : id * 2654435761u;
  const std::string payload = "id:" + std::to_string(id) + ":payload";
  fields.payload = {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()};
  auto packet = wire::encode_packet(fields);
  EXPECT_TRUE(packet.ok());
  return packet.ok() ? *packet : Bytes{};
}

std::optional<std::uint32_t> packet_id(const Bytes& frame) {
  const std::string text(frame.begin(), frame.end());
  const std::size_t at = text.rfind("id:");
  if (at == std::string::npos) return {};
  return static_cast<std::uint32_t>(std::stoul(text.substr(at + 3)));
}

enum class Encap { kEthernet, kEthernetVlan, kUdp4, kUdp6 };

Bytes frame_to_p0(Encap encap, const Bytes& packet) {
  const wire::MacAddress p0 = *parse_mac("02:00:00:00:00:10");
  switch (encap) {
    case Encap::kEthernet: return wire::build_ethernet_frame(p0, kPeerMac, wire::kDefaultEthertype, packet);
    case Encap::kEthernetVlan: return wire::build_ethernet_frame(p0, kPeerMac, wire::kDefaultEthertype, packet, 42);
    case Encap::kUdp4: {
      wire::Udp4Endpoints endpoints;
      endpoints.destination_mac = p0;
      endpoints.source_mac = kPeerMac;
      endpoints.source = {10, 0, 0, 2};
      endpoints.destination = {10, 0, 0, 1};
      return *wire::build_udp4_frame(endpoints, packet);
    }
    case Encap::kUdp6: {
      wire::Udp6Endpoints endpoints;
      endpoints.destination_mac = p0;
      endpoints.source_mac = kPeerMac;
      endpoints.source = *parse_ipv6("fd00::2");
      endpoints.destination = *parse_ipv6("fd00::1");
      return *wire::build_udp6_frame(endpoints, packet);
    }
  }
  return {};
}

// What face `face` must send for a received DMSC packet: built with the wire builders, not
// with the forwarder's templates.
Bytes expected_output(const ForwarderConfig& config, fib::FaceId face_id, Bytes packet) {
  packet[2] = static_cast<std::uint8_t>(packet[2] - 1);
  const FaceConfig& face = *config.find_face(face_id);
  const PortConfig& port = *config.find_port(face.port);
  const std::uint32_t flow_key = wire::load32(packet.data() + 4);
  switch (face.kind) {
    case FaceKind::kEthernet:
      return wire::build_ethernet_frame(face.neighbour, *port.mac, wire::kDefaultEthertype, packet, face.vlan);
    case FaceKind::kUdp4: {
      wire::Udp4Endpoints endpoints;
      endpoints.destination_mac = face.neighbour;
      endpoints.source_mac = *port.mac;
      endpoints.source = *port.ipv4;
      endpoints.destination = face.remote4;
      endpoints.source_port = static_cast<std::uint16_t>(0xc000 | (flow_key & 0x3fff));
      endpoints.destination_port = face.remote_port;
      endpoints.zero_udp_checksum = !face.udp4_checksum;
      return *wire::build_udp4_frame(endpoints, packet);
    }
    case FaceKind::kUdp6: {
      wire::Udp6Endpoints endpoints;
      endpoints.destination_mac = face.neighbour;
      endpoints.source_mac = *port.mac;
      endpoints.source = *port.ipv6;
      endpoints.destination = face.remote6;
      endpoints.source_port = static_cast<std::uint16_t>(0xc000 | (flow_key & 0x3fff));
      endpoints.destination_port = face.remote_port;
      return *wire::build_udp6_frame(endpoints, packet);
    }
  }
  return {};
}

struct Expectation {
  Bytes packet;                  // the DMSC packet sent (empty for non-DMSC frames)
  std::set<fib::FaceId> faces;   // where it may leave; empty: it must not leave
  std::uint32_t flow_key = 0;
};

// Parameter: the config's `simd` setting, so that both the portable and the CPU-specific
// forwarding code (when this CPU has it) pass every check.
class ForwarderPcapTest : public ::testing::TestWithParam<const char*> {
 protected:
  void add(std::uint32_t id, Encap encap, const std::string& destination, std::set<fib::FaceId> faces,
           std::uint8_t hop_limit = 64, std::uint32_t flow_key = 0) {
    Bytes packet = dmsc_packet(destination, id, hop_limit, flow_key);
    input_.push_back(frame_to_p0(encap, packet));
    expectations_[id] = {packet, std::move(faces), wire::load32(packet.data() + 4)};
  }
  void add_raw(const Bytes& frame) { input_.push_back(frame); }

  std::vector<Bytes> input_;
  std::map<std::uint32_t, Expectation> expectations_;
};

TEST_P(ForwarderPcapTest, EveryPacketLeavesByTheRightPortRewrittenOrIsCountedAsDropped) {
  ScratchDirectory scratch("fwd-pcap");
  const std::string config_path = scratch.file("sr.conf");
  write_text(config_path, "stats " + file_prefix() + "\nsimd " + GetParam() + "\n" + kConfig);
  auto config = parse_forwarder_config(kConfig, "sr.conf", scratch.path());
  ASSERT_TRUE(config.ok()) << config.error();

  std::uint32_t id = 1;
  std::map<std::string, std::uint64_t> expected_drops;
  std::map<std::string, std::uint64_t> expected_parse_drops;
  const Encap encaps[] = {Encap::kEthernet, Encap::kEthernetVlan, Encap::kUdp4, Encap::kUdp6};
  // Routed names in every encapsulation, towards every face kind; LNPM picks the deepest.
  for (int round = 0; round < 5; ++round) {
    for (const Encap encap : encaps) {
      add(id++, encap, "/svc/a/x/" + std::to_string(round), {1});
      add(id++, encap, "/svc/a", {1});
      add(id++, encap, "/svc/a/deep/" + std::to_string(round), {5});
      add(id++, encap, "/svc/a/deeper", {1});
      add(id++, encap, "/svc/b/y", {2});
      add(id++, encap, "/svc/c/z/" + std::to_string(round), {3});
      add(id++, encap, "/svc/d", {4});
      add(id++, encap, "/svc/e/q", {6});
      add(id++, encap, "/svc/a/x", {1}, 2);  // hop limit 2: forwarded with 1
      add(id++, encap, "/svc/zzz", {});       // no route
      add(id++, encap, "/other/a", {});
      add(id++, encap, "/svc/a/x", {}, 1);    // hop limit exceeded
      add(id++, encap, "/svc/a/x", {}, 0);
      expected_drops["no_route"] += 2;
      expected_drops["hop_limit_exceeded"] += 2;
    }
  }
  // Weighted ECMP: each flow sticks to one next hop; the weights show in the split.
  std::map<std::uint32_t, std::set<fib::FaceId>> faces_of_flow;
  for (std::uint32_t flow = 1; flow <= 400; ++flow) {
    add(id++, Encap::kEthernet, "/svc/ecmp/f", {1, 4}, 64, flow);
    add(id++, Encap::kUdp4, "/svc/ecmp/g", {1, 4}, 64, flow);
  }

  // Malformed: one frame per reason, each counted under that reason.
  const wire::MacAddress p0 = *parse_mac("02:00:00:00:00:10");
  auto ethernet = [&](Bytes packet) { return wire::build_ethernet_frame(p0, kPeerMac, wire::kDefaultEthertype, packet); };
  const Bytes good = dmsc_packet("/svc/a/m", 999999);
  {
    Bytes bad = good; bad[0] = 0x21; add_raw(ethernet(bad)); expected_parse_drops["bad_version"]++;
    bad = good; bad[0] = 0x10; add_raw(ethernet(bad)); expected_parse_drops["bad_packet_type"]++;
    bad = good; bad[3]++; add_raw(ethernet(bad)); expected_parse_drops["bad_header_length"]++;
    bad = good; bad[8] = 0xff; add_raw(ethernet(bad)); expected_parse_drops["truncated_payload"]++;
    bad = good; bad[12] = 60; add_raw(ethernet(bad)); expected_parse_drops["bad_destination_name"]++;
    bad = Bytes(good.begin(), good.begin() + 8); add_raw(ethernet(bad)); expected_parse_drops["truncated_header"]++;
    add_raw(Bytes(10, 0x02)); expected_parse_drops["truncated_ethernet"]++;
    Bytes frame = frame_to_p0(Encap::kUdp4, good);
    frame[14 + 10] ^= 0x55;  // IPv4 header checksum
    add_raw(frame); expected_parse_drops["bad_ipv4_checksum"]++;
    frame = frame_to_p0(Encap::kUdp4, good);
    frame[frame.size() - 1] ^= 0x01;  // payload octet: UDP checksum no longer verifies
    add_raw(frame); expected_parse_drops["bad_udp_checksum"]++;
    frame = frame_to_p0(Encap::kUdp6, good);
    frame[14 + 40 + 6] = 0; frame[14 + 40 + 7] = 0;
    add_raw(frame); expected_parse_drops["zero_udp_checksum_ipv6"]++;
  }
  {
    // The rest of the reasons of docs/wire-format.md §7, one frame each.
    Bytes bad = good; bad[10] = 0; add_raw(ethernet(bad)); expected_parse_drops["empty_destination"]++;
    bad = good; bad[12 + bad[10]] = 0; add_raw(ethernet(bad)); expected_parse_drops["bad_source_name"]++;
    Bytes padded = dmsc_packet("/svc/a/mm", 999998);  // 12 + 9 + 8 octets: 3 of padding
    ASSERT_GE(padded[3] * 4u - (12u + padded[10] + padded[11]), 1u);
    padded[padded[3] * 4 - 1] = 0x01; add_raw(ethernet(padded)); expected_parse_drops["bad_padding"]++;

    auto fix_ipv4_checksum = [](Bytes& frame) {
      frame[14 + 10] = frame[14 + 11] = 0;
      const std::uint16_t checksum = static_cast<std::uint16_t>(~wire::checksum_fold(wire::checksum_add(0, &frame[14], (frame[14] & 0x0f) * 4u)));
      wire::store16(&frame[14 + 10], checksum);
    };
    const Bytes udp4 = frame_to_p0(Encap::kUdp4, good);
    Bytes frame = udp4; frame[14] = 0x65; add_raw(frame); expected_parse_drops["bad_ip_version"]++;
    frame = Bytes(udp4.begin(), udp4.begin() + 14 + 10); add_raw(frame); expected_parse_drops["truncated_ipv4"]++;
    frame = udp4; frame[14] = 0x44; add_raw(frame); expected_parse_drops["bad_ipv4_header_length"]++;
    frame = udp4; wire::store16(&frame[14 + 2], 10); add_raw(frame); expected_parse_drops["bad_ipv4_total_length"]++;
    frame = udp4; frame[14 + 6] = 0x20; fix_ipv4_checksum(frame); add_raw(frame); expected_parse_drops["ipv4_fragment"]++;
    frame = udp4; wire::store16(&frame[14 + 2], 20 + 4); fix_ipv4_checksum(frame); frame.resize(14 + 24);
    add_raw(frame); expected_parse_drops["truncated_udp"]++;
    frame = udp4; wire::store16(&frame[14 + 20 + 4], static_cast<std::uint16_t>(wire::load16(&frame[14 + 20 + 4]) - 1));
    add_raw(frame); expected_parse_drops["bad_udp_length"]++;

    const Bytes udp6 = frame_to_p0(Encap::kUdp6, good);
    frame = Bytes(udp6.begin(), udp6.begin() + 14 + 20); add_raw(frame); expected_parse_drops["truncated_ipv6"]++;
    // A Destination Options header (8 octets of PadN) between IPv6 and UDP to the DMSC port.
    frame = udp6;
    frame[14 + 6] = 60;
    wire::store16(&frame[14 + 4], static_cast<std::uint16_t>(wire::load16(&frame[14 + 4]) + 8));
    const Bytes options = {wire::kIpProtocolUdp, 0, 1, 4, 0, 0, 0, 0};
    frame.insert(frame.begin() + 14 + 40, options.begin(), options.end());
    add_raw(frame); expected_parse_drops["unsupported_ipv6_extension_header"]++;
  }
  expected_drops["malformed"] = 0;
  for (const auto& [reason, count] : expected_parse_drops) expected_drops["malformed"] += count;
  // Every reason of the codec's table is exercised here, end to end.
  for (const auto& reason : wire::parse_error_table()) {
    if (reason.value != wire::ParseError::kNone && reason.value != wire::ParseError::kTruncatedErrorPayload) {
      EXPECT_EQ(expected_parse_drops.count(reason.name), 1u) << "no test frame for " << reason.name;
    }
  }
  // Not DMSC (ARP, an IS-IS LLC frame, UDP for another address): the host stack's; p0 has no TAP.
  const wire::MacAddress broadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  add_raw(wire::build_ethernet_frame(broadcast, kPeerMac, 0x0806, Bytes(28, 0)));
  Bytes isis = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x14, 0x02, 0, 0, 0, 0x77, 0x01, 0x00, 0x20, 0xfe, 0xfe, 0x03, 0x83};
  isis.resize(60, 0);
  add_raw(isis);
  {
    wire::Udp4Endpoints endpoints;
    endpoints.destination_mac = p0;
    endpoints.source_mac = kPeerMac;
    endpoints.source = {10, 0, 0, 2};
    endpoints.destination = {10, 0, 0, 99};
    add_raw(*wire::build_udp4_frame(endpoints, good));
  }
  expected_drops["no_punt_path"] = 3;
  // DMSC unicast to another box.
  add_raw(wire::build_ethernet_frame({0x02, 0, 0, 0, 0x99, 0x99}, kPeerMac, wire::kDefaultEthertype, good));
  expected_drops["not_for_us"] = 1;

  {
    auto writer = tools::PcapWriter::open(scratch.file("in.pcap"));
    ASSERT_TRUE(writer.ok());
    for (const Bytes& frame : input_) writer->write(frame);
    ASSERT_TRUE(writer->close());
    auto empty = tools::PcapWriter::open(scratch.file("empty.pcap"));
    ASSERT_TRUE(empty.ok());
  }
  const ForwarderRun run = run_forwarder(
      scratch,
      {"net_pcap0,rx_pcap=" + scratch.file("in.pcap") + ",tx_pcap=" + scratch.file("out0.pcap"),
       "net_pcap1,rx_pcap=" + scratch.file("empty.pcap") + ",tx_pcap=" + scratch.file("out1.pcap"),
       "net_pcap2,rx_pcap=" + scratch.file("empty.pcap") + ",tx_pcap=" + scratch.file("out2.pcap")},
      config_path, {"--exit-when-idle", "0.5", "--duration", "60"});
  ASSERT_EQ(run.exit_status, 0) << run.log;
  const bool avx512 = std::string(GetParam()) == "auto" && wire::names_avx512_supported();
  EXPECT_NE(run.log.find(avx512 ? "avx512 code" : "portable code"), std::string::npos) << run.log;

  // Every output frame: an expected packet, on a face's port, exactly as that face builds it.
  std::set<std::uint32_t> seen;
  const std::map<std::string, std::string> port_of_file = {{"out0.pcap", "p0"}, {"out1.pcap", "p1"}, {"out2.pcap", "p2"}};
  std::uint64_t ecmp_on_face4 = 0, ecmp_total = 0;
  for (const auto& [file, port] : port_of_file) {
    auto frames = tools::read_pcap(scratch.file(file));
    ASSERT_TRUE(frames.ok()) << frames.error();
    for (const Bytes& frame : *frames) {
      const auto frame_id = packet_id(frame);
      ASSERT_TRUE(frame_id.has_value()) << "an output frame without a test id on " << port;
      const auto expectation = expectations_.find(*frame_id);
      ASSERT_NE(expectation, expectations_.end()) << "unknown id " << *frame_id;
      EXPECT_TRUE(seen.insert(*frame_id).second) << "packet " << *frame_id << " left twice";
      const Expectation& expected = expectation->second;
      ASSERT_FALSE(expected.faces.empty()) << "packet " << *frame_id << " should have been dropped but left by " << port;
      bool matched = false;
      for (const fib::FaceId face : expected.faces) {
        if (config->find_face(face)->port != port) continue;
        if (expected_output(*config, face, expected.packet) != frame) continue;
        matched = true;
        if (expected.faces.size() > 1) {
          faces_of_flow[expected.flow_key].insert(face);
          ecmp_total++;
          ecmp_on_face4 += face == 4;
        }
      }
      EXPECT_TRUE(matched) << "packet " << *frame_id << " left by " << port << " but is not what any of its faces sends";
    }
  }
  std::uint64_t forwarded = 0;
  for (const auto& [packet, expected] : expectations_) {
    if (expected.faces.empty()) continue;
    ++forwarded;
    EXPECT_TRUE(seen.count(packet)) << "packet " << packet << " was not forwarded";
  }
  for (const auto& [flow, faces] : faces_of_flow) EXPECT_EQ(faces.size(), 1u) << "flow " << flow << " took two paths";
  ASSERT_EQ(ecmp_total, 800u);
  // Weights 1:3 over 64 selection slots: 48 of 64 slots to face 4; 400 flows land near 75%.
  EXPECT_GT(ecmp_on_face4, 800u * 60 / 100);
  EXPECT_LT(ecmp_on_face4, 800u * 90 / 100);

  // Counters: everything received is accounted for, each drop under its reason.
  EXPECT_EQ(json_number(run.report, "rx_packets"), input_.size()) << run.report;
  EXPECT_EQ(json_number(run.report, "forwarded"), forwarded) << run.report;
  for (const auto& [reason, count] : expected_drops) EXPECT_EQ(json_number(run.report, reason), count) << reason << " in " << run.report;
  for (const auto& [reason, count] : expected_parse_drops)
    EXPECT_EQ(json_number(run.report, reason), count) << reason << " in " << run.report;
  for (const char* unused : {"no_usable_next_hop", "packet_too_big", "chained_mbuf", "tx_queue_full", "punt_queue_full"})
    EXPECT_EQ(json_number(run.report, unused), 0u) << unused << " in " << run.report;
}

INSTANTIATE_TEST_SUITE_P(Simd, ForwarderPcapTest, ::testing::Values("auto", "off"));

// Two forwarding lcores (sharing one CPU here): rx queues dealt between them, each with its
// own tx queue on every port; together they forward everything, once.
TEST(ForwarderLcores, TwoForwardingLcoresShareTheQueuesAndLoseNothing) {
  ScratchDirectory scratch("fwd-lcores");
  const std::string config_path = scratch.file("sr.conf");
  write_text(config_path, "stats " + file_prefix() + "\n"
                          "port p0 net_pcap0 mac 02:00:00:00:00:10 rx-queues 2\n"
                          "port p1 net_pcap1 mac 02:00:00:00:00:11\n"
                          "face 1 ethernet p1 02:00:00:00:01:01\n"
                          "route /svc 1\n");
  std::set<std::uint32_t> sent;
  for (const char* queue : {"a", "b"}) {
    auto writer = tools::PcapWriter::open(scratch.file(std::string(queue) + ".pcap"));
    ASSERT_TRUE(writer.ok());
    for (std::uint32_t i = 0; i < 500; ++i) {
      const std::uint32_t id = (queue[0] == 'a' ? 10000 : 20000) + i;
      writer->write(frame_to_p0(Encap::kEthernet, dmsc_packet("/svc/q" + std::to_string(i % 7), id)));
      sent.insert(id);
    }
    ASSERT_TRUE(writer->close());
  }
  ASSERT_TRUE(tools::PcapWriter::open(scratch.file("empty.pcap")).ok());
  const std::string s = scratch.path() + "/";
  const ForwarderRun run = run_forwarder(
      scratch,
      {"net_pcap0,rx_pcap=" + s + "a.pcap,rx_pcap=" + s + "b.pcap,tx_pcap=" + s + "x0.pcap,tx_pcap=" + s + "x1.pcap",
       "net_pcap1,rx_pcap=" + s + "empty.pcap,tx_pcap=" + s + "o0.pcap,tx_pcap=" + s + "o1.pcap"},
      config_path, {"--exit-when-idle", "1", "--duration", "60"}, "0@0,1@1,2@1");
  ASSERT_EQ(run.exit_status, 0) << run.log;
  std::set<std::uint32_t> received;
  std::size_t per_queue[2] = {};
  for (int q = 0; q < 2; ++q) {
    auto frames = tools::read_pcap(s + "o" + std::to_string(q) + ".pcap");
    ASSERT_TRUE(frames.ok());
    per_queue[q] = frames->size();
    for (const Bytes& frame : *frames) EXPECT_TRUE(received.insert(*packet_id(frame)).second) << "a packet left twice";
  }
  EXPECT_EQ(received, sent);
  EXPECT_EQ(per_queue[0], 500u) << "lcore 1 polls rx queue 0 and sends on tx queue 0";
  EXPECT_EQ(per_queue[1], 500u) << "lcore 2 polls rx queue 1 and sends on tx queue 1";
  EXPECT_NE(run.report.find("\"lcore\":2,\"rx_packets\":500"), std::string::npos) << run.report;
}

TEST(ForwarderStartup, BadConfigurationAndMissingDevicesGiveClearErrors) {
  ScratchDirectory scratch("fwd-errors");
  const std::string config_path = scratch.file("bad.conf");
  write_text(config_path, "stats " + file_prefix() + "\nport p0 net_null0\nface 1 ethernet p9 02:00:00:00:00:01\n");
  ForwarderRun run = run_forwarder(scratch, {}, config_path, {});
  EXPECT_EQ(run.exit_status, 1);
  EXPECT_NE(run.log.find("bad.conf:3: face 1: no port named 'p9'"), std::string::npos) << run.log;

  write_text(config_path, "stats " + file_prefix() + "\nport p0 net_nosuchdriver0\n");
  run = run_forwarder(scratch, {}, config_path, {});
  EXPECT_EQ(run.exit_status, 1);
  EXPECT_NE(run.log.find("port 'p0': cannot attach device 'net_nosuchdriver0'"), std::string::npos) << run.log;
}

}  // namespace
}  // namespace dmsc::dataplane::test
