#include "fib/update_channel.hpp"

namespace dmsc::fib {

using channel::MessageType;

Expected<std::unique_ptr<FibUpdateConsumer>> FibUpdateConsumer::create(
    const ChannelConfig& config) {
  Expected<channel::Segment> segment = channel::Segment::attach(config, channel::Role::kConsumer);
  if (!segment) return Error{segment.error()};
  return std::unique_ptr<FibUpdateConsumer>(new FibUpdateConsumer(std::move(*segment)));
}

FibUpdateConsumer::FibUpdateConsumer(channel::Segment segment)
    : segment_(std::move(segment)), header_(segment_.header()) {
  // What the ring holds was meant for an earlier consumer, mid-stream for us: drop it and ask
  // for a full copy. The request is stored after the new tail, so the ResyncBegin answering it
  // lies beyond the tail and cannot be dropped with the rest.
  cached_head_ = channel::load_acquire(header_.producer.head);
  tail_ = published_tail_ = cached_head_;
  channel::store_release(header_.consumer.tail, tail_);
  count(ConsumerCounter::kAttaches);
  request_resync();
}

void FibUpdateConsumer::request_resync() {
  auto& requested = header_.consumer.resync_requested;
  channel::store_release(requested, channel::load_relaxed(requested) + 1);
  count(ConsumerCounter::kResyncRequests);
  state_ = ConsumerState::kAwaitingResync;
}

void FibUpdateConsumer::publish_tail() {
  if (tail_ == published_tail_) return;
  // Release: our reads of the slots happen before the producer may reuse them.
  channel::store_release(header_.consumer.tail, tail_);
  published_tail_ = tail_;
}

std::size_t FibUpdateConsumer::poll(FibUpdateSink& sink, std::size_t max_messages) {
  std::size_t taken = 0;
  while (taken < max_messages) {
    if (tail_ == cached_head_) {
      publish_tail();
      cached_head_ = channel::load_acquire(header_.producer.head);
      // Unsigned: a head behind the tail shows up as a huge distance too.
      if (cached_head_ - tail_ > segment_.slot_count()) {
        const channel::MessageHeader none{};
        reject(RejectReason::kBadRingIndex, none);
        tail_ = cached_head_;  // nothing in between can be trusted
        break;
      }
      if (tail_ == cached_head_) break;
    }
    handle(segment_.slot(tail_), sink);
    ++tail_;
    ++taken;
    if (tail_ - published_tail_ >= kReleaseBatch) publish_tail();
  }
  publish_tail();
  return taken;
}

void FibUpdateConsumer::handle(const std::byte* slot, FibUpdateSink& sink) {
  count(ConsumerCounter::kMessages);
  if (state_ == ConsumerState::kAwaitingResync &&
      channel::peek_type(slot) != static_cast<std::uint16_t>(MessageType::kResyncBegin)) {
    count(ConsumerCounter::kSkipped);
    return;
  }
  RejectReason reason = channel::decode_message(slot, copy_, message_);
  if (reason == RejectReason::kNone) reason = check_order(message_);
  if (reason != RejectReason::kNone) {
    reject(reason, message_.header);
    return;
  }
  apply(message_, sink);
}

RejectReason FibUpdateConsumer::check_order(const channel::DecodedMessage& message) const {
  const channel::MessageHeader& header = message.header;
  if (header.epoch < epoch_) return RejectReason::kEpochRegressed;
  // Waiting, the stream was lost anyway: any ResyncBegin (the only type decoded then) of this
  // or a later epoch starts a complete copy.
  if (state_ == ConsumerState::kAwaitingResync) return RejectReason::kNone;
  if (header.epoch > epoch_) {
    if (message.type() != MessageType::kResyncBegin) return RejectReason::kEpochWithoutResync;
    return header.sequence == 0 ? RejectReason::kNone : RejectReason::kSequenceGap;
  }
  if (header.sequence != next_sequence_) return RejectReason::kSequenceGap;
  if (message.type() == MessageType::kResyncEnd &&
      (state_ != ConsumerState::kResyncing || message.begin_sequence != resync_begin_sequence_))
    return RejectReason::kResyncEndMismatch;
  return RejectReason::kNone;
}

void FibUpdateConsumer::apply(const channel::DecodedMessage& message, FibUpdateSink& sink) {
  const channel::MessageHeader& header = message.header;
  if (header.epoch != epoch_ && epoch_ != 0) count(ConsumerCounter::kEpochChanges);
  epoch_ = header.epoch;
  next_sequence_ = header.sequence + 1;
  switch (message.type()) {
    case MessageType::kResyncBegin:
      // A resync in progress may be abandoned here: what it refreshed is refreshed again.
      state_ = ConsumerState::kResyncing;
      resync_begin_sequence_ = header.sequence;
      sink.on_resync_begin();
      count(ConsumerCounter::kResyncsBegun);
      break;
    case MessageType::kRoute:
      if (!sink.on_route(message.prefix, message.next_hops)) count(ConsumerCounter::kSinkErrors);
      count(ConsumerCounter::kRoutes);
      break;
    case MessageType::kDelete:
      sink.on_delete(message.prefix);
      count(ConsumerCounter::kDeletes);
      break;
    case MessageType::kResyncEnd:
      sink.on_resync_end();
      state_ = ConsumerState::kSynced;
      count(ConsumerCounter::kResyncsCompleted);
      break;
  }
}

void FibUpdateConsumer::reject(RejectReason reason, const channel::MessageHeader& header) {
  const auto index = static_cast<std::size_t>(reason);
  channel::bump(header_.reject_counters[index]);
  channel::store_relaxed(header_.consumer.last_reject_reason, index);
  channel::store_relaxed(header_.consumer.last_reject_epoch, header.epoch);
  channel::store_relaxed(header_.consumer.last_reject_sequence, header.sequence);
  // Nothing refused is applied, and the sink keeps what it has: the next resync's sweep is
  // what removes routes, never a reject. While already waiting, the only messages examined
  // are ResyncBegins, so a refused one may have been the answer: ask again.
  request_resync();
}

}  // namespace dmsc::fib
