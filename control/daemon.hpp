#pragma once
// The control daemon around the protocol core: packet sockets per circuit, the clock, the FIB
// push to the forwarder over the shm channel, the sequence number state file and the local
// API socket. One thread; run() returns when `stop` becomes non-zero.

#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/daemon_config.hpp"
#include "control/instance.hpp"
#include "control/packet_io.hpp"
#include "control/reload.hpp"
#include "fib/update_channel.hpp"

namespace dmsc::control {

struct DaemonOptions {
  std::string api_socket;  // UNIX socket path of the local API (empty: none)
  LogLevel log_level = LogLevel::kInfo;
};

class Daemon final : public CoreOutput {
 public:
  static Expected<std::unique_ptr<Daemon>> create(DaemonConfig config, DaemonOptions options);
  ~Daemon() override;
  int run(volatile std::sig_atomic_t& stop);
  // SIGHUP: `reload` reads the configuration again; see reload().
  void set_reload(std::function<Expected<DaemonConfig>()> reload, volatile std::sig_atomic_t* requested) {
    reload_ = std::move(reload);
    reload_requested_ = requested;
  }

  // The local API: one command line in, one answer out (serve_api() on the event loop; tests
  // call it without a socket). The commands of show.hpp, and
  //   config [json]  the running configuration (daemon_config.hpp's format or YANG JSON; keys hidden)
  //   reload [json]  reload(), answered with its outcome
  std::string answer(std::string_view command);
  // SIGHUP and the API's `reload`: reads the configuration again; a file that does not load
  // changes nothing; the names and IP prefixes we originate change at once (adjacencies stay
  // up); other changes are named and wait for a restart. Logs the outcome and returns it.
  ReloadOutcome reload();
  // What the daemon runs with: the configuration it started with, the originated entries as
  // the last applied reload set them.
  const DaemonConfig& running_config() const { return config_; }

  void send_pdu(std::size_t circuit, std::span<const std::uint8_t> pdu) override;
  void log(LogLevel level, const std::string& text) override;
  void routes_changed(const Rib& rib, const std::vector<RouteChange>& changes) override;

 private:
  Daemon(DaemonConfig config, DaemonOptions options);
  double now() const;
  void poll_links();
  void serve_api();
  void save_sequence();
  void push_routes();

  DaemonConfig config_;
  DaemonOptions options_;
  double started_;
  std::unique_ptr<Instance> instance_;
  std::vector<std::optional<PacketSocket>> sockets_;
  std::vector<bool> link_up_;
  std::unique_ptr<fib::RouteSyncProducer> producer_;
  bool producer_started_ = false;
  int api_fd_ = -1;
  std::uint32_t saved_sequence_ = 0;
  std::function<Expected<DaemonConfig>()> reload_;
  volatile std::sig_atomic_t* reload_requested_ = nullptr;
  std::vector<std::string> restart_pending_;  // what the last applied reload left for a restart
};

// Reads the sequence number saved in `path` (0 when absent or unreadable).
std::uint32_t load_sequence(const std::string& path);

}  // namespace dmsc::control
