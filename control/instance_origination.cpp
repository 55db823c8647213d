// Our own LSP set: origination, refresh, purge of fragments no longer needed, and recovery of
// the sequence number from copies the network still holds (ISO 10589 §7.3.16.1).
#include <algorithm>

#include "control/instance.hpp"
#include "lsa/build.hpp"

namespace dmsc::control {

void Instance::schedule_origination(const std::string& why) {
  if (!origination_pending_) origination_reason_ = why;
  origination_pending_ = true;
}

void Instance::set_service_prefixes(std::vector<lsa::ServicePrefix> prefixes, double) {
  config_.service_prefixes = std::move(prefixes);
  schedule_origination("service prefixes changed");
}

void Instance::set_originated(std::vector<lsa::ServicePrefix> prefixes, std::vector<lsa::IpReach> ip_prefixes, double) {
  config_.service_prefixes = std::move(prefixes);
  config_.ip_prefixes = std::move(ip_prefixes);
  schedule_origination("configuration reloaded");
}

void Instance::originate(double now) {
  lsa::LspContent content;
  content.areas = config_.areas;
  content.hostname = config_.hostname;
  if (config_.router_id != std::array<std::uint8_t, 4>{}) {
    content.ipv4_addresses = {config_.router_id};
    content.capability = lsa::RouterCapability{config_.router_id, 0, {}};
  }
  for (std::size_t i = 0; i < circuits_.size(); ++i)
    if (usable(i)) content.is_reach.push_back({{circuits_[i].adjacency.neighbor, 0}, circuits_[i].config.metric, {}});
  std::sort(content.is_reach.begin(), content.is_reach.end(),
            [](const auto& a, const auto& b) { return a.neighbor < b.neighbor; });
  content.ip_reach = config_.ip_prefixes;
  for (const lsa::ServicePrefix& prefix : config_.service_prefixes) {
    if (lsa::service_prefix_encodable(prefix))
      content.service_prefixes.push_back(prefix);
    else
      log(LogLevel::kError, "service prefix " + prefix.name.to_string() + " not advertised: name longer than " +
                                std::to_string(lsa::kMaxAdvertisedNameLength) + " octets or metric too large");
  }
  content.service_application_id = config_.service_application_id;
  bool truncated = false;
  const auto fragments = lsa::pack_lsp_fragments(content, config_.lsp_mtu, config_.lsp_auth, &truncated);
  if (truncated) log(LogLevel::kError, "our LSP needs more than 256 fragments: the rest is not advertised");

  const bool refresh = now >= next_refresh_;
  if (own_sequence_ == 0xffffffff) {
    log(LogLevel::kError, "sequence number space exhausted: not originating (ISO 10589 §7.3.16.1 wait)");
    return;
  }
  const std::uint32_t sequence = own_sequence_ + 1;
  std::size_t originated = 0;
  for (std::size_t i = 0; i < fragments.size(); ++i) {
    lsa::LspHeader header;
    header.id = {{config_.system_id, 0}, static_cast<std::uint8_t>(i)};
    header.remaining_lifetime = config_.timers.lsp_lifetime;
    header.sequence = sequence;
    header.flags = lsa::kLspFlagLevel2 | (config_.overload ? lsa::kLspFlagOverload : 0);
    auto bytes = lsa::build_lsp(header, fragments[i], config_.lsp_auth);
    const auto held = lsdb_.find(header.id);
    const bool unchanged = i < own_fragment_tlvs_.size() && own_fragment_tlvs_[i] == fragments[i] &&
                           held != lsdb_.end() && !held->second.purged && held->second.header.flags == header.flags;
    if (unchanged && !refresh) continue;
    lsa::PduView pdu;
    lsa::decode_pdu(bytes, pdu);
    install(pdu, now, std::nullopt);
    ++originated;
  }
  for (std::size_t i = fragments.size(); i < own_fragment_tlvs_.size(); ++i)
    purge_own_fragment({{config_.system_id, 0}, static_cast<std::uint8_t>(i)}, sequence, now);
  if (originated != 0 || own_fragment_tlvs_.size() > fragments.size()) own_sequence_ = sequence;
  bump(Counter::kLspOriginated, originated);
  if (originated != 0)
    log(LogLevel::kInfo, "originated " + std::to_string(originated) + " of " + std::to_string(fragments.size()) +
                             " LSP fragment(s), sequence " + std::to_string(sequence) + " (" + origination_reason_ + ")");
  own_fragment_tlvs_ = fragments;
  last_origination_ = now;
  origination_pending_ = false;
  if (refresh) next_refresh_ = now + config_.timers.lsp_refresh;
}

void Instance::purge_own_fragment(const lsa::LspId& id, std::uint32_t sequence, double now) {
  lsa::LspHeader header;
  header.id = id;
  header.sequence = sequence;
  header.remaining_lifetime = 0;
  header.flags = lsa::kLspFlagLevel2;
  const auto bytes = lsa::build_lsp(header, {}, config_.lsp_auth);
  lsa::PduView pdu;
  lsa::decode_pdu(bytes, pdu);
  install(pdu, now, std::nullopt);
  bump(Counter::kLspPurgesSent);
  log(LogLevel::kInfo, "purged our LSP " + id.to_string() + " (sequence " + std::to_string(sequence) + ")");
}

void Instance::own_lsp_received(std::size_t circuit, const lsa::PduView& pdu, double now) {
  const auto held = lsdb_.find(pdu.lsp.id);
  const LspOrder order = held == lsdb_.end()
                             ? (pdu.lsp.remaining_lifetime == 0 ? LspOrder::kOlder : LspOrder::kNewer)
                             : compare_lsp(pdu.lsp.sequence, pdu.lsp.remaining_lifetime, pdu.lsp.checksum,
                                           held->second, now);
  if (order == LspOrder::kSame) {
    held->second.srm[circuit] = false;
    held->second.ssn[circuit] = true;
    return;
  }
  if (order == LspOrder::kOlder) {
    if (held != lsdb_.end()) {
      held->second.srm[circuit] = true;
      held->second.last_sent[circuit] = -1e18;
    } else {
      const lsa::LspEntry entry{0, pdu.lsp.id, pdu.lsp.sequence, pdu.lsp.checksum};
      send(circuit, lsa::build_psnp({config_.system_id, 0}, std::span(&entry, 1), snp_key()));
    }
    return;
  }
  // The network holds a copy of ours newer than what we have (we restarted, or someone else
  // purged it): continue above its sequence number.
  bump(Counter::kLspOwnRecovered);
  own_sequence_ = std::max(own_sequence_, pdu.lsp.sequence);
  log(LogLevel::kInfo, "received our own LSP " + pdu.lsp.id.to_string() + " with sequence " +
                           std::to_string(pdu.lsp.sequence) + ", newer than ours: re-originating above it");
  if (pdu.lsp.id.node.pseudonode != 0 || pdu.lsp.id.fragment >= std::max<std::size_t>(own_fragment_tlvs_.size(), 1)) {
    purge_own_fragment(pdu.lsp.id, own_sequence_ + 1, now);
    own_sequence_ += 1;
  } else {
    next_refresh_ = now;  // re-originate every fragment, whatever their content
    schedule_origination("recovering our sequence number");
  }
}

}  // namespace dmsc::control
