#include "dataplane/forwarding.hpp"

#include <cstring>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dataplane/wire_names_avx512.hpp"

namespace dmsc::dataplane {
namespace {

// Every encapsulation fits in the headroom an rx mbuf normally starts with (checked per packet
// all the same: the headroom is the PMD's choice).
static_assert(RTE_PKTMBUF_HEADROOM >= kEncapsulationWriteLength);

inline bool is_multicast(const std::uint8_t* mac) { return (mac[0] & 1) != 0; }

// Frames that are DMSC by EtherType or UDP port but not addressed to this box: another
// host's unicast, or UDP to an IP address that is not ours (the host stack may route it).
enum class Addressed : std::uint8_t { kUs, kOtherHost, kHostStack };

inline Addressed check_addressed(const PortRuntime& port, const std::uint8_t* frame,
                                 const wire::FrameInfo& info) {
  if (std::memcmp(frame, port.mac.data(), 6) != 0) return Addressed::kOtherHost;
  if (info.encapsulation == wire::Encapsulation::kUdp4) {
    if (!port.has_ipv4 || std::memcmp(frame + info.l3_offset + 16, port.ipv4.data(), 4) != 0)
      return Addressed::kHostStack;
  } else if (info.encapsulation == wire::Encapsulation::kUdp6) {
    if (!port.has_ipv6 || std::memcmp(frame + info.l3_offset + 24, port.ipv6.data(), 16) != 0)
      return Addressed::kHostStack;
  }
  return Addressed::kUs;
}

// Per-burst tallies, added to the lcore's shared counters once per burst.
struct BurstTally {
  std::uint64_t counters[kCounterCount] = {};
  void add(Counter counter, std::uint64_t amount = 1) { counters[static_cast<std::size_t>(counter)] += amount; }
};

void publish(LcoreCounters& shared, const BurstTally& tally) {
  for (std::size_t i = 0; i < kCounterCount; ++i)
    if (tally.counters[i] != 0) bump(shared.counters[i], tally.counters[i]);
}

// A DMSC packet on its way through the burst. The union keeps the header's member
// initializers from zeroing 64 headers per burst: parse_header() writes what it reports.
struct Lane {
  Lane() {}
  rte_mbuf* mbuf;
  std::uint16_t dmsc_offset;
  union {
    wire::PacketHeader header;
  };
};

// The common case without classify_frame(): untagged DMSC over Ethernet to this port's MAC.
// It reads 14 octets even of a shorter frame (they are inside the mbuf's data room); the length
// test then discards the answer.
inline bool is_plain_dmsc_to_us(const std::uint8_t* frame, std::uint32_t length, const PortRuntime& port,
                                std::uint16_t ethertype_be) {
  std::uint32_t mac_head;
  std::uint16_t mac_tail, ethertype;
  std::memcpy(&mac_head, frame, 4);
  std::memcpy(&mac_tail, frame + 4, 2);
  std::memcpy(&ethertype, frame + 12, 2);
  return length >= wire::kEthernetHeaderLength && mac_head == port.mac_head && mac_tail == port.mac_tail &&
         ethertype == ethertype_be;
}

// The burst, compiled once per name-check variant (wire_names_avx512.hpp): inlined whole into
// each variant so that the variant's target (the AVX-512 one) reaches parse_header().
template <wire::detail::NameCheck kCheckNames>
[[gnu::always_inline]] inline void forward_burst_with(ForwardingContext& context, std::uint16_t port_index,
                                                      rte_mbuf** packets, std::uint16_t count) {
  const PortRuntime& in_port = context.ports[port_index];
  LcoreCounters& shared = *context.counters;
  BurstTally tally;
  const std::uint64_t start = rte_rdtsc();

  Lane lanes[kBurstSize];
  fib::ParsedNameView names[kBurstSize];
  fib::LookupResult results[kBurstSize];
  rte_mbuf* punted[kBurstSize];
  rte_mbuf* dropped[kBurstSize];
  std::uint16_t lane_count = 0, punt_count = 0, drop_count = 0;

  tally.add(Counter::kRxPackets, count);
  for (std::uint16_t i = 0; i < count && i < 3; ++i) rte_prefetch0(rte_pktmbuf_mtod(packets[i], void*));
  for (std::uint16_t i = 0; i < count; ++i) {
    if (i + 3 < count) rte_prefetch0(rte_pktmbuf_mtod(packets[i + 3], void*));
    rte_mbuf* mbuf = packets[i];
    tally.add(Counter::kRxBytes, mbuf->pkt_len);
    if (unlikely(mbuf->nb_segs != 1)) {
      tally.add(Counter::kChainedMbuf);
      dropped[drop_count++] = mbuf;
      continue;
    }
    const auto* frame = rte_pktmbuf_mtod(mbuf, const std::uint8_t*);
    Lane& lane = lanes[lane_count];
    wire::FrameInfo info;
    wire::FrameClass frame_class = wire::FrameClass::kDmsc;
    if (likely(is_plain_dmsc_to_us(frame, mbuf->data_len, in_port, context.ethertype_be))) {
      info.dmsc_offset = wire::kEthernetHeaderLength;
      info.dmsc_length = mbuf->data_len - wire::kEthernetHeaderLength;
    } else {
      frame_class = wire::classify_frame(frame, mbuf->data_len, context.encap, info);
      if (frame_class == wire::FrameClass::kDmsc) {
        const Addressed addressed = check_addressed(in_port, frame, info);
        if (unlikely(addressed != Addressed::kUs)) {
          if (addressed == Addressed::kHostStack || is_multicast(frame)) {
            punted[punt_count++] = mbuf;
          } else {
            tally.add(Counter::kNotForUs);
            dropped[drop_count++] = mbuf;
          }
          continue;
        }
      }
    }
    if (frame_class == wire::FrameClass::kDmsc) {
      const wire::ParseError error =
          wire::parse_header<kCheckNames>(frame + info.dmsc_offset, info.dmsc_length, lane.header);
      if (unlikely(error != wire::ParseError::kNone)) {
        tally.add(Counter::kMalformed);
        bump(shared.parse_drops[static_cast<std::size_t>(error) % kParseDropSlots], 1);
        dropped[drop_count++] = mbuf;
        continue;
      }
      if (unlikely(lane.header.hop_limit <= 1)) {
        tally.add(Counter::kHopLimitExceeded);
        dropped[drop_count++] = mbuf;
        continue;
      }
      lane.mbuf = mbuf;
      lane.dmsc_offset = info.dmsc_offset;
      names[lane_count] = {lane.header.destination.bytes, lane.header.destination_component_ends,
                           lane.header.destination.length, lane.header.destination_component_count};
      ++lane_count;
    } else if (frame_class == wire::FrameClass::kNotDmsc) {
      // A port the device could not give its MAC runs promiscuous: another host's unicast is
      // not the host stack's either.
      if (unlikely(!is_multicast(frame) && std::memcmp(frame, in_port.mac.data(), 6) != 0)) {
        tally.add(Counter::kNotForUs);
        dropped[drop_count++] = mbuf;
      } else {
        punted[punt_count++] = mbuf;
      }
    } else {
      tally.add(Counter::kMalformed);
      bump(shared.parse_drops[static_cast<std::size_t>(info.error) % kParseDropSlots], 1);
      dropped[drop_count++] = mbuf;
    }
  }

  const std::uint64_t parsed = rte_rdtsc();
  if (lane_count != 0) context.table->lookup_burst(names, lane_count, results);
  const std::uint64_t looked_up = rte_rdtsc();

  rte_mbuf* out[kMaxPorts][kBurstSize];
  std::uint16_t out_count[kMaxPorts] = {};
  const auto now_seconds = static_cast<std::uint32_t>(start / context.tsc_hz);
  AffinityTally affinity;
  for (std::uint16_t i = 0; i < lane_count; ++i) {
    Lane& lane = lanes[i];
    const fib::NextHopGroup* group = results[i].group;
    if (unlikely(group == nullptr)) {
      tally.add(Counter::kNoRoute);
      dropped[drop_count++] = lane.mbuf;
      continue;
    }
    fib::FaceId face_id;
    if (unlikely(lane.header.affinity()) && context.affinity != nullptr) {
      face_id = context.affinity->face_for(lane.header.destination.bytes, lane.header.destination.length,
                                           lane.header.flow_key, *group, now_seconds, affinity);
    } else {
      face_id = pick_next_hop(*group, lane.header.flow_key).face;
    }
    const Face* face = context.faces->find(face_id);
    if (unlikely(face == nullptr)) {
      tally.add(Counter::kNoUsableNextHop);
      dropped[drop_count++] = lane.mbuf;
      continue;
    }
    const std::size_t packet_length = std::size_t{lane.header.header_length_bytes} + lane.header.payload_length;
    if (unlikely(packet_length > face->max_packet_length)) {
      tally.add(Counter::kPacketTooBig);
      dropped[drop_count++] = lane.mbuf;
      continue;
    }
    rte_mbuf* mbuf = lane.mbuf;
    // encapsulate() writes kEncapsulationWriteLength octets in front of the DMSC packet: the
    // received headers plus the headroom must hold them (RTE_PKTMBUF_HEADROOM does; a PMD
    // that leaves less is caught here).
    if (unlikely(std::size_t{mbuf->data_off} + lane.dmsc_offset < kEncapsulationWriteLength)) {
      tally.add(Counter::kNoHeadroom);
      dropped[drop_count++] = mbuf;
      continue;
    }
    auto* dmsc = rte_pktmbuf_mtod_offset(mbuf, std::uint8_t*, lane.dmsc_offset);
    dmsc[2] = static_cast<std::uint8_t>(lane.header.hop_limit - 1);
    // Strip the received encapsulation and any link padding, then put the face's in front.
    mbuf->data_off = static_cast<std::uint16_t>(mbuf->data_off + lane.dmsc_offset - face->header_length);
    mbuf->data_len = static_cast<std::uint16_t>(packet_length + face->header_length);
    mbuf->pkt_len = mbuf->data_len;
    // Offload requests are the received packet's, not ours; the flags that say whose buffer
    // this is (external, indirect) must survive until the mbuf is freed.
    mbuf->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
    encapsulate(*face, dmsc, packet_length, lane.header.flow_key);
    out[face->port_index][out_count[face->port_index]++] = mbuf;
  }
  if (affinity.kept + affinity.fresh + affinity.moved != 0) {
    tally.add(Counter::kAffinityKept, affinity.kept);
    tally.add(Counter::kAffinityNew, affinity.fresh);
    tally.add(Counter::kAffinityMoved, affinity.moved);
    tally.add(Counter::kAffinityEvicted, affinity.evicted);
  }
  bump(shared.processing_cycles, rte_rdtsc() - start);
  bump(shared.parse_cycles, parsed - start);
  bump(shared.lookup_cycles, looked_up - parsed);

  for (std::uint16_t p = 0; p < context.port_count; ++p) {
    if (out_count[p] == 0) continue;
    const std::uint16_t sent = rte_eth_tx_burst(context.ports[p].port_id, context.tx_queue, out[p], out_count[p]);
    tally.add(Counter::kForwarded, sent);
    if (unlikely(sent < out_count[p])) {
      tally.add(Counter::kTxQueueFull, out_count[p] - sent);
      rte_pktmbuf_free_bulk(out[p] + sent, out_count[p] - sent);
    }
  }
  if (punt_count != 0) {
    if (in_port.punt_ring == nullptr) {
      tally.add(Counter::kNoPuntPath, punt_count);
      rte_pktmbuf_free_bulk(punted, punt_count);
    } else {
      const unsigned queued = rte_ring_mp_enqueue_burst(in_port.punt_ring, reinterpret_cast<void**>(punted), punt_count, nullptr);
      if (queued < punt_count) {
        tally.add(Counter::kPuntQueueFull, punt_count - queued);
        rte_pktmbuf_free_bulk(punted + queued, punt_count - queued);
      }
    }
  }
  if (drop_count != 0) rte_pktmbuf_free_bulk(dropped, drop_count);
  publish(shared, tally);
}

void forward_burst_portable(ForwardingContext& context, std::uint16_t port_index, rte_mbuf** packets,
                            std::uint16_t count) {
  forward_burst_with<wire::detail::check_adjacent_names>(context, port_index, packets, count);
}

[[gnu::target(DMSC_NAMES_AVX512_TARGET), gnu::flatten]] void forward_burst_avx512(ForwardingContext& context,
                                                                    std::uint16_t port_index, rte_mbuf** packets,
                                                                    std::uint16_t count) {
  forward_burst_with<wire::detail::check_adjacent_names_avx512>(context, port_index, packets, count);
}

void send_injected(ForwardingContext& context, BurstTally& tally) {
  rte_mbuf* packets[kBurstSize];
  for (std::uint16_t p = 0; p < context.port_count; ++p) {
    rte_ring* ring = context.ports[p].inject_ring;
    if (ring == nullptr) continue;
    const unsigned count = rte_ring_sc_dequeue_burst(ring, reinterpret_cast<void**>(packets), kBurstSize, nullptr);
    if (count == 0) continue;
    const std::uint16_t sent = rte_eth_tx_burst(context.ports[p].port_id, context.tx_queue, packets, static_cast<std::uint16_t>(count));
    tally.add(Counter::kInjected, sent);
    if (sent < count) {
      tally.add(Counter::kInjectQueueFull, count - sent);
      rte_pktmbuf_free_bulk(packets + sent, count - sent);
    }
  }
}

}  // namespace

BurstHandler pick_burst_handler(bool allow_avx512) {
  return allow_avx512 && wire::names_avx512_supported() ? forward_burst_avx512 : forward_burst_portable;
}

const char* burst_handler_name(BurstHandler handler) {
  return handler == forward_burst_avx512 ? "avx512" : "portable";
}

void forward_burst(ForwardingContext& context, std::uint16_t port_index, rte_mbuf** packets,
                   std::uint16_t count) {
  context.forward_burst(context, port_index, packets, count);
}

int run_forwarding_lcore(ForwardingContext& context) {
  LcoreCounters& shared = *context.counters;
  context.qsbr->online(context.reader_id);
  rte_mbuf* packets[kBurstSize];
  std::uint64_t loops = 0, bursts = 0;
  std::uint32_t idle_loops = 0;
  while (!context.stop->load(std::memory_order_relaxed)) {
    const std::uint64_t bursts_before = bursts;
    for (std::uint16_t q = 0; q < context.rx_queue_count; ++q) {
      const RxQueueRef& rx = context.rx_queues[q];
      const std::uint16_t count = rte_eth_rx_burst(context.ports[rx.port_index].port_id, rx.queue, packets, kBurstSize);
      if (count == 0) continue;
      ++bursts;
      context.forward_burst(context, rx.port_index, packets, count);
    }
    // Opt-in (poll-sleep): an idle lcore gives its CPU back. Off by default: a sleep is a system
    // call, and the first packet after it waits up to poll_sleep_us.
    if (context.poll_sleep_us != 0) {
      idle_loops = bursts == bursts_before ? idle_loops + 1 : 0;
      if (idle_loops >= kIdleLoopsBeforeSleep) {
        context.qsbr->quiescent(context.reader_id);
        rte_delay_us_sleep(context.poll_sleep_us);
        idle_loops = 0;
      }
    }
    if (context.sends_injected) {
      BurstTally tally;
      send_injected(context, tally);
      publish(shared, tally);
    }
    context.qsbr->quiescent(context.reader_id);
    // Loop figures are published every 1024 loops, not per loop: one store pair per 1024.
    if ((++loops & 1023) == 0) {
      bump(shared.loops, 1024);
      bump(shared.bursts, bursts);
      bursts = 0;
    }
  }
  bump(shared.loops, loops & 1023);
  bump(shared.bursts, bursts);
  context.qsbr->offline(context.reader_id);
  return 0;
}

}  // namespace dmsc::dataplane
