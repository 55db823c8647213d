#pragma once
// Several control-plane instances wired together in memory, on a virtual clock: what one
// sends on a circuit arrives at the other end of that link after `delay` seconds.

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "control/instance.hpp"

namespace dmsc::control::test {

inline lsa::SystemId system_id(std::uint8_t n) { return lsa::SystemId{{0, 0, 0, 0, 0, n}}; }

class Lab {
 public:
  struct Router;
  struct Output : CoreOutput {
    Lab* lab = nullptr;
    std::size_t router = 0;
    void send_pdu(std::size_t circuit, std::span<const std::uint8_t> pdu) override {
      lab->transmit(router, circuit, {pdu.begin(), pdu.end()});
    }
    void log(LogLevel level, const std::string& text) override {
      lab->logs.push_back(std::to_string(router) + ": " + text);
      (void)level;
    }
    void routes_changed(const Rib&, const std::vector<RouteChange>& changes) override {
      lab->route_changes[router] += changes.size();
    }
  };
  struct Router {
    InstanceConfig config;
    std::unique_ptr<Output> output;
    std::unique_ptr<Instance> instance;
  };
  struct End {
    std::size_t router;
    std::size_t circuit;
  };
  struct Link {
    End a, b;
    bool up = true;
  };

  double now = 0;
  double delay = 0.001;
  std::vector<Router> routers;
  std::vector<Link> links;
  std::vector<std::string> logs;
  std::vector<std::size_t> route_changes;
  // Rewrites or drops (returns false) a PDU in flight; for fault injection.
  std::function<bool(std::size_t from_router, std::vector<std::uint8_t>&)> tamper;

  std::size_t add_router(std::uint8_t n, const std::string& prefix = {}) {
    Router router;
    router.config.system_id = system_id(n);
    router.config.areas = {{0x49, 0x00, 0x01}};
    router.config.hostname = "r" + std::to_string(n);
    router.config.router_id = {10, 0, 0, n};
    router.config.timers.csnp_interval = 2;
    if (!prefix.empty()) router.config.service_prefixes.push_back({*fib::Name::parse(prefix), 1, 0});
    routers.push_back(std::move(router));
    route_changes.push_back(0);
    return routers.size() - 1;
  }
  // Adds a circuit on each router; call before start().
  std::size_t connect(std::size_t a, std::size_t b, std::uint32_t metric = 10) {
    CircuitConfig circuit;
    circuit.metric = metric;
    circuit.hello_interval = 1;
    circuit.hello_multiplier = 3;
    circuit.pad_hellos = false;
    circuit.interface = "to-r" + std::to_string(b);
    circuit.ipv4 = {10, 1, static_cast<std::uint8_t>(links.size()), 1};
    circuit.face = static_cast<fib::FaceId>(100 + b);
    routers[a].config.circuits.push_back(circuit);
    circuit.interface = "to-r" + std::to_string(a);
    circuit.ipv4[3] = 2;
    circuit.face = static_cast<fib::FaceId>(100 + a);
    routers[b].config.circuits.push_back(circuit);
    links.push_back({{a, routers[a].config.circuits.size() - 1}, {b, routers[b].config.circuits.size() - 1}});
    return links.size() - 1;
  }
  void start(std::size_t r, std::uint32_t first_sequence = 1) {
    Router& router = routers[r];
    router.output = std::make_unique<Output>();
    router.output->lab = this;
    router.output->router = r;
    router.instance = std::make_unique<Instance>(router.config, *router.output, now, first_sequence);
    for (const Link& link : links) {
      if (!link.up) continue;
      if (link.a.router == r) router.instance->circuit_up(link.a.circuit, mac(r, link.a.circuit), now);
      if (link.b.router == r) router.instance->circuit_up(link.b.circuit, mac(r, link.b.circuit), now);
    }
  }
  void start_all() {
    for (std::size_t r = 0; r < routers.size(); ++r) start(r);
  }
  void stop(std::size_t r) { routers[r].instance.reset(); }
  void set_link(std::size_t l, bool up) {
    Link& link = links[l];
    link.up = up;
    for (const End& end : {link.a, link.b}) {
      Instance* instance = routers[end.router].instance.get();
      if (instance == nullptr) continue;
      if (up)
        instance->circuit_up(end.circuit, mac(end.router, end.circuit), now);
      else
        instance->circuit_down(end.circuit, now);
    }
  }
  // Advances the clock in 10 ms steps, delivering PDUs and ticking every instance.
  void run(double seconds) {
    const double until = now + seconds;
    while (now < until) {
      now += 0.01;
      while (!in_flight_.empty() && in_flight_.front().at <= now) {
        Flight flight = std::move(in_flight_.front());
        in_flight_.pop_front();
        Instance* instance = routers[flight.to.router].instance.get();
        if (instance != nullptr)
          instance->receive(flight.to.circuit, flight.pdu, mac(flight.from_router, 0), now);
      }
      for (Router& router : routers)
        if (router.instance) router.instance->tick(now);
    }
  }
  Instance& operator[](std::size_t r) { return *routers[r].instance; }
  static std::array<std::uint8_t, 6> mac(std::size_t router, std::size_t circuit) {
    return {0x02, 0, 0, 0, static_cast<std::uint8_t>(router), static_cast<std::uint8_t>(circuit)};
  }
  std::size_t sent_pdus = 0;

 private:
  struct Flight {
    double at;
    std::size_t from_router;
    End to;
    std::vector<std::uint8_t> pdu;
  };
  void transmit(std::size_t router, std::size_t circuit, std::vector<std::uint8_t> pdu) {
    ++sent_pdus;
    for (const Link& link : links) {
      if (!link.up) continue;
      const End* to = nullptr;
      if (link.a.router == router && link.a.circuit == circuit) to = &link.b;
      if (link.b.router == router && link.b.circuit == circuit) to = &link.a;
      if (to == nullptr) continue;
      if (tamper && !tamper(router, pdu)) return;
      in_flight_.push_back({now + delay, router, *to, std::move(pdu)});
      return;
    }
  }
  std::deque<Flight> in_flight_;
};

}  // namespace dmsc::control::test
