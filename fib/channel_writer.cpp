#include "fib/channel_writer.hpp"

#include "fib/channel_codec.hpp"

namespace dmsc::fib::channel {

Expected<std::unique_ptr<ChannelWriter>> ChannelWriter::attach(const ChannelConfig& config) {
  Expected<Segment> segment = Segment::attach(config, Role::kProducer);
  if (!segment) return Error{segment.error()};
  return std::unique_ptr<ChannelWriter>(new ChannelWriter(std::move(*segment)));
}

ChannelWriter::ChannelWriter(Segment segment)
    : segment_(std::move(segment)), header_(segment_.header()) {
  // A restarted producer continues at the published head: slots an earlier producer filled
  // but never published are simply overwritten, and everything published stays in order.
  head_ = published_head_ = load_acquire(header_.producer.head);
  cached_tail_ = load_acquire(header_.consumer.tail);
  epoch_ = load_acquire(header_.producer.epoch) + 1;
  store_release(header_.producer.epoch, epoch_);
  count(ProducerCounter::kAttaches);
}

std::byte* ChannelWriter::reserve() {
  const std::uint64_t capacity = segment_.slot_count();
  // Unsigned arithmetic also reads a tail ahead of head (a corrupt index, which the consumer
  // repairs) as "full": the producer never writes over slots it cannot prove free.
  if (head_ - cached_tail_ >= capacity) {
    publish();  // the consumer can only make room out of what it can see
    cached_tail_ = load_acquire(header_.consumer.tail);
    if (head_ - cached_tail_ >= capacity) {
      if (!ring_full_) count(ProducerCounter::kRingFull);
      ring_full_ = true;
      return nullptr;
    }
  }
  return segment_.slot(head_);
}

void ChannelWriter::commit(ProducerCounter kind) {
  ++head_;
  ++sequence_;
  ring_full_ = false;
  count(ProducerCounter::kMessages);
  count(kind);
  if (head_ - published_head_ >= kPublishBatch) publish();
}

void ChannelWriter::publish() {
  if (head_ == published_head_) return;
  // Release: the slot bytes written above are visible to whoever acquires this head.
  store_release(header_.producer.head, head_);
  published_head_ = head_;
}

bool ChannelWriter::try_route(NameView prefix, const NextHopSet& next_hops) {
  std::byte* slot = reserve();
  if (slot == nullptr) return false;
  encode_route(slot, epoch_, sequence_, prefix, next_hops);
  commit(ProducerCounter::kRoutes);
  return true;
}

bool ChannelWriter::try_delete(NameView prefix) {
  std::byte* slot = reserve();
  if (slot == nullptr) return false;
  encode_delete(slot, epoch_, sequence_, prefix);
  commit(ProducerCounter::kDeletes);
  return true;
}

bool ChannelWriter::try_resync_begin(std::uint64_t request) {
  std::byte* slot = reserve();
  if (slot == nullptr) return false;
  encode_resync_begin(slot, epoch_, sequence_, request);
  resync_request_ = request;
  resync_begin_sequence_ = sequence_;
  commit(ProducerCounter::kResyncsBegun);
  store_release(header_.producer.resync_served, request);
  return true;
}

bool ChannelWriter::try_resync_end() {
  std::byte* slot = reserve();
  if (slot == nullptr) return false;
  encode_resync_end(slot, epoch_, sequence_, resync_request_, resync_begin_sequence_);
  commit(ProducerCounter::kResyncsCompleted);
  return true;
}

std::uint64_t ChannelWriter::resync_requested() const {
  return load_acquire(header_.consumer.resync_requested);
}

}  // namespace dmsc::fib::channel
