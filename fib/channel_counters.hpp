#pragma once
// Counters of the FIB update channel, declared once: the segment stores them as arrays indexed
// by these enums, and telemetry, the CLI and tests read names and descriptions from the tables
// below. Values are stable (they index shared memory); appending one is a layout change only
// when it outgrows kCounterSlots.

#include <array>
#include <cstddef>
#include <cstdint>

namespace dmsc::fib {

// Why the consumer refused a message or the ring state. Every reject is counted and makes the
// consumer ask for a resync; nothing refused is ever applied.
enum class RejectReason : std::uint8_t {
  kNone = 0,
  kBadRingIndex,        // head behind tail, or more than slot_count ahead of it
  kBadType,             // unknown message type
  kBadLength,           // length does not match the type (or overruns the slot)
  kReservedNotZero,     // a reserved field is set: the peer speaks another layout
  kBadName,             // prefix fails check_wire_name
  kBadNextHops,         // next-hop set fails validate()
  kSequenceGap,         // sequence is not previous + 1 within the epoch
  kEpochRegressed,      // epoch lower than the one being followed
  kEpochWithoutResync,  // a new epoch that does not open with ResyncBegin
  kResyncEndMismatch,   // ResyncEnd outside a resync, or for another ResyncBegin
  kCount,
};

enum class ProducerCounter : std::uint8_t {
  kMessages = 0,
  kRoutes,
  kDeletes,
  kResyncsBegun,
  kResyncsCompleted,
  kResyncsRestarted,
  kRingFull,
  kAttaches,
  kCount,
};

enum class ConsumerCounter : std::uint8_t {
  kMessages = 0,
  kRoutes,
  kDeletes,
  kResyncsBegun,
  kResyncsCompleted,
  kResyncRequests,
  kSkipped,
  kSinkErrors,
  kEpochChanges,
  kAttaches,
  kCount,
};

inline constexpr std::size_t kRejectReasonCount = static_cast<std::size_t>(RejectReason::kCount);
inline constexpr std::size_t kProducerCounterCount =
    static_cast<std::size_t>(ProducerCounter::kCount);
inline constexpr std::size_t kConsumerCounterCount =
    static_cast<std::size_t>(ConsumerCounter::kCount);

struct CounterInfo {
  const char* name;
  const char* unit;
  const char* description;
};

inline constexpr std::array<CounterInfo, kRejectReasonCount> kRejectReasonInfo{{
    {"none", "messages", "not a reject (slot kept so that reasons index from 1)"},
    {"bad_ring_index", "events", "head behind tail or more than the ring ahead; ring discarded"},
    {"bad_type", "messages", "unknown message type"},
    {"bad_length", "messages", "length does not fit the message type or the slot"},
    {"reserved_not_zero", "messages", "reserved field set: peer speaks another layout"},
    {"bad_name", "messages", "prefix is not a valid wire-form name"},
    {"bad_next_hops", "messages", "next-hop set fails validation"},
    {"sequence_gap", "messages", "sequence number is not the previous one plus one"},
    {"epoch_regressed", "messages", "epoch older than the one being followed"},
    {"epoch_without_resync", "messages", "new producer epoch not opened by ResyncBegin"},
    {"resync_end_mismatch", "messages", "ResyncEnd without its ResyncBegin"},
}};

inline constexpr std::array<CounterInfo, kProducerCounterCount> kProducerCounterInfo{{
    {"messages", "messages", "messages written to the ring"},
    {"routes", "messages", "add/replace messages written"},
    {"deletes", "messages", "delete messages written"},
    {"resyncs_begun", "resyncs", "ResyncBegin written"},
    {"resyncs_completed", "resyncs", "ResyncEnd written"},
    {"resyncs_restarted", "resyncs", "resync abandoned for a newer consumer request"},
    {"ring_full", "events", "times the producer found the ring full and had to wait"},
    {"attaches", "starts", "producer starts (each one opens a new epoch)"},
}};

inline constexpr std::array<CounterInfo, kConsumerCounterCount> kConsumerCounterInfo{{
    {"messages", "messages", "messages taken from the ring (skipped and rejected included)"},
    {"routes", "messages", "add/replace messages applied"},
    {"deletes", "messages", "delete messages applied"},
    {"resyncs_begun", "resyncs", "ResyncBegin applied"},
    {"resyncs_completed", "resyncs", "ResyncEnd applied: stale routes swept"},
    {"resync_requests", "requests", "resyncs asked of the producer"},
    {"skipped", "messages", "messages passed over while waiting for a ResyncBegin"},
    {"sink_errors", "messages", "valid messages the sink could not apply (e.g. FIB full)"},
    {"epoch_changes", "events", "producer restarts seen (a ResyncBegin with a new epoch)"},
    {"attaches", "starts", "consumer starts (each discards the ring and asks for a resync)"},
}};

inline const char* reject_reason_name(RejectReason reason) {
  const auto index = static_cast<std::size_t>(reason);
  return index < kRejectReasonCount ? kRejectReasonInfo[index].name : "unknown";
}

}  // namespace dmsc::fib
