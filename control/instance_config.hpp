#pragma once
// What an IS-IS instance of the control daemon is told: who it is, its circuits, what it
// originates, its timers and keys. Loaded by daemon_config.cpp (and by YANG in a later issue).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "fib/next_hop.hpp"
#include "lsa/auth.hpp"
#include "lsa/ids.hpp"
#include "lsa/pdu.hpp"
#include "lsa/service_prefix.hpp"
#include "lsa/tlv.hpp"

namespace dmsc::control {

struct CircuitConfig {
  std::string interface;             // kernel interface (a forwarder TAP or a plain NIC)
  std::uint32_t metric = 10;         // wide metric of our link to the neighbour
  fib::FaceId face = 0;              // the forwarder face reaching the neighbour (0: none)
  std::array<std::uint8_t, 4> ipv4{};  // our address on the link (TLV 132; FRR requires one)
  std::uint16_t hello_interval = 3;  // seconds
  std::uint16_t hello_multiplier = 10;
  lsa::AuthKey hello_auth;           // hellos
  bool pad_hellos = true;
};

struct TimerConfig {
  std::uint16_t lsp_lifetime = 1200;  // seconds
  std::uint16_t lsp_refresh = 900;
  double lsp_gen_interval = 0.05;     // minimum time between two originations of our LSPs
  // SPF back-off (RFC 8405): the first change after a quiet spell runs SPF spf_delay later;
  // changes within spf_time_to_learn of it spf_short_delay later, later ones spf_long_delay
  // later, until no change came for spf_holddown.
  double spf_delay = 0.05;
  double spf_short_delay = 0.2;
  double spf_long_delay = 1;
  double spf_time_to_learn = 1;
  double spf_holddown = 2;
  double csnp_interval = 10;
  double lsp_retransmit = 5;          // p2p: resend an unacknowledged LSP after this long
  double zero_age_lifetime = 60;      // a purged LSP's header is kept this long
};

struct InstanceConfig {
  lsa::SystemId system_id;
  std::vector<std::vector<std::uint8_t>> areas;  // area addresses, e.g. {0x49, 0x00, 0x01}
  std::string hostname;
  std::array<std::uint8_t, 4> router_id{};       // TLV 132/242 and an advertised /32
  std::vector<lsa::IpReach> ip_prefixes;         // TLV 135 (loopbacks and the like)
  std::vector<lsa::ServicePrefix> service_prefixes;
  std::uint16_t service_application_id = lsa::kServicePrefixApplicationId;
  lsa::AuthKey lsp_auth;                         // LSPs, and SNPs as snp_auth says ("domain" key)
  // Sequence number PDUs: validate (sign and check: the default), send-only (sign, accept
  // unsigned ones) or none. FRR signs and checks them only with `authenticate snp validate`.
  enum class SnpAuth : std::uint8_t { kValidate, kSendOnly, kNone } snp_auth = SnpAuth::kValidate;
  std::size_t lsp_mtu = lsa::kMaxPduLength;
  bool overload = false;
  TimerConfig timers;
  std::vector<CircuitConfig> circuits;
};

}  // namespace dmsc::control
