// dmscctl against a real dmsc-forwarder on DPDK virtual devices (needs root: DPDK's runtime
// directory, /dev/shm): every command in text and --json (the JSON parsed), its exit code, and
// what the forwarder then does: route add/del and reload change the FIB, a bad file changes
// nothing, clear stats zeroes dmscctl's view while the exporter keeps the raw totals, and
// `fib lookup NAME flow KEY` names the next hop the packets of that flow really took. Then
// traffic replayed without end while the file is reloaded again and again: routes a reload does
// not touch never drop a packet.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "dataplane/stats_segment.hpp"
#include "dataplane/wire.hpp"
#include "tests/dataplane/forwarder_harness.hpp"
#include "tests/tools/json_value.hpp"
#include "tools/pcap_file.hpp"

namespace dmsc::tools::test {
namespace {

using dataplane::test::ScratchDirectory;
using dataplane::test::read_text;
using dataplane::test::write_text;
using Bytes = std::vector<std::uint8_t>;

const wire::MacAddress kPort0Mac = {0x02, 0, 0, 0, 0, 0x10};

struct Ctl {
  int status = -1;
  std::string out, err;
};

// Runs dmscctl with `arguments` after the options that point it at this test's forwarder.
class Dmscctl {
 public:
  Dmscctl(const ScratchDirectory& scratch, std::string stats, std::string socket)
      : scratch_(scratch), stats_(std::move(stats)), socket_(std::move(socket)) {}

  Ctl operator()(std::vector<std::string> arguments, bool pointed = true) const {
    std::vector<std::string> argv = {DMSCCTL_BINARY};
    if (pointed) argv.insert(argv.end(), {"--stats", stats_, "--forwarder-socket", socket_, "--controld-socket", scratch_.file("no-controld.sock")});
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run(argv);
  }
  JsonValue json(std::vector<std::string> arguments, int expected_status = 0) const {
    arguments.insert(arguments.begin(), "--json");
    const Ctl ctl = (*this)(arguments);
    EXPECT_EQ(ctl.status, expected_status) << join(arguments) << ": " << ctl.out << ctl.err;
    auto value = parse_json(ctl.out);
    EXPECT_TRUE(value.has_value()) << join(arguments) << " printed what is not JSON:\n" << ctl.out;
    return value.value_or(JsonValue{});
  }
  Ctl run(const std::vector<std::string>& argv) const {
    const std::string out = scratch_.file("ctl.out"), err = scratch_.file("ctl.err");
    const pid_t child = fork();
    if (child == 0) {
      if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) _exit(126);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read_text(out), read_text(err)};
  }
  static std::string join(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    return text;
  }

 private:
  const ScratchDirectory& scratch_;
  std::string stats_, socket_;
};

Bytes frame_to(const std::string& destination, std::uint32_t flow_key) {
  wire::PacketFields fields;
  fields.destination = *fib::Name::parse(destination);
  fields.source = *fib::Name::parse("/sg/test");
  fields.flow_key = flow_key;
  const std::string payload = "payload";
  fields.payload = {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()};
  Bytes frame = wire::build_ethernet_frame(kPort0Mac, {0x02, 0, 0, 0, 0x77, 0x01}, wire::kDefaultEthertype, *wire::encode_packet(fields));
  frame.resize(std::max<std::size_t>(frame.size(), 60), 0);
  return frame;
}

// Stops the forwarder when an assertion ends the test before it did (a forwarder left running
// would keep a CPU busy).
class StopOnExit {
 public:
  explicit StopOnExit(pid_t pid) : pid_(pid) {}
  ~StopOnExit() {
    if (pid_ <= 0 || waitpid(pid_, nullptr, WNOHANG) != 0) return;
    kill(pid_, SIGINT);
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) != 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  void release() { pid_ = -1; }

 private:
  pid_t pid_;
};

// Waits until the forwarder answers on its control socket.
bool wait_ready(const Dmscctl& ctl) {
  for (int i = 0; i < 200; ++i) {
    if (ctl({"show", "fib"}).status == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::uint64_t forwarder_total(const std::string& stats, dataplane::Counter counter) {
  auto segment = dataplane::StatsSegment::open(stats);
  return segment ? segment->total(counter) : 0;
}

bool wait_until(const std::function<bool()>& done, double seconds = 20) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* kBaseConfig = R"(port p0 net_pcap0 mac 02:00:00:00:00:10
port p1 net_pcap1 mac 02:00:00:00:00:11
port p2 net_null0 mac 02:00:00:00:00:12
face 1 ethernet p1 02:00:00:00:01:01
face 2 ethernet p1 02:00:00:00:01:02
face 3 ethernet p2 02:00:00:00:02:03
face 4 ethernet p2 learn
route /svc/ecmp 1:1 2:3
route /svc/a 3
route /svc/learn 4
)";

TEST(DmscctlForwarder, EveryCommandInTextAndJson) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (DPDK, /dev/shm)";
  ScratchDirectory scratch("dmscctl");
  const std::string stats = "dmscctl-test-" + std::to_string(getpid());
  const std::string socket = scratch.file("forwarder.sock");
  const std::string config_path = scratch.file("sr.conf");
  const std::string head = "stats " + stats + "\ncontrol-socket " + socket + "\n";
  write_text(config_path, head + kBaseConfig);

  // 64 flows to /svc/ecmp (their keys random), 6 packets to /svc/a.
  std::vector<std::uint32_t> flow_keys;
  {
    auto writer = PcapWriter::open(scratch.file("in.pcap"));
    ASSERT_TRUE(writer.ok());
    std::mt19937 random(17);
    for (int i = 0; i < 64; ++i) {
      flow_keys.push_back(static_cast<std::uint32_t>(random()));
      writer->write(frame_to("/svc/ecmp/x/" + std::to_string(i), flow_keys.back()));
    }
    for (int i = 0; i < 6; ++i) writer->write(frame_to("/svc/a/b", 5));
    ASSERT_TRUE(writer->close());
  }
  const pid_t forwarder = dataplane::test::start_forwarder(
      scratch,
      {"net_pcap0,rx_pcap=" + scratch.file("in.pcap") + ",tx_pcap=" + scratch.file("out0.pcap"),
       "net_pcap1,tx_pcap=" + scratch.file("out1.pcap"), "net_null0,no-rx=1"},
      config_path, {});
  StopOnExit stop_on_exit(forwarder);
  const Dmscctl ctl(scratch, stats, socket);
  ASSERT_TRUE(wait_ready(ctl)) << read_text(scratch.file("forwarder.log"));
  ASSERT_TRUE(wait_until([&] { return forwarder_total(stats, dataplane::Counter::kForwarded) == 70; }))
      << "forwarded " << forwarder_total(stats, dataplane::Counter::kForwarded);

  // show fib
  Ctl fib = ctl({"show", "fib"});
  EXPECT_EQ(fib.status, 0) << fib.err;
  EXPECT_TRUE(contains(fib.out, "FIB: 3 prefixes of capacity 1048576")) << fib.out;
  EXPECT_TRUE(contains(fib.out, "S  /svc/ecmp                     face 1:1 p1 ethernet 02:00:00:00:01:01\n")) << fib.out;
  EXPECT_TRUE(contains(fib.out, "face 2:3 p1 ethernet 02:00:00:00:01:02\n")) << fib.out;
  EXPECT_TRUE(contains(fib.out, "face 4:1 p2 ethernet unresolved (learns its neighbour)")) << fib.out;
  JsonValue fib_json = ctl.json({"show", "fib"});
  EXPECT_EQ(fib_json["prefixes"].u64(), 3u);
  ASSERT_EQ(fib_json["entries"].size(), 3u);
  EXPECT_EQ(fib_json["entries"][0]["prefix"].text, "/svc/a");
  EXPECT_EQ(fib_json["entries"][0]["next_hops"][0]["port"].text, "p2");
  EXPECT_EQ(ctl.json({"show", "fib", "/svc/a"})["count"].u64(), 1u);
  EXPECT_EQ(ctl({"show", "fib", "/svc//a"}).status, 2);

  // fib lookup: the answer for every flow, checked against the packets at the end.
  std::map<std::uint32_t, std::uint64_t> lookup_face;
  for (const std::uint32_t key : flow_keys) {
    const JsonValue answer = ctl.json({"fib", "lookup", "/svc/ecmp/x/1", "flow", std::to_string(key)});
    EXPECT_EQ(answer["prefix"].text, "/svc/ecmp");
    lookup_face[key] = answer["flow"]["next_hop"]["face"].u64();
  }
  Ctl lookup = ctl({"fib", "lookup", "/svc/ecmp/x/1", "flow", "0x10"});
  EXPECT_EQ(lookup.status, 0);
  EXPECT_TRUE(contains(lookup.out, "/svc/ecmp/x/1: longest match /svc/ecmp (depth 2 of 4), static\n")) << lookup.out;
  EXPECT_TRUE(contains(lookup.out, "flow 0x00000010 (slot ")) << lookup.out;
  lookup = ctl({"fib", "lookup", "/nothing"});
  EXPECT_EQ(lookup.status, 1);
  EXPECT_EQ(lookup.out, "no route for /nothing: packets to it are dropped (no_route)\n");
  EXPECT_FALSE(ctl.json({"fib", "lookup", "/nothing"}, 1)["matched"].boolean);
  lookup = ctl({"fib", "lookup", "/a//b"});
  EXPECT_EQ(lookup.status, 2);
  EXPECT_EQ(lookup.err, "dmscctl: '/a//b' is not a name: empty component ('//') (at offset 3)\n");
  EXPECT_EQ(ctl({"fib", "lookup", "/a", "flow", "x"}).status, 2);

  // route add / del
  Ctl route = ctl({"route", "add", "/svc/new", "3:2"});
  EXPECT_EQ(route.status, 0) << route.err;
  EXPECT_EQ(route.out, "static route /svc/new added: face 3:2\n");
  JsonValue found = ctl.json({"fib", "lookup", "/svc/new/x"});
  EXPECT_EQ(found["prefix"].text, "/svc/new");
  EXPECT_EQ(found["source"].text, "static");
  EXPECT_EQ(found["next_hops"][0]["face"].u64(), 3u);
  EXPECT_EQ(ctl.json({"route", "add", "/svc/new2", "1"})["outcome"].text, "added");
  route = ctl({"route", "add", "/svc/x", "99"});
  EXPECT_EQ(route.status, 4);
  EXPECT_EQ(route.err, "dmscctl: dmsc-forwarder: next hop '99': no face 99 is configured\n");
  EXPECT_EQ(ctl.json({"route", "add", "/svc/x", "99"}, 4)["error"].text, "next hop '99': no face 99 is configured");
  route = ctl({"route", "add", "/svc/x", "1:0"});
  EXPECT_EQ(route.status, 2);
  EXPECT_TRUE(contains(route.err, "'1:0' is not a next hop")) << route.err;
  EXPECT_EQ(ctl({"route", "add", "/svc/x"}).status, 2);
  route = ctl({"route", "del", "/svc/new"});
  EXPECT_EQ(route.status, 0);
  EXPECT_EQ(route.out, "static route /svc/new deleted; the prefix left the FIB\n");
  EXPECT_EQ(ctl({"fib", "lookup", "/svc/new/x"}).status, 1);
  route = ctl({"route", "del", "/svc/new"});
  EXPECT_EQ(route.status, 4);
  EXPECT_EQ(route.err, "dmscctl: dmsc-forwarder: no static route for /svc/new\n");
  EXPECT_EQ(ctl.json({"route", "del", "/svc/new2"})["outcome"].text, "deleted");

  // show config: the forwarder's, and dmsc-controld's error (none runs here).
  ctl({"route", "add", "/svc/runtime", "1"});
  Ctl config = ctl({"show", "config", "forwarder"});
  EXPECT_EQ(config.status, 0);
  EXPECT_TRUE(contains(config.out, "route /svc/ecmp 1:1 2:3\n")) << config.out;
  EXPECT_TRUE(contains(config.out, "route /svc/runtime 1:1\n")) << config.out;
  EXPECT_TRUE(contains(config.out, "control-socket " + socket + "\n")) << config.out;
  JsonValue config_json = ctl.json({"show", "config", "forwarder"});
  EXPECT_EQ(config_json["forwarder"]["dmsc-forwarder:forwarder"]["route"].size(), 4u);
  EXPECT_EQ(config_json["forwarder"]["dmsc-forwarder:forwarder"]["stats"].text, stats);
  config = ctl({"show", "config"});
  EXPECT_EQ(config.status, 3);
  EXPECT_TRUE(contains(config.out, "# --- dmsc-controld (")) << config.out;
  EXPECT_TRUE(contains(config.out, "error: dmsc-controld at ")) << config.out;
  config_json = ctl.json({"show", "config"}, 3);
  EXPECT_TRUE(config_json["controld"].has("error"));
  EXPECT_TRUE(config_json["forwarder"].has("dmsc-forwarder:forwarder"));

  // clear stats: dmscctl's view restarts from zero, the exporter keeps the raw totals.
  EXPECT_EQ(ctl.json({"show", "stats"})["forwarded"].u64(), 70u);
  Ctl clear = ctl({"clear", "stats"});
  EXPECT_EQ(clear.status, 0);
  EXPECT_TRUE(contains(clear.out, "counters cleared")) << clear.out;
  EXPECT_TRUE(ctl.json({"clear", "stats"})["cleared"].boolean);
  Ctl shown = ctl({"show", "stats"});
  EXPECT_EQ(shown.status, 0);
  EXPECT_TRUE(contains(shown.out, "(every counter is zero)")) << shown.out;
  EXPECT_TRUE(contains(shown.out, "lcore 1: rx 0 forwarded 0")) << shown.out;
  const JsonValue zero = ctl.json({"show", "stats"});
  for (const char* counter : {"rx_packets", "rx_bytes", "forwarded", "no_route", "malformed"}) EXPECT_EQ(zero[counter].u64(), 0u) << counter;
  EXPECT_GT(zero["cleared_unix_ns"].u64(), 0u);
  const JsonValue ports = ctl.json({"show", "ports"});
  ASSERT_EQ(ports["ports"].size(), 3u);
  for (std::size_t p = 0; p < 3; ++p) {
    EXPECT_EQ(ports["ports"][p]["rx_packets"].u64(), 0u);
    EXPECT_EQ(ports["ports"][p]["tx_packets"].u64(), 0u);
  }
  EXPECT_TRUE(contains(ctl({"show", "ports"}).out, "counters since clear stats at ")) ;
  EXPECT_EQ(ctl.json({"show", "stats", "--interval", "0.1"})["counters"]["forwarded"]["total"].u64(), 0u);
  const Ctl exporter = ctl.run({DMSC_EXPORTER_BINARY, "--stats", stats, "--once"});
  EXPECT_EQ(exporter.status, 0) << exporter.err;
  EXPECT_TRUE(contains(exporter.out, "dmsc_forwarder_forwarded_total{lcore=\"1\"} 70\n")) << exporter.out;
  EXPECT_EQ(forwarder_total(stats, dataplane::Counter::kForwarded), 70u) << "the segment's counters are never reset";

  // reload: the file gains a face and a route; the route added at run time goes (the running
  // configuration becomes the file's); the rest stays as it was.
  write_text(config_path, head + kBaseConfig + "face 5 ethernet p2 02:00:00:00:02:05\nroute /svc/reloaded 5\n");
  Ctl reload = ctl({"reload"});
  EXPECT_EQ(reload.status, 0) << reload.err;
  EXPECT_EQ(reload.out, "reload: 1 route added, 1 route removed, 1 face added\n");
  fib_json = ctl.json({"show", "fib"});
  EXPECT_EQ(fib_json["prefixes"].u64(), 4u);
  EXPECT_EQ(ctl.json({"fib", "lookup", "/svc/reloaded/x"})["next_hops"][0]["neighbour"].text, "02:00:00:00:02:05");
  EXPECT_EQ(ctl({"fib", "lookup", "/svc/runtime"}).status, 1);
  EXPECT_EQ(ctl.json({"reload", "forwarder"})["summary"].text, "nothing changed");
  const std::string fib_before = ctl({"show", "fib"}).out;

  // A file with a mistake, or with a change that needs a restart: refused, nothing changes.
  write_text(config_path, head + kBaseConfig + "route /svc/bad 77\n");
  reload = ctl({"reload"});
  EXPECT_EQ(reload.status, 4);
  EXPECT_TRUE(contains(reload.err, "reload refused, nothing applied: " + config_path + ":13: next hop '77': no face 77")) << reload.err;
  EXPECT_TRUE(ctl.json({"reload"}, 4).has("error"));
  write_text(config_path, head + "fib-capacity 5000\n" + kBaseConfig + "face 5 ethernet p2 02:00:00:00:02:05\nroute /svc/reloaded 5\nroute /svc/more 1\n");
  reload = ctl({"reload"});
  EXPECT_EQ(reload.status, 4);
  EXPECT_TRUE(contains(reload.err, "1 change needs a restart\n  fib-capacity 1048576 -> 5000 (needs a restart)\n")) << reload.err;
  const JsonValue refused = ctl.json({"reload"}, 4);
  EXPECT_EQ(refused["needs_restart"].size(), 1u);
  EXPECT_FALSE(refused["applied"].boolean);
  EXPECT_EQ(ctl({"show", "fib"}).out, fib_before) << "a refused reload changed the FIB";

  // SIGHUP does the same.
  write_text(config_path, head + kBaseConfig + "face 5 ethernet p2 02:00:00:00:02:05\nroute /svc/reloaded 5\nroute /svc/hup 1\n");
  kill(forwarder, SIGHUP);
  EXPECT_TRUE(wait_until([&] { return ctl({"fib", "lookup", "/svc/hup"}).status == 0; }, 10));

  // Daemons that are not there, and mistakes.
  std::this_thread::sleep_for(std::chrono::milliseconds(250));  // the segment's FIB figures: every 100 ms
  Ctl missing = ctl({"reload", "controld"});
  EXPECT_EQ(missing.status, 3);
  EXPECT_TRUE(contains(missing.err, "is dmsc-controld running?")) << missing.err;
  missing = ctl({"--forwarder-socket", scratch.file("nowhere.sock"), "show", "fib"});
  EXPECT_EQ(missing.status, 3);
  EXPECT_TRUE(contains(missing.err, "nowhere.sock: connect:")) << missing.err;
  EXPECT_TRUE(contains(missing.out, "FIB: 5 prefixes of 1048576")) << "the stats segment's summary: " << missing.out;
  EXPECT_EQ(ctl({"--forwarder-socket", scratch.file("nowhere.sock"), "route", "del", "/svc/a"}).status, 3);
  EXPECT_EQ(ctl({"--stats", "no-such-segment", "show", "stats"}).status, 3);
  EXPECT_EQ(ctl({"frobnicate"}).status, 2);
  EXPECT_EQ(ctl({"route"}).status, 2);
  EXPECT_TRUE(contains(ctl({"--help"}, false).out, "4 the daemon refused"));

  stop_on_exit.release();
  const dataplane::test::ForwarderRun run = dataplane::test::wait_forwarder(scratch, forwarder, true);
  ASSERT_EQ(run.exit_status, 0) << run.log;
  EXPECT_TRUE(contains(run.log, "dmsc-forwarder: reload: 1 route added, 1 route removed, 1 face added")) << run.log;
  EXPECT_TRUE(contains(run.log, "dmsc-forwarder: SIGHUP: reloading")) << run.log;
  EXPECT_EQ(access(socket.c_str(), F_OK), -1) << "the control socket stays after the forwarder";

  // Each flow left by the face `fib lookup ... flow KEY` named (the neighbour MAC's last octet
  // is the face's: 01:01 face 1, 01:02 face 2).
  auto reader = PcapReader::open(scratch.file("out1.pcap"));
  ASSERT_TRUE(reader.ok()) << reader.error();
  Bytes frame;
  std::size_t frames = 0;
  std::map<std::uint64_t, int> per_face;
  while (reader->next(frame)) {
    wire::FrameInfo info;
    wire::PacketHeader header;
    ASSERT_EQ(wire::classify_frame(frame.data(), frame.size(), wire::EncapConfig{}, info), wire::FrameClass::kDmsc);
    ASSERT_EQ(wire::parse_header(frame.data() + info.dmsc_offset, info.dmsc_length, header), wire::ParseError::kNone);
    const std::uint64_t face = frame[5];
    EXPECT_EQ(face, lookup_face[header.flow_key]) << "flow " << header.flow_key;
    ++per_face[face];
    ++frames;
  }
  EXPECT_EQ(frames, 64u);
  EXPECT_EQ(per_face.size(), 2u) << "both next hops carried flows";
}

// Traffic to /svc/keep is replayed without end while reloads add, change and remove other
// routes and faces (and change the face /svc/keep uses): not one packet of it is dropped.
TEST(DmscctlForwarder, ReloadsNeverDropPacketsOfRoutesTheyDoNotRemove) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (DPDK, /dev/shm)";
  ScratchDirectory scratch("dmscctl-reload");
  const std::string stats = "dmscctl-reload-" + std::to_string(getpid());
  const std::string socket = scratch.file("forwarder.sock");
  const std::string config_path = scratch.file("sr.conf");
  {
    auto writer = PcapWriter::open(scratch.file("in.pcap"));
    ASSERT_TRUE(writer.ok());
    std::mt19937 random(3);
    for (int i = 0; i < 256; ++i)
      writer->write(frame_to("/svc/keep/" + std::to_string(random() % 50), static_cast<std::uint32_t>(random())));
    ASSERT_TRUE(writer->close());
  }
  const std::string head = "stats " + stats + "\ncontrol-socket " + socket + "\n"
                           "port p0 net_pcap0 mac 02:00:00:00:00:10\nport p1 net_null0 mac 02:00:00:00:00:11\n";
  const std::vector<std::string> files = {
      "face 1 ethernet p1 02:00:00:00:01:01\nroute /svc/keep 1\n",
      "face 1 ethernet p1 02:00:00:00:01:01\nface 2 ethernet p1 02:00:00:00:01:02\nroute /svc/keep 1\nroute /other/1 2\n",
      "face 1 ethernet p1 02:00:00:00:01:01\nface 2 ethernet p1 02:00:00:00:01:22\nroute /svc/keep 1\nroute /other/1 2\n"
      "route /other/2 1:1 2:1\n",
      "face 1 ethernet p1 02:00:00:00:01:11 vlan 5\nface 2 ethernet p1 02:00:00:00:01:22\nroute /svc/keep 1\n"
      "route /other/2 1:1 2:1\nroute /other/3 2\n",
      "face 1 ethernet p1 02:00:00:00:01:11 vlan 5\nface 3 ethernet p1 02:00:00:00:01:03\nroute /svc/keep 1\nroute /other/3 3\n",
      "face 1 ethernet p1 02:00:00:00:01:01\nroute /svc/keep 1\n",
  };
  write_text(config_path, head + files[0]);
  const pid_t forwarder = dataplane::test::start_forwarder(
      scratch, {"net_pcap0,rx_pcap=" + scratch.file("in.pcap") + ",infinite_rx=1", "net_null0,no-rx=1"}, config_path, {});
  StopOnExit stop_on_exit(forwarder);
  const Dmscctl ctl(scratch, stats, socket);
  ASSERT_TRUE(wait_ready(ctl)) << read_text(scratch.file("forwarder.log"));
  ASSERT_TRUE(wait_until([&] { return forwarder_total(stats, dataplane::Counter::kForwarded) > 10000; }));
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 1; i < files.size(); ++i) {
      write_text(config_path, head + files[i]);
      const std::uint64_t before = forwarder_total(stats, dataplane::Counter::kForwarded);
      const Ctl reload = ctl({"reload"});
      ASSERT_EQ(reload.status, 0) << reload.out << reload.err;
      ASSERT_TRUE(contains(reload.out, "reload: ")) << reload.out;
      if (i == 2) {
        ASSERT_EQ(ctl({"route", "add", "/other/runtime", "1"}).status, 0);
      }
      ASSERT_TRUE(wait_until([&] { return forwarder_total(stats, dataplane::Counter::kForwarded) > before + 200000; }, 20))
          << "forwarding stalled after reload " << i;
      ASSERT_EQ(forwarder_total(stats, dataplane::Counter::kNoRoute), 0u) << "after reload " << i << ": " << reload.out;
      ASSERT_EQ(forwarder_total(stats, dataplane::Counter::kNoUsableNextHop), 0u) << "after reload " << i << ": " << reload.out;
    }
  }
  stop_on_exit.release();
  const dataplane::test::ForwarderRun run = dataplane::test::wait_forwarder(scratch, forwarder, true);
  ASSERT_EQ(run.exit_status, 0) << run.log;
  for (const char* drop : {"no_route", "no_usable_next_hop", "malformed", "tx_queue_full"})
    EXPECT_EQ(dataplane::test::json_number(run.report, drop), 0u) << drop << " in " << run.report;
  EXPECT_GT(dataplane::test::json_number(run.report, "forwarded").value_or(0), 30000u);
}

}  // namespace
}  // namespace dmsc::tools::test
