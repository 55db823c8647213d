// dmscctl: the operator's CLI of an SR box (tools/README.md). It reads the forwarder's counters
// from its shared-memory stats segment (never disturbing forwarding), asks the forwarder over
// its control socket (FIB, lookups, configuration, static routes, clear stats, reload) and
// dmsc-controld over its local API socket. Every command takes --json.
//
// Exit codes (stable; also in the usage text and tools/README.md): 0 done, 1 `fib lookup` found
// no route, 2 bad usage or a name/prefix/next hop that does not parse, 3 a daemon or the stats
// segment cannot be reached, 4 the daemon refused the command (its reason is printed).
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "tools/dmscctl.hpp"

namespace {

using namespace dmsc::tools::ctl;

const char* kUsageText =
    "usage: dmscctl [--json] [--controld-socket PATH] [--forwarder-socket PATH] [--stats NAME] COMMAND\n"
    "  from dmsc-controld (--controld-socket, default /run/dmsc-controld.sock):\n"
    "    show adjacencies | show lsdb [detail] | show rib | show spf-log | show routing-counters\n"
    "  from the forwarder's stats segment (--stats, default dmsc-forwarder; counters since clear stats):\n"
    "    show stats [--interval S]       totals (and rates over S seconds), drops by reason, per lcore\n"
    "    show ports                      link, packets, bytes, errors\n"
    "  from the forwarder's control socket (--forwarder-socket, default /run/<stats>.sock, so\n"
    "  /run/dmsc-forwarder.sock; root only):\n"
    "    show fib [PREFIX]               summary and entries (at or under PREFIX); without the\n"
    "                                    socket, the summary from the stats segment (and exit 3)\n"
    "    fib lookup NAME [flow KEY]      the longest-prefix match, and the next hop of flow KEY\n"
    "    route add PREFIX FACE[:WEIGHT] ...   a static route (wins over dmsc-controld's)\n"
    "    route del PREFIX                removes it (dmsc-controld's route comes back)\n"
    "    clear stats                     show stats|ports count from now on\n"
    "  both:\n"
    "    show config [forwarder|controld]   the running configurations (default: both)\n"
    "    reload [forwarder|controld]     re-read the configuration file (default: the forwarder)\n"
    "exit: 0 done, 1 fib lookup found no route, 2 bad usage or a name/prefix/next hop that does not\n"
    "      parse, 3 a daemon or the stats segment cannot be reached, 4 the daemon refused (why is printed)\n";

int usage_error(const Options& o) {
  std::string given;
  for (const auto& w : o.words) given += (given.empty() ? "" : " ") + w;
  std::fprintf(stderr, "dmscctl: unknown command '%s'\n%s", given.c_str(), kUsageText);
  return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--json") o.json = true;
    else if (arg == "--controld-socket" && has_value) o.controld_socket = argv[++i];
    else if (arg == "--forwarder-socket" && has_value) o.forwarder_socket = argv[++i];
    else if (arg == "--stats" && has_value) o.stats = argv[++i];
    else if (arg == "--interval" && has_value) o.interval = std::atof(argv[++i]);
    else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsageText, stdout);
      return kOk;
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "dmscctl: unknown option '%s' (or it needs a value)\n%s", arg.c_str(), kUsageText);
      return kUsage;
    } else o.words.push_back(arg);
  }
  const std::vector<std::string>& w = o.words;
  const auto is = [&](std::initializer_list<const char*> words) {
    if (w.size() < words.size()) return false;
    std::size_t i = 0;
    for (const char* word : words)
      if (w[i++] != word) return false;
    return true;
  };
  const auto arg = [&](std::size_t i) { return i < w.size() ? w[i] : std::string(); };
  if (is({"show", "adjacencies"}) && w.size() == 2) return ask_controld(o, "adjacencies");
  if (is({"show", "lsdb"}) && w.size() == 2) return ask_controld(o, "lsdb");
  if (is({"show", "lsdb", "detail"}) && w.size() == 3) return ask_controld(o, "lsdb detail");
  if (is({"show", "rib"}) && w.size() == 2) return ask_controld(o, "rib");
  if (is({"show", "spf-log"}) && w.size() == 2) return ask_controld(o, "spf-log");
  if (is({"show", "routing-counters"}) && w.size() == 2) return ask_controld(o, "counters");
  if (is({"show", "stats"}) && w.size() == 2) return show_stats(o);
  if (is({"show", "ports"}) && w.size() == 2) return show_ports(o);
  if (is({"show", "fib"}) && w.size() <= 3) return show_fib(o, arg(2));
  if (is({"fib", "lookup"}) && w.size() == 3) return fib_lookup(o, w[2], "");
  if (is({"fib", "lookup"}) && w.size() == 5 && w[3] == "flow") return fib_lookup(o, w[2], w[4]);
  if (is({"show", "config"}) && w.size() <= 3 && (w.size() == 2 || w[2] == "forwarder" || w[2] == "controld"))
    return show_config(o, arg(2));
  if (is({"route", "add"}) && w.size() >= 4) return route_add(o, {w.begin() + 2, w.end()});
  if (is({"route", "del"}) && w.size() == 3) return route_del(o, w[2]);
  if (is({"clear", "stats"}) && w.size() == 2) return clear_stats(o);
  if (is({"reload"}) && (w.size() == 1 || (w.size() == 2 && (w[1] == "forwarder" || w[1] == "controld"))))
    return reload(o, arg(1));
  return usage_error(o);
}
