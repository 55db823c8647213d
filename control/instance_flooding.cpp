// LSPs, sequence number PDUs and flooding on point-to-point circuits (ISO 10589 §7.3.14-17).
#include <algorithm>

#include "control/instance.hpp"
#include "lsa/build.hpp"

namespace dmsc::control {

namespace {

constexpr double kNeverSent = -1e18;
constexpr std::size_t kMaxLspsPerTick = 256;  // per circuit: a burst, not the whole database

// The LSP id right after `id` in LSP id order (CSNP ranges must leave no gap).
lsa::LspId next_lsp_id(lsa::LspId id) {
  if (++id.fragment != 0) return id;
  if (++id.node.pseudonode != 0) return id;
  for (int i = lsa::kSystemIdLength - 1; i >= 0; --i)
    if (++id.node.system.octets[static_cast<std::size_t>(i)] != 0) break;
  return id;
}

constexpr lsa::LspId kLastLspId{{lsa::SystemId{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}, 0xff}, 0xff};

// Whether two LSPs say the same (flags and TLVs; sequence, lifetime and checksum aside).
bool same_content(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  if (a.size() != b.size()) return false;
  return a[lsa::kLspHeaderLength - 1] == b[lsa::kLspHeaderLength - 1] &&
         std::equal(a.begin() + lsa::kLspHeaderLength, a.end(), b.begin() + lsa::kLspHeaderLength);
}

}  // namespace

void Instance::set_srm_all(LspRecord& record, std::optional<std::size_t> except) {
  for (std::size_t i = 0; i < circuits_.size(); ++i) {
    record.srm[i] = usable(i) && i != except;
    record.last_sent[i] = kNeverSent;
  }
}

void Instance::install(const lsa::PduView& pdu, double now, std::optional<std::size_t> from_circuit) {
  const auto existing = lsdb_.find(pdu.lsp.id);
  const bool content_changed = existing == lsdb_.end() || existing->second.purged != (pdu.lsp.remaining_lifetime == 0) ||
                               !same_content(existing->second.bytes, {pdu.bytes.begin(), pdu.bytes.end()});
  LspRecord& record = lsdb_[pdu.lsp.id];
  record.header = pdu.lsp;
  record.bytes.assign(pdu.bytes.begin(), pdu.bytes.end());
  record.tlvs = lsa::decode_tlvs(pdu.tlvs, lsa::PduContext::kLsp, {config_.service_application_id});
  record.received_at = now;
  record.expires_at = now + pdu.lsp.remaining_lifetime;
  record.purged = pdu.lsp.remaining_lifetime == 0;
  record.delete_at = record.purged ? now + config_.timers.zero_age_lifetime : 0;
  record.srm.assign(circuits_.size(), false);
  record.ssn.assign(circuits_.size(), false);
  record.last_sent.assign(circuits_.size(), kNeverSent);
  set_srm_all(record, from_circuit);
  if (from_circuit) record.ssn[*from_circuit] = true;
  if (!record.tlvs.issues.empty() && content_changed) {
    bump(Counter::kTlvIssues, record.tlvs.issues.size());
    for (const lsa::TlvIssue& issue : record.tlvs.issues)
      log(LogLevel::kWarning, "LSP " + pdu.lsp.id.to_string() + " seq " + std::to_string(pdu.lsp.sequence) +
                                  ": TLV " + std::to_string(issue.type) + " skipped (" +
                                  lsa::tlv_error_name(issue.error) + (issue.detail.empty() ? "" : ": " + issue.detail) +
                                  "); the LSP is kept and flooded");
  }
  if (pdu.lsp.id.node.system != config_.system_id) {
    for (Circuit& c : circuits_)
      if (c.adjacency.neighbor == pdu.lsp.id.node.system && record.tlvs.hostname)
        c.adjacency.neighbor_hostname = *record.tlvs.hostname;
  }
  if (content_changed) schedule_spf("LSP " + pdu.lsp.id.to_string() + (record.purged ? " purged" : " changed"), now);
}

void Instance::receive_lsp(std::size_t circuit, const lsa::PduView& pdu, double now) {
  if (!usable(circuit)) {
    drop(Counter::kDropNoAdjacency, "dropped LSP " + pdu.lsp.id.to_string() + " on " +
                                        circuits_[circuit].config.interface + ": no adjacency Up there");
    return;
  }
  bump(Counter::kLspReceived);
  if (pdu.lsp.id.node.system == config_.system_id) {
    own_lsp_received(circuit, pdu, now);
    return;
  }
  const auto held = lsdb_.find(pdu.lsp.id);
  if (held == lsdb_.end()) {
    if (pdu.lsp.remaining_lifetime == 0) {
      // A purge of something we never had: acknowledge, keep nothing (ISO 10589 §7.3.16.4).
      const lsa::LspEntry entry{0, pdu.lsp.id, pdu.lsp.sequence, pdu.lsp.checksum};
      send(circuit, lsa::build_psnp({config_.system_id, 0}, std::span(&entry, 1), snp_key()));
      return;
    }
    bump(Counter::kLspNewer);
    install(pdu, now, circuit);
    return;
  }
  LspRecord& record = held->second;
  switch (compare_lsp(pdu.lsp.sequence, pdu.lsp.remaining_lifetime, pdu.lsp.checksum, record, now)) {
    case LspOrder::kNewer:
      bump(Counter::kLspNewer);
      install(pdu, now, circuit);
      break;
    case LspOrder::kSame:
      bump(Counter::kLspDuplicate);
      record.srm[circuit] = false;
      record.ssn[circuit] = true;
      break;
    case LspOrder::kOlder:
      bump(Counter::kLspOlder);
      record.srm[circuit] = true;
      record.ssn[circuit] = false;
      record.last_sent[circuit] = kNeverSent;
      break;
  }
}

void Instance::receive_csnp(std::size_t circuit, const lsa::PduView& pdu, const lsa::TlvSet& tlvs, double now) {
  if (!usable(circuit)) {
    drop(Counter::kDropNoAdjacency, "dropped a CSNP on " + circuits_[circuit].config.interface + ": no adjacency Up there");
    return;
  }
  bump(Counter::kCsnpReceived);
  Circuit& c = circuits_[circuit];
  std::vector<lsa::LspEntry> listed = tlvs.lsp_entries;
  std::sort(listed.begin(), listed.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (const lsa::LspEntry& entry : listed) {
    const auto held = lsdb_.find(entry.id);
    if (held == lsdb_.end()) {
      // It has an LSP we lack: ask for it (sequence 0 in a PSNP, ISO 10589 §7.3.15.2 b.5).
      if (entry.remaining_lifetime != 0 && entry.sequence != 0) c.requests.push_back({0, entry.id, 0, 0});
      continue;
    }
    LspRecord& record = held->second;
    switch (compare_lsp(entry.sequence, entry.remaining_lifetime, entry.checksum, record, now)) {
      case LspOrder::kSame: record.srm[circuit] = false; break;
      case LspOrder::kOlder:
        if (!record.srm[circuit]) record.last_sent[circuit] = kNeverSent;
        record.srm[circuit] = true;
        break;
      case LspOrder::kNewer: record.ssn[circuit] = true; break;  // our older entry prompts it to send
    }
  }
  // What we hold in its range and it did not list, it lacks.
  for (auto it = lsdb_.lower_bound(pdu.snp.start); it != lsdb_.end() && !(pdu.snp.end < it->first); ++it) {
    const bool is_listed = std::binary_search(listed.begin(), listed.end(), lsa::LspEntry{0, it->first, 0, 0},
                                              [](const auto& a, const auto& b) { return a.id < b.id; });
    if (!is_listed && it->second.remaining(now) != 0 && !it->second.srm[circuit]) {
      it->second.srm[circuit] = true;
      it->second.last_sent[circuit] = kNeverSent;
    }
  }
}

void Instance::receive_psnp(std::size_t circuit, const lsa::PduView&, const lsa::TlvSet& tlvs, double now) {
  if (!usable(circuit)) {
    drop(Counter::kDropNoAdjacency, "dropped a PSNP on " + circuits_[circuit].config.interface + ": no adjacency Up there");
    return;
  }
  bump(Counter::kPsnpReceived);
  for (const lsa::LspEntry& entry : tlvs.lsp_entries) {
    const auto held = lsdb_.find(entry.id);
    if (held == lsdb_.end()) continue;
    LspRecord& record = held->second;
    switch (compare_lsp(entry.sequence, entry.remaining_lifetime, entry.checksum, record, now)) {
      case LspOrder::kSame: record.srm[circuit] = false; break;  // acknowledged
      case LspOrder::kOlder:                                      // a request (sequence 0) or stale
        record.srm[circuit] = true;
        record.last_sent[circuit] = kNeverSent;
        break;
      case LspOrder::kNewer: record.ssn[circuit] = true; break;
    }
  }
}

void Instance::flood(double now) {
  for (std::size_t i = 0; i < circuits_.size(); ++i) {
    if (!usable(i)) continue;
    Circuit& c = circuits_[i];
    std::size_t sent = 0;
    std::vector<lsa::LspEntry> acknowledge;
    for (auto& [id, record] : lsdb_) {
      if (record.srm[i] && now - record.last_sent[i] >= config_.timers.lsp_retransmit && sent < kMaxLspsPerTick) {
        send(i, record.pdu_at(now));
        record.last_sent[i] = now;  // SRM stays set until a PSNP or CSNP acknowledges it
        ++sent;
      }
      if (record.ssn[i]) {
        acknowledge.push_back(record.entry(now));
        record.ssn[i] = false;
      }
    }
    acknowledge.insert(acknowledge.end(), c.requests.begin(), c.requests.end());
    c.requests.clear();
    const std::size_t capacity = lsa::snp_capacity(false, config_.lsp_mtu, snp_key());
    for (std::size_t first = 0; first < acknowledge.size(); first += capacity) {
      const std::size_t count = std::min(capacity, acknowledge.size() - first);
      send(i, lsa::build_psnp({config_.system_id, 0}, std::span(acknowledge).subspan(first, count), snp_key()));
    }
  }
}

void Instance::send_csnp(std::size_t circuit, double now) {
  std::vector<lsa::LspEntry> entries;
  entries.reserve(lsdb_.size());
  for (const auto& [id, record] : lsdb_) entries.push_back(record.entry(now));
  const std::size_t capacity = lsa::snp_capacity(true, config_.lsp_mtu, snp_key());
  lsa::LspId start{};
  std::size_t first = 0;
  do {
    const std::size_t count = std::min(capacity, entries.size() - first);
    const bool last = first + count == entries.size();
    const lsa::LspId end = last ? kLastLspId : entries[first + count - 1].id;
    send(circuit, lsa::build_csnp({config_.system_id, 0}, start, end, std::span(entries).subspan(first, count),
                                  snp_key()));
    start = next_lsp_id(end);
    first += count;
  } while (first < entries.size());
}

void Instance::age(double now) {
  for (auto it = lsdb_.begin(); it != lsdb_.end();) {
    LspRecord& record = it->second;
    if (record.purged && now >= record.delete_at) {
      it = lsdb_.erase(it);
      continue;
    }
    if (!record.purged && now >= record.expires_at) {
      bump(Counter::kLspExpired);
      log(LogLevel::kInfo, "LSP " + it->first.to_string() + " seq " + std::to_string(record.header.sequence) +
                               " expired: purging it");
      // RFC 6233: a purge is the header and, with authentication, TLV 10 only.
      lsa::LspHeader header = record.header;
      header.remaining_lifetime = 0;
      const auto bytes = lsa::build_lsp(header, {}, config_.lsp_auth);
      lsa::PduView pdu;
      lsa::decode_pdu(bytes, pdu);
      install(pdu, now, std::nullopt);
    }
    ++it;
  }
}

}  // namespace dmsc::control
