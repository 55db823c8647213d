// dmsc-forwarder: the SR box's DPDK poll-mode forwarder.
//   dmsc-forwarder [EAL options] -- --config FILE [--exit-when-idle SECONDS] [--duration SECONDS]
//                                   [--report FILE]
// The first EAL lcore runs the service loop (punt/inject, FIB updates, stats, the control
// socket); every other lcore forwards. SIGHUP reloads the configuration file (what changed of
// static routes and faces; dataplane/README.md, "Reload"). At exit the counters are printed as
// one JSON object (or written to --report).

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <rte_eal.h>
#include <rte_errno.h>

#include "config/forwarder_yang.hpp"
#include "dataplane/forwarder.hpp"
#include "dataplane/stats_format.hpp"

namespace {

std::atomic<bool> stop_requested{false};
std::atomic<bool> reload_requested{false};

void on_signal(int) { stop_requested.store(true); }
void on_hangup(int) { reload_requested.store(true); }

int usage(const char* why) {
  std::fprintf(stderr,
               "dmsc-forwarder: %s\n"
               "usage: dmsc-forwarder [EAL options] -- --config FILE [--exit-when-idle SECONDS] "
               "[--duration SECONDS] [--report FILE]\n"
               "  e.g. dmsc-forwarder -l 0,1 --no-huge -m 1024 --no-pci -- --config sr.conf\n",
               why);
  return 2;
}

bool parse_seconds(const char* text, double& out) {
  char* end = nullptr;
  out = std::strtod(text, &end);
  return end != text && *end == '\0' && out >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int eal_arguments = rte_eal_init(argc, argv);
  if (eal_arguments < 0) {
    std::fprintf(stderr, "dmsc-forwarder: EAL initialization failed: %s (check the EAL options before '--')\n",
                 rte_strerror(rte_errno));
    return 1;
  }
  argc -= eal_arguments;
  argv += eal_arguments;

  std::string config_path, report_path;
  dmsc::dataplane::RunOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string option = argv[i];
    if (i + 1 >= argc) return usage(("option " + option + " needs a value").c_str());
    const char* value = argv[++i];
    if (option == "--config") {
      config_path = value;
    } else if (option == "--report") {
      report_path = value;
    } else if (option == "--exit-when-idle") {
      if (!parse_seconds(value, options.exit_when_idle_seconds)) return usage("--exit-when-idle takes seconds");
    } else if (option == "--duration") {
      if (!parse_seconds(value, options.duration_seconds)) return usage("--duration takes seconds");
    } else {
      return usage(("unknown option " + option).c_str());
    }
  }
  if (config_path.empty()) return usage("--config is required");

  // YANG JSON (module dmsc-forwarder, validated by libyang) or the line-oriented file.
  const bool json = config_path.size() > 5 && config_path.compare(config_path.size() - 5, 5, ".json") == 0;
  // Reload reads the file the same way (in a helper thread of the service loop).
  const auto load = [json, config_path]() -> dmsc::Expected<dmsc::dataplane::ForwarderConfig> {
    return json ? dmsc::config::load_forwarder_json(config_path) : dmsc::dataplane::load_forwarder_config(config_path);
  };
  auto config = load();
  if (!config) {
    std::fprintf(stderr, "dmsc-forwarder: %s\n", config.error().c_str());
    rte_eal_cleanup();
    return 1;
  }
  int status = 0;
  {
    auto forwarder = dmsc::dataplane::Forwarder::create(*config);
    if (!forwarder) {
      std::fprintf(stderr, "dmsc-forwarder: %s\n", forwarder.error().c_str());
      rte_eal_cleanup();
      return 1;
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    struct sigaction hangup {};
    hangup.sa_handler = on_hangup;
    hangup.sa_flags = SA_RESTART;
    sigaction(SIGHUP, &hangup, nullptr);
    options.reload_requested = &reload_requested;
    options.load_config = load;
    options.config_origin = config_path;
    std::fprintf(stderr,
                 "dmsc-forwarder: forwarding (%zu ports, %zu static routes, %s code), control socket %s; "
                 "SIGINT or SIGTERM stops, SIGHUP reloads\n",
                 config->ports.size(), config->routes.size(), (*forwarder)->forwarding_code(),
                 (*forwarder)->control_socket().c_str());
    if (auto run = (*forwarder)->run(stop_requested, options); !run) {
      std::fprintf(stderr, "dmsc-forwarder: %s\n", run.error().c_str());
      status = 1;
    }
    const std::string report = dmsc::dataplane::format_stats_json((*forwarder)->stats());
    if (report_path.empty()) {
      std::printf("%s\n", report.c_str());
    } else if (FILE* file = std::fopen(report_path.c_str(), "w")) {
      std::fprintf(file, "%s\n", report.c_str());
      std::fclose(file);
    } else {
      std::fprintf(stderr, "dmsc-forwarder: cannot write %s: %s\n", report_path.c_str(), std::strerror(errno));
      status = 1;
    }
  }
  rte_eal_cleanup();
  return status;
}
