#pragma once
// Bringing up the configured ports and their punt TAPs on DPDK: attach the device (probe a vdev
// or PCI address not yet probed), configure rx queues (RSS when more than one) and one tx queue
// per forwarding lcore, set the MAC if configured, start. Errors name the port and the cause.
//
// Threading: the main lcore, before forwarding starts and after it stops.

#include <cstdint>
#include <string>

#include <rte_mempool.h>

#include "dataplane/faces.hpp"
#include "dataplane/forwarder_config.hpp"
#include "fib/expected.hpp"

namespace dmsc::dataplane {

struct StartedPort {
  std::uint16_t port_id = 0;
  PortAddresses addresses;
  std::string driver;
  bool rss = false;
  std::uint16_t tap_port_id = UINT16_MAX;  // UINT16_MAX: no TAP
};

// `tx_queues` = forwarding lcores.
Expected<StartedPort> start_port(const PortConfig& config, std::uint16_t tx_queues, rte_mempool* pool);

// Creates the port's TAP (net_tap vdev named after the port) with the port's MAC, one queue.
Expected<std::uint16_t> start_tap(const PortConfig& config, const wire::MacAddress& mac, rte_mempool* pool);

void stop_port(std::uint16_t port_id);

}  // namespace dmsc::dataplane
