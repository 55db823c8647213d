#pragma once
// The FIB update channel: the control daemon (producer) pushes route changes to the forwarder
// (consumer) through a shared-memory ring. Design, layout and resync protocol: fib/CHANNEL.md.
//
// Threading contract:
// - RouteSyncProducer: one thread of the control daemon calls every method. It never waits for
//   the consumer; poll() returns as soon as the ring is full and resumes on the next call.
// - FibUpdateConsumer: the FIB writer thread of the forwarder calls every method, and the sink
//   it passes to poll() is called on that thread.
// - One producer and one consumer per segment (enforced); either may start first and either may
//   be killed and restarted at any time without losing, duplicating or reordering routes.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "fib/channel_codec.hpp"
#include "fib/channel_counters.hpp"
#include "fib/channel_segment.hpp"
#include "fib/channel_writer.hpp"
#include "fib/expected.hpp"
#include "fib/name.hpp"
#include "fib/next_hop.hpp"

namespace dmsc::fib {

// Where the consumer applies updates. A resync is on_resync_begin, on_route for every route
// (interleaved with on_route/on_delete for changes made meanwhile), on_resync_end: the sink
// then drops what the resync did not refresh (mark and sweep), so routes re-sent unchanged are
// never absent. A resync may be abandoned for a newer one (another on_resync_begin) before its
// end. Names and sets passed in are already validated; `prefix` is valid during the call only.
class FibUpdateSink {
 public:
  virtual ~FibUpdateSink() = default;
  virtual void on_resync_begin() = 0;
  // An error is counted (sink_errors) and the consumer carries on: the same route would fail
  // again on a resync (e.g. "FIB full").
  virtual Status on_route(NameView prefix, const NextHopSet& next_hops) = 0;
  virtual void on_delete(NameView prefix) = 0;
  virtual void on_resync_end() = 0;
};

struct ProducerPoll {
  std::size_t messages = 0;  // written by this call
  bool ring_full = false;    // stopped early: call again once the consumer drains
};

// The control daemon's side: owns the desired routes and keeps the consumer's copy equal to
// them across restarts of either process.
class RouteSyncProducer {
 public:
  // Attaches (creating the segment if absent) and opens a new epoch. Nothing is sent until
  // start(): fill in the complete route set first, or a restarted daemon would make the
  // forwarder sweep routes it has not re-announced yet.
  static Expected<std::unique_ptr<RouteSyncProducer>> create(const ChannelConfig& config);

  // Rejects invalid next-hop sets. Setting a route to its current set sends nothing.
  Status set_route(const Name& prefix, const NextHopSet& next_hops);
  // Returns false when there was no such route.
  bool delete_route(const Name& prefix);
  // The route set is complete: the full resync of this epoch may begin.
  void start();
  // Sends what is pending, as far as the ring allows: a resync requested by the consumer, the
  // rest of a resync in progress, changes since the last poll.
  ProducerPoll poll(std::size_t max_messages = SIZE_MAX);

  // Nothing left to send (the consumer may still be reading what was sent).
  bool idle() const { return started_ && phase_ == Phase::kIncremental && pending_.empty(); }
  bool resync_in_progress() const { return started_ && phase_ != Phase::kIncremental; }
  const std::map<Name, NextHopSet>& routes() const { return routes_; }
  std::uint64_t epoch() const { return writer_->epoch(); }
  bool consumer_attached() const { return writer_->consumer_attached(); }
  ChannelCounters counters() const { return writer_->segment().counters(); }

 private:
  enum class Phase : std::uint8_t { kBegin, kRoutes, kEnd, kIncremental };
  explicit RouteSyncProducer(std::unique_ptr<channel::ChannelWriter> writer)
      : writer_(std::move(writer)) {}
  void start_resync(std::uint64_t request);
  // Whether the consumer has (or will have, before any sweep) this prefix's current state
  // without a message of its own: only then may a change skip the pending queue.
  bool resync_will_send(const Name& prefix) const;
  void mark_pending(const Name& prefix);
  bool send_pending();

  std::unique_ptr<channel::ChannelWriter> writer_;
  std::map<Name, NextHopSet> routes_;
  // Prefixes changed since they were last sent, oldest first, each once. Coalescing bounds the
  // backlog of a full ring by the number of prefixes, not of changes.
  std::deque<Name> pending_;
  std::set<Name> pending_set_;
  bool started_ = false;
  Phase phase_ = Phase::kBegin;
  std::uint64_t serving_request_ = 0;
  // Next route the resync sends; routes before it were sent in this resync. An iterator stays
  // valid across inserts; delete_route() steps it past an erased route.
  std::map<Name, NextHopSet>::iterator resync_next_;
};

enum class ConsumerState : std::uint8_t {
  kAwaitingResync,  // after start or a reject: skipping to the next ResyncBegin
  kResyncing,       // between ResyncBegin and ResyncEnd
  kSynced,
};

// The forwarder's side.
class FibUpdateConsumer {
 public:
  // Attaches (creating the segment if absent), discards whatever the ring holds and asks the
  // producer for a full resync.
  static Expected<std::unique_ptr<FibUpdateConsumer>> create(const ChannelConfig& config);

  // Applies up to max_messages messages to `sink`; returns how many were taken from the ring.
  // Allocates nothing itself.
  std::size_t poll(FibUpdateSink& sink, std::size_t max_messages);

  ConsumerState state() const { return state_; }
  std::uint64_t epoch() const { return epoch_; }
  bool producer_attached() const { return segment_.role_held(channel::Role::kProducer); }
  ChannelCounters counters() const { return segment_.counters(); }

 private:
  explicit FibUpdateConsumer(channel::Segment segment);
  void handle(const std::byte* slot, FibUpdateSink& sink);
  void apply(const channel::DecodedMessage& message, FibUpdateSink& sink);
  RejectReason check_order(const channel::DecodedMessage& message) const;
  void reject(RejectReason reason, const channel::MessageHeader& header);
  void request_resync();
  void publish_tail();
  void count(ConsumerCounter counter) {
    channel::bump(header_.consumer_counters[static_cast<std::size_t>(counter)]);
  }

  // Tail is published every kReleaseBatch messages so a producer waiting on a full ring can
  // resume while a long poll is still applying.
  static constexpr std::uint64_t kReleaseBatch = 32;

  channel::Segment segment_;
  channel::SegmentHeader& header_;
  std::uint64_t tail_ = 0;
  std::uint64_t published_tail_ = 0;
  std::uint64_t cached_head_ = 0;
  ConsumerState state_ = ConsumerState::kAwaitingResync;
  std::uint64_t epoch_ = 0;          // epoch being followed; 0 before the first ResyncBegin
  std::uint64_t next_sequence_ = 0;  // expected sequence of the next message in epoch_
  std::uint64_t resync_begin_sequence_ = 0;
  channel::SlotCopy copy_;
  channel::DecodedMessage message_;
};

// The counters for `show` output: one line per non-zero counter, or one JSON object.
std::string format_counters(const ChannelCounters& counters, bool json);

}  // namespace dmsc::fib
