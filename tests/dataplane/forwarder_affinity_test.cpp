// Flow affinity end to end (docs/wire-format.md §5.2): while the forwarder runs, next hops are
// added to and then removed from a service's entry through the shm channel. Flows with the A
// flag must stay on their next hop until it leaves the set, then move once; flows without A
// move freely (which shows that the test would see a forwarder ignoring A).
//
// Order: the test changes a marker route before each step; the writer applies changes in
// order and the output FIFO is in forwarding order (one lcore). Bursts are looked up as a whole
// and a route may change between two lookups of one burst, so the stream shows a step up to a
// burst late: an A packet that left face 11 counts as early only when the marker shows the
// removal more than kBurstSlack frames after it.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <map>
#include <thread>

#include "dataplane/wire.hpp"
#include "fib/update_channel.hpp"
#include "tests/dataplane/forwarder_harness.hpp"
#include "tools/pcap_file.hpp"

namespace dmsc::dataplane::test {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint32_t kFlows = 256;
constexpr std::uint64_t kBurstSlack = 2 * 64;

fib::Name name(const std::string& text) { return *fib::Name::parse(text); }

fib::NextHopSet faces(std::initializer_list<fib::FaceId> ids) {
  fib::NextHopSet set;
  for (const fib::FaceId id : ids) set.hops[set.count++] = {id, 1};
  set.sort();
  return set;
}

// What the reader saw, in forwarding order.
struct AffinityCheck {
  std::atomic<std::uint64_t> frames{0};
  int marker_face = 0;  // the last face the marker route was seen on
  std::uint64_t removal_seen_at = 0;  // the frame where the marker first showed the removal
  std::map<std::uint32_t, std::vector<int>> sticky_faces;  // A flow -> faces in order, runs merged
  std::vector<std::uint64_t> sticky_off_before_marker;  // frames: A packets off face 11 before the marker showed the removal
  std::uint64_t plain_moved = 0;         // packets without A on a face other than 11
  std::string error;
};

void read_output(const std::string& fifo, AffinityCheck& check) {
  auto reader = tools::PcapReader::open(fifo);
  if (!reader) {
    check.error = reader.error();
    return;
  }
  Bytes frame;
  wire::EncapConfig encap;
  while (reader->next(frame)) {
    wire::FrameInfo info;
    wire::PacketHeader header;
    if (wire::classify_frame(frame.data(), frame.size(), encap, info) != wire::FrameClass::kDmsc ||
        wire::parse_header(frame.data() + info.dmsc_offset, info.dmsc_length, header) != wire::ParseError::kNone) {
      if (check.error.empty()) check.error = "a malformed frame";
      continue;
    }
    const int face = (frame[5] >> 4) * 10 + (frame[5] & 0xf);  // the neighbour MAC ends in the face id
    const std::string service(reinterpret_cast<const char*>(header.destination.bytes) + 1, header.destination.bytes[0]);
    const std::uint64_t position = check.frames.load(std::memory_order_relaxed);
    if (service == "marker") {
      if (face == 14 && check.marker_face != 14) check.removal_seen_at = position;
      check.marker_face = face;
    } else if (service == "svc") {
      std::vector<int>& seen = check.sticky_faces[header.flow_key];
      if (seen.empty() || seen.back() != face) seen.push_back(face);
      if (face != 11 && check.marker_face != 14 && check.sticky_off_before_marker.size() < 100000)
        check.sticky_off_before_marker.push_back(position);
    } else {
      check.plain_moved += face != 11;
    }
    check.frames.fetch_add(1, std::memory_order_relaxed);
  }
}

TEST(ForwarderAffinity, AFlowsKeepTheirNextHopUntilItLeavesTheSet) {
  ScratchDirectory scratch("fwd-affinity");
  const std::string channel = "/dmsc-affinity-" + std::to_string(getpid());
  ASSERT_TRUE(fib::remove_channel(channel).ok());
  {
    auto writer = tools::PcapWriter::open(scratch.file("in.pcap"));
    ASSERT_TRUE(writer.ok());
    for (std::uint32_t flow = 0; flow < kFlows; ++flow) {
      for (const char* destination : {"/svc/cart", "/plain/cart", "/marker"}) {
        wire::PacketFields fields;
        fields.destination = name(destination);
        fields.source = name("/sg/affinity");
        fields.flow_key = flow * 2654435761u;
        fields.flags = std::string(destination) == "/svc/cart" ? wire::kFlagAffinity : 0;
        auto packet = wire::encode_packet(fields);
        ASSERT_TRUE(packet.ok());
        Bytes frame = wire::build_ethernet_frame({0x02, 0, 0, 0, 0, 0x10}, {0x02, 0, 0, 0, 0x66, 0x01}, wire::kDefaultEthertype, *packet);
        frame.resize(std::max<std::size_t>(frame.size(), 60), 0);
        writer->write(frame);
      }
    }
    ASSERT_TRUE(writer->close());
  }
  const std::string out = scratch.file("out1.pcap");
  ASSERT_EQ(mkfifo(out.c_str(), 0600), 0);
  AffinityCheck check;
  std::thread reader(read_output, out, std::ref(check));

  fib::ChannelConfig channel_config;
  channel_config.shm_name = channel;
  auto producer = fib::RouteSyncProducer::create(channel_config);
  ASSERT_TRUE(producer.ok()) << producer.error();
  ASSERT_TRUE((*producer)->set_route(name("/svc"), faces({11})).ok());
  ASSERT_TRUE((*producer)->set_route(name("/plain"), faces({11})).ok());
  ASSERT_TRUE((*producer)->set_route(name("/marker"), faces({12})).ok());
  (*producer)->start();

  std::string config = "stats " + file_prefix() + "\nchannel " + channel + "\n";
  config += "port p0 net_pcap0 mac 02:00:00:00:00:10\nport p1 net_pcap1 mac 02:00:00:00:00:11\n";
  for (int face = 11; face <= 14; ++face)
    config += "face " + std::to_string(face) + " ethernet p1 02:00:00:00:99:" + std::to_string(face) + "\n";
  const std::string config_path = scratch.file("sr.conf");
  write_text(config_path, config);
  const pid_t forwarder = start_forwarder(
      scratch, {"net_pcap0,rx_pcap=" + scratch.file("in.pcap") + ",infinite_rx=1", "net_pcap1,tx_pcap=" + out},
      config_path, {"--duration", "60"});

  const auto run_for = [&](double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      (*producer)->poll();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (check.frames.load() < 100000 && std::chrono::steady_clock::now() < deadline) run_for(0.05);
  // Step 1: three more next hops for both services.
  ASSERT_TRUE((*producer)->set_route(name("/marker"), faces({13})).ok());
  ASSERT_TRUE((*producer)->set_route(name("/svc"), faces({11, 12, 13, 14})).ok());
  ASSERT_TRUE((*producer)->set_route(name("/plain"), faces({11, 12, 13, 14})).ok());
  run_for(1.0);
  // Step 2: face 11 leaves.
  ASSERT_TRUE((*producer)->set_route(name("/marker"), faces({14})).ok());
  ASSERT_TRUE((*producer)->set_route(name("/svc"), faces({12, 13, 14})).ok());
  ASSERT_TRUE((*producer)->set_route(name("/plain"), faces({12, 13, 14})).ok());
  run_for(1.0);

  const ForwarderRun run = wait_forwarder(scratch, forwarder, true);
  reader.join();
  (void)fib::remove_channel(channel);
  ASSERT_EQ(run.exit_status, 0) << run.log;
  ASSERT_TRUE(check.error.empty()) << check.error;
  ASSERT_EQ(check.marker_face, 14) << "the second step never showed in the output";

  // Without A, flows spread over the added hops at once; with A, none left face 11 before it
  // was removed, and then each moved once to one other hop.
  EXPECT_GT(check.plain_moved, 1000u);
  std::uint64_t early = 0;
  for (const std::uint64_t position : check.sticky_off_before_marker) early += position + kBurstSlack < check.removal_seen_at;
  EXPECT_EQ(early, 0u) << check.sticky_off_before_marker.size() << " A packets off face 11 before the marker, "
                       << early << " of them more than " << kBurstSlack << " frames before it";
  ASSERT_EQ(check.sticky_faces.size(), kFlows);
  std::map<int, int> moved_to;
  for (const auto& [flow, seen] : check.sticky_faces) {
    ASSERT_EQ(seen.size(), 2u) << "flow " << flow << " took " << seen.size() << " paths";
    EXPECT_EQ(seen[0], 11);
    ++moved_to[seen[1]];
  }
  EXPECT_EQ(moved_to.size(), 3u) << "moved flows should spread over faces 12-14";
  EXPECT_EQ(json_number(run.report, "affinity_new"), kFlows) << run.report;
  EXPECT_EQ(json_number(run.report, "affinity_moved"), kFlows) << run.report;
  EXPECT_EQ(json_number(run.report, "affinity_evicted"), 0u) << run.report;
  EXPECT_GT(json_number(run.report, "affinity_kept").value_or(0), 100000u) << run.report;
}

}  // namespace
}  // namespace dmsc::dataplane::test
