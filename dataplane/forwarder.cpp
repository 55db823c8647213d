#include "dataplane/forwarder.hpp"
#include "tools/sd_notify.hpp"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <cstdio>
#include <thread>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane/mbuf_pool.hpp"
#include "dataplane/telemetry.hpp"

namespace dmsc::dataplane {
namespace {

constexpr unsigned kPuntRingSize = 1024;
constexpr std::size_t kChannelMessagesPerPoll = 4096;

std::uint64_t unix_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

int lcore_entry(void* argument) { return run_forwarding_lcore(*static_cast<ForwardingContext*>(argument)); }

}  // namespace

Expected<std::unique_ptr<Forwarder>> Forwarder::create(const ForwarderConfig& config) {
  auto stats = StatsSegment::create(config.stats);
  if (!stats) return Error{stats.error()};
  std::unique_ptr<Forwarder> forwarder(new Forwarder(config, std::move(*stats)));
  if (Status status = forwarder->start(); !status) return Error{status.error()};
  return forwarder;
}

Forwarder::~Forwarder() {
  control_.reset();
  for (const StartedPort& port : ports_) {
    stop_port(port.port_id);
    if (port.tap_port_id != UINT16_MAX) stop_port(port.tap_port_id);
  }
  for (rte_ring* ring : rings_) {
    rte_mbuf* mbuf = nullptr;
    while (rte_ring_dequeue(ring, reinterpret_cast<void**>(&mbuf)) == 0) rte_pktmbuf_free(mbuf);
    rte_ring_free(ring);
  }
  unregister_telemetry();
  if (table_) table_.reset();
  if (qsbr_) qsbr_->drain();
  stats_.unlink();
}

Status Forwarder::start() {
  const unsigned workers = rte_lcore_count() - 1;
  if (workers == 0)
    return Error{"no forwarding lcore: give EAL at least two lcores (-l 0,1: the first runs the service loop, the others forward)"};
  if (workers > kMaxStatsLcores - 1) return Error{"more than " + std::to_string(kMaxStatsLcores - 1) + " forwarding lcores"};

  // Enough mbufs for every rx and tx ring, the punt rings and a burst in flight per lcore.
  std::size_t rx_queues = 0;
  for (const PortConfig& port : config_.ports) rx_queues += port.rx_queues;
  const std::size_t mbufs = config_.mbufs ? config_.mbufs : std::max<std::size_t>(16383, (rx_queues + config_.ports.size() * workers) * 1024 * 2 +
                                                              config_.ports.size() * kPuntRingSize * 2 + workers * 512);
  // Virtual devices are named after their driver (net_pcap0, net_tap1, ...); PCI devices by address.
  bool virtual_ports_only = true;
  for (const PortConfig& port : config_.ports)
    virtual_ports_only &= port.device.rfind("net_", 0) == 0 || port.device.rfind("eth_", 0) == 0;
  MbufPoolInfo pool_info;
  auto pool = create_mbuf_pool("dmsc_mbufs", static_cast<unsigned>(mbufs), 256, static_cast<int>(rte_socket_id()),
                               virtual_ports_only, pool_info);
  if (!pool) return Error{pool.error()};
  pool_.reset(*pool);

  std::vector<PortAddresses> addresses;
  for (const PortConfig& port_config : config_.ports) {
    auto port = start_port(port_config, static_cast<std::uint16_t>(workers), pool_.get());
    if (!port) return Error{port.error()};
    ports_.push_back(*port);
    addresses.push_back(port->addresses);
    PortRuntime runtime;
    runtime.port_id = port->port_id;
    runtime.mac = port->addresses.mac;
    std::memcpy(&runtime.mac_head, runtime.mac.data(), 4);
    std::memcpy(&runtime.mac_tail, runtime.mac.data() + 4, 2);
    if (port_config.ipv4) runtime.has_ipv4 = true, runtime.ipv4 = *port_config.ipv4;
    if (port_config.ipv6) runtime.has_ipv6 = true, runtime.ipv6 = *port_config.ipv6;
    if (!port_config.tap.empty()) {
      auto tap = start_tap(port_config, port->addresses.mac, pool_.get());
      if (!tap) return Error{tap.error()};
      ports_.back().tap_port_id = *tap;
      const std::string base = "dmsc_p" + std::to_string(ports_.size() - 1);
      runtime.punt_ring = rte_ring_create((base + "_punt").c_str(), kPuntRingSize, SOCKET_ID_ANY, RING_F_SC_DEQ);
      runtime.inject_ring = rte_ring_create((base + "_inject").c_str(), kPuntRingSize, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
      if (!runtime.punt_ring || !runtime.inject_ring) return Error{"port '" + port_config.name + "': cannot create its punt rings: " + rte_strerror(rte_errno)};
      rings_.push_back(runtime.punt_ring);
      rings_.push_back(runtime.inject_ring);
    }
    port_runtime_.push_back(runtime);
    StatsLayout& layout = stats_.layout();
    PortCounters& counters = layout.ports[ports_.size() - 1];
    std::snprintf(counters.name, sizeof counters.name, "%s", port_config.name.c_str());
    counters.port_id = port->port_id;
  }
  stats_.layout().header.port_count = static_cast<std::uint32_t>(ports_.size());
  faces_ = FaceTable::build(config_, addresses);
  port_addresses_ = addresses;
  for (std::size_t p = 0; p < config_.ports.size(); ++p) learning_ports_.push_back(faces_.learns_on_port(p));

  auto qsbr = fib::Qsbr::create(workers);
  if (!qsbr) return Error{qsbr.error()};
  qsbr_ = std::move(*qsbr);
  fib::TableConfig table_config;
  table_config.capacity = config_.fib_capacity;
  auto table = fib::Table::create(table_config, *qsbr_);
  if (!table) return Error{table.error()};
  table_ = std::move(*table);
  routes_ = std::make_unique<fib::RouteSources>(*table_);
  if (Status status = load_static_routes(); !status) return status;
  if (!config_.channel.empty()) {
    fib::ChannelConfig channel_config;
    channel_config.shm_name = config_.channel[0] == '/' ? config_.channel : "/" + config_.channel;
    auto channel = fib::FibUpdateConsumer::create(channel_config);
    if (!channel) return Error{"FIB update channel: " + channel.error()};
    channel_ = std::move(*channel);
  }

  // One context per worker lcore; rx queues dealt round-robin; tx queue i on every port.
  StatsLayout& layout = stats_.layout();
  layout.header.tsc_hz = rte_get_tsc_hz();
  layout.header.started_unix_ns = unix_ns();
  layout.header.fib_capacity = config_.fib_capacity;
  unsigned index = 0;
  unsigned lcore_id = 0;
  RTE_LCORE_FOREACH_WORKER(lcore_id) {
    auto context = std::make_unique<ForwardingContext>();
    context->table = table_.get();
    context->qsbr = qsbr_.get();
    context->reader_id = index;
    context->faces = &faces_;
    context->encap = config_.encap;
    context->ethertype_be = rte_cpu_to_be_16(config_.encap.ethertype);
    context->ports = port_runtime_.data();
    context->port_count = static_cast<std::uint16_t>(port_runtime_.size());
    context->tx_queue = static_cast<std::uint16_t>(index);
    context->sends_injected = index == 0;
    context->forward_burst = pick_burst_handler(config_.allow_avx512);
    context->tsc_hz = rte_get_tsc_hz();
    context->poll_sleep_us = config_.poll_sleep_us;
    if (config_.affinity_flows != 0) {
      auto affinity = FlowAffinityTable::create(config_.affinity_flows, config_.affinity_idle_seconds);
      if (!affinity) return Error{affinity.error()};
      context->affinity = affinity->get();
      affinity_tables_.push_back(std::move(*affinity));
    }
    context->counters = &layout.lcores[index];
    context->counters->lcore_id = lcore_id;
    context->counters->in_use = 1;
    context->stop = &stop_lcores_;
    if (Status status = qsbr_->register_reader(index); !status) return status;
    lcores_.push_back(std::move(context));
    ++index;
  }
  std::size_t next = 0;
  for (std::uint16_t p = 0; p < config_.ports.size(); ++p) {
    for (std::uint16_t q = 0; q < config_.ports[p].rx_queues; ++q) {
      ForwardingContext& context = *lcores_[next++ % lcores_.size()];
      if (context.rx_queue_count == kMaxRxQueuesPerLcore) return Error{"more than " + std::to_string(kMaxRxQueuesPerLcore) + " rx queues on one lcore"};
      context.rx_queues[context.rx_queue_count++] = {p, q};
    }
  }
  // The service loop's own block, after the forwarding lcores'.
  main_counters_ = &layout.lcores[index];
  main_counters_->lcore_id = rte_get_main_lcore();
  main_counters_->in_use = 1;
  layout.header.lcore_count = index + 1;
  refresh_stats();
  register_telemetry(stats_);
  return start_control_socket();
}

Status Forwarder::load_static_routes() {
  for (const StaticRoute& route : config_.routes) {
    auto outcome = routes_->set_static(route.prefix, route.next_hops);
    if (!outcome) return Error{"route " + route.prefix.to_string() + ": " + outcome.error()};
  }
  table_->reclaim();
  return ok_status();
}

void Forwarder::service_punt_paths() {
  rte_mbuf* packets[kBurstSize];
  for (std::size_t p = 0; p < ports_.size(); ++p) {
    const PortRuntime& port = port_runtime_[p];
    if (port.punt_ring == nullptr) continue;
    const std::uint16_t tap = ports_[p].tap_port_id;
    unsigned count = rte_ring_sc_dequeue_burst(port.punt_ring, reinterpret_cast<void**>(packets), kBurstSize, nullptr);
    if (count != 0 && learning_ports_[p]) learn_neighbours(p, packets, count);
    if (count != 0) {
      const std::uint16_t sent = rte_eth_tx_burst(tap, 0, packets, static_cast<std::uint16_t>(count));
      bump((*main_counters_)[Counter::kPunted], sent);
      if (sent < count) {
        bump((*main_counters_)[Counter::kPuntQueueFull], count - sent);
        rte_pktmbuf_free_bulk(packets + sent, count - sent);
      }
    }
    count = rte_eth_rx_burst(tap, 0, packets, kBurstSize);
    if (count != 0) {
      const unsigned queued = rte_ring_sp_enqueue_burst(port.inject_ring, reinterpret_cast<void**>(packets), count, nullptr);
      if (queued < count) {
        bump((*main_counters_)[Counter::kInjectQueueFull], count - queued);
        rte_pktmbuf_free_bulk(packets + queued, count - queued);
      }
    }
  }
}

// Faces configured with `learn` take their neighbour's MAC from the point-to-point IS-IS hellos
// (802.3 + LLC FE FE 03 to AllISs, PDU type 17) punted from their port.
void Forwarder::learn_neighbours(std::size_t p, rte_mbuf* const* packets, unsigned count) {
  static constexpr std::uint8_t kAllIss[6] = {0x09, 0x00, 0x2b, 0x00, 0x00, 0x05};
  for (unsigned i = 0; i < count; ++i) {
    const auto* frame = rte_pktmbuf_mtod(packets[i], const std::uint8_t*);
    if (rte_pktmbuf_data_len(packets[i]) < 22 || std::memcmp(frame, kAllIss, 6) != 0 || frame[14] != 0xfe ||
        frame[15] != 0xfe || frame[16] != 0x03 || frame[17] != 0x83 || (frame[21] & 0x1f) != 17)
      continue;
    wire::MacAddress neighbour;
    std::memcpy(neighbour.data(), frame + 6, 6);
    for (const fib::FaceId face : faces_.learn_neighbour(p, neighbour, *qsbr_))
      std::fprintf(stderr, "dmsc-forwarder: face %u learned its neighbour %02x:%02x:%02x:%02x:%02x:%02x from an IS-IS hello on port %s\n",
                   face, neighbour[0], neighbour[1], neighbour[2], neighbour[3], neighbour[4], neighbour[5],
                   config_.ports[p].name.c_str());
  }
  qsbr_->poll();
}

// The punt TAP follows its port's carrier, as linux-cp does in VPP: the routing daemon on the TAP
// sees a link failure at once instead of after a hold time.
void Forwarder::mirror_carrier(std::size_t p, bool link_up) {
  StartedPort& port = ports_[p];
  if (port.tap_port_id == UINT16_MAX || link_up == port.tap_link_up) return;
  const int rc = link_up ? rte_eth_dev_set_link_up(port.tap_port_id) : rte_eth_dev_set_link_down(port.tap_port_id);
  const char* state = link_up ? "up" : "down";
  if (rc != 0) {
    std::fprintf(stderr, "dmsc-forwarder: port %s link %s, but its TAP cannot be set %s: %s\n",
                 config_.ports[p].name.c_str(), state, state, rte_strerror(-rc));
    return;
  }
  port.tap_link_up = link_up;
  std::fprintf(stderr, "dmsc-forwarder: port %s link %s: TAP %s set %s\n", config_.ports[p].name.c_str(), state,
               config_.ports[p].tap.c_str(), state);
}

void Forwarder::refresh_stats() {
  StatsLayout& layout = stats_.layout();
  const fib::TableStats table = table_->stats();
  bump(layout.header.heartbeat, 1);
  store_counter(layout.header.fib_prefixes, table.prefixes);
  store_counter(layout.header.fib_next_hop_groups, table.next_hop_groups);
  store_counter(layout.header.fib_memory_bytes, table.memory_bytes);
  for (std::size_t p = 0; p < ports_.size(); ++p) {
    rte_eth_stats eth{};
    if (rte_eth_stats_get(ports_[p].port_id, &eth) != 0) continue;
    const bool link_up = port_link_up(ports_[p]);
    mirror_carrier(p, link_up);
    PortCounters& counters = layout.ports[p];
    store_counter(counters.rx_packets, eth.ipackets);
    store_counter(counters.tx_packets, eth.opackets);
    store_counter(counters.rx_bytes, eth.ibytes);
    store_counter(counters.tx_bytes, eth.obytes);
    store_counter(counters.rx_missed, eth.imissed);
    store_counter(counters.rx_errors, eth.ierrors);
    store_counter(counters.tx_errors, eth.oerrors);
    store_counter(counters.rx_no_mbuf, eth.rx_nombuf);
    std::atomic_ref<std::uint32_t>(counters.link_up).store(link_up ? 1 : 0, std::memory_order_relaxed);
  }
}

Status Forwarder::run(const std::atomic<bool>& stop, const RunOptions& options) {
  options_ = options;
  for (auto& context : lcores_) {
    const unsigned lcore_id = context->counters->lcore_id;
    if (const int rc = rte_eal_remote_launch(lcore_entry, context.get(), lcore_id); rc != 0) {
      stop_lcores_.store(true);
      rte_eal_mp_wait_lcore();
      return Error{"cannot launch forwarding lcore " + std::to_string(lcore_id) + ": " + rte_strerror(-rc)};
    }
  }
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  auto last_refresh = started, last_rx_change = started;
  std::uint64_t last_rx = 0;
  // systemd (deploy/systemd): ready once the forwarding lcores run; the service loop kicks the
  // watchdog, so a stalled service loop (FIB updates, punt path) gets the forwarder restarted.
  tools::sd_notify("READY=1\nSTATUS=forwarding on " + std::to_string(lcores_.size()) + " lcore(s)");
  tools::SdWatchdog watchdog;
  while (!stop.load(std::memory_order_relaxed)) {
    watchdog.kick();
    bool busy = false;
    service_punt_paths();
    if (channel_) busy |= channel_->poll(*routes_, kChannelMessagesPerPoll) != 0;
    busy |= serve_control();
    table_->reclaim();
    const auto now = Clock::now();
    if (now - last_refresh >= std::chrono::milliseconds(100)) {
      last_refresh = now;
      refresh_stats();
      const std::uint64_t rx = stats_.total(Counter::kRxPackets);
      if (rx != last_rx) last_rx = rx, last_rx_change = now;
      if (options.exit_when_idle_seconds > 0 && rx != 0 &&
          std::chrono::duration<double>(now - last_rx_change).count() >= options.exit_when_idle_seconds)
        break;
      if (options.duration_seconds > 0 && std::chrono::duration<double>(now - started).count() >= options.duration_seconds) break;
    }
    if (!busy) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  tools::sd_notify("STOPPING=1");
  stop_lcores_.store(true);
  rte_eal_mp_wait_lcore();
  refresh_stats();
  return ok_status();
}

}  // namespace dmsc::dataplane
