#include "dataplane/affinity.hpp"

#include <bit>
#include <limits>
#include <new>

namespace dmsc::dataplane {

namespace {

bool in_group(const fib::NextHopGroup& group, fib::FaceId face) {
  for (std::size_t i = 0; i < group.set.count; ++i)
    if (group.set.hops[i].face == face) return true;
  return false;
}

}  // namespace

Expected<std::unique_ptr<FlowAffinityTable>> FlowAffinityTable::create(std::size_t flows, std::uint32_t idle_seconds,
                                                                      std::uint64_t hash_key) {
  if (flows == 0 || flows > (std::size_t{1} << 30)) return Error{"affinity flows must be 1..2^30"};
  const std::size_t buckets = std::bit_ceil((flows + kFlowsPerBucket - 1) / kFlowsPerBucket);
  std::unique_ptr<FlowAffinityTable> table(new (std::nothrow) FlowAffinityTable(buckets, idle_seconds, hash_key));
  if (!table || !table->buckets_) return Error{"cannot allocate a flow affinity table of " + std::to_string(flows) + " flows"};
  return table;
}

FlowAffinityTable::FlowAffinityTable(std::size_t bucket_count, std::uint32_t idle_seconds, std::uint64_t hash_key)
    : buckets_(new (std::nothrow) Bucket[bucket_count]()),
      bucket_count_(bucket_count),
      idle_seconds_(idle_seconds),
      key_(fib::make_name_hash_key(hash_key)) {}

std::uint64_t FlowAffinityTable::flow_id(const std::uint8_t* destination, std::size_t destination_length,
                                         std::uint32_t flow_key) const {
  std::uint64_t states[fib::kMaxHashedBlocks];
  fib::chain_states(key_, destination, destination_length / fib::kHashBlock, states);
  const std::uint64_t name_hash = fib::prefix_hash_at(key_, destination, destination_length, states);
  // Two multiplies: one mum of (name hash ^ consecutive flow keys) leaves the bucket bits
  // clustered for some keys (tests: ConsecutiveFlowKeysOfOneNameSpreadOverTheBuckets).
  const std::uint64_t id =
      fib::detail::mum(fib::detail::mum(name_hash ^ flow_key, key_.multiplier_a), key_.multiplier_b);
  return id == 0 ? 1 : id;  // 0 marks an empty slot
}

fib::FaceId FlowAffinityTable::face_for(const std::uint8_t* destination, std::size_t destination_length,
                                        std::uint32_t flow_key, const fib::NextHopGroup& group, std::uint32_t now,
                                        AffinityTally& tally) {
  const std::uint64_t id = flow_id(destination, destination_length, flow_key);
  Bucket& bucket = buckets_[(id >> 32) & (bucket_count_ - 1)];
  // How long a slot has been idle; an empty or forgotten one counts as idle forever.
  const auto idle = [&](const Flow& flow) {
    return flow.id == 0 || now - flow.last_used > idle_seconds_ ? std::numeric_limits<std::uint32_t>::max()
                                                                 : now - flow.last_used;
  };
  Flow* victim = &bucket.flows[0];
  for (Flow& flow : bucket.flows) {
    if (flow.id == id && idle(flow) != std::numeric_limits<std::uint32_t>::max()) {
      flow.last_used = now;
      if (in_group(group, flow.face)) {
        ++tally.kept;
      } else {
        flow.face = pick_next_hop(group, flow_key).face;  // its next hop left the set
        ++tally.moved;
      }
      return flow.face;
    }
    if (idle(flow) > idle(*victim)) victim = &flow;
  }
  if (idle(*victim) != std::numeric_limits<std::uint32_t>::max()) ++tally.evicted;
  const fib::FaceId face = pick_next_hop(group, flow_key).face;
  *victim = {id, face, now};
  ++tally.fresh;
  return face;
}

}  // namespace dmsc::dataplane
