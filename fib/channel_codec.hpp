#pragma once
// Encoding of FIB update messages into ring slots and their structural check on the way out.
// Epoch and sequence rules are the consumer's (they depend on its state); this file checks what
// one message alone can tell: type, length, reserved fields, prefix and next-hop set.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fib/channel_counters.hpp"
#include "fib/channel_layout.hpp"
#include "fib/name.hpp"
#include "fib/next_hop.hpp"

namespace dmsc::fib::channel {

// Every encoder writes one whole message at `slot` (kSlotSize bytes). The prefix must be a valid
// name and the set must pass validate(): the producer checks both before it accepts a route.
void encode_route(std::byte* slot, std::uint64_t epoch, std::uint64_t sequence, NameView prefix,
                  const NextHopSet& next_hops);
void encode_delete(std::byte* slot, std::uint64_t epoch, std::uint64_t sequence, NameView prefix);
void encode_resync_begin(std::byte* slot, std::uint64_t epoch, std::uint64_t sequence,
                         std::uint64_t request);
void encode_resync_end(std::byte* slot, std::uint64_t epoch, std::uint64_t sequence,
                       std::uint64_t request, std::uint64_t begin_sequence);

// Consumer-private copy of one slot.
struct alignas(kCacheLine) SlotCopy {
  std::array<std::byte, kSlotSize> bytes;
};

struct DecodedMessage {
  MessageHeader header{};
  NameView prefix;       // points into the SlotCopy; kRoute and kDelete only
  NextHopSet next_hops;  // kRoute only
  std::uint64_t request = 0;         // kResyncBegin and kResyncEnd
  std::uint64_t begin_sequence = 0;  // kResyncEnd
  MessageType type() const { return static_cast<MessageType>(header.type); }
};

// The message is first copied out of shared memory into `copy`, and only the copy is checked
// and used: a buggy or hostile producer could otherwise change the bytes between the check and
// their use. Returns kNone when `out` holds a well-formed message.
RejectReason decode_message(const std::byte* slot, SlotCopy& copy, DecodedMessage& out);

// Reads only the type, for the consumer's fast skip while it waits for a ResyncBegin.
inline std::uint16_t peek_type(const std::byte* slot) {
  std::uint16_t type;
  std::memcpy(&type, slot + offsetof(MessageHeader, type), sizeof(type));
  return type;
}

}  // namespace dmsc::fib::channel
