// dmsc-controld: the SR box's IS-IS control daemon (control/README.md).
//   dmsc-controld --config FILE [--socket PATH] [--log-level debug|info|warning|error]
//   dmsc-controld show COMMAND [json] [--socket PATH]      (a client of the local API)
//   dmsc-controld reload [json] [--socket PATH]            (the same as SIGHUP, with its outcome)
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "config/controld_yang.hpp"
#include "control/api_client.hpp"
#include "control/daemon.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;
volatile std::sig_atomic_t reload_requested = 0;
void on_signal(int) { stop_requested = 1; }
void on_hangup(int) { reload_requested = 1; }

constexpr const char* kDefaultSocket = "/run/dmsc-controld.sock";

const char* kUsage =
    "usage: dmsc-controld --config FILE(.json: YANG, module dmsc-controld) [--socket PATH] [--log-level debug|info|warning|error]\n"
    "       dmsc-controld show adjacencies|lsdb|lsdb detail|rib|spf-log|counters|config [json] [--socket PATH]\n"
    "       dmsc-controld reload [json] [--socket PATH]   (exit 1 when the file is refused)\n";

int show(const std::string& command, const std::string& path) {
  const auto answer = dmsc::control::ask_controld(path, command);
  if (!answer) {
    std::fprintf(stderr, "dmsc-controld show: %s (is it running?)\n", answer.error().c_str());
    return 3;
  }
  std::fwrite(answer->data(), 1, answer->size(), stdout);
  if (answer->rfind("unknown command", 0) == 0) return 2;
  const bool refused = answer->rfind("reload refused", 0) == 0 || answer->rfind("{\"result\":\"refused\"", 0) == 0;
  return refused ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dmsc::control;
  std::string config_path, socket_path = kDefaultSocket, log_level = "info";
  std::string show_command;
  // `reload` is a command of the API as the show commands are, not a view: its own verb.
  const bool reloading = argc > 1 && std::strcmp(argv[1], "reload") == 0;
  const bool showing = reloading || (argc > 1 && std::strcmp(argv[1], "show") == 0);
  if (reloading) show_command = "reload";
  for (int i = showing ? 2 : 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--config" && has_value) config_path = argv[++i];
    else if (arg == "--socket" && has_value) socket_path = argv[++i];
    else if (arg == "--log-level" && has_value) log_level = argv[++i];
    else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (showing) show_command += (show_command.empty() ? "" : " ") + arg;
    else {
      std::fprintf(stderr, "dmsc-controld: unexpected argument '%s'\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  if (showing) return show(show_command, socket_path);
  if (config_path.empty()) {
    std::fprintf(stderr, "dmsc-controld: --config is required\n%s", kUsage);
    return 2;
  }
  DaemonOptions options;
  options.api_socket = socket_path;
  if (log_level == "debug") options.log_level = LogLevel::kDebug;
  else if (log_level == "info") options.log_level = LogLevel::kInfo;
  else if (log_level == "warning") options.log_level = LogLevel::kWarning;
  else if (log_level == "error") options.log_level = LogLevel::kError;
  else {
    std::fprintf(stderr, "dmsc-controld: bad --log-level '%s'\n", log_level.c_str());
    return 2;
  }
  // YANG JSON (module dmsc-controld, validated by libyang) or the line-oriented file.
  const bool json = config_path.size() > 5 && config_path.compare(config_path.size() - 5, 5, ".json") == 0;
  const auto load = [json](const std::string& path) {
    return json ? dmsc::config::load_controld_json(path) : load_daemon_config(path);
  };
  auto config = load(config_path);
  if (!config) {
    std::fprintf(stderr, "dmsc-controld: %s\n", config.error().c_str());
    return 2;
  }
  auto daemon = Daemon::create(std::move(*config), options);
  if (!daemon) {
    std::fprintf(stderr, "dmsc-controld: %s\n", daemon.error().c_str());
    return 1;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGHUP, on_hangup);
  (*daemon)->set_reload([&load, config_path] { return load(config_path); }, &reload_requested);
  std::signal(SIGPIPE, SIG_IGN);
  return (*daemon)->run(stop_requested);
}
