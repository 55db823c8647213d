#include "tools/isis_injector.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "tools/netns_lab.hpp"

namespace dmsc::tools {

namespace {

double steady_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr std::size_t kReceiveBudget = 512;  // PDUs per neighbour per loop turn
constexpr int kSocketBuffer = 16 << 20;       // ours: a CSNP burst of 10k entries must fit

}  // namespace

IsisInjector::Neighbor::Neighbor(InjectorNeighbor c, control::PacketSocket s)
    : config(std::move(c)), socket(std::move(s)), state(lsa::kAdjacencyDown) {}

IsisInjector::IsisInjector(InjectorConfig config, std::vector<InjectorNeighbor> neighbors,
                           std::vector<control::PacketSocket> sockets)
    : config_(std::move(config)) {
  for (std::size_t i = 0; i < neighbors.size(); ++i) {
    // Root may exceed rmem_max: our socket must not drop the neighbours' CSNP bursts.
    setsockopt(sockets[i].fd(), SOL_SOCKET, SO_RCVBUFFORCE, &kSocketBuffer, sizeof kSocketBuffer);
    setsockopt(sockets[i].fd(), SOL_SOCKET, SO_SNDBUFFORCE, &kSocketBuffer, sizeof kSocketBuffer);
    neighbors_.emplace_back(std::move(neighbors[i]), std::move(sockets[i]));
  }
}

IsisInjector::~IsisInjector() { stop(); }

void IsisInjector::run() { thread_ = std::thread([this] { loop(); }); }

void IsisInjector::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::size_t IsisInjector::lsp_count() const {
  std::lock_guard lock(mutex_);
  return lsps_.size();
}

bool IsisInjector::holds_lsp_of(const lsa::SystemId& system) const {
  std::lock_guard lock(mutex_);
  return index_.count({{system, 0}, 0}) != 0;
}

NeighborStatus IsisInjector::status(std::size_t neighbor) const {
  std::lock_guard lock(mutex_);
  NeighborStatus status = neighbors_[neighbor].status;
  status.up = neighbors_[neighbor].state == lsa::kAdjacencyUp;
  return status;
}

void IsisInjector::originate(const std::vector<std::vector<std::uint8_t>>& pdus, std::optional<std::size_t> only) {
  std::lock_guard lock(mutex_);
  for (const auto& bytes : pdus) {
    lsa::PduView pdu;
    if (lsa::decode_pdu(bytes, pdu) != lsa::PduError::kNone || pdu.type != lsa::PduType::kL2Lsp) {
      lab_log("injector: refusing a malformed LSP of %zu octets", bytes.size());
      continue;
    }
    install(pdu, kNone, only);
  }
}

void IsisInjector::release(const std::vector<std::vector<std::uint8_t>>& pdus) {
  std::lock_guard lock(mutex_);
  for (const auto& bytes : pdus) {
    lsa::PduView pdu;
    if (lsa::decode_pdu(bytes, pdu) != lsa::PduError::kNone) continue;
    const auto found = index_.find(pdu.lsp.id);
    if (found == index_.end()) continue;
    for (Neighbor& nb : neighbors_) {
      if (!nb.held[found->second]) continue;
      nb.held[found->second] = 0;
      nb.srm[found->second] = 1;
      if (nb.state == lsa::kAdjacencyUp) enqueue(nb, found->second);
    }
  }
}

void IsisInjector::install(const lsa::PduView& pdu, std::size_t from, std::optional<std::size_t> only) {
  std::size_t index;
  const auto found = index_.find(pdu.lsp.id);
  if (found == index_.end()) {
    index = lsps_.size();
    index_.emplace(pdu.lsp.id, index);
    lsps_.push_back({});
    for (Neighbor& nb : neighbors_) {
      nb.srm.push_back(0);
      nb.has.push_back(0);
      nb.queued.push_back(0);
      nb.held.push_back(0);
      nb.sent_at.push_back(-1);
    }
  } else {
    index = found->second;
  }
  lsps_[index] = {pdu.lsp, {pdu.bytes.begin(), pdu.bytes.end()}};
  for (std::size_t n = 0; n < neighbors_.size(); ++n) {
    Neighbor& nb = neighbors_[n];
    set_has(nb, index, n == from);
    nb.held[index] = only && n != *only && n != from;
    nb.srm[index] = n != from && !nb.held[index];
    nb.sent_at[index] = -1;
    if (nb.srm[index] && nb.state == lsa::kAdjacencyUp) enqueue(nb, index);
  }
}

void IsisInjector::enqueue(Neighbor& nb, std::size_t index) {
  if (nb.queued[index] || nb.held[index]) return;
  nb.queued[index] = 1;
  nb.queue.push_back(index);
}

void IsisInjector::set_has(Neighbor& nb, std::size_t index, bool has) {
  if (nb.has[index] == has) return;
  nb.has[index] = has;
  if (has) ++nb.status.acknowledged;
  else --nb.status.acknowledged;
}

void IsisInjector::loop() {
  std::vector<pollfd> fds;
  for (const Neighbor& nb : neighbors_) fds.push_back({nb.socket.fd(), POLLIN, 0});
  while (!stopping_) {
    bool sending = false;
    {
      std::lock_guard lock(mutex_);
      for (const Neighbor& nb : neighbors_) sending |= nb.state == lsa::kAdjacencyUp && !nb.queue.empty();
    }
    for (pollfd& fd : fds) fd.revents = 0;
    poll(fds.data(), fds.size(), sending ? 1 : 20);
    std::lock_guard lock(mutex_);
    const double now = steady_now();
    for (std::size_t n = 0; n < neighbors_.size(); ++n) {
      for (std::size_t budget = 0; budget < kReceiveBudget; ++budget) {
        const auto received = neighbors_[n].socket.receive();
        if (!received) break;
        receive(n, received->pdu, now);
      }
    }
    for (std::size_t n = 0; n < neighbors_.size(); ++n) {
      Neighbor& nb = neighbors_[n];
      if (nb.state != lsa::kAdjacencyDown && now > nb.hold_until) set_state(n, lsa::kAdjacencyDown, now, "hold time expired");
      if (now >= nb.next_hello) send_hello(n, now);
      flush_acks(n);
      pump(n, now);
    }
  }
}

void IsisInjector::receive(std::size_t n, std::span<const std::uint8_t> bytes, double now) {
  lsa::PduView pdu;
  if (lsa::decode_pdu(bytes, pdu) != lsa::PduError::kNone) return;
  switch (pdu.type) {
    case lsa::PduType::kP2pHello: receive_hello(n, pdu, now); return;
    case lsa::PduType::kL2Lsp:
      if (neighbors_[n].state == lsa::kAdjacencyUp) receive_lsp(n, pdu);
      return;
    case lsa::PduType::kL2Csnp:
    case lsa::PduType::kL2Psnp:
      if (neighbors_[n].state == lsa::kAdjacencyUp) receive_snp(n, pdu, now);
      return;
    default: return;
  }
}

void IsisInjector::receive_hello(std::size_t n, const lsa::PduView& pdu, double now) {
  Neighbor& nb = neighbors_[n];
  if (pdu.hello.source != nb.config.system_id) return;  // not the daemon we set this link up for
  const lsa::TlvSet tlvs = lsa::decode_tlvs(pdu.tlvs, lsa::PduContext::kHello);
  if (!tlvs.three_way) return;  // both FRR and dmsc-controld send TLV 240
  const lsa::ThreeWayAdjacency& tw = *tlvs.three_way;
  if (tw.neighbor_system && *tw.neighbor_system != config_.system_id) return;
  nb.heard = true;
  nb.circuit_id = tw.extended_local_circuit_id.value_or(0);
  nb.hold_until = now + pdu.hello.holding_time;
  // RFC 5303 §3.2.
  std::uint8_t next = nb.state;
  if (tw.state == lsa::kAdjacencyDown) next = lsa::kAdjacencyInitializing;
  else if (tw.state == lsa::kAdjacencyInitializing) next = lsa::kAdjacencyUp;
  else if (nb.state == lsa::kAdjacencyInitializing) next = lsa::kAdjacencyUp;
  if (next != nb.state) set_state(n, next, now, "its hello");
}

void IsisInjector::set_state(std::size_t n, std::uint8_t state, double now, const char* why) {
  Neighbor& nb = neighbors_[n];
  static constexpr const char* kNames[] = {"Up", "Initializing", "Down"};
  lab_log("injector: adjacency with %s: %s -> %s (%s)", nb.config.name.c_str(), kNames[nb.state], kNames[state], why);
  nb.state = state;
  nb.queue.clear();
  std::fill(nb.queued.begin(), nb.queued.end(), 0);
  if (state == lsa::kAdjacencyDown) nb.heard = false;
  if (state == lsa::kAdjacencyUp) {
    // A new adjacency: it may hold nothing of ours; send everything, in LSP id order (fragment
    // 0 before the others: FRR drops a fragment whose fragment 0 it lacks).
    for (const auto& [id, index] : index_) {
      const bool its_own = id.node.system == nb.config.system_id;
      nb.srm[index] = !its_own && !nb.held[index];
      set_has(nb, index, its_own);
      nb.sent_at[index] = -1;
      if (!its_own) enqueue(nb, index);
    }
  }
  send_hello(n, now);
}

void IsisInjector::send_hello(std::size_t n, double now) {
  Neighbor& nb = neighbors_[n];
  lsa::HelloParams params;
  params.source = config_.system_id;
  params.holding_time = config_.holding_time;
  params.local_circuit_id = static_cast<std::uint8_t>(n + 1);
  params.areas = config_.areas;
  params.ipv4_addresses = {nb.config.ipv4};
  params.three_way.state = nb.state;
  params.three_way.extended_local_circuit_id = static_cast<std::uint32_t>(n + 1);
  if (nb.heard) {
    params.three_way.neighbor_system = nb.config.system_id;
    params.three_way.neighbor_extended_circuit_id = nb.circuit_id;
  }
  nb.socket.send(lsa::build_p2p_hello(params, {}));
  nb.next_hello = now + config_.hello_interval;
}

void IsisInjector::receive_lsp(std::size_t n, const lsa::PduView& pdu) {
  Neighbor& nb = neighbors_[n];
  ++nb.status.lsps_received;
  const lsa::LspEntry entry{pdu.lsp.remaining_lifetime, pdu.lsp.id, pdu.lsp.sequence, pdu.lsp.checksum};
  const auto found = index_.find(pdu.lsp.id);
  if (found == index_.end() || pdu.lsp.sequence > lsps_[found->second].header.sequence) {
    install(pdu, n);
    nb.acks.push_back(entry);
    return;
  }
  const std::size_t index = found->second;
  if (pdu.lsp.sequence == lsps_[index].header.sequence) {  // its copy is ours: an acknowledgement
    nb.srm[index] = 0;
    set_has(nb, index, true);
    nb.acks.push_back(entry);
  } else if (!nb.held[index]) {  // older than ours: it must get ours
    nb.srm[index] = 1;
    set_has(nb, index, false);
    enqueue(nb, index);
  }
}

void IsisInjector::receive_snp(std::size_t n, const lsa::PduView& pdu, double now) {
  Neighbor& nb = neighbors_[n];
  const bool csnp = pdu.type == lsa::PduType::kL2Csnp;
  ++(csnp ? nb.status.csnps_received : nb.status.psnps_received);
  const lsa::TlvSet tlvs = lsa::decode_tlvs(pdu.tlvs, lsa::PduContext::kSnp);
  std::vector<std::uint8_t> listed;
  if (csnp) listed.assign(lsps_.size(), 0);
  for (const lsa::LspEntry& entry : tlvs.lsp_entries) {
    const auto found = index_.find(entry.id);
    if (found == index_.end()) continue;  // its LSPs come by flooding
    const std::size_t index = found->second;
    if (csnp) listed[index] = 1;
    const std::uint32_t ours = lsps_[index].header.sequence;
    if (entry.sequence == ours && entry.remaining_lifetime != 0) {
      nb.srm[index] = 0;
      set_has(nb, index, true);
    } else if (entry.sequence < ours && !nb.held[index]) {  // a request (sequence 0) or an old copy
      nb.srm[index] = 1;
      set_has(nb, index, false);
      enqueue(nb, index);
    }
  }
  if (!csnp) return;
  // What it does not list in the CSNP's range, it lacks; unless we sent it a moment ago (the
  // CSNP may predate it).
  for (auto it = index_.lower_bound(pdu.snp.start); it != index_.end() && !(pdu.snp.end < it->first); ++it) {
    const std::size_t index = it->second;
    if (listed[index] || nb.has[index] || nb.held[index] || it->first.node.system == nb.config.system_id) continue;
    if (nb.sent_at[index] >= 0 && now - nb.sent_at[index] < 2) continue;
    nb.srm[index] = 1;
    enqueue(nb, index);
  }
}

void IsisInjector::flush_acks(std::size_t n) {
  Neighbor& nb = neighbors_[n];
  if (nb.acks.empty()) return;
  const std::size_t capacity = lsa::snp_capacity(false, lsa::kMaxPduLength, {});
  for (std::size_t first = 0; first < nb.acks.size(); first += capacity) {
    const std::size_t count = std::min(capacity, nb.acks.size() - first);
    nb.socket.send(lsa::build_psnp({config_.system_id, 0}, std::span(nb.acks).subspan(first, count), {}));
  }
  nb.acks.clear();
}

std::optional<std::size_t> IsisInjector::backlog(const Neighbor& nb) const {
  if (nb.config.receiver_pid <= 0) return std::nullopt;
  // "sk RefCnt Type Proto Iface R Rmem User Inode": the packet sockets of its namespace.
  std::ifstream file("/proc/" + std::to_string(nb.config.receiver_pid) + "/net/packet");
  std::string line;
  if (!std::getline(file, line)) return std::nullopt;
  std::size_t total = 0;
  while (std::getline(file, line)) {
    std::istringstream fields(line);
    std::string sk, refcnt, type, proto, iface, running;
    std::size_t rmem = 0;
    if (fields >> sk >> refcnt >> type >> proto >> iface >> running >> rmem) total += rmem;
  }
  return total;
}

void IsisInjector::pump(std::size_t n, double now) {
  Neighbor& nb = neighbors_[n];
  if (nb.state != lsa::kAdjacencyUp) return;
  if (now >= nb.next_retransmit_scan) {
    nb.next_retransmit_scan = now + 1;
    for (std::size_t i = 0; i < lsps_.size(); ++i)
      if (nb.srm[i] && !nb.queued[i] && nb.sent_at[i] >= 0 && now - nb.sent_at[i] >= config_.retransmit) {
        enqueue(nb, i);
        ++nb.status.retransmissions;
      }
  }
  if (nb.queue.empty()) return;
  std::size_t allowed = config_.burst;
  if (const auto waiting = backlog(nb)) {
    if (*waiting >= config_.backlog_limit) {
      ++nb.status.paused;
      return;
    }
  } else {
    if (now < nb.next_send) return;
    nb.next_send = now + static_cast<double>(config_.burst) / config_.fixed_rate;
  }
  while (allowed > 0 && !nb.queue.empty()) {
    const std::size_t index = nb.queue.front();
    if (!nb.srm[index]) {  // acknowledged meanwhile
      nb.queue.pop_front();
      nb.queued[index] = 0;
      continue;
    }
    if (!nb.socket.send(lsps_[index].bytes)) break;  // its buffer is full: next turn
    nb.queue.pop_front();
    nb.queued[index] = 0;
    nb.sent_at[index] = now;
    ++nb.status.lsps_sent;
    --allowed;
  }
}

}  // namespace dmsc::tools
