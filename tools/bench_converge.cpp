// Routing convergence of SR boxes (dmsc-forwarder + dmsc-controld) next to FRR, in network
// namespaces: from a link going down to the far forwarder's FIB changing.
//
//   bench_converge [--repetitions N] [--modes carrier,tap,hold] [--hello S] [--hello-multiplier N]
//                  [--spf-delay S] [--lsp-gen-interval S]
//     builds the lab of tests/interop/sr_lab.sh through tools/bench_converge.sh (which calls
//     back "bench_converge measure" for each mode) and prints the JSON line.
//   bench_converge measure --netns NS --interface IF --channel SHM --api SOCKET --prefix NAME
//                  [--mode LABEL] [--repetitions N] [--poll-us U] [--down-for S] [--settle S]
//                  [--timeout S]
//     the timing loop on a running lab: sets IF of namespace NS down (one ioctl, timed), polls
//     the far forwarder's FIB update channel until its consumer applied a change, sets IF up,
//     waits until the far daemon's route to NAME is back to what it was, repeats.
//
// "FIB changed" is read from the channel segment's consumer counters (routes + deletes
// applied to the forwarder's fib::Table, fib/CHANNEL.md), polled every --poll-us; the producer
// counters in the same segment say when dmsc-controld pushed the change. The link is flipped
// with SIOCSIFFLAGS on a socket created inside the namespace, so no process start sits between
// the timestamp and the event. Human-readable lines go to stderr; the last stdout line is JSON.
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "control/api_client.hpp"
#include "fib/channel_segment.hpp"
#include "tools/bench_common.hpp"

namespace dmsc::tools {
namespace {

constexpr const char* kUsage =
    "usage: bench_converge [--repetitions N] [--modes carrier,tap,hold] [--hello S] [--hello-multiplier N]\n"
    "                      [--spf-delay S] [--lsp-gen-interval S]\n"
    "       bench_converge measure --netns NS --interface IF --channel SHM --api SOCKET --prefix NAME\n"
    "                      [--mode LABEL] [--repetitions N] [--poll-us U] [--down-for S] [--settle S] [--timeout S]\n"
    "  modes: carrier  the far end of an SR's link to FRR goes down: FRR sees the carrier loss\n"
    "         tap      an SR's punt TAP goes down: its dmsc-controld sees the interface go down\n"
    "                  (what a forwarder mirroring port carrier onto the TAP would give)\n"
    "         hold     an SR-SR link goes down: no carrier reaches either daemon, hold time\n";

std::map<std::string, std::string> parse_options(int argc, char** argv, int first) {
  std::map<std::string, std::string> options;
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stderr);
      std::exit(0);
    }
    if (arg.rfind("--", 0) != 0 || i + 1 >= argc) {
      std::fprintf(stderr, "bench_converge: bad option '%s'\n%s", arg.c_str(), kUsage);
      std::exit(2);
    }
    options[arg] = argv[++i];
  }
  return options;
}

// A socket in the lab's namespace: SIOCSIFFLAGS on it acts there.
class LinkSwitch {
 public:
  static std::optional<LinkSwitch> open(const std::string& netns, const std::string& interface) {
    const int home = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (home < 0 || target < 0 || setns(target, CLONE_NEWNET) != 0) {
      std::fprintf(stderr, "bench_converge: cannot enter namespace %s: %s\n", netns.c_str(), std::strerror(errno));
      return std::nullopt;
    }
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (setns(home, CLONE_NEWNET) != 0) std::abort();  // the rest of the program must not run in there
    close(home);
    close(target);
    if (fd < 0) return std::nullopt;
    return LinkSwitch(fd, interface);
  }
  bool set(bool up) const {
    ifreq request{};
    std::snprintf(request.ifr_name, IFNAMSIZ, "%s", interface_.c_str());
    if (ioctl(fd_, SIOCGIFFLAGS, &request) != 0) return false;
    request.ifr_flags = static_cast<short>(up ? request.ifr_flags | IFF_UP : request.ifr_flags & ~IFF_UP);
    return ioctl(fd_, SIOCSIFFLAGS, &request) == 0;
  }

 private:
  LinkSwitch(int fd, std::string interface) : fd_(fd), interface_(std::move(interface)) {}
  int fd_;
  std::string interface_;
};

// The daemon's answer to one API command ("rib json"), empty if it does not answer.
std::string ask_daemon(const std::string& socket_path, const std::string& command) {
  const auto answer = dmsc::control::ask_controld(socket_path, command);
  return answer ? *answer : std::string();
}

// The JSON object of `prefix` in a "rib json" answer (prefix, cost, next hops, originators), or
// "" when the RIB has no such route.
std::string route_of(const std::string& rib, const std::string& prefix) {
  const std::size_t key = rib.find("\"prefix\":\"" + prefix + "\"");
  if (key == std::string::npos) return "";
  const std::size_t start = rib.rfind('{', key);
  int depth = 0;
  for (std::size_t i = start; i < rib.size(); ++i) {
    if (rib[i] == '{') ++depth;
    if (rib[i] == '}' && --depth == 0) return rib.substr(start, i + 1 - start);
  }
  return "";
}

struct ChannelSample {
  std::uint64_t pushed = 0;   // producer: routes + deletes written by dmsc-controld
  std::uint64_t applied = 0;  // consumer: routes + deletes applied to the forwarder's FIB
  std::uint64_t deletes = 0;
};

ChannelSample sample(const fib::channel::Segment& segment) {
  const fib::ChannelCounters c = segment.counters();
  return {c.of(fib::ProducerCounter::kRoutes) + c.of(fib::ProducerCounter::kDeletes),
          c.of(fib::ConsumerCounter::kRoutes) + c.of(fib::ConsumerCounter::kDeletes), c.of(fib::ConsumerCounter::kDeletes)};
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string json_list(const std::vector<double>& values) {
  std::string out = "[";
  char number[32];
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::snprintf(number, sizeof number, "%s%.1f", i ? "," : "", values[i]);
    out += number;
  }
  return out + "]";
}

// UTC time of day with milliseconds, as dmsc-controld and FRR stamp their logs.
std::string wall_clock() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const long millis = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03ldZ", tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return text;
}

struct MeasureOptions {
  std::string mode, netns, interface, channel, api, prefix;
  int repetitions = 5;
  double poll_seconds = 200e-6, down_for = 1.0, settle = 1.0, timeout = 30;
};

// Waits until the daemon's route to the prefix is `baseline` and neither side of the channel
// moved for `settle` seconds.
bool wait_for_baseline(const MeasureOptions& o, const fib::channel::Segment& segment, const std::string& baseline) {
  const double deadline = now_seconds() + o.timeout;
  ChannelSample last = sample(segment);
  double quiet_since = now_seconds();
  while (now_seconds() < deadline) {
    const ChannelSample current = sample(segment);
    if (current.pushed != last.pushed || current.applied != last.applied) last = current, quiet_since = now_seconds();
    if (now_seconds() - quiet_since >= o.settle && route_of(ask_daemon(o.api, "rib json"), o.prefix) == baseline) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Polls until the consumer applied something beyond `before`; returns seconds since `start`.
std::optional<double> wait_for_fib_change(const MeasureOptions& o, const fib::channel::Segment& segment,
                                          const ChannelSample& before, double start, double* pushed_at,
                                          bool* was_delete) {
  const auto poll = std::chrono::duration<double>(o.poll_seconds);
  for (;;) {
    const ChannelSample current = sample(segment);
    const double t = now_seconds();
    if (pushed_at && *pushed_at < 0 && current.pushed != before.pushed) *pushed_at = t - start;
    if (current.applied != before.applied) {
      if (was_delete) *was_delete = current.deletes != before.deletes;
      return t - start;
    }
    if (t - start > o.timeout) return std::nullopt;
    std::this_thread::sleep_for(poll);
  }
}

int measure(int argc, char** argv) {
  auto options = parse_options(argc, argv, 2);
  auto take = [&](const char* name, const std::string& fallback) {
    auto found = options.find(name);
    if (found == options.end()) return fallback;
    std::string value = found->second;
    options.erase(found);
    return value;
  };
  MeasureOptions o;
  o.netns = take("--netns", "");
  o.interface = take("--interface", "");
  o.channel = take("--channel", "");
  o.api = take("--api", "");
  o.prefix = take("--prefix", "");
  o.mode = take("--mode", "link");
  o.repetitions = std::stoi(take("--repetitions", "5"));
  o.poll_seconds = std::stod(take("--poll-us", "200")) * 1e-6;
  o.down_for = std::stod(take("--down-for", "1"));
  o.settle = std::stod(take("--settle", "1"));
  o.timeout = std::stod(take("--timeout", "30"));
  if (!options.empty() || o.netns.empty() || o.interface.empty() || o.channel.empty() || o.api.empty() ||
      o.prefix.empty() || o.repetitions < 1) {
    std::fprintf(stderr, "bench_converge measure: missing or unknown options\n%s", kUsage);
    return 2;
  }
  auto link = LinkSwitch::open(o.netns, o.interface);
  if (!link) return 1;
  fib::ChannelConfig config;
  config.shm_name = o.channel;
  auto segment = fib::channel::Segment::attach(config, fib::channel::Role::kObserver);
  if (!segment) {
    std::fprintf(stderr, "bench_converge: channel %s: %s\n", o.channel.c_str(), segment.error().c_str());
    return 1;
  }
  const std::string baseline = route_of(ask_daemon(o.api, "rib json"), o.prefix);
  if (baseline.empty()) {
    std::fprintf(stderr, "bench_converge: the daemon at %s has no route to %s to start from\n", o.api.c_str(), o.prefix.c_str());
    return 1;
  }
  std::vector<double> converge, pushed, restore;
  std::size_t deletes = 0;
  for (int r = 0; r < o.repetitions; ++r) {
    if (!wait_for_baseline(o, *segment, baseline)) {
      std::fprintf(stderr, "bench_converge: %s: route to %s not back to %s within %.0f s\n", o.mode.c_str(),
                   o.prefix.c_str(), baseline.c_str(), o.timeout);
      link->set(true);
      return 1;
    }
    const ChannelSample before = sample(*segment);
    const std::string wall = wall_clock();  // to find the event in the daemons' logs
    const double down_at = now_seconds();
    if (!link->set(false)) {
      std::fprintf(stderr, "bench_converge: cannot set %s down: %s\n", o.interface.c_str(), std::strerror(errno));
      return 1;
    }
    double pushed_at = -1;
    bool was_delete = false;
    const auto changed = wait_for_fib_change(o, *segment, before, down_at, &pushed_at, &was_delete);
    if (!changed) {
      std::fprintf(stderr, "bench_converge: %s: no FIB change within %.0f s of %s going down\n", o.mode.c_str(),
                   o.timeout, o.interface.c_str());
      link->set(true);
      return 1;
    }
    converge.push_back(*changed * 1e3);
    pushed.push_back(pushed_at * 1e3);
    deletes += was_delete;
    std::this_thread::sleep_for(std::chrono::duration<double>(o.down_for));
    const ChannelSample down_state = sample(*segment);
    const double up_at = now_seconds();
    link->set(true);
    const auto restored = wait_for_fib_change(o, *segment, down_state, up_at, nullptr, nullptr);
    restore.push_back(restored ? *restored * 1e3 : -1);
    std::fprintf(stderr, "bench_converge: %s %d/%d: FIB changed (%s) %.1f ms after %s went down at %s (pushed by the daemon at %.1f ms); back %.1f ms after up\n",
                 o.mode.c_str(), r + 1, o.repetitions, was_delete ? "delete" : "route", converge.back(),
                 o.interface.c_str(), wall.c_str(), pushed.back(), restore.back());
  }
  if (!wait_for_baseline(o, *segment, baseline)) std::fprintf(stderr, "bench_converge: warning: the lab did not return to its baseline\n");
  std::printf(
      "{\"mode\":\"%s\",\"repetitions\":%d,\"converge_ms\":%.1f,\"converge_min_ms\":%.1f,\"converge_max_ms\":%.1f,"
      "\"converge_samples_ms\":%s,\"pushed_ms\":%.1f,\"restore_ms\":%.1f,\"restore_samples_ms\":%s,\"fib_change\":\"%s\","
      "\"poll_us\":%.0f,\"flipped\":\"%s:%s\"}\n",
      o.mode.c_str(), o.repetitions, median(converge), *std::min_element(converge.begin(), converge.end()),
      *std::max_element(converge.begin(), converge.end()), json_list(converge).c_str(), median(pushed), median(restore),
      json_list(restore).c_str(), deletes == converge.size() ? "delete" : deletes == 0 ? "route" : "mixed",
      o.poll_seconds * 1e6, json_escape(o.netns).c_str(), json_escape(o.interface).c_str());
  return 0;
}

// The lab itself is bash (tests/interop/sr_lab.sh on frr_lab.sh): namespaces, FRR, cleanup.
int run_lab(int argc, char** argv) {
  const char* forwarder = std::getenv("DMSC_FORWARDER_BINARY");
  const char* controld = std::getenv("DMSC_CONTROLD_BINARY");
  std::string self(4096, '\0');
  const ssize_t length = readlink("/proc/self/exe", self.data(), self.size() - 1);
  self.resize(length > 0 ? static_cast<std::size_t>(length) : 0);
  std::vector<std::string> args = {"/bin/bash", DMSC_SOURCE_DIR "/tools/bench_converge.sh", self,
                                   controld ? controld : DMSC_CONTROLD_BINARY, forwarder ? forwarder : DMSC_FORWARDER_BINARY};
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  std::vector<char*> pointers;
  for (std::string& arg : args) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  execv(pointers[0], pointers.data());
  std::fprintf(stderr, "bench_converge: cannot run %s: %s\n", args[1].c_str(), std::strerror(errno));
  return 1;
}

}  // namespace
}  // namespace dmsc::tools

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "measure") == 0) return dmsc::tools::measure(argc, argv);
  return dmsc::tools::run_lab(argc, argv);
}
