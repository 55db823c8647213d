#pragma once
// Flow affinity (docs/wire-format.md §5.2): a packet with the A flag MUST go to the next hop its
// flow (destination name + flow key) went to before, for as long as that next hop is in the
// entry's set, even when next hops are added or reweighted. The weighted selection table of a
// next-hop group cannot promise that (adding a hop moves slots), so each forwarding lcore keeps
// a table of the A flows it has seen: flow -> face.
//
// - A flow seen before whose face is still in the group keeps it (kept).
// - A new flow gets the group's weighted pick for its flow key, as a packet without A would
//   (new); a flow whose face left the group is picked again (moved).
// - Buckets of four flows, one cache line. A full bucket takes the flow that was idle
//   longest; a live flow pushed out that way may move later (evicted: raise `affinity-flows`).
//   Flows idle longer than `affinity-idle` seconds are forgotten.
// - Flows are named by a keyed 64-bit hash of (destination name, flow key), the key secret
//   per table. Two flows whose hashes collide share one entry; either way the face used is one
//   of the packet's own group: affinity may break (probability about 2^-64 per pair), a
//   packet is never sent to a next hop outside its entry's set.
//
// Per lcore, no locks: one writer and reader, its lcore. With several lcores a flow must reach
// the same lcore every time: RSS does that for UDP encapsulation (the source port carries the
// flow key, §6.2) as long as the flow keeps arriving on the same port; untagged Ethernet DMSC
// is not hashed by NICs and stays on queue 0. A flow that changes ingress port may land on
// another lcore's table and be picked afresh there.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "dataplane/next_hop_pick.hpp"
#include "fib/expected.hpp"
#include "fib/name_hash.hpp"
#include "fib/next_hop.hpp"

namespace dmsc::dataplane {

struct AffinityTally {
  std::uint64_t kept = 0, fresh = 0, moved = 0, evicted = 0;
};

class FlowAffinityTable {
 public:
  static constexpr std::size_t kFlowsPerBucket = 4;

  // `flows`: capacity, rounded up to whole buckets of a power-of-two count (>= 4);
  // `idle_seconds`: how long an unused flow is remembered.
  static Expected<std::unique_ptr<FlowAffinityTable>> create(std::size_t flows, std::uint32_t idle_seconds,
                                                              std::uint64_t hash_key = 0);

  // The face for a packet of the A flow (destination, flow_key) resolved to `group`; `now` in
  // seconds (any monotonic origin).
  fib::FaceId face_for(const std::uint8_t* destination, std::size_t destination_length, std::uint32_t flow_key,
                       const fib::NextHopGroup& group, std::uint32_t now, AffinityTally& tally);

  std::size_t capacity() const { return bucket_count_ * kFlowsPerBucket; }

 private:
  struct Flow {
    std::uint64_t id;         // 0: empty
    fib::FaceId face;
    std::uint32_t last_used;  // seconds
  };
  struct alignas(64) Bucket {
    Flow flows[kFlowsPerBucket];
  };
  static_assert(sizeof(Bucket) == 64);

  FlowAffinityTable(std::size_t bucket_count, std::uint32_t idle_seconds, std::uint64_t hash_key);
  std::uint64_t flow_id(const std::uint8_t* destination, std::size_t destination_length, std::uint32_t flow_key) const;

  std::unique_ptr<Bucket[]> buckets_;
  std::size_t bucket_count_;  // a power of two
  std::uint32_t idle_seconds_;
  fib::NameHashKey key_;
};

}  // namespace dmsc::dataplane
