#include "fib/channel_codec.hpp"

#include <algorithm>
#include <cstring>

namespace dmsc::fib::channel {
namespace {

void write_header(std::byte* slot, MessageType type, std::size_t length, std::uint64_t epoch,
                  std::uint64_t sequence) {
  const MessageHeader header{static_cast<std::uint16_t>(type), static_cast<std::uint16_t>(length),
                             0, epoch, sequence};
  std::memcpy(slot, &header, sizeof(header));
}

std::byte* body_of(std::byte* slot) { return slot + sizeof(MessageHeader); }

bool all_zero(const std::uint8_t* bytes, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i)
    if (bytes[i] != 0) return false;
  return true;
}

RejectReason check_name(const std::uint8_t* bytes, std::size_t length) {
  return check_wire_name(bytes, length, nullptr, nullptr) == NameError::kNone
             ? RejectReason::kNone
             : RejectReason::kBadName;
}

}  // namespace

void encode_route(std::byte* slot, std::uint64_t epoch, std::uint64_t sequence, NameView prefix,
                  const NextHopSet& next_hops) {
  const std::size_t hop_count = std::min<std::size_t>(next_hops.count, kMaxNextHops);
  const RouteBody body{prefix.length, static_cast<std::uint8_t>(hop_count), 0, 0};
  std::byte* out = body_of(slot);
  std::memcpy(out, &body, sizeof(body));
  out += sizeof(body);
  for (std::size_t i = 0; i < hop_count; ++i, out += sizeof(WireNextHop)) {
    const WireNextHop hop{next_hops.hops[i].face, next_hops.hops[i].weight};
    std::memcpy(out, &hop, sizeof(hop));
  }
  std::memcpy(out, prefix.bytes, prefix.length);
  out += prefix.length;
  write_header(slot, MessageType::kRoute, static_cast<std::size_t>(out - body_of(slot)), epoch,
               sequence);
}

void encode_delete(std::byte* slot, std::uint64_t epoch, std::uint64_t sequence, NameView prefix) {
  DeleteBody body{};
  body.name_length = prefix.length;
  std::memcpy(body_of(slot), &body, sizeof(body));
  std::memcpy(body_of(slot) + sizeof(body), prefix.bytes, prefix.length);
  write_header(slot, MessageType::kDelete, sizeof(body) + prefix.length, epoch, sequence);
}

void encode_resync_begin(std::byte* slot, std::uint64_t epoch, std::uint64_t sequence,
                         std::uint64_t request) {
  const ResyncBeginBody body{request};
  std::memcpy(body_of(slot), &body, sizeof(body));
  write_header(slot, MessageType::kResyncBegin, sizeof(body), epoch, sequence);
}

void encode_resync_end(std::byte* slot, std::uint64_t epoch, std::uint64_t sequence,
                       std::uint64_t request, std::uint64_t begin_sequence) {
  const ResyncEndBody body{request, begin_sequence};
  std::memcpy(body_of(slot), &body, sizeof(body));
  write_header(slot, MessageType::kResyncEnd, sizeof(body), epoch, sequence);
}

RejectReason decode_message(const std::byte* slot, SlotCopy& copy, DecodedMessage& out) {
  // `out` is reused message after message: clear what a type may leave unset.
  out.prefix = NameView{};
  out.request = 0;
  out.begin_sequence = 0;
  std::memcpy(&out.header, slot, sizeof(MessageHeader));
  const MessageHeader& header = out.header;
  if (header.type < static_cast<std::uint16_t>(MessageType::kRoute) ||
      header.type > static_cast<std::uint16_t>(MessageType::kResyncEnd))
    return RejectReason::kBadType;
  const std::size_t length = header.length;
  if (length > kMaxBodyLength) return RejectReason::kBadLength;
  std::memcpy(copy.bytes.data(), slot + sizeof(MessageHeader), length);
  const std::byte* body = copy.bytes.data();

  switch (static_cast<MessageType>(header.type)) {
    case MessageType::kRoute: {
      if (length < sizeof(RouteBody)) return RejectReason::kBadLength;
      RouteBody route;
      std::memcpy(&route, body, sizeof(route));
      if (route.hop_count > kMaxNextHops) return RejectReason::kBadNextHops;
      const std::size_t hops_length = route.hop_count * sizeof(WireNextHop);
      if (length != sizeof(RouteBody) + hops_length + route.name_length)
        return RejectReason::kBadLength;
      if (header.reserved != 0 || route.reserved0 != 0 || route.reserved1 != 0)
        return RejectReason::kReservedNotZero;
      const std::byte* hops = body + sizeof(RouteBody);
      const auto* name = reinterpret_cast<const std::uint8_t*>(hops + hops_length);
      if (RejectReason reason = check_name(name, route.name_length); reason != RejectReason::kNone)
        return reason;
      out.prefix = NameView{name, route.name_length};
      out.next_hops.count = route.hop_count;
      for (std::size_t i = 0; i < route.hop_count; ++i) {
        WireNextHop hop;
        std::memcpy(&hop, hops + i * sizeof(WireNextHop), sizeof(hop));
        out.next_hops.hops[i] = NextHop{hop.face, hop.weight};
      }
      if (!validate(out.next_hops)) return RejectReason::kBadNextHops;
      return RejectReason::kNone;
    }
    case MessageType::kDelete: {
      if (length < sizeof(DeleteBody)) return RejectReason::kBadLength;
      DeleteBody del;
      std::memcpy(&del, body, sizeof(del));
      if (length != sizeof(DeleteBody) + del.name_length) return RejectReason::kBadLength;
      if (header.reserved != 0 || !all_zero(del.reserved.data(), del.reserved.size()))
        return RejectReason::kReservedNotZero;
      const auto* name = reinterpret_cast<const std::uint8_t*>(body + sizeof(DeleteBody));
      if (RejectReason reason = check_name(name, del.name_length); reason != RejectReason::kNone)
        return reason;
      out.prefix = NameView{name, del.name_length};
      return RejectReason::kNone;
    }
    case MessageType::kResyncBegin: {
      if (length != sizeof(ResyncBeginBody)) return RejectReason::kBadLength;
      if (header.reserved != 0) return RejectReason::kReservedNotZero;
      ResyncBeginBody begin;
      std::memcpy(&begin, body, sizeof(begin));
      out.request = begin.request;
      return RejectReason::kNone;
    }
    case MessageType::kResyncEnd: {
      if (length != sizeof(ResyncEndBody)) return RejectReason::kBadLength;
      if (header.reserved != 0) return RejectReason::kReservedNotZero;
      ResyncEndBody end;
      std::memcpy(&end, body, sizeof(end));
      out.request = end.request;
      out.begin_sequence = end.begin_sequence;
      return RejectReason::kNone;
    }
  }
  return RejectReason::kBadType;
}

}  // namespace dmsc::fib::channel
