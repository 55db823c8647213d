// Fuzz target for the FIB update channel's message decoder: a consumer reads slots that another
// process wrote, so any bytes at all must give a named reject or a well-formed message, and a
// message that decodes must re-encode to one that decodes to the same fields.
#include <cstdlib>
#include <cstring>

#include "fib/channel_codec.hpp"

namespace {

using namespace dmsc::fib;
using namespace dmsc::fib::channel;

[[noreturn]] void fail(const char* why) {
  __builtin_printf("channel_fuzz: %s\n", why);
  std::abort();
}

void check_round_trip(const DecodedMessage& message) {
  alignas(kCacheLine) std::byte slot[kSlotSize] = {};
  const MessageHeader& h = message.header;
  switch (message.type()) {
    case MessageType::kRoute: encode_route(slot, h.epoch, h.sequence, message.prefix, message.next_hops); break;
    case MessageType::kDelete: encode_delete(slot, h.epoch, h.sequence, message.prefix); break;
    case MessageType::kResyncBegin: encode_resync_begin(slot, h.epoch, h.sequence, message.request); break;
    case MessageType::kResyncEnd:
      encode_resync_end(slot, h.epoch, h.sequence, message.request, message.begin_sequence);
      break;
    default: fail("decoded a message of an unknown type");
  }
  SlotCopy copy;
  DecodedMessage again;
  if (decode_message(slot, copy, again) != RejectReason::kNone) fail("re-encoded message rejected");
  if (again.type() != message.type() || again.header.epoch != h.epoch ||
      again.header.sequence != h.sequence || again.request != message.request ||
      again.begin_sequence != message.begin_sequence)
    fail("re-encoded message differs");
  if (message.type() == MessageType::kRoute || message.type() == MessageType::kDelete) {
    if (again.prefix.length != message.prefix.length ||
        std::memcmp(again.prefix.bytes, message.prefix.bytes, message.prefix.length) != 0)
      fail("re-encoded prefix differs");
  }
  if (message.type() == MessageType::kRoute && !(again.next_hops == message.next_hops))
    fail("re-encoded next hops differ");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  alignas(kCacheLine) std::byte slot[kSlotSize] = {};
  std::memcpy(slot, data, size < kSlotSize ? size : kSlotSize);
  SlotCopy copy;
  DecodedMessage message;
  if (decode_message(slot, copy, message) != RejectReason::kNone) return 0;
  if (message.type() == MessageType::kRoute || message.type() == MessageType::kDelete) {
    std::size_t components = 0;
    if (check_wire_name(message.prefix.bytes, message.prefix.length, nullptr, &components) !=
        NameError::kNone)
      fail("accepted an invalid prefix");
  }
  if (message.type() == MessageType::kRoute && !validate(message.next_hops).ok())
    fail("accepted an invalid next-hop set");
  check_round_trip(message);
  return 0;
}
