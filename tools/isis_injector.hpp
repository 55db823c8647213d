#pragma once
// A scripted IS-IS router for benchmarks: it forms point-to-point adjacencies (RFC 5303
// three-way handshake) on a few packet sockets and floods an LSP database it is given to every
// neighbour, relaying the neighbours' own LSPs between them, as one router of a simulated
// network would. It is not a router: it runs no SPF and originates nothing by itself.
//
// Flooding is paced by the receivers: before a burst it reads how many octets wait in the
// receiving daemon's packet socket (/proc/PID/net/packet, "Rmem" of that namespace's packet
// sockets) and sends only while that backlog is below a limit, so no LSP is lost to a full
// socket buffer while the daemon runs an SPF. What is lost anyway is sent again: LSPs not
// acknowledged (PSNP, or listed in a CSNP) after `retransmit` seconds, LSPs a PSNP requests and
// LSPs a CSNP range lacks. Received LSPs are acknowledged by PSNP.
//
// Threading: run() starts one thread owning the sockets; the public methods may be called
// from any thread (one mutex).
#include <sys/types.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "control/packet_io.hpp"
#include "lsa/build.hpp"

namespace dmsc::tools {

struct InjectorNeighbor {
  std::string name;                 // for logs: "frr", "dmsc"
  lsa::SystemId system_id;          // who must answer on this link
  std::array<std::uint8_t, 4> ipv4{};  // our address on the link (TLV 132)
  pid_t receiver_pid = 0;           // the daemon whose socket backlog paces us (0: fixed rate)
};

struct InjectorConfig {
  lsa::SystemId system_id;
  std::vector<std::vector<std::uint8_t>> areas{{0x49, 0x00, 0x01}};
  double hello_interval = 1;
  std::uint16_t holding_time = 30;
  std::size_t backlog_limit = 64 * 1024;  // octets waiting at the receiver before we pause
  std::size_t burst = 16;                 // LSPs sent between two backlog readings
  double fixed_rate = 200;                // LSPs per second when the backlog cannot be read
  double retransmit = 5;                  // seconds without acknowledgement before resending
};

struct NeighborStatus {
  bool up = false;
  std::size_t acknowledged = 0;  // LSPs of ours it confirmed holding (PSNP, CSNP or its own copy)
  std::uint64_t lsps_sent = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t paused = 0;      // bursts held back because its socket backlog was high
  std::uint64_t lsps_received = 0;
  std::uint64_t psnps_received = 0;
  std::uint64_t csnps_received = 0;
};

class IsisInjector {
 public:
  // sockets[i] is the link to neighbors[i].
  IsisInjector(InjectorConfig config, std::vector<InjectorNeighbor> neighbors,
               std::vector<control::PacketSocket> sockets);
  ~IsisInjector();
  IsisInjector(const IsisInjector&) = delete;
  IsisInjector& operator=(const IsisInjector&) = delete;

  void run();   // starts the thread
  void stop();  // joins it

  // Adds LSPs (whole PDUs), replacing held ones they are newer than, and floods them: to every
  // neighbour, or to neighbour `only` and to the others once release()d.
  void originate(const std::vector<std::vector<std::uint8_t>>& pdus, std::optional<std::size_t> only = std::nullopt);
  void release(const std::vector<std::vector<std::uint8_t>>& pdus);
  std::size_t lsp_count() const;
  // Whether the LSPs of the neighbours' own system ids are held (their own LSPs arrived).
  bool holds_lsp_of(const lsa::SystemId& system) const;
  NeighborStatus status(std::size_t neighbor) const;

 private:
  struct Lsp {
    lsa::LspHeader header;
    std::vector<std::uint8_t> bytes;
  };
  struct Neighbor {
    InjectorNeighbor config;
    control::PacketSocket socket;
    std::uint8_t state;  // lsa::kAdjacencyDown / Initializing / Up, as we see it
    std::uint32_t circuit_id = 0;  // its extended local circuit id
    bool heard = false;
    double hold_until = 0;
    double next_hello = 0;
    double next_retransmit_scan = 0;
    double next_send = 0;  // fixed-rate pacing
    std::vector<std::uint8_t> srm;   // per LSP: send it there
    std::vector<std::uint8_t> has;   // per LSP: it confirmed holding our copy
    std::vector<std::uint8_t> queued;
    std::vector<std::uint8_t> held;  // per LSP: not for this neighbour until released
    std::vector<double> sent_at;
    std::deque<std::size_t> queue;   // LSP indices to send, in order
    std::vector<lsa::LspEntry> acks;  // its LSPs to acknowledge
    NeighborStatus status;
    Neighbor(InjectorNeighbor c, control::PacketSocket s);
  };

  void loop();
  void receive(std::size_t n, std::span<const std::uint8_t> bytes, double now);
  void receive_hello(std::size_t n, const lsa::PduView& pdu, double now);
  void receive_lsp(std::size_t n, const lsa::PduView& pdu);
  void receive_snp(std::size_t n, const lsa::PduView& pdu, double now);
  void set_state(std::size_t n, std::uint8_t state, double now, const char* why);
  void send_hello(std::size_t n, double now);
  // Installs an LSP: new or newer than ours. `from`: the neighbour it came from (or none).
  void install(const lsa::PduView& pdu, std::size_t from, std::optional<std::size_t> only = std::nullopt);
  void enqueue(Neighbor& nb, std::size_t index);
  void set_has(Neighbor& nb, std::size_t index, bool has);
  void pump(std::size_t n, double now);
  void flush_acks(std::size_t n);
  std::optional<std::size_t> backlog(const Neighbor& nb) const;

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  InjectorConfig config_;
  mutable std::mutex mutex_;
  std::vector<Neighbor> neighbors_;
  std::vector<Lsp> lsps_;
  std::map<lsa::LspId, std::size_t> index_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace dmsc::tools
