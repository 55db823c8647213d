#pragma once
// The producer's end of the ring: messages with the right epoch and sequence, written into free
// slots and published in batches. It keeps no route state (RouteSyncProducer does); the channel
// benchmark drives it directly to measure the ring alone.
//
// Threading: one thread per writer; one writer per segment (the producer role lock).

#include <cstddef>
#include <cstdint>
#include <memory>

#include "fib/channel_layout.hpp"
#include "fib/channel_segment.hpp"
#include "fib/expected.hpp"
#include "fib/name.hpp"
#include "fib/next_hop.hpp"

namespace dmsc::fib::channel {

class ChannelWriter {
 public:
  // Attaches as producer (creating the segment if absent) and opens a new epoch. Nothing is
  // written yet: the first message of the epoch must be a ResyncBegin.
  static Expected<std::unique_ptr<ChannelWriter>> attach(const ChannelConfig& config);

  // Each try_ writes one message and returns false, writing nothing, when the ring is full.
  // Messages become visible to the consumer at publish(), or every kPublishBatch messages.
  bool try_route(NameView prefix, const NextHopSet& next_hops);
  bool try_delete(NameView prefix);
  bool try_resync_begin(std::uint64_t request);
  bool try_resync_end();
  void publish();

  // The consumer's latest resync request (compare with the one the last ResyncBegin answered).
  std::uint64_t resync_requested() const;
  std::uint64_t epoch() const { return epoch_; }
  std::uint64_t next_sequence() const { return sequence_; }
  std::uint32_t slot_count() const { return segment_.slot_count(); }
  bool consumer_attached() const { return segment_.role_held(Role::kConsumer); }
  void count(ProducerCounter counter) {
    bump(segment_.header().producer_counters[static_cast<std::size_t>(counter)]);
  }
  const Segment& segment() const { return segment_; }

  // Publishing less often saves cache-line transfers of head; publishing at all lets a
  // consumer start on a long burst before it ends.
  static constexpr std::uint64_t kPublishBatch = 32;

 private:
  explicit ChannelWriter(Segment segment);
  std::byte* reserve();
  void commit(ProducerCounter kind);

  Segment segment_;
  SegmentHeader& header_;
  std::uint64_t head_ = 0;            // next slot to write
  std::uint64_t published_head_ = 0;  // last value stored to the segment
  std::uint64_t cached_tail_ = 0;     // consumer's tail as last read
  std::uint64_t epoch_ = 0;
  std::uint64_t sequence_ = 0;
  std::uint64_t resync_request_ = 0;  // request the open resync answers
  std::uint64_t resync_begin_sequence_ = 0;
  bool ring_full_ = false;  // counts a full-ring episode once, not once per retry
};

}  // namespace dmsc::fib::channel
