// dmsc-fib-demo: the FIB walkthrough. A producer process (standing in for the control daemon)
// sends the routes of a file through the shared-memory update channel; this process (standing
// in for the forwarder) applies them to a fib::Table and looks names up.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fib/channel_segment.hpp"
#include "fib/channel_table_sink.hpp"
#include "fib/table.hpp"
#include "fib/update_channel.hpp"
#include "tools/bench_common.hpp"

using namespace dmsc;

namespace {

const char* kUsage =
    "usage: dmsc-fib-demo --routes FILE [--names FILE] [--flow-key N] [NAME...]\n"
    "  routes: one '<prefix> <face>[:<weight>] ...' per line, '#' starts a comment\n";

struct Route {
  fib::Name prefix;
  fib::NextHopSet next_hops;
};

Expected<std::vector<Route>> read_routes(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Error{path + ": cannot open"};
  std::vector<Route> routes;
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string prefix_text, hop_text;
    if (!(words >> prefix_text)) continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    auto prefix = fib::Name::parse(prefix_text);
    if (!prefix) return Error{where + prefix.error()};
    Route route{*prefix, {}};
    while (words >> hop_text) {
      if (route.next_hops.count == fib::kMaxNextHops)
        return Error{where + "more than " + std::to_string(fib::kMaxNextHops) + " next hops"};
      unsigned long face = 0, weight = 1;
      char colon = 0;
      std::istringstream hop(hop_text);
      if (!(hop >> face) || (hop >> colon && (colon != ':' || !(hop >> weight))) || !hop.eof())
        return Error{where + "bad next hop '" + hop_text + "', expected FACE or FACE:WEIGHT"};
      route.next_hops.hops[route.next_hops.count++] = {static_cast<fib::FaceId>(face),
                                                       static_cast<std::uint32_t>(weight)};
    }
    if (auto valid = fib::validate(route.next_hops); !valid)
      return Error{where + valid.error()};
    routes.push_back(route);
  }
  return routes;
}

// The child: announce every route, then stay until the consumer has read everything.
[[noreturn]] void run_producer(const fib::ChannelConfig& config, const std::vector<Route>& routes) {
  auto producer = fib::RouteSyncProducer::create(config);
  if (!producer) {
    std::fprintf(stderr, "producer: %s\n", producer.error().c_str());
    _exit(1);
  }
  for (const Route& route : routes) (void)(*producer)->set_route(route.prefix, route.next_hops);
  (*producer)->start();
  const double deadline = tools::now_seconds() + 10;
  while (tools::now_seconds() < deadline) {
    (*producer)->poll();
    const fib::ChannelCounters counters = (*producer)->counters();
    if ((*producer)->idle() && counters.tail == counters.head) _exit(0);
    usleep(1000);
  }
  std::fprintf(stderr, "producer: the consumer did not read the routes within 10 s\n");
  _exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string routes_path, names_path;
  std::uint64_t flow_key = 0x5eed;
  std::vector<std::string> name_texts;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--routes" || arg == "--names" || arg == "--flow-key") && i + 1 < argc) {
      const std::string value = argv[++i];
      if (arg == "--routes") routes_path = value;
      else if (arg == "--names") names_path = value;
      else flow_key = std::stoull(value, nullptr, 0);
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "%s", kUsage);
      return 2;
    } else {
      name_texts.push_back(arg);
    }
  }
  if (routes_path.empty()) {
    std::fprintf(stderr, "%s", kUsage);
    return 2;
  }
  if (!names_path.empty()) {
    std::ifstream names(names_path);
    if (!names) {
      std::fprintf(stderr, "error: %s: cannot open\n", names_path.c_str());
      return 1;
    }
    for (std::string line; std::getline(names, line);)
      if (!line.empty() && line[0] != '#') name_texts.push_back(line);
  }
  auto routes = read_routes(routes_path);
  if (!routes) {
    std::fprintf(stderr, "error: %s\n", routes.error().c_str());
    return 1;
  }

  const fib::ChannelConfig config{.shm_name = "/dmsc-fib-demo-" + std::to_string(getpid()),
                                  .slot_count = 256};
  auto qsbr = std::move(*fib::Qsbr::create(1));
  auto table = std::move(*fib::Table::create({.capacity = 1024}, *qsbr));
  fib::TableSink sink(*table);
  auto consumer = fib::FibUpdateConsumer::create(config);  // first: it asks for a resync
  if (!consumer) {
    std::fprintf(stderr, "error: %s\n", consumer.error().c_str());
    return 1;
  }
  const pid_t producer = fork();
  if (producer == 0) run_producer(config, *routes);
  int status = 0;
  bool producer_done = false;
  const double deadline = tools::now_seconds() + 15;
  while (!(producer_done && (*consumer)->state() == fib::ConsumerState::kSynced &&
           (*consumer)->poll(sink, 1024) == 0)) {
    (*consumer)->poll(sink, 1024);
    if (!producer_done && waitpid(producer, &status, WNOHANG) == producer) producer_done = true;
    if (tools::now_seconds() > deadline) {
      std::fprintf(stderr, "error: routes did not arrive within 15 s\n");
      return 1;
    }
    usleep(500);
  }
  const fib::ChannelCounters counters = (*consumer)->counters();
  (void)fib::remove_channel(config.shm_name);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "error: the producer process failed\n");
    return 1;
  }
  const fib::TableStats stats = table->stats();
  std::printf("FIB loaded from %s by producer process %d over shm %s: %llu messages, epoch %llu\n",
              routes_path.c_str(), producer, config.shm_name.c_str(),
              static_cast<unsigned long long>(counters.tail),
              static_cast<unsigned long long>(counters.producer_epoch));
  std::printf("  %zu prefixes, %zu next-hop groups\n\n", stats.prefixes, stats.next_hop_groups);

  std::printf("%-40s %-26s %s\n", "name", "longest matching prefix", "next hop for flow key");
  for (const std::string& text : name_texts) {
    auto name = fib::Name::parse(text);
    if (!name) {
      std::printf("%-40s error: %s\n", text.c_str(), name.error().c_str());
      continue;
    }
    const fib::LookupResult result = table->lookup(name->view());
    if (result.group == nullptr) {
      std::printf("%-40s %-26s %s\n", text.c_str(), "(none)", "drop: no route");
      continue;
    }
    const fib::NextHop& hop = result.group->pick(flow_key);
    std::printf("%-40s %-26s face %u  (group: %s)\n", text.c_str(),
                name->prefix(result.matched_depth).to_string().c_str(), hop.face,
                result.group->set.to_string().c_str());
  }
  return 0;
}
