// The FIB writer: insert, replace, erase and resync sweeps. See fib/README.md.
#include <algorithm>
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
  // Every prefix may need a placeholder above it, so the table is sized for twice as many
  // entries as prefixes at 95% of the slots. In practice placeholders are far fewer (one per
  // distinct start-depth prefix with deeper prefixes below) and the slots stay around 60%
  // used, where nearly every probe ends in its home bucket.
  const std::size_t entry_limit = 2 * config.capacity + 16;
  const std::size_t bucket_count = (entry_limit * 100 / 95 + Bucket::kSlots - 1) / Bucket::kSlots;
  // Address space for the worst case (every entry a longest name); only touched pages count.
  auto arena = Arena::create(entry_limit * Entry::bytes_for(kMaxEncodedNameLength));
  if (!arena) return Error{arena.error()};
  auto impl = std::make_unique<Impl>(std::move(arena).value());
  impl->key = make_name_hash_key(config.hash_key);
  impl->start_depth = config.start_depth;
  impl->slot_limit = entry_limit;
  impl->bucket_bytes = bucket_count * sizeof(Bucket);
  impl->buckets = static_cast<Bucket*>(map_huge(impl->bucket_bytes));
  if (impl->buckets == nullptr)
    return Error{"FIB: cannot map " + std::to_string(impl->bucket_bytes) + " bytes of buckets"};
  impl->bucket_count = bucket_count;
  return std::unique_ptr<Table>(new Table(config, qsbr, std::move(impl)));
}

Table::~Table() {
  // The owner guarantees no reader runs any more; retired objects still reference the arena.
  qsbr_.drain();
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

// Frees what readers have stopped seeing every kReclaimEvery writes: memory under churn stays
// bounded without a poll per write.
void note_write(Table::Impl& impl, Qsbr& qsbr) {
  if (++impl.writes_since_reclaim != kReclaimEvery) return;
  impl.writes_since_reclaim = 0;
  qsbr.poll();
}

Entry* find_entry(const Table::Impl& impl, std::uint64_t hash, const std::uint8_t* bytes,
                  std::size_t length) {
  return const_cast<Entry*>(impl.probe(hash, bytes, length));
}

std::uint64_t full_name_hash(const Table::Impl& impl, const std::uint8_t* bytes, std::size_t length) {
  NamePrefixHasher hasher;
  hasher.init(impl.key, bytes, length);
  return hasher.prefix_hash(impl.key, hasher.components);
}

// Publishes a fully built entry in the first bucket with a free slot from its home on.
Entry* link_new_entry(Table::Impl& impl, std::uint64_t hash, const std::uint8_t* bytes,
                      std::size_t length, std::uint8_t depth, const NextHopGroup* group,
                      std::uint32_t generation) {
  if (impl.real_entries + impl.virtual_entries >= impl.slot_limit) return nullptr;
  void* memory = impl.arena.allocate(Entry::bytes_for(length));
  if (memory == nullptr) return nullptr;
  auto* entry = static_cast<Entry*>(memory);
  entry->group.store(group, std::memory_order_relaxed);
  entry->name_length = static_cast<std::uint8_t>(length);
  entry->depth = depth;
  entry->descendant_depths.store(0, std::memory_order_relaxed);
  entry->generation = generation;
  entry->descendants = 0;
  std::memcpy(entry->name, bytes, length);

  std::size_t index = impl.home_index(hash);
  // Mark the buckets we pass before the entry becomes visible: a reader that finds it
  // must have been told to look this far.
  while (impl.buckets[index].used == Bucket::kSlots) {
    Bucket& full = impl.buckets[index];
    full.overflow.store(full.overflow.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    index = impl.next_index(index);
  }
  Bucket& bucket = impl.buckets[index];
  for (std::size_t i = 0; i < Bucket::kSlots; ++i) {
    if (bucket.tags[i].load(std::memory_order_relaxed) != 0) continue;
    // Handle first, tag last: the tag publishes the slot (see Bucket).
    bucket.handles[i].store(impl.arena.handle(entry), std::memory_order_release);
    bucket.tags[i].store(tag_of(hash), std::memory_order_release);
    break;
  }
  ++bucket.used;
  return entry;
}

void unlink_entry(Table::Impl& impl, Qsbr& qsbr, Entry* entry) {
  const std::uint64_t hash = full_name_hash(impl, entry->name, entry->name_length);
  const std::uint32_t tag = tag_of(hash);
  const std::uint32_t handle = impl.arena.handle(entry);
  std::size_t index = impl.home_index(hash);
  while (true) {
    Bucket& bucket = impl.buckets[index];
    for (std::size_t i = 0; i < Bucket::kSlots; ++i) {
      if (bucket.tags[i].load(std::memory_order_relaxed) != tag ||
          bucket.handles[i].load(std::memory_order_relaxed) != handle)
        continue;
      // The handle stays: a reader that saw the tag may still read it (see Bucket).
      bucket.tags[i].store(0, std::memory_order_release);
      --bucket.used;
      // Readers standing on the entry keep reading it until their next quiescent state.
      qsbr.retire(entry, free_entry, &impl.arena);
      for (std::size_t i = impl.home_index(hash); i != index; i = impl.next_index(i)) {
        Bucket& passed = impl.buckets[i];
        passed.overflow.store(passed.overflow.load(std::memory_order_relaxed) - 1,
                              std::memory_order_release);
      }
      return;
    }
    index = impl.next_index(index);
  }
}

}  // namespace

Expected<UpdateOutcome> Table::insert(const Name& prefix, const NextHopSet& next_hops) {
  if (auto valid = validate(next_hops); !valid.ok()) return Error{valid.error()};
  NextHopSet set = next_hops;
  set.sort();
  Impl& impl = *impl_;
  note_write(impl, qsbr_);

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
  NamePrefixHasher hasher;
  hasher.init(impl.key, view.bytes, view.length);
  const std::size_t depth = hasher.components;
  const std::uint64_t hash = hasher.prefix_hash(impl.key, depth);
  Entry* entry = find_entry(impl, hash, view.bytes, view.length);
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
  if (impl.real_entries + impl.virtual_entries + 2 > impl.slot_limit)
    return Error{"FIB full: " + std::to_string(impl.slot_limit) + " entries, placeholders included"};

  // Below start_depth, first make the placeholder tell readers to look this deep.
  const std::size_t start = impl.start_depth;
  if (depth > start) {
    const std::uint64_t anchor_hash = hasher.prefix_hash(impl.key, start);
    const std::size_t anchor_length = hasher.ends[start - 1];
    Entry* anchor = find_entry(impl, anchor_hash, view.bytes, anchor_length);
    if (anchor == nullptr) {
      anchor = link_new_entry(impl, anchor_hash, view.bytes, anchor_length,
                              static_cast<std::uint8_t>(start), nullptr, generation_);
      if (anchor == nullptr) return Error{"FIB: out of memory"};
      ++impl.virtual_entries;
    }
    ++anchor->descendants;
    const std::uint32_t depths = anchor->descendant_depths.load(std::memory_order_relaxed);
    if ((depths & depth_bit(depth)) == 0)
      anchor->descendant_depths.store(depths | depth_bit(depth), std::memory_order_release);
  }
  const NextHopGroup* group = acquire_group(impl, set);
  if (link_new_entry(impl, hash, view.bytes, view.length,
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

  NamePrefixHasher hasher;
  hasher.init(impl.key, entry->name, entry->name_length, start);
  Entry* anchor =
      find_entry(impl, hasher.prefix_hash(impl.key, start), entry->name, hasher.ends[start - 1]);
  if (anchor == nullptr || anchor->descendants == 0) return;  // invariant; cannot happen
  if (--anchor->descendants != 0) return;
  if (anchor->group.load(std::memory_order_relaxed) == nullptr) {
    unlink_entry(impl, qsbr, anchor);
    --impl.virtual_entries;
  } else {
    anchor->descendant_depths.store(0, std::memory_order_release);
  }
}

}  // namespace

bool Table::erase(const Name& prefix) {
  Impl& impl = *impl_;
  note_write(impl, qsbr_);
  if (prefix.is_root()) {
    const NextHopGroup* old = impl.root_group.load(std::memory_order_relaxed);
    if (old == nullptr) return false;
    impl.root_group.store(nullptr, std::memory_order_release);
    --impl.real_entries;
    release_group(impl, qsbr_, old);
    return true;
  }
  const NameView view = prefix.view();
  Entry* entry = find_entry(impl, full_name_hash(impl, view.bytes, view.length), view.bytes, view.length);
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
  for (std::size_t i = 0; i < impl.bucket_count; ++i)
    for (std::size_t s = 0; s < Bucket::kSlots; ++s) {
      if (impl.buckets[i].tags[s].load(std::memory_order_relaxed) == 0) continue;
      auto* e = const_cast<Entry*>(impl.entry_at(impl.buckets[i].handles[s].load(std::memory_order_relaxed)));
      if (e->group.load(std::memory_order_relaxed) != nullptr && stale(e->generation))
        victims.push_back(e);
    }
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
  const Entry* entry = impl.probe(full_name_hash(impl, view.bytes, view.length), view.bytes, view.length);
  return entry == nullptr ? nullptr : entry->group.load(std::memory_order_acquire);
}

TableStats Table::stats(bool walk_chains) const {
  const Impl& impl = *impl_;
  TableStats stats;
  stats.prefixes = impl.real_entries;
  stats.virtual_entries = impl.virtual_entries;
  stats.next_hop_groups = impl.groups.size();
  stats.bucket_count = impl.bucket_count;
  stats.memory_bytes = impl.bucket_bytes + impl.arena.bytes_in_use() +
                       impl.groups.size() * (sizeof(NextHopGroup) + 2 * sizeof(void*) +
                                             sizeof(NextHopSet));
  if (walk_chains) {
    // Longest run of buckets a probe may have to read (1: every probe stays home).
    std::size_t run = 0;
    for (std::size_t i = 0; i < impl.bucket_count; ++i) {
      run = impl.buckets[i].overflow.load(std::memory_order_relaxed) != 0 ? run + 1 : 0;
      stats.longest_chain = std::max(stats.longest_chain, run + 1);
    }
  }
  return stats;
}

}  // namespace dmsc::fib
