#pragma once
// The protocol core of the control daemon: one Level 2 IS-IS instance over point-to-point
// circuits, with the DMSC Service Prefix TLV. It owns its state and consumes one input at a
// time — a received PDU, a circuit going up or down, the clock — so it runs the same under a
// test harness as on sockets. Whatever it sends, logs or routes goes out through CoreOutput.
//
// Single-threaded: the daemon's event loop calls every method.

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "control/instance_config.hpp"
#include "control/lsdb.hpp"
#include "control/rib.hpp"
#include "control/spf.hpp"
#include "control/topology.hpp"
#include "lsa/pdu.hpp"

namespace dmsc::control {

enum class LogLevel : std::uint8_t { kDebug, kInfo, kWarning, kError };

class CoreOutput {
 public:
  virtual ~CoreOutput() = default;
  // A PDU to send on a circuit (to AllISs; the I/O adds the 802.3/LLC framing).
  virtual void send_pdu(std::size_t circuit, std::span<const std::uint8_t> pdu) = 0;
  virtual void log(LogLevel level, const std::string& text) = 0;
  // The RIB changed: `changes` in name order; `rib` is the new RIB.
  virtual void routes_changed(const Rib& rib, const std::vector<RouteChange>& changes) = 0;
};

enum class AdjacencyState : std::uint8_t { kDown, kInitializing, kUp };
const char* adjacency_state_name(AdjacencyState state);

struct Adjacency {
  AdjacencyState state = AdjacencyState::kDown;
  lsa::SystemId neighbor;
  std::uint32_t neighbor_circuit_id = 0;       // its extended local circuit id (TLV 240)
  std::array<std::uint8_t, 6> neighbor_mac{};  // from its hellos
  std::string neighbor_hostname;               // from its LSP, when we have it
  std::vector<std::array<std::uint8_t, 4>> neighbor_addresses;
  double hold_until = 0;
  double up_since = 0;
  std::uint64_t hellos_received = 0;
};

// Counters: why PDUs were dropped, what was done. Values index Counters::values.
enum class Counter : std::uint8_t {
  kPduReceived,
  kPduSent,
  kPduDropped,           // every drop; the reason has its own counter too
  kDropMalformed,        // decode_pdu failed
  kDropAuthentication,   // wrong or missing authentication
  kDropHelloMismatch,    // hello without IPv4 support, not Level 2, or TLV 240 naming another router
  kDropOwnSystemId,      // a hello from our own system id (a loop)
  kDropNoAdjacency,      // LSP or SNP on a circuit without an Up adjacency
  kTlvIssues,            // TLVs skipped while decoding (each logged)
  kLspReceived,
  kLspNewer,             // installed
  kLspDuplicate,
  kLspOlder,
  kLspOwnRecovered,      // a copy of our own LSP newer than ours: re-originated above it
  kLspOriginated,
  kLspPurgesSent,
  kLspExpired,
  kCsnpReceived,
  kPsnpReceived,
  kSpfRuns,
  kCount,
};
const char* counter_name(Counter counter);
inline constexpr std::size_t kCounterCount = static_cast<std::size_t>(Counter::kCount);

class Instance {
 public:
  Instance(InstanceConfig config, CoreOutput& output, double now, std::uint32_t first_sequence = 1);

  // Inputs.
  void circuit_up(std::size_t circuit, const std::array<std::uint8_t, 6>& own_mac, double now);
  void circuit_down(std::size_t circuit, double now);
  void receive(std::size_t circuit, std::span<const std::uint8_t> pdu, const std::array<std::uint8_t, 6>& source_mac,
               double now);
  // Timers: hellos, hold times, flooding, refresh, ageing, SPF. Call at least every 100 ms.
  void tick(double now);
  // Replace the service prefixes (and IP prefixes) we originate (reload); regenerates our LSPs.
  void set_service_prefixes(std::vector<lsa::ServicePrefix> prefixes, double now);
  void set_originated(std::vector<lsa::ServicePrefix> prefixes, std::vector<lsa::IpReach> ip_prefixes, double now);

  // State, for the local API and tests.
  const InstanceConfig& config() const { return config_; }
  const Adjacency& adjacency(std::size_t circuit) const { return circuits_[circuit].adjacency; }
  std::size_t circuit_count() const { return circuits_.size(); }
  const Lsdb& lsdb() const { return lsdb_; }
  const Rib& rib() const { return rib_; }
  const SpfLog& spf_log() const { return spf_log_; }
  const Topology* topology() const { return topology_ ? &*topology_ : nullptr; }
  std::uint64_t counter(Counter c) const { return counters_[static_cast<std::size_t>(c)]; }
  std::uint32_t own_sequence() const { return own_sequence_; }
  // The circuit whose adjacency reaches `neighbor`, if one is Up.
  std::optional<std::size_t> circuit_to(const lsa::SystemId& neighbor) const;

 private:
  struct Circuit {
    CircuitConfig config;
    bool up = false;
    std::array<std::uint8_t, 6> own_mac{};
    std::uint32_t extended_circuit_id = 0;
    Adjacency adjacency;
    double next_hello = 0;
    double next_csnp = 0;
    std::vector<lsa::LspEntry> requests;  // LSPs a CSNP showed that we lack: ask by PSNP
  };

  // instance.cpp: hellos and adjacencies.
  void receive_hello(std::size_t circuit, const lsa::PduView& pdu, const lsa::TlvSet& tlvs,
                     const std::array<std::uint8_t, 6>& source_mac, double now);
  void send_hello(std::size_t circuit, double now);
  void set_adjacency_state(std::size_t circuit, AdjacencyState state, double now, const std::string& why);
  // instance_flooding.cpp: LSPs, CSNPs, PSNPs and the flags.
  void receive_lsp(std::size_t circuit, const lsa::PduView& pdu, double now);
  void receive_csnp(std::size_t circuit, const lsa::PduView& pdu, const lsa::TlvSet& tlvs, double now);
  void receive_psnp(std::size_t circuit, const lsa::PduView& pdu, const lsa::TlvSet& tlvs, double now);
  void install(const lsa::PduView& pdu, double now, std::optional<std::size_t> from_circuit);
  void flood(double now);
  void send_csnp(std::size_t circuit, double now);
  void age(double now);
  void set_srm_all(LspRecord& record, std::optional<std::size_t> except);
  // instance_origination.cpp: our own LSP set.
  void schedule_origination(const std::string& why);
  void originate(double now);
  void purge_own_fragment(const lsa::LspId& id, std::uint32_t sequence, double now);
  void own_lsp_received(std::size_t circuit, const lsa::PduView& pdu, double now);
  // instance_routes.cpp: SPF and the RIB.
  void schedule_spf(const std::string& why, double now);
  void run_spf(double now);

  // The key SNPs are sent with.
  const lsa::AuthKey& snp_key() const {
    static const lsa::AuthKey kNoKey;
    return config_.snp_auth == InstanceConfig::SnpAuth::kNone ? kNoKey : config_.lsp_auth;
  }
  bool usable(std::size_t circuit) const {
    return circuits_[circuit].up && circuits_[circuit].adjacency.state == AdjacencyState::kUp;
  }
  void bump(Counter c, std::uint64_t by = 1) { counters_[static_cast<std::size_t>(c)] += by; }
  void drop(Counter reason, const std::string& why);
  void log(LogLevel level, const std::string& text) { output_.log(level, text); }
  void send(std::size_t circuit, std::span<const std::uint8_t> pdu);

  InstanceConfig config_;
  CoreOutput& output_;
  std::vector<Circuit> circuits_;
  Lsdb lsdb_;
  std::array<std::uint64_t, kCounterCount> counters_{};

  // Origination.
  std::uint32_t own_sequence_;         // the sequence number our LSPs were last originated with
  // The TLV areas of our fragments as last originated (authentication aside), to re-originate
  // only those that change.
  std::vector<std::vector<std::uint8_t>> own_fragment_tlvs_;
  bool origination_pending_ = true;
  double last_origination_ = -1e9;
  double next_refresh_ = 0;
  std::string origination_reason_ = "start";

  // SPF.
  bool spf_pending_ = false;
  double spf_due_ = 0;
  // RFC 8405's state: quiet, short wait (until learn_until_), long wait; back to quiet once no
  // change came until holddown_until_.
  enum class SpfBackoff : std::uint8_t { kQuiet, kShortWait, kLongWait } spf_backoff_ = SpfBackoff::kQuiet;
  double spf_learn_until_ = 0;
  double spf_holddown_until_ = 0;
  std::string spf_reason_;
  Rib rib_;
  Rib next_rib_;
  std::vector<RouteChange> changes_;
  std::vector<NodeAdvertisement> nodes_;
  SpfResult spf_result_;
  std::optional<Topology> topology_;
  SpfLog spf_log_;
};

}  // namespace dmsc::control
