#include "dataplane/ports.hpp"

#include <cstdio>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

namespace dmsc::dataplane {
namespace {

constexpr std::uint16_t kRxDescriptors = 1024;
constexpr std::uint16_t kTxDescriptors = 1024;

Error port_error(const std::string& port, const std::string& what, int code) {
  return Error{"port '" + port + "': " + what + ": " + rte_strerror(code < 0 ? -code : code)};
}

// The ethdev name of a device string: the part before the first comma.
std::string device_name(const std::string& device) { return device.substr(0, device.find(',')); }

Expected<std::uint16_t> attach(const std::string& port, const std::string& device) {
  std::uint16_t port_id = 0;
  const std::string name = device_name(device);
  if (rte_eth_dev_get_port_by_name(name.c_str(), &port_id) == 0) return port_id;
  if (const int rc = rte_dev_probe(device.c_str()); rc != 0)
    return port_error(port, "cannot attach device '" + device + "' (check the vdev arguments or the PCI address and its driver binding)", rc);
  if (rte_eth_dev_get_port_by_name(name.c_str(), &port_id) != 0)
    return Error{"port '" + port + "': device '" + device + "' attached but no ethdev named '" + name + "' appeared"};
  return port_id;
}

Status configure_and_start(const std::string& port, std::uint16_t port_id, std::uint16_t rx_queues,
                           std::uint16_t tx_queues, rte_mempool* pool, bool& rss) {
  rte_eth_dev_info info{};
  if (const int rc = rte_eth_dev_info_get(port_id, &info); rc != 0) return port_error(port, "rte_eth_dev_info_get", rc);
  if (rx_queues > info.max_rx_queues)
    return Error{"port '" + port + "': " + std::to_string(rx_queues) + " rx queues configured, the device has " + std::to_string(info.max_rx_queues)};
  if (tx_queues > info.max_tx_queues)
    return Error{"port '" + port + "': needs " + std::to_string(tx_queues) + " tx queues (one per forwarding lcore), the device has " +
                 std::to_string(info.max_tx_queues) + "; use fewer forwarding lcores"};
  rte_eth_conf conf{};
  rss = false;
  if (rx_queues > 1) {
    // Spreads DMSC over UDP by addresses and ports; most NICs cannot hash inside a non-IP
    // EtherType, so DMSC over Ethernet lands on one queue (dataplane/README.md). A device
    // without RSS (net_pcap with one file per queue, net_ring) fills its queues its own way.
    const std::uint64_t hash = info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP);
    if (hash != 0) {
      conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
      conf.rx_adv_conf.rss_conf.rss_hf = hash;
      rss = true;
    }
  }
  if (const int rc = rte_eth_dev_configure(port_id, rx_queues, tx_queues, &conf); rc != 0)
    return port_error(port, "rte_eth_dev_configure", rc);
  std::uint16_t rx_descriptors = kRxDescriptors, tx_descriptors = kTxDescriptors;
  if (const int rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rx_descriptors, &tx_descriptors); rc != 0)
    return port_error(port, "rte_eth_dev_adjust_nb_rx_tx_desc", rc);
  const int socket = rte_eth_dev_socket_id(port_id);
  const unsigned socket_id = socket < 0 ? 0u : static_cast<unsigned>(socket);
  for (std::uint16_t q = 0; q < rx_queues; ++q)
    if (const int rc = rte_eth_rx_queue_setup(port_id, q, rx_descriptors, socket_id, nullptr, pool); rc != 0)
      return port_error(port, "rx queue " + std::to_string(q) + " setup", rc);
  for (std::uint16_t q = 0; q < tx_queues; ++q)
    if (const int rc = rte_eth_tx_queue_setup(port_id, q, tx_descriptors, socket_id, nullptr); rc != 0)
      return port_error(port, "tx queue " + std::to_string(q) + " setup", rc);
  return ok_status();
}

Expected<StartedPort> configure_port(const PortConfig& config, std::uint16_t port_id, std::uint16_t tx_queues,
                                     rte_mempool* pool) {
  StartedPort started;
  started.port_id = port_id;
  if (Status status = configure_and_start(config.name, started.port_id, config.rx_queues, tx_queues, pool, started.rss); !status)
    return Error{status.error()};
  // A device that cannot take the configured MAC (net_pcap, some VFs) is put in promiscuous
  // mode instead; the forwarder then filters on the configured MAC itself.
  bool software_mac = false;
  if (config.mac) {
    rte_ether_addr mac{};
    std::copy(config.mac->begin(), config.mac->end(), mac.addr_bytes);
    const int rc = rte_eth_dev_default_mac_addr_set(started.port_id, &mac);
    if (rc == -ENOTSUP) {
      software_mac = true;
    } else if (rc != 0) {
      return port_error(config.name, "setting MAC " + format_mac(*config.mac), rc);
    }
  }
  if (const int rc = rte_eth_dev_start(started.port_id); rc != 0) return port_error(config.name, "rte_eth_dev_start", rc);
  // IS-IS hellos and LSPs go to multicast MACs; the punt path needs them.
  rte_eth_allmulticast_enable(started.port_id);
  if (software_mac) {
    rte_eth_promiscuous_enable(started.port_id);
    started.addresses.mac = *config.mac;
  } else {
    rte_ether_addr mac{};
    rte_eth_macaddr_get(started.port_id, &mac);
    std::copy(std::begin(mac.addr_bytes), std::end(mac.addr_bytes), started.addresses.mac.begin());
  }
  std::uint16_t mtu = 1500;
  if (rte_eth_dev_get_mtu(started.port_id, &mtu) == 0) started.addresses.mtu = mtu;
  rte_eth_dev_info info{};
  rte_eth_dev_info_get(started.port_id, &info);
  started.driver = info.driver_name ? info.driver_name : "?";
  started.kernel_interface = af_packet_interface(config.device);
  return started;
}

}  // namespace

Expected<StartedPort> start_port(const PortConfig& config, std::uint16_t tx_queues, rte_mempool* pool) {
  auto port_id = attach(config.name, config.device);
  if (!port_id) return Error{port_id.error()};
  auto started = configure_port(config, *port_id, tx_queues, pool);
  // A port that could not start keeps none of our mbufs in its rings.
  if (!started) stop_port(*port_id);
  return started;
}

Expected<std::uint16_t> start_tap(const PortConfig& config, const wire::MacAddress& mac, rte_mempool* pool) {
  const std::string device = "net_tap_" + config.name + ",iface=" + config.tap + ",mac=" + format_mac(mac);
  auto port_id = attach(config.name + " tap", device);
  if (!port_id) return Error{port_id.error()};
  bool rss = false;
  if (Status status = configure_and_start(config.name + " tap", *port_id, 1, 1, pool, rss); !status) {
    stop_port(*port_id);
    return Error{status.error()};
  }
  if (const int rc = rte_eth_dev_start(*port_id); rc != 0) {
    stop_port(*port_id);
    return port_error(config.name + " tap", "rte_eth_dev_start", rc);
  }
  return *port_id;
}

void stop_port(std::uint16_t port_id) {
  rte_eth_dev_stop(port_id);
  rte_eth_dev_close(port_id);
}

}  // namespace dmsc::dataplane

namespace dmsc::dataplane {

std::string af_packet_interface(const std::string& device) {
  if (device.rfind("net_af_packet", 0) != 0) return {};
  const std::size_t at = device.find("iface=");
  if (at == std::string::npos) return {};
  const std::size_t start = at + 6;
  return device.substr(start, device.find(',', start) - start);
}

bool port_link_up(const StartedPort& port) {
  if (!port.kernel_interface.empty()) {
    // /sys/class/net/<if>/carrier reads 1 when the interface is up with a carrier (a veth: both
    // ends up); reading it fails while the interface is down.
    std::FILE* file = std::fopen(("/sys/class/net/" + port.kernel_interface + "/carrier").c_str(), "r");
    if (file == nullptr) return false;
    const int c = std::fgetc(file);
    std::fclose(file);
    return c == '1';
  }
  rte_eth_link link{};
  rte_eth_link_get_nowait(port.port_id, &link);
  return link.link_status == RTE_ETH_LINK_UP;
}

}  // namespace dmsc::dataplane
