// The FIB writer: insert, replace, erase and resync sweeps. See fib/README.md.
#include <algorithm>
#include <bit>
#include <random>

#include "fib/table_impl.hpp"

namespace dmsc::fib {

NameHashKey make_name_hash_key(std::uint64_t key) {
  if (key == 0) key = (std::uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  std::mt19937_64 generator(key);
  return {generator(), generator() | 1, generator() | 1};
}

namespace {

constexpr std::uint32_t kReclaimEvery = 256;

void free_group(void* object, void*) { delete static_cast<NextHopGroup*>(object); }

void free_entry(void* object, void* context) {
  auto* entry = static_cast<Entry*>(object);
  static_cast<Arena*>(context)->free(entry, Entry::bytes_for(entry->name_length));
}

}  // namespace

Table::Table(const TableConfig& config, Qsbr& qsbr, std::unique_ptr<Impl> impl)
    : config_(config), qsbr_(qsbr), impl_(std::move(impl)) {}

Expected<std::unique_ptr<Table>> Table::create(const TableConfig& config, Qsbr& qsbr) {
  if (config.capacity == 0 || config.capacity > (std::size_t{1} << 30))
    return Error{"FIB capacity must be 1..2^30 prefixes, not " + std::to_string(config.capacity)};
  if (config.start_depth == 0 || config.start_depth > kMaxNameComponents)
    return Error{"FIB start depth must be 1.." + std::to_string(kMaxNameComponents)};
  auto impl = std::make_unique<Impl>();
  impl->key = make_name_hash_key(config.hash_key);
  impl->start_depth = config.start_depth;
  // One bucket per prefix: chains stay short (mean under 1 for misses) at 8 bytes a prefix.
  const std::size_t bucket_count = std::bit_ceil(config.capacity);
  impl->bucket_bytes = bucket_count * sizeof(std::atomic<Entry*>);
  impl->buckets = static_cast<std::atomic<Entry*>*>(map_huge(impl->bucket_bytes));
  if (impl->buckets == nullptr)
    return Error{"FIB: cannot map " + std::to_string(impl->bucket_bytes) + " bytes of buckets"};
  impl->bucket_mask = bucket_count - 1;
  return std::unique_ptr<Table>(new Table(config, qsbr, std::move(impl)));
}

Table::~Table() {
  // The owner guarantees no reader runs any more; retired objects still reference the arena.
  qsbr_.drain();
  for (std::size_t i = 0; i <= impl_->bucket_mask; ++i) {
    for (Entry* e = impl_->buckets[i].load(std::memory_order_relaxed); e != nullptr;) {
      Entry* next = e->next.load(std::memory_order_relaxed);
      impl_->arena.free(e, Entry::bytes_for(e->name_length));
      e = next;
    }
  }
  for (auto& [set, group] : impl_->groups) delete group;
  unmap_huge(impl_->buckets, impl_->bucket_bytes);
}

namespace {

NextHopGroup* acquire_group(Table::Impl& impl, const NextHopSet& set) {
  auto [it, inserted] = impl.groups.try_emplace(set, nullptr);
  if (inserted) {
    auto* group = new NextHopGroup{};
    group->set = set;
    build_selection(*group);
    it->second = group;
  }
  ++it->second->references;
  return it->second;
}

void release_group(Table::Impl& impl, Qsbr& qsbr, const NextHopGroup* group) {
  auto* mutable_group = const_cast<NextHopGroup*>(group);
  if (--mutable_group->references != 0) return;
  impl.groups.erase(group->set);
  qsbr.retire(mutable_group, free_group, nullptr);
}

Entry* find_entry(const Table::Impl& impl, std::uint64_t hash, const std::uint8_t* bytes,
                  std::size_t length) {
  return const_cast<Entry*>(impl.probe(hash, bytes, length));
}

// Publishes a fully built entry at the head of its chain.
Entry* link_new_entry(Table::Impl& impl, std::uint64_t hash, const std::uint8_t* bytes,
                      std::size_t length, std::uint8_t depth, const NextHopGroup* group,
                      std::uint32_t generation) {
  void* memory = impl.arena.allocate(Entry::bytes_for(length));
  if (memory == nullptr) return nullptr;
  auto* entry = static_cast<Entry*>(memory);
  std::atomic<Entry*>& head = impl.bucket(hash);
  entry->next.store(head.load(std::memory_order_relaxed), std::memory_order_relaxed);
  entry->group.store(group, std::memory_order_relaxed);
  entry->hash = hash;
  entry->name_length = static_cast<std::uint8_t>(length);
  entry->depth = depth;
  entry->max_depth.store(depth, std::memory_order_relaxed);
  entry->reserved = 0;
  entry->generation = generation;
  entry->descendants = 0;
  entry->reserved2 = 0;
  std::memcpy(entry->name, bytes, length);
  head.store(entry, std::memory_order_release);
  return entry;
}

void unlink_entry(Table::Impl& impl, Qsbr& qsbr, Entry* entry) {
  std::atomic<Entry*>* link = &impl.bucket(entry->hash);
  while (link->load(std::memory_order_relaxed) != entry)
    link = &link->load(std::memory_order_relaxed)->next;
  // Readers standing on `entry` still follow its next pointer, which stays intact.
  link->store(entry->next.load(std::memory_order_relaxed), std::memory_order_release);
  qsbr.retire(entry, free_entry, &impl.arena);
}

}  // namespace

Expected<UpdateOutcome> Table::insert(const Name& prefix, const NextHopSet& next_hops) {
  if (auto valid = validate(next_hops); !valid.ok()) return Error{valid.error()};
  NextHopSet set = next_hops;
  set.sort();
  Impl& impl = *impl_;
  if (++impl.writes_since_reclaim == kReclaimEvery) {
    impl.writes_since_reclaim = 0;
    qsbr_.poll();
  }

  if (prefix.is_root()) {
    const NextHopGroup* old = impl.root_group.load(std::memory_order_relaxed);
    impl.root_generation = generation_;
    if (old != nullptr && old->set == set) return UpdateOutcome::kUnchanged;
    impl.root_group.store(acquire_group(impl, set), std::memory_order_release);
    if (old == nullptr) {
      ++impl.real_entries;
      return UpdateOutcome::kAdded;
    }
    release_group(impl, qsbr_, old);
    return UpdateOutcome::kReplaced;
  }

  const NameView view = prefix.view();
  std::uint64_t hashes[kMaxNameComponents];
  std::uint8_t ends[kMaxNameComponents];
  const std::size_t depth =
      hash_name_prefixes(impl.key, view.bytes, view.length, kMaxNameComponents, hashes, ends);
  Entry* entry = find_entry(impl, hashes[depth - 1], view.bytes, view.length);
  if (entry != nullptr) {
    entry->generation = generation_;
    const NextHopGroup* old = entry->group.load(std::memory_order_relaxed);
    if (old != nullptr && old->set == set) return UpdateOutcome::kUnchanged;
    entry->group.store(acquire_group(impl, set), std::memory_order_release);
    if (old == nullptr) {  // a virtual entry becomes real
      --impl.virtual_entries;
      ++impl.real_entries;
      return UpdateOutcome::kAdded;
    }
    release_group(impl, qsbr_, old);
    return UpdateOutcome::kReplaced;
  }

  if (impl.real_entries >= config_.capacity)
    return Error{"FIB full: " + std::to_string(config_.capacity) + " prefixes"};

  // Below start_depth, first make the placeholder tell readers to look this deep.
  const std::size_t start = impl.start_depth;
  if (depth > start) {
    Entry* anchor = find_entry(impl, hashes[start - 1], view.bytes, ends[start - 1]);
    if (anchor == nullptr) {
      anchor = link_new_entry(impl, hashes[start - 1], view.bytes, ends[start - 1],
                              static_cast<std::uint8_t>(start), nullptr, generation_);
      if (anchor == nullptr) return Error{"FIB: out of memory"};
      ++impl.virtual_entries;
    }
    ++anchor->descendants;
    if (anchor->max_depth.load(std::memory_order_relaxed) < depth)
      anchor->max_depth.store(static_cast<std::uint8_t>(depth), std::memory_order_release);
  }
  const NextHopGroup* group = acquire_group(impl, set);
  if (link_new_entry(impl, hashes[depth - 1], view.bytes, view.length,
                     static_cast<std::uint8_t>(depth), group, generation_) == nullptr) {
    release_group(impl, qsbr_, group);
    return Error{"FIB: out of memory"};
  }
  ++impl.real_entries;
  return UpdateOutcome::kAdded;
}

namespace {

// Removes a real entry (and the placeholder above it when it was the last descendant).
void erase_real_entry(Table::Impl& impl, Qsbr& qsbr, Entry* entry) {
  const NextHopGroup* group = entry->group.load(std::memory_order_relaxed);
  const std::size_t start = impl.start_depth;
  if (entry->descendants != 0) {
    // Still a placeholder for deeper prefixes: becomes virtual.
    entry->group.store(nullptr, std::memory_order_release);
    ++impl.virtual_entries;
  } else {
    unlink_entry(impl, qsbr, entry);
  }
  --impl.real_entries;
  release_group(impl, qsbr, group);
  if (entry->depth <= start) return;

  std::uint64_t hashes[kMaxNameComponents];
  std::uint8_t ends[kMaxNameComponents];
  hash_name_prefixes(impl.key, entry->name, entry->name_length, start, hashes, ends);
  Entry* anchor = find_entry(impl, hashes[start - 1], entry->name, ends[start - 1]);
  if (anchor == nullptr || anchor->descendants == 0) return;  // invariant; cannot happen
  if (--anchor->descendants != 0) return;
  if (anchor->group.load(std::memory_order_relaxed) == nullptr) {
    unlink_entry(impl, qsbr, anchor);
    --impl.virtual_entries;
  } else {
    anchor->max_depth.store(anchor->depth, std::memory_order_release);
  }
}

}  // namespace

bool Table::erase(const Name& prefix) {
  Impl& impl = *impl_;
  if (++impl.writes_since_reclaim == kReclaimEvery) {
    impl.writes_since_reclaim = 0;
    qsbr_.poll();
  }
  if (prefix.is_root()) {
    const NextHopGroup* old = impl.root_group.load(std::memory_order_relaxed);
    if (old == nullptr) return false;
    impl.root_group.store(nullptr, std::memory_order_release);
    --impl.real_entries;
    release_group(impl, qsbr_, old);
    return true;
  }
  const NameView view = prefix.view();
  std::uint64_t hashes[kMaxNameComponents];
  std::uint8_t ends[kMaxNameComponents];
  const std::size_t depth =
      hash_name_prefixes(impl.key, view.bytes, view.length, kMaxNameComponents, hashes, ends);
  Entry* entry = find_entry(impl, hashes[depth - 1], view.bytes, view.length);
  if (entry == nullptr || entry->group.load(std::memory_order_relaxed) == nullptr) return false;
  erase_real_entry(impl, qsbr_, entry);
  return true;
}

std::size_t Table::erase_older_than(std::uint32_t generation) {
  Impl& impl = *impl_;
  std::size_t erased = 0;
  const auto stale = [generation](std::uint32_t stamp) {
    return static_cast<std::int32_t>(stamp - generation) < 0;  // wrap-safe
  };
  if (impl.root_group.load(std::memory_order_relaxed) != nullptr && stale(impl.root_generation)) {
    erase(Name{});
    ++erased;
  }
  // Collect first: erasing edits the chains being walked.
  std::vector<Entry*> victims;
  for (std::size_t i = 0; i <= impl.bucket_mask; ++i)
    for (Entry* e = impl.buckets[i].load(std::memory_order_relaxed); e != nullptr;
         e = e->next.load(std::memory_order_relaxed))
      if (e->group.load(std::memory_order_relaxed) != nullptr && stale(e->generation))
        victims.push_back(e);
  // Deepest first, so that a placeholder's descendants go before it is looked at.
  std::sort(victims.begin(), victims.end(),
            [](const Entry* a, const Entry* b) { return a->depth > b->depth; });
  for (Entry* e : victims) {
    erase_real_entry(impl, qsbr_, e);
    ++erased;
  }
  qsbr_.poll();
  return erased;
}

const NextHopGroup* Table::find(const Name& prefix) const {
  const Impl& impl = *impl_;
  if (prefix.is_root()) return impl.root_group.load(std::memory_order_acquire);
  const NameView view = prefix.view();
  std::uint64_t hashes[kMaxNameComponents];
  std::uint8_t ends[kMaxNameComponents];
  const std::size_t depth =
      hash_name_prefixes(impl.key, view.bytes, view.length, kMaxNameComponents, hashes, ends);
  const Entry* entry = impl.probe(hashes[depth - 1], view.bytes, view.length);
  return entry == nullptr ? nullptr : entry->group.load(std::memory_order_acquire);
}

TableStats Table::stats(bool walk_chains) const {
  const Impl& impl = *impl_;
  TableStats stats;
  stats.prefixes = impl.real_entries;
  stats.virtual_entries = impl.virtual_entries;
  stats.next_hop_groups = impl.groups.size();
  stats.bucket_count = impl.bucket_mask + 1;
  stats.memory_bytes = impl.bucket_bytes + impl.arena.bytes_in_use() +
                       impl.groups.size() * (sizeof(NextHopGroup) + 2 * sizeof(void*) +
                                             sizeof(NextHopSet));
  if (walk_chains) {
    for (std::size_t i = 0; i <= impl.bucket_mask; ++i) {
      std::size_t length = 0;
      for (const Entry* e = impl.buckets[i].load(std::memory_order_relaxed); e != nullptr;
           e = e->next.load(std::memory_order_relaxed))
        ++length;
      stats.longest_chain = std::max(stats.longest_chain, length);
    }
  }
  return stats;
}

}  // namespace dmsc::fib
