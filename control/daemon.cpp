#include "control/daemon.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <algorithm>
#include <cstring>
#include <fstream>

#include "control/show.hpp"
#include "control/text_format.hpp"
#include "tools/sd_notify.hpp"

namespace dmsc::control {

namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "?";
}

}  // namespace

std::uint32_t load_sequence(const std::string& path) {
  std::ifstream file(path);
  std::string word;
  std::uint32_t sequence = 0;
  if (file >> word >> sequence && word == "sequence") return sequence;
  return 0;
}

Daemon::Daemon(DaemonConfig config, DaemonOptions options)
    : config_(std::move(config)), options_(std::move(options)), started_(steady_seconds()) {}

Daemon::~Daemon() {
  if (api_fd_ >= 0) {
    close(api_fd_);
    unlink(options_.api_socket.c_str());
  }
}

double Daemon::now() const { return steady_seconds() - started_; }

Expected<std::unique_ptr<Daemon>> Daemon::create(DaemonConfig config, DaemonOptions options) {
  std::unique_ptr<Daemon> daemon(new Daemon(std::move(config), std::move(options)));
  if (!daemon->config_.channel.empty()) {
    fib::ChannelConfig channel;
    // The same name as the forwarder's `channel` statement, which takes it with or without '/'.
    const std::string& name = daemon->config_.channel;
    channel.shm_name = name[0] == '/' ? name : "/" + name;
    auto producer = fib::RouteSyncProducer::create(channel);
    if (!producer) return Error{"FIB channel " + channel.shm_name + ": " + producer.error()};
    daemon->producer_ = std::move(*producer);
  }
  if (!daemon->options_.api_socket.empty()) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (daemon->options_.api_socket.size() >= sizeof address.sun_path)
      return Error{"API socket path too long: " + daemon->options_.api_socket};
    std::copy(daemon->options_.api_socket.begin(), daemon->options_.api_socket.end(), address.sun_path);
    unlink(address.sun_path);  // a stale socket of an earlier run
    daemon->api_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (daemon->api_fd_ < 0 || bind(daemon->api_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(daemon->api_fd_, 8) != 0)
      return Error{"API socket " + daemon->options_.api_socket + ": " + std::strerror(errno)};
  }
  std::uint32_t first_sequence = 1;
  if (!daemon->config_.state_file.empty()) {
    daemon->saved_sequence_ = load_sequence(daemon->config_.state_file);
    first_sequence = daemon->saved_sequence_ + 1;
  }
  daemon->sockets_.resize(daemon->config_.instance.circuits.size());
  daemon->link_up_.assign(daemon->config_.instance.circuits.size(), false);
  daemon->instance_ = std::make_unique<Instance>(daemon->config_.instance, *daemon, daemon->now(), first_sequence);
  daemon->log(LogLevel::kInfo, "started: system id " + daemon->config_.instance.system_id.to_string() + ", " +
                                   std::to_string(daemon->sockets_.size()) + " circuit(s), first sequence " +
                                   std::to_string(first_sequence) +
                                   (daemon->producer_ ? ", FIB channel " + daemon->config_.channel : ", no FIB channel"));
  return daemon;
}

void Daemon::log(LogLevel level, const std::string& text) {
  if (level < options_.log_level) return;
  const auto wall = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(wall);
  const long millis = std::chrono::duration_cast<std::chrono::milliseconds>(wall.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::fprintf(stderr, "%s.%03ldZ %s: %s\n", stamp, millis, level_name(level), text.c_str());
}

void Daemon::send_pdu(std::size_t circuit, std::span<const std::uint8_t> pdu) {
  if (!sockets_[circuit]) return;
  if (Status status = sockets_[circuit]->send(pdu); !status) log(LogLevel::kWarning, status.error());
}

void Daemon::routes_changed(const Rib& rib, const std::vector<RouteChange>& changes) {
  if (!producer_) return;
  std::size_t set = 0, deleted = 0;
  for (const RouteChange& change : changes) {
    fib::NextHopSet hops;
    if (change.kind != RouteChange::Kind::kRemoved && !change.local) {
      for (std::size_t i = 0; i < change.next_hop_count; ++i) {
        lsa::SystemId neighbor;
        std::copy_n(change.next_hops[i].octets.begin(), 6, neighbor.octets.begin());
        const auto circuit = instance_->circuit_to(neighbor);
        if (!circuit || config_.instance.circuits[*circuit].face == 0) continue;
        hops.hops[hops.count++] = {config_.instance.circuits[*circuit].face, 1};
      }
    }
    // Local names are delivered by the gateway role (a later issue): nothing to forward here.
    if (hops.count == 0) {
      deleted += producer_->delete_route(change.name());
      continue;
    }
    hops.sort();
    if (Status status = producer_->set_route(change.name(), hops); !status)
      log(LogLevel::kWarning, "route " + change.name().to_string() + " not pushed: " + status.error());
    else
      ++set;
  }
  log(LogLevel::kInfo, std::to_string(changes.size()) + " route change(s): " + std::to_string(set) + " set, " +
                           std::to_string(deleted) + " deleted in the FIB; RIB holds " + std::to_string(rib.size()));
}

void Daemon::push_routes() {
  if (!producer_) return;
  if (!producer_started_) {
    // Start the channel's resync once the route set is meaningful: after the first SPF that
    // saw an adjacency, or 10 s after start. Before, a restarted daemon's empty set would
    // sweep the forwarder's routes.
    bool adjacency_up = false;
    for (std::size_t i = 0; i < instance_->circuit_count(); ++i)
      adjacency_up |= instance_->adjacency(i).state == AdjacencyState::kUp;
    const bool spf_after_adjacency = adjacency_up && instance_->counter(Counter::kSpfRuns) > 0 &&
                                     !instance_->spf_log().entries().empty() &&
                                     instance_->spf_log().entries().back().nodes > 1;
    if (!spf_after_adjacency && now() < 10) return;
    producer_->start();
    producer_started_ = true;
    log(LogLevel::kInfo, "FIB channel: full resync of " + std::to_string(producer_->routes().size()) + " route(s) begins");
  }
  producer_->poll();
}

void Daemon::poll_links() {
  const double t = now();
  for (std::size_t i = 0; i < sockets_.size(); ++i) {
    const std::string& interface = config_.instance.circuits[i].interface;
    if (!sockets_[i]) {
      auto socket = PacketSocket::open(interface);
      if (!socket) continue;  // not there yet (a forwarder TAP appears when the forwarder starts)
      sockets_[i] = std::move(*socket);
    }
    const bool up = sockets_[i]->link_up();
    if (up == link_up_[i]) continue;
    link_up_[i] = up;
    if (up)
      instance_->circuit_up(i, sockets_[i]->mac(), t);
    else {
      instance_->circuit_down(i, t);
      sockets_[i].reset();  // reopened when it comes back (the interface may be recreated)
    }
  }
}

void Daemon::serve_api() {
  for (;;) {
    const int client = accept4(api_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;
    char request[256];
    pollfd wait{client, POLLIN, 0};
    std::string command;
    if (poll(&wait, 1, 500) > 0) {
      const ssize_t n = read(client, request, sizeof request - 1);
      if (n > 0) command.assign(request, static_cast<std::size_t>(n));
    }
    while (!command.empty() && (command.back() == '\n' || command.back() == '\r')) command.pop_back();
    const std::string reply = answer(command);
    std::size_t written = 0;
    while (written < reply.size()) {
      const ssize_t n = write(client, reply.data() + written, reply.size() - written);
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
    close(client);
  }
}

void Daemon::save_sequence() {
  if (config_.state_file.empty() || instance_->own_sequence() == saved_sequence_) return;
  const std::string temporary = config_.state_file + ".tmp";
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << "sequence " << instance_->own_sequence() << "\n";
    if (!file) {
      log(LogLevel::kError, "cannot write the state file " + temporary);
      return;
    }
  }
  if (std::rename(temporary.c_str(), config_.state_file.c_str()) != 0) {
    log(LogLevel::kError, "cannot replace the state file " + config_.state_file);
    return;
  }
  saved_sequence_ = instance_->own_sequence();
}

ReloadOutcome Daemon::reload() {
  ReloadOutcome outcome;
  if (!reload_) {
    outcome = refused_reload("this daemon has no configuration file to read again");
  } else if (auto loaded = reload_(); !loaded) {
    outcome = refused_reload(loaded.error());
  } else {
    outcome = plan_reload(config_, *loaded);
    InstanceConfig& running = config_.instance;
    if (loaded->instance.service_prefixes != running.service_prefixes || loaded->instance.ip_prefixes != running.ip_prefixes) {
      running.service_prefixes = loaded->instance.service_prefixes;
      running.ip_prefixes = loaded->instance.ip_prefixes;
      instance_->set_originated(running.service_prefixes, running.ip_prefixes, now());
    }
    restart_pending_ = outcome.restart_needed;
  }
  const auto lines = describe_reload(outcome);
  // The details under the first line say what they are about in the log.
  for (std::size_t i = 0; i < lines.size(); ++i) log(lines[i].level, i == 0 ? lines[i].text : "reload: " + lines[i].text);
  return outcome;
}

std::string Daemon::answer(std::string_view command) {
  const bool json = command.ends_with(" json");
  const std::string_view verb = json ? command.substr(0, command.size() - 5) : command;
  if (verb == "config") {
    if (json) return format_daemon_config_json(config_);
    std::string text = "# dmsc-controld " + config_.instance.system_id.to_string() + ": the running configuration; keys read " +
                       std::string(kHiddenKey) + "\n";
    if (!restart_pending_.empty()) text += "# changed in the file, waiting for a restart: " + join(restart_pending_, ", ") + "\n";
    return text + format_daemon_config(config_);
  }
  if (verb == "reload") return format_reload(reload(), json);
  bool ok = false;
  return run_show(*instance_, command, now(), ok);
}

int Daemon::run(volatile std::sig_atomic_t& stop) {
  std::vector<pollfd> fds;
  // systemd (deploy/systemd): ready once the instance runs; the watchdog is kicked by the loop,
  // so a daemon stuck anywhere in it is restarted.
  tools::sd_notify("READY=1\nSTATUS=IS-IS instance " + config_.instance.system_id.to_string() + " running");
  tools::SdWatchdog watchdog;
  while (!stop) {
    watchdog.kick();
    if (reload_requested_ != nullptr && *reload_requested_) {
      *reload_requested_ = 0;
      if (reload_) reload();
    }
    poll_links();
    fds.clear();
    for (const auto& socket : sockets_) fds.push_back({socket ? socket->fd() : -1, POLLIN, 0});
    fds.push_back({api_fd_, POLLIN, 0});
    poll(fds.data(), fds.size(), 20);
    const double t = now();
    for (std::size_t i = 0; i < sockets_.size(); ++i) {
      if (!sockets_[i] || !link_up_[i]) continue;
      for (int budget = 0; budget < 256; ++budget) {
        const auto received = sockets_[i]->receive();
        if (!received) break;
        instance_->receive(i, received->pdu, received->source, t);
      }
    }
    instance_->tick(now());
    push_routes();
    save_sequence();
    if (api_fd_ >= 0) serve_api();
  }
  tools::sd_notify("STOPPING=1");
  log(LogLevel::kInfo, "stopping");
  return 0;
}

}  // namespace dmsc::control
