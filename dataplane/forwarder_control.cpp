// The forwarder's control socket and reloads (dataplane/README.md, "Control socket" and
// "Reload"), all on the service loop: commands read and change the FIB, whose only writer it is.
#include <chrono>
#include <cstdio>
#include <utility>

#include "dataplane/config_format.hpp"
#include "dataplane/forwarder.hpp"

namespace dmsc::dataplane {

// What one reload did, for every `reload` answer that waited for it.
struct ReloadOutcome {
  bool done = false;
  bool applied = false;
  std::string summary;                     // applied: "2 routes added, 1 face changed"
  std::string error;                       // refused: the file's error, or the first line of:
  std::vector<std::string> needs_restart;  // changes that cannot be applied live
};

namespace {

std::uint64_t unix_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Waits (without holding the service loop) until its reload is done.
class ReloadAnswer final : public ControlAnswer {
 public:
  ReloadAnswer(std::shared_ptr<ReloadOutcome> outcome, bool json) : outcome_(std::move(outcome)), json_(json) {}
  Progress next(std::string& out) override {
    if (!outcome_->done) return Progress::kWaiting;
    const ReloadOutcome& o = *outcome_;
    if (json_) {
      // A refusal starts like every refused command's answer: {"error": ...}.
      out += o.applied ? "{\"summary\":" : "{\"error\":";
      out += json_string(o.applied ? o.summary : o.error);
      out += std::string(",\"applied\":") + (o.applied ? "true" : "false") + ",\"needs_restart\":[";
      for (std::size_t i = 0; i < o.needs_restart.size(); ++i) {
        if (i != 0) out += ',';
        out += json_string(o.needs_restart[i]);
      }
      out += "]}\n";
    } else if (o.applied) {
      out += "reload: " + o.summary + "\n";
    } else {
      out += "error: " + o.error + "\n";
      for (const std::string& change : o.needs_restart) out += "  " + change + "\n";
    }
    return Progress::kDone;
  }

 private:
  std::shared_ptr<ReloadOutcome> outcome_;
  bool json_;
};

}  // namespace

std::string Forwarder::config_origin() const {
  return options_.config_origin.empty() ? std::string("(given at start)") : options_.config_origin;
}

Status Forwarder::start_control_socket() {
  auto server = ControlServer::create(config_.control_socket, [this](std::string_view command) {
    auto answer = run_control_command(*this, command);
    table_->reclaim();
    return answer;
  });
  if (!server) return Error{server.error()};
  control_ = std::move(*server);
  return ok_status();
}

bool Forwarder::serve_control() {
  bool busy = false;
  if (options_.reload_requested != nullptr && options_.reload_requested->exchange(false)) {
    std::fprintf(stderr, "dmsc-forwarder: SIGHUP: reloading %s\n", config_origin().c_str());
    start_reload(nullptr);
  }
  if (reload_.loading.valid() &&
      reload_.loading.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    finish_reload();
    busy = true;
  }
  return control_->poll() || busy;
}

std::string Forwarder::clear_stats(bool json) {
  refresh_stats();  // port figures as of now, not of the last 100 ms period
  const std::uint64_t now = unix_ns();
  stats_.clear_counters(now);
  std::fprintf(stderr, "dmsc-forwarder: counters cleared (dmscctl shows them from zero; telemetry, "
                       "the exporter and the exit report keep the totals)\n");
  if (json) return "{\"cleared\":true,\"cleared_unix_ns\":" + std::to_string(now) + "}\n";
  return "counters cleared: dmscctl show stats|ports count from now (telemetry, the exporter and the exit report "
         "keep the totals)\n";
}

std::unique_ptr<ControlAnswer> Forwarder::reload(bool json) {
  auto outcome = std::make_shared<ReloadOutcome>();
  start_reload(outcome);
  return std::make_unique<ReloadAnswer>(outcome, json);
}

void Forwarder::start_reload(std::shared_ptr<ReloadOutcome> waiter) {
  if (!options_.load_config) {
    if (waiter) {
      waiter->error = "reload refused: this forwarder was given no configuration file to read again";
      waiter->done = true;
    }
    return;
  }
  if (reload_.loading.valid()) {
    // The file may have changed since this load began: another one follows.
    reload_.again = true;
    if (waiter) reload_.waiting_next.push_back(std::move(waiter));
    return;
  }
  if (waiter) reload_.waiting.push_back(std::move(waiter));
  reload_.loading = std::async(std::launch::async, options_.load_config);
}

void Forwarder::finish_reload() {
  Expected<ForwarderConfig> next = reload_.loading.get();
  ReloadOutcome outcome;
  if (!next) {
    outcome.error = "reload refused, nothing applied: " + next.error();
  } else {
    apply_reload(*next, outcome);
  }
  outcome.done = true;
  if (outcome.applied) {
    std::fprintf(stderr, "dmsc-forwarder: reload: %s\n", outcome.summary.c_str());
  } else {
    std::fprintf(stderr, "dmsc-forwarder: %s\n", outcome.error.c_str());
    for (const std::string& change : outcome.needs_restart) std::fprintf(stderr, "dmsc-forwarder:   %s\n", change.c_str());
  }
  for (const auto& waiter : reload_.waiting) *waiter = outcome;
  reload_.waiting = std::move(reload_.waiting_next);
  reload_.waiting_next.clear();
  if (std::exchange(reload_.again, false)) reload_.loading = std::async(std::launch::async, options_.load_config);
}

// All of `next` is valid (it parsed); what is applied is only what differs from the running
// configuration, each face and route on its own, while the lcores forward. Anything that
// cannot change live refuses the whole reload before anything is touched.
void Forwarder::apply_reload(const ForwarderConfig& next, ReloadOutcome& outcome) {
  const ConfigDiff diff = diff_forwarder_configs(running_config_with_statics(*this), next);
  if (!diff.live()) {
    outcome.error = "reload refused, nothing applied: " + std::to_string(diff.needs_restart.size()) +
                    (diff.needs_restart.size() == 1 ? " change needs" : " changes need") + " a restart";
    outcome.needs_restart = diff.needs_restart;
    return;
  }
  // The one way a route could fail: a FIB too small for the new ones. Checked first, so that
  // nothing is half-applied.
  std::size_t new_prefixes = 0;
  for (const StaticRoute& route : diff.routes_added)
    new_prefixes += !route.prefix.is_root() && table_->find(route.prefix) == nullptr;
  const std::size_t in_table = table_->stats().prefixes - (table_->find(fib::Name{}) != nullptr);
  if (in_table + new_prefixes > config_.fib_capacity) {
    outcome.error = "reload refused, nothing applied: " + std::to_string(new_prefixes) + " new prefixes do not fit the FIB (" +
                    std::to_string(in_table) + " of fib-capacity " + std::to_string(config_.fib_capacity) + ")";
    return;
  }
  for (const FaceConfig& face : diff.faces_added) faces_.set_face(next, face, port_addresses_, *qsbr_);
  for (const FaceConfig& face : diff.faces_changed) faces_.set_face(next, face, port_addresses_, *qsbr_);
  for (const fib::Name& prefix : diff.routes_removed) routes_->erase_static(prefix);
  for (const auto* routes : {&diff.routes_added, &diff.routes_changed})
    for (const StaticRoute& route : *routes)
      if (auto set = routes_->set_static(route.prefix, route.next_hops); !set)
        std::fprintf(stderr, "dmsc-forwarder: reload: route %s: %s\n", route.prefix.to_string().c_str(), set.error().c_str());
  // Routes left the removed faces first.
  for (const fib::FaceId face : diff.faces_removed) faces_.remove_face(face, *qsbr_);
  config_ = next;
  for (std::size_t p = 0; p < config_.ports.size(); ++p) learning_ports_[p] = faces_.learns_on_port(p);
  table_->reclaim();
  outcome.applied = true;
  outcome.summary = diff.summary();
}

}  // namespace dmsc::dataplane
