// The instance's inputs, hellos and point-to-point adjacencies (ISO 10589 §8.2, RFC 5303).
#include "control/instance.hpp"

#include <algorithm>
#include <cstdio>

#include "lsa/build.hpp"

namespace dmsc::control {

const char* adjacency_state_name(AdjacencyState state) {
  switch (state) {
    case AdjacencyState::kDown: return "Down";
    case AdjacencyState::kInitializing: return "Initializing";
    case AdjacencyState::kUp: return "Up";
  }
  return "?";
}

const char* counter_name(Counter counter) {
  static constexpr const char* kNames[] = {
      "pdu_received",        "pdu_sent",           "pdu_dropped",     "drop_malformed",   "drop_authentication",
      "drop_hello_mismatch", "drop_own_system_id", "drop_no_adjacency", "tlv_issues",     "lsp_received",
      "lsp_newer",           "lsp_duplicate",      "lsp_older",       "lsp_own_recovered", "lsp_originated",
      "lsp_purges_sent",     "lsp_expired",        "csnp_received",   "psnp_received",    "spf_runs",
  };
  static_assert(sizeof kNames / sizeof kNames[0] == kCounterCount);
  return kNames[static_cast<std::size_t>(counter)];
}

namespace {

std::string mac_text(const std::array<std::uint8_t, 6>& mac) {
  char text[20];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return text;
}

std::uint8_t wire_state(AdjacencyState state) {
  switch (state) {
    case AdjacencyState::kUp: return lsa::kAdjacencyUp;
    case AdjacencyState::kInitializing: return lsa::kAdjacencyInitializing;
    case AdjacencyState::kDown: return lsa::kAdjacencyDown;
  }
  return lsa::kAdjacencyDown;
}

}  // namespace

Instance::Instance(InstanceConfig config, CoreOutput& output, double now, std::uint32_t first_sequence)
    : config_(std::move(config)), output_(output), own_sequence_(first_sequence == 0 ? 0 : first_sequence - 1) {
  circuits_.resize(config_.circuits.size());
  for (std::size_t i = 0; i < circuits_.size(); ++i) {
    circuits_[i].config = config_.circuits[i];
    circuits_[i].extended_circuit_id = static_cast<std::uint32_t>(i + 1);
  }
  last_origination_ = now - config_.timers.lsp_gen_interval;
}

std::optional<std::size_t> Instance::circuit_to(const lsa::SystemId& neighbor) const {
  for (std::size_t i = 0; i < circuits_.size(); ++i)
    if (usable(i) && circuits_[i].adjacency.neighbor == neighbor) return i;
  return std::nullopt;
}

void Instance::drop(Counter reason, const std::string& why) {
  bump(Counter::kPduDropped);
  bump(reason);
  log(LogLevel::kWarning, why);
}

void Instance::send(std::size_t circuit, std::span<const std::uint8_t> pdu) {
  bump(Counter::kPduSent);
  output_.send_pdu(circuit, pdu);
}

void Instance::circuit_up(std::size_t circuit, const std::array<std::uint8_t, 6>& own_mac, double now) {
  Circuit& c = circuits_[circuit];
  if (c.up) return;
  c.up = true;
  c.own_mac = own_mac;
  c.adjacency = {};
  c.next_hello = now;  // at once
  log(LogLevel::kInfo, "circuit " + c.config.interface + " up");
}

void Instance::circuit_down(std::size_t circuit, double now) {
  Circuit& c = circuits_[circuit];
  if (!c.up) return;
  if (c.adjacency.state != AdjacencyState::kDown) set_adjacency_state(circuit, AdjacencyState::kDown, now, "circuit down");
  c.up = false;
  log(LogLevel::kInfo, "circuit " + c.config.interface + " down");
}

void Instance::receive(std::size_t circuit, std::span<const std::uint8_t> bytes,
                       const std::array<std::uint8_t, 6>& source_mac, double now) {
  Circuit& c = circuits_[circuit];
  if (!c.up) return;
  bump(Counter::kPduReceived);
  lsa::PduView pdu;
  const lsa::PduError error = lsa::decode_pdu(bytes, pdu);
  if (error != lsa::PduError::kNone) {
    drop(Counter::kDropMalformed, "dropped a PDU from " + mac_text(source_mac) + " on " + c.config.interface + ": " +
                                      lsa::pdu_error_text(error));
    return;
  }
  const lsa::PduContext context = pdu.type == lsa::PduType::kP2pHello ? lsa::PduContext::kHello
                                  : pdu.type == lsa::PduType::kL2Lsp  ? lsa::PduContext::kLsp
                                                                      : lsa::PduContext::kSnp;
  lsa::TlvSet tlvs = lsa::decode_tlvs(pdu.tlvs, context, {config_.service_application_id});
  static const lsa::AuthKey kNoKey;
  const lsa::AuthKey& key = context == lsa::PduContext::kHello ? c.config.hello_auth
                            : context == lsa::PduContext::kLsp ? config_.lsp_auth
                            : config_.snp_auth == InstanceConfig::SnpAuth::kValidate ? config_.lsp_auth
                                                                                   : kNoKey;
  const lsa::AuthResult auth = lsa::verify_pdu(pdu.bytes, pdu.tlv_offset,
                                               tlvs.authentication ? &*tlvs.authentication : nullptr, key,
                                               pdu.type == lsa::PduType::kL2Lsp);
  if (auth != lsa::AuthResult::kOk && auth != lsa::AuthResult::kNotRequired) {
    drop(Counter::kDropAuthentication, std::string("dropped a ") + lsa::pdu_type_name(pdu.type) + " from " +
                                           mac_text(source_mac) + " on " + c.config.interface + ": " +
                                           lsa::auth_result_text(auth) + " (" + lsa::auth_mode_name(key.mode) + ")");
    return;
  }
  switch (pdu.type) {
    case lsa::PduType::kP2pHello: receive_hello(circuit, pdu, tlvs, source_mac, now); return;
    case lsa::PduType::kL2Lsp: receive_lsp(circuit, pdu, now); return;
    case lsa::PduType::kL2Csnp: receive_csnp(circuit, pdu, tlvs, now); return;
    case lsa::PduType::kL2Psnp: receive_psnp(circuit, pdu, tlvs, now); return;
    default: return;  // decode_pdu accepts no other type
  }
}

void Instance::receive_hello(std::size_t circuit, const lsa::PduView& pdu, const lsa::TlvSet& tlvs,
                             const std::array<std::uint8_t, 6>& source_mac, double now) {
  Circuit& c = circuits_[circuit];
  const std::string from = pdu.hello.source.to_string() + " (" + mac_text(source_mac) + ") on " + c.config.interface;
  if (pdu.hello.source == config_.system_id) {
    drop(Counter::kDropOwnSystemId, "dropped a hello with our own system id from " + from + ": looped circuit?");
    return;
  }
  if ((pdu.hello.circuit_type & 0x02) == 0) {
    drop(Counter::kDropHelloMismatch, "dropped a hello from " + from + ": not a Level 2 circuit");
    return;
  }
  if (std::find(tlvs.protocols_supported.begin(), tlvs.protocols_supported.end(), lsa::kNlpidIpv4) ==
      tlvs.protocols_supported.end()) {
    drop(Counter::kDropHelloMismatch, "dropped a hello from " + from + ": IPv4 not in its protocols supported");
    return;
  }
  if (tlvs.three_way) {
    const auto& tw = *tlvs.three_way;
    if ((tw.neighbor_system && *tw.neighbor_system != config_.system_id) ||
        (tw.neighbor_extended_circuit_id && *tw.neighbor_extended_circuit_id != c.extended_circuit_id)) {
      drop(Counter::kDropHelloMismatch, "dropped a hello from " + from + ": its three-way TLV names another neighbour");
      return;
    }
  }
  Adjacency& adj = c.adjacency;
  if (adj.state != AdjacencyState::kDown && adj.neighbor != pdu.hello.source)
    set_adjacency_state(circuit, AdjacencyState::kDown, now, "neighbour replaced by " + pdu.hello.source.to_string());
  adj.neighbor = pdu.hello.source;
  adj.neighbor_mac = source_mac;
  adj.neighbor_addresses = tlvs.ipv4_interface_addresses;
  adj.hold_until = now + pdu.hello.holding_time;
  ++adj.hellos_received;
  if (tlvs.three_way && tlvs.three_way->extended_local_circuit_id)
    adj.neighbor_circuit_id = *tlvs.three_way->extended_local_circuit_id;

  // RFC 5303 §3.2; a hello without TLV 240 is a two-way (ISO 10589) neighbour: Up at once.
  AdjacencyState next = adj.state;
  const std::uint8_t received = tlvs.three_way ? tlvs.three_way->state : std::uint8_t{lsa::kAdjacencyUp};
  if (!tlvs.three_way) {
    next = AdjacencyState::kUp;
  } else if (received == lsa::kAdjacencyDown) {
    next = AdjacencyState::kInitializing;
  } else if (received == lsa::kAdjacencyInitializing) {
    next = AdjacencyState::kUp;
  } else if (adj.state == AdjacencyState::kInitializing) {  // received Up
    next = AdjacencyState::kUp;
  }
  if (next != adj.state) {
    set_adjacency_state(circuit, next, now, std::string("neighbour says ") + (received == lsa::kAdjacencyUp ? "Up"
                                                                              : received == lsa::kAdjacencyDown
                                                                                  ? "Down"
                                                                                  : "Initializing"));
    send_hello(circuit, now);  // tell it at once: the handshake then takes one round trip
  }
}

void Instance::set_adjacency_state(std::size_t circuit, AdjacencyState state, double now, const std::string& why) {
  Circuit& c = circuits_[circuit];
  Adjacency& adj = c.adjacency;
  const AdjacencyState before = adj.state;
  adj.state = state;
  log(state == AdjacencyState::kUp || before == AdjacencyState::kUp ? LogLevel::kInfo : LogLevel::kDebug,
      "adjacency " + adj.neighbor.to_string() + " on " + c.config.interface + ": " + adjacency_state_name(before) +
          " -> " + adjacency_state_name(state) + " (" + why + ")");
  if (state == AdjacencyState::kUp) {
    adj.up_since = now;
    // ISO 10589 §7.3.17: describe our database to the new neighbour; it asks for what it lacks.
    send_csnp(circuit, now);
    c.next_csnp = now + config_.timers.csnp_interval;
  }
  if (before == AdjacencyState::kUp || state == AdjacencyState::kUp) {
    for (auto& [id, record] : lsdb_) {
      record.srm[circuit] = false;
      record.ssn[circuit] = false;
    }
    c.requests.clear();
    schedule_origination("adjacency " + adj.neighbor.to_string() + " " + adjacency_state_name(state));
    schedule_spf("adjacency change", now);
  }
  if (state == AdjacencyState::kDown) adj = Adjacency{};
}

void Instance::send_hello(std::size_t circuit, double now) {
  Circuit& c = circuits_[circuit];
  lsa::HelloParams params;
  params.source = config_.system_id;
  params.holding_time = static_cast<std::uint16_t>(
      std::min<std::uint32_t>(65535, std::uint32_t{c.config.hello_interval} * c.config.hello_multiplier));
  params.local_circuit_id = static_cast<std::uint8_t>(c.extended_circuit_id);
  params.areas = config_.areas;
  if (c.config.ipv4 != std::array<std::uint8_t, 4>{}) params.ipv4_addresses = {c.config.ipv4};
  params.three_way.state = wire_state(c.adjacency.state);
  params.three_way.extended_local_circuit_id = c.extended_circuit_id;
  if (c.adjacency.hellos_received != 0) {
    params.three_way.neighbor_system = c.adjacency.neighbor;
    params.three_way.neighbor_extended_circuit_id = c.adjacency.neighbor_circuit_id;
  }
  params.pad_to = c.config.pad_hellos ? config_.lsp_mtu : 0;
  const auto pdu = lsa::build_p2p_hello(params, c.config.hello_auth);
  send(circuit, pdu);
  c.next_hello = now + c.config.hello_interval;
}

void Instance::tick(double now) {
  for (std::size_t i = 0; i < circuits_.size(); ++i) {
    Circuit& c = circuits_[i];
    if (!c.up) continue;
    if (c.adjacency.hellos_received != 0 && now >= c.adjacency.hold_until) {
      log(LogLevel::kWarning, "adjacency " + c.adjacency.neighbor.to_string() + " on " + c.config.interface +
                                  ": hold time expired");
      set_adjacency_state(i, AdjacencyState::kDown, now, "hold time expired");
    }
    if (now >= c.next_hello) send_hello(i, now);
  }
  age(now);
  if (now >= next_refresh_) schedule_origination("refresh");
  if (origination_pending_ && now - last_origination_ >= config_.timers.lsp_gen_interval) originate(now);
  flood(now);
  for (std::size_t i = 0; i < circuits_.size(); ++i)
    if (usable(i) && now >= circuits_[i].next_csnp) {
      send_csnp(i, now);
      circuits_[i].next_csnp = now + config_.timers.csnp_interval;
    }
  if (spf_pending_ && now >= spf_due_) run_spf(now);
}

}  // namespace dmsc::control
