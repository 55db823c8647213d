// FIB churn: the forwarder forwards a replayed pcap as fast as it can while this test, as the
// control daemon, replaces routes through the shared-memory channel without pause. Every
// packet's correct port is written in its name (/p1/... leaves by p1, /p2/... by p2), and route
// changes only move a prefix between faces of its own port, so any packet on a wrong port, or
// sent to a face of the other port, is a forwarding error. The output pcaps are FIFOs that the
// test reads as they are written: nothing piles up on disk.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <random>
#include <thread>

#include "dataplane/wire.hpp"
#include "fib/update_channel.hpp"
#include "tests/dataplane/forwarder_harness.hpp"
#include "dataplane/stats_segment.hpp"
#include "tools/pcap_file.hpp"
#include "tools/telemetry_client.hpp"

namespace dmsc::dataplane::test {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr int kServicesPerPort = 64;

fib::Name name(const std::string& text) { return *fib::Name::parse(text); }

// Faces 11-14 are on p1, 21-24 on p2; face f's neighbour MAC ends in f.
std::string config_text(const std::string& channel) {
  std::string text = "stats " + file_prefix() + "\nchannel " + channel + "\n";
  text += "port p0 net_pcap0 mac 02:00:00:00:00:10\nport p1 net_pcap1 mac 02:00:00:00:00:11\nport p2 net_pcap2 mac 02:00:00:00:00:12\n";
  for (int port = 1; port <= 2; ++port)
    for (int face = port * 10 + 1; face <= port * 10 + 4; ++face)
      text += "face " + std::to_string(face) + " ethernet p" + std::to_string(port) + " 02:00:00:00:99:" + std::to_string(face) + "\n";
  return text;
}

fib::NextHopSet random_faces(int port, std::mt19937& random) {
  fib::NextHopSet set;
  for (int face = port * 10 + 1; face <= port * 10 + 4; ++face)
    if (random() % 2 == 0 || (set.count == 0 && face == port * 10 + 4))
      set.hops[set.count++] = {static_cast<fib::FaceId>(face), 1 + static_cast<std::uint32_t>(random() % 5)};
  set.sort();
  return set;
}

// What one output FIFO saw.
struct PortCheck {
  std::uint64_t frames = 0;
  std::uint64_t wrong = 0;
  std::string first_error;
};

void check_output(const std::string& fifo, int port, PortCheck& check) {
  auto reader = tools::PcapReader::open(fifo);
  if (!reader) {
    check.first_error = reader.error();
    ++check.wrong;
    return;
  }
  Bytes frame;
  wire::EncapConfig encap;
  while (reader->next(frame)) {
    ++check.frames;
    wire::FrameInfo info;
    wire::PacketHeader header;
    std::string error;
    if (wire::classify_frame(frame.data(), frame.size(), encap, info) != wire::FrameClass::kDmsc ||
        wire::parse_header(frame.data() + info.dmsc_offset, info.dmsc_length, header) != wire::ParseError::kNone) {
      error = "a malformed frame";
    } else {
      const std::string first_component(reinterpret_cast<const char*>(header.destination.bytes) + 1, header.destination.bytes[0]);
      const int face = frame[5];  // the neighbour MAC's last octet is the face id (hex-read: see config_text)
      if (first_component != "p" + std::to_string(port)) error = "/" + first_component + "/... left by p" + std::to_string(port);
      else if (face / 0x10 != port) error = "sent to a face of the other port";
      else if (header.hop_limit != 63) error = "hop limit not decremented";
    }
    if (!error.empty() && check.wrong++ == 0) check.first_error = error;
  }
}

TEST(ForwarderChurn, RoutesReplacedContinuouslyNeverSendAPacketByAWrongPort) {
  ScratchDirectory scratch("fwd-churn");
  const std::string channel = "/dmsc-churn-" + std::to_string(getpid());
  ASSERT_TRUE(fib::remove_channel(channel).ok());

  // Traffic: names under every service of both ports, 0-2 components deeper.
  {
    auto writer = tools::PcapWriter::open(scratch.file("in.pcap"));
    ASSERT_TRUE(writer.ok());
    std::mt19937 random(3);
    for (int i = 0; i < 2048; ++i) {
      wire::PacketFields fields;
      const int port = 1 + i % 2;
      std::string text = "/p" + std::to_string(port) + "/s" + std::to_string(random() % kServicesPerPort);
      for (unsigned extra = random() % 3; extra > 0; --extra) text += "/x" + std::to_string(random() % 100);
      fields.destination = name(text);
      fields.source = name("/sg/churn");
      fields.flow_key = static_cast<std::uint32_t>(random());
      auto packet = wire::encode_packet(fields);
      ASSERT_TRUE(packet.ok());
      Bytes frame = wire::build_ethernet_frame({0x02, 0, 0, 0, 0, 0x10}, {0x02, 0, 0, 0, 0x66, 0x01}, wire::kDefaultEthertype, *packet);
      frame.resize(std::max<std::size_t>(frame.size(), 60), 0);
      writer->write(frame);
    }
    ASSERT_TRUE(writer->close());
  }
  const std::string out1 = scratch.file("out1.pcap"), out2 = scratch.file("out2.pcap");
  ASSERT_EQ(mkfifo(out1.c_str(), 0600), 0);
  ASSERT_EQ(mkfifo(out2.c_str(), 0600), 0);
  PortCheck check1, check2;
  std::thread reader1(check_output, out1, 1, std::ref(check1));
  std::thread reader2(check_output, out2, 2, std::ref(check2));

  // The control daemon's side: the full route set first, then churn.
  fib::ChannelConfig channel_config;
  channel_config.shm_name = channel;
  auto producer = fib::RouteSyncProducer::create(channel_config);
  ASSERT_TRUE(producer.ok()) << producer.error();
  std::mt19937 random(11);
  for (int port = 1; port <= 2; ++port)
    for (int service = 0; service < kServicesPerPort; ++service)
      ASSERT_TRUE((*producer)->set_route(name("/p" + std::to_string(port) + "/s" + std::to_string(service)), random_faces(port, random)).ok());
  (*producer)->start();

  const std::string config_path = scratch.file("sr.conf");
  write_text(config_path, config_text(channel));
  const pid_t forwarder = start_forwarder(
      scratch,
      {"net_pcap0,rx_pcap=" + scratch.file("in.pcap") + ",infinite_rx=1", "net_pcap1,tx_pcap=" + out1,
       "net_pcap2,tx_pcap=" + out2},
      config_path, {"--duration", "120"});

  // Churn for a few seconds: replace next hops, add and delete deeper routes, all within the
  // prefix's own port.
  std::uint64_t changes = 0;
  std::string telemetry_stats;
  std::uint64_t segment_forwarded = 0;
  const auto halfway = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  const auto churn_end = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  while (std::chrono::steady_clock::now() < churn_end) {
    const int port = 1 + static_cast<int>(random() % 2);
    const std::string service = "/p" + std::to_string(port) + "/s" + std::to_string(random() % kServicesPerPort);
    switch (random() % 3) {
      case 0: (void)(*producer)->set_route(name(service), random_faces(port, random)); break;
      case 1: (void)(*producer)->set_route(name(service + "/x" + std::to_string(random() % 100)), random_faces(port, random)); break;
      case 2: (void)(*producer)->delete_route(name(service + "/x" + std::to_string(random() % 100))); break;
    }
    ++changes;
    (*producer)->poll();
    // Halfway through, read the counters as an operator would: DPDK telemetry and the stats
    // segment, both while forwarding goes on.
    if (telemetry_stats.empty() && std::chrono::steady_clock::now() > halfway) {
      tools::TelemetryClient telemetry(file_prefix());
      telemetry_stats = telemetry.query("/dmsc/stats");
      if (auto segment = StatsSegment::open(file_prefix()); segment.ok()) segment_forwarded = segment->total(Counter::kForwarded);
    }
  }
  while (!(*producer)->idle()) (*producer)->poll();
  const fib::ChannelCounters counters = (*producer)->counters();

  const ForwarderRun run = wait_forwarder(scratch, forwarder, true);
  reader1.join();
  reader2.join();
  (void)fib::remove_channel(channel);
  ASSERT_EQ(run.exit_status, 0) << run.log;

  EXPECT_GT(tools::json_u64(telemetry_stats, "forwarded"), 0u) << "telemetry /dmsc/stats: " << telemetry_stats;
  EXPECT_GT(segment_forwarded, 0u) << "the stats segment showed nothing forwarded halfway";
  EXPECT_EQ(check1.wrong, 0u) << check1.first_error;
  EXPECT_EQ(check2.wrong, 0u) << check2.first_error;
  EXPECT_GT(check1.frames, 10000u);
  EXPECT_GT(check2.frames, 10000u);
  EXPECT_GT(changes, 10000u);
  EXPECT_EQ(json_number(run.report, "forwarded"), check1.frames + check2.frames) << run.report;
  for (const char* reason : {"malformed", "no_usable_next_hop", "tx_queue_full", "packet_too_big"})
    EXPECT_EQ(json_number(run.report, reason), 0u) << reason << " in " << run.report;
  std::printf("churn: %llu route changes (%llu channel messages consumed), %llu + %llu packets checked, %llu no_route\n",
              static_cast<unsigned long long>(changes),
              static_cast<unsigned long long>(counters.of(fib::ConsumerCounter::kMessages)),
              static_cast<unsigned long long>(check1.frames), static_cast<unsigned long long>(check2.frames),
              static_cast<unsigned long long>(json_number(run.report, "no_route").value_or(0)));
}

}  // namespace
}  // namespace dmsc::dataplane::test
