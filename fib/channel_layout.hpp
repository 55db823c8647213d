#pragma once
// The bytes of the FIB update channel's shared-memory segment, as both the control daemon
// (producer) and the forwarder (consumer) map them. Two builds talk only when the magic, the
// layout version and every size in SegmentIdentity agree, so any change to a struct here must
// bump kLayoutVersion. Native byte order: both sides run on one host.
//
// Segment = SegmentHeader (576 bytes) followed by slot_count slots of kSlotSize bytes. Fields are
// plain integers reached through std::atomic_ref: the struct stays trivially copyable and
// implicit-lifetime, and nothing in it is a pointer (each side maps it at its own address).
// Ownership is single-writer per field: head/epoch/resync_served and the producer counters are
// written only by the producer; tail/resync_requested/last_reject and the consumer counters only
// by the consumer. The identity line is written once, by whoever creates the segment.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fib/channel_counters.hpp"
#include "fib/name.hpp"
#include "fib/next_hop.hpp"

namespace dmsc::fib::channel {

inline constexpr std::uint64_t kMagic = 0x4342494643534d44;  // "DMSCFIBC" in memory order
inline constexpr std::uint32_t kLayoutVersion = 1;
inline constexpr std::size_t kCacheLine = 64;
inline constexpr std::uint32_t kSlotSize = 384;
inline constexpr std::uint32_t kMinSlotCount = 16;
inline constexpr std::uint32_t kMaxSlotCount = 1u << 20;
inline constexpr std::size_t kCounterSlots = 16;

static_assert(kRejectReasonCount <= kCounterSlots && kProducerCounterCount <= kCounterSlots &&
              kConsumerCounterCount <= kCounterSlots);

// --- messages (one per slot) ---

enum class MessageType : std::uint16_t {
  kRoute = 1,        // add or replace a prefix with its next-hop set
  kDelete = 2,       // remove a prefix
  kResyncBegin = 3,  // a full copy of the producer's routes follows
  kResyncEnd = 4,    // the copy is complete: what it did not refresh is stale
};

struct MessageHeader {
  std::uint16_t type;
  std::uint16_t length;    // body bytes after this header
  std::uint32_t reserved;  // zero
  std::uint64_t epoch;     // producer epoch: one per producer start
  std::uint64_t sequence;  // 0, 1, 2... within the epoch
};

struct WireNextHop {
  std::uint32_t face;
  std::uint32_t weight;
};

// Followed by hop_count WireNextHops, then name_length bytes of wire-form prefix. Only the hops
// in use travel: a typical route then fits two cache lines, and every line a message spans is a
// line moved from the producer's core to the consumer's.
struct RouteBody {
  std::uint8_t name_length;
  std::uint8_t hop_count;
  std::uint16_t reserved0;
  std::uint32_t reserved1;
};

// Followed by name_length bytes of wire-form prefix.
struct DeleteBody {
  std::uint8_t name_length;
  std::array<std::uint8_t, 7> reserved;
};

struct ResyncBeginBody {
  std::uint64_t request;  // the consumer's resync_requested this resync answers
};

struct ResyncEndBody {
  std::uint64_t request;
  std::uint64_t begin_sequence;  // sequence of the ResyncBegin it closes
};

inline constexpr std::size_t kMaxBodyLength = kSlotSize - sizeof(MessageHeader);

static_assert(sizeof(MessageHeader) == 24 && offsetof(MessageHeader, type) == 0 &&
              offsetof(MessageHeader, length) == 2 && offsetof(MessageHeader, reserved) == 4 &&
              offsetof(MessageHeader, epoch) == 8 && offsetof(MessageHeader, sequence) == 16);
static_assert(sizeof(WireNextHop) == 8 && offsetof(WireNextHop, weight) == 4);
static_assert(sizeof(RouteBody) == 8 && offsetof(RouteBody, hop_count) == 1 &&
              offsetof(RouteBody, reserved0) == 2 && offsetof(RouteBody, reserved1) == 4);
static_assert(sizeof(DeleteBody) == 8 && offsetof(DeleteBody, reserved) == 1);
static_assert(sizeof(ResyncBeginBody) == 8);
static_assert(sizeof(ResyncEndBody) == 16 && offsetof(ResyncEndBody, begin_sequence) == 8);
static_assert(sizeof(MessageHeader) + sizeof(RouteBody) + kMaxNextHops * sizeof(WireNextHop) +
                      kMaxEncodedNameLength <=
                  kSlotSize,
              "the largest route message must fit one slot");
static_assert(kSlotSize % kCacheLine == 0);

// --- the segment header ---

struct alignas(kCacheLine) SegmentIdentity {
  std::uint64_t magic;  // written last by the creator: non-zero means initialized
  std::uint32_t layout_version;
  std::uint32_t header_size;
  std::uint32_t slot_size;
  std::uint32_t slot_count;  // power of two
  std::uint64_t segment_size;
  std::uint32_t max_name_length;
  std::uint32_t max_next_hops;
  std::uint32_t counter_slots;
  std::uint32_t reserved;
};

// Producer-owned. head counts slots ever published (never wraps in practice: 2^64 messages).
struct alignas(kCacheLine) ProducerControl {
  std::uint64_t head;
  std::uint64_t epoch;          // bumped by every producer start
  std::uint64_t resync_served;  // last request a ResyncBegin answered
  std::uint64_t pid;            // informational: who holds the producer role
};

// Consumer-owned.
struct alignas(kCacheLine) ConsumerControl {
  std::uint64_t tail;              // slots consumed
  std::uint64_t resync_requested;  // bumped each time the consumer wants a full resync
  std::uint64_t pid;
  std::uint64_t last_reject_reason;
  std::uint64_t last_reject_epoch;
  std::uint64_t last_reject_sequence;
};

struct SegmentHeader {
  SegmentIdentity identity;
  ProducerControl producer;
  ConsumerControl consumer;
  alignas(kCacheLine) std::array<std::uint64_t, kCounterSlots> producer_counters;
  alignas(kCacheLine) std::array<std::uint64_t, kCounterSlots> consumer_counters;
  alignas(kCacheLine) std::array<std::uint64_t, kCounterSlots> reject_counters;
};

static_assert(sizeof(SegmentIdentity) == 64 && offsetof(SegmentIdentity, layout_version) == 8 &&
              offsetof(SegmentIdentity, header_size) == 12 &&
              offsetof(SegmentIdentity, slot_size) == 16 &&
              offsetof(SegmentIdentity, slot_count) == 20 &&
              offsetof(SegmentIdentity, segment_size) == 24 &&
              offsetof(SegmentIdentity, max_name_length) == 32 &&
              offsetof(SegmentIdentity, max_next_hops) == 36 &&
              offsetof(SegmentIdentity, counter_slots) == 40);
static_assert(sizeof(ProducerControl) == 64 && offsetof(ProducerControl, epoch) == 8 &&
              offsetof(ProducerControl, resync_served) == 16 &&
              offsetof(ProducerControl, pid) == 24);
static_assert(sizeof(ConsumerControl) == 64 && offsetof(ConsumerControl, resync_requested) == 8 &&
              offsetof(ConsumerControl, pid) == 16 &&
              offsetof(ConsumerControl, last_reject_reason) == 24 &&
              offsetof(ConsumerControl, last_reject_epoch) == 32 &&
              offsetof(ConsumerControl, last_reject_sequence) == 40);
static_assert(sizeof(SegmentHeader) == 576 && offsetof(SegmentHeader, producer) == 64 &&
              offsetof(SegmentHeader, consumer) == 128 &&
              offsetof(SegmentHeader, producer_counters) == 192 &&
              offsetof(SegmentHeader, consumer_counters) == 320 &&
              offsetof(SegmentHeader, reject_counters) == 448);
static_assert(sizeof(SegmentHeader) % kCacheLine == 0, "slots start cache-aligned");
static_assert(std::is_standard_layout_v<SegmentHeader> &&
              std::is_trivially_copyable_v<SegmentHeader> &&
              std::is_trivially_copyable_v<MessageHeader> &&
              std::is_trivially_copyable_v<RouteBody>);
static_assert(std::atomic_ref<std::uint64_t>::is_always_lock_free,
              "cross-process atomics must not fall back to a process-local lock");

inline constexpr std::uint64_t segment_size_for(std::uint32_t slot_count) {
  return sizeof(SegmentHeader) + std::uint64_t{slot_count} * kSlotSize;
}

// --- access to shared fields ---

inline std::uint64_t load_acquire(const std::uint64_t& field) {
  return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(field))
      .load(std::memory_order_acquire);
}
inline std::uint64_t load_relaxed(const std::uint64_t& field) {
  return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(field))
      .load(std::memory_order_relaxed);
}
inline void store_release(std::uint64_t& field, std::uint64_t value) {
  std::atomic_ref<std::uint64_t>(field).store(value, std::memory_order_release);
}
inline void store_relaxed(std::uint64_t& field, std::uint64_t value) {
  std::atomic_ref<std::uint64_t>(field).store(value, std::memory_order_relaxed);
}
// Counters have one writer each, so a plain load+store suffices (no locked add); observers
// read them relaxed and may see a value one update old.
inline void bump(std::uint64_t& counter, std::uint64_t amount = 1) {
  store_relaxed(counter, load_relaxed(counter) + amount);
}

}  // namespace dmsc::fib::channel
