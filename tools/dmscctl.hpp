#pragma once
// dmscctl's parts (tools/README.md): the options every command sees, the exit codes, and the
// commands, by where their figures come from.

#include <string>
#include <vector>

namespace dmsc::tools::ctl {

// Stable: scripts test them. Also in the usage text and tools/README.md.
enum Exit : int {
  kOk = 0,
  kNoRoute = 1,      // fib lookup: no entry matches the name
  kUsage = 2,        // bad usage, or a name, prefix, face or flow key that does not parse
  kUnreachable = 3,  // a daemon's socket or the stats segment cannot be reached
  kRefused = 4,      // the daemon refused the command (its reason is printed)
};

struct Options {
  bool json = false;
  std::string controld_socket = "/run/dmsc-controld.sock";
  std::string forwarder_socket;  // empty: the one that goes with --stats, /run/<stats>.sock
  std::string stats = "dmsc-forwarder";
  double interval = 0;
  std::vector<std::string> words;
};

std::string forwarder_socket(const Options& o);

// From the forwarder's stats segment (dmscctl_stats.cpp): read-only, never disturbs forwarding.
int show_stats(const Options& o);
int show_ports(const Options& o);
int show_fib_summary(const Options& o);

// From the daemons' sockets (dmscctl_daemons.cpp).
int ask_controld(const Options& o, std::string command);
int show_fib(const Options& o, const std::string& prefix);
int fib_lookup(const Options& o, const std::string& name, const std::string& flow_key);
int show_config(const Options& o, const std::string& which);
int route_add(const Options& o, const std::vector<std::string>& words);
int route_del(const Options& o, const std::string& prefix);
int clear_stats(const Options& o);
int reload(const Options& o, const std::string& which);

}  // namespace dmsc::tools::ctl
