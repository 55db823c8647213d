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
  // The kernel interface behind a net_af_packet port (its `iface=`): that PMD reports the link
  // up whatever the interface does, so the carrier is read from the kernel instead.
  std::string kernel_interface;
  bool tap_link_up = true;  // what the TAP was last set to (it mirrors the port's carrier)
};

// The interface named by `iface=` in a net_af_packet device string; empty for other devices.
std::string af_packet_interface(const std::string& device);
// The port's carrier: from the kernel for af_packet ports, from the PMD otherwise.
bool port_link_up(const StartedPort& port);

// `tx_queues` = forwarding lcores.
Expected<StartedPort> start_port(const PortConfig& config, std::uint16_t tx_queues, rte_mempool* pool);

// Creates the port's TAP (net_tap vdev named after the port) with the port's MAC, one queue.
Expected<std::uint16_t> start_tap(const PortConfig& config, const wire::MacAddress& mac, rte_mempool* pool);

void stop_port(std::uint16_t port_id);

}  // namespace dmsc::dataplane
