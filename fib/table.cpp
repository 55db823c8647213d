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
  // Buckets for twice the capacity: a full table uses half the slots, where nearly every probe
  // ends in its home bucket.
  const std::size_t bucket_count = (2 * config.capacity + 16 + Bucket::kSlots - 1) / Bucket::kSlots;
  // Address space for the worst case (every entry a longest name); only touched pages count.
  auto arena = Arena::create(config.capacity * Entry::bytes_for(kMaxEncodedNameLength));
  if (!arena) return Error{arena.error()};
  auto impl = std::make_unique<Impl>(std::move(arena).value());
  impl->key = make_name_hash_key(config.hash_key);
  impl->bucket_bytes = bucket_count * sizeof(Bucket);
  impl->buckets = static_cast<Bucket*>(map_huge(impl->bucket_bytes));
  if (impl->buckets == nullptr)
    return Error{"FIB: cannot map " + std::to_string(impl->bucket_bytes) + " bytes of buckets"};
  impl->bucket_count = bucket_count;
  PrefixFilter& filter = impl->filter;
  filter.line_count = (config.capacity * kFilterBitsPerPrefix + PrefixFilter::kLineBits - 1) / PrefixFilter::kLineBits;
  filter.word_bytes = filter.line_count * PrefixFilter::kLineBits / 8;
  filter.count_bytes = filter.line_count * PrefixFilter::kLineBits;
  filter.words = static_cast<std::atomic<std::uint64_t>*>(map_huge(filter.word_bytes));
  filter.counts = static_cast<std::uint8_t*>(map_huge(filter.count_bytes));
  if (filter.words == nullptr || filter.counts == nullptr)
    return Error{"FIB: cannot map " + std::to_string(filter.word_bytes + filter.count_bytes) + " bytes of prefix filter"};
  return std::unique_ptr<Table>(new Table(config, qsbr, std::move(impl)));
}

Table::~Table() {
  // The owner guarantees no reader runs any more; retired objects still reference the arena.
  qsbr_.drain();
  for (auto& [set, group] : impl_->groups) delete group;
  unmap_huge(impl_->buckets, impl_->bucket_bytes);
  if (impl_->filter.words != nullptr) unmap_huge(impl_->filter.words, impl_->filter.word_bytes);
  if (impl_->filter.counts != nullptr) unmap_huge(impl_->filter.counts, impl_->filter.count_bytes);
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

// The hash that picks a prefix's filter line.
std::uint64_t filter_block_hash(const Table::Impl& impl, const std::uint8_t* bytes, std::size_t length) {
  NamePrefixHasher hasher;
  hasher.init(impl.key, bytes, length, PrefixFilter::kBlockDepth);
  return hasher.prefix_hash(impl.key, hasher.components);
}

// Publishes a fully built entry in the first bucket with a free slot from its home on.
// Then tells readers to look for it: its filter bit, and its depth.
Entry* link_new_entry(Table::Impl& impl, std::uint64_t hash, const std::uint8_t* bytes,
                      std::size_t length, std::uint8_t depth, const NextHopGroup* group,
                      std::uint32_t generation) {
  void* memory = impl.arena.allocate(Entry::bytes_for(length));
  if (memory == nullptr) return nullptr;
  auto* entry = static_cast<Entry*>(memory);
  entry->group.store(group, std::memory_order_relaxed);
  entry->name_length = static_cast<std::uint8_t>(length);
  entry->depth = depth;
  entry->generation = generation;
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
  impl.filter.add(filter_block_hash(impl, bytes, length), hash);
  if (impl.prefixes_at_depth[depth]++ == 0)
    impl.depths_present.store(impl.depths_present.load(std::memory_order_relaxed) | depth_bit(depth),
                              std::memory_order_release);
  ++impl.entries;
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
      impl.filter.remove(filter_block_hash(impl, entry->name, entry->name_length), hash);
      if (--impl.prefixes_at_depth[entry->depth] == 0)
        impl.depths_present.store(impl.depths_present.load(std::memory_order_relaxed) & ~depth_bit(entry->depth),
                                  std::memory_order_release);
      --impl.entries;
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
    if (old == nullptr) return UpdateOutcome::kAdded;
    release_group(impl, qsbr_, old);
    return UpdateOutcome::kReplaced;
  }

  const NameView view = prefix.view();
  const std::uint64_t hash = full_name_hash(impl, view.bytes, view.length);
  Entry* entry = find_entry(impl, hash, view.bytes, view.length);
  if (entry != nullptr) {
    entry->generation = generation_;
    const NextHopGroup* old = entry->group.load(std::memory_order_relaxed);
    if (old->set == set) return UpdateOutcome::kUnchanged;
    entry->group.store(acquire_group(impl, set), std::memory_order_release);
    release_group(impl, qsbr_, old);
    return UpdateOutcome::kReplaced;
  }

  if (impl.entries >= config_.capacity)
    return Error{"FIB full: " + std::to_string(config_.capacity) + " prefixes"};
  const NextHopGroup* group = acquire_group(impl, set);
  if (link_new_entry(impl, hash, view.bytes, view.length, static_cast<std::uint8_t>(prefix.component_count()),
                     group, generation_) == nullptr) {
    release_group(impl, qsbr_, group);
    return Error{"FIB: out of memory"};
  }
  return UpdateOutcome::kAdded;
}

namespace {

void erase_entry(Table::Impl& impl, Qsbr& qsbr, Entry* entry) {
  const NextHopGroup* group = entry->group.load(std::memory_order_relaxed);
  unlink_entry(impl, qsbr, entry);
  release_group(impl, qsbr, group);
}

}  // namespace

bool Table::erase(const Name& prefix) {
  Impl& impl = *impl_;
  note_write(impl, qsbr_);
  if (prefix.is_root()) {
    const NextHopGroup* old = impl.root_group.load(std::memory_order_relaxed);
    if (old == nullptr) return false;
    impl.root_group.store(nullptr, std::memory_order_release);
    release_group(impl, qsbr_, old);
    return true;
  }
  const NameView view = prefix.view();
  Entry* entry = find_entry(impl, full_name_hash(impl, view.bytes, view.length), view.bytes, view.length);
  if (entry == nullptr) return false;
  erase_entry(impl, qsbr_, entry);
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
      if (stale(e->generation)) victims.push_back(e);
    }
  for (Entry* e : victims) {
    erase_entry(impl, qsbr_, e);
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

std::optional<std::uint32_t> Table::generation_of(const Name& prefix) const {
  const Impl& impl = *impl_;
  if (prefix.is_root()) {
    if (impl.root_group.load(std::memory_order_relaxed) == nullptr) return std::nullopt;
    return impl.root_generation;
  }
  const NameView view = prefix.view();
  const Entry* entry = impl.probe(full_name_hash(impl, view.bytes, view.length), view.bytes, view.length);
  if (entry == nullptr) return std::nullopt;
  return entry->generation;
}

// Position 0 is the default route, position i + 1 bucket i.
std::size_t Table::walk_end() const { return impl_->bucket_count + 1; }

std::size_t Table::for_each_entry(std::size_t position, std::size_t max_buckets, const EntryVisitor& visit) const {
  const Impl& impl = *impl_;
  if (position == 0) {
    if (const NextHopGroup* root = impl.root_group.load(std::memory_order_relaxed)) visit({NameView{}, 0, root});
    position = 1;
  }
  const std::size_t end = walk_end();
  for (std::size_t steps = 0; position < end && steps < max_buckets; ++position, ++steps) {
    const Bucket& bucket = impl.buckets[position - 1];
    if (bucket.used == 0) continue;
    for (std::size_t s = 0; s < Bucket::kSlots; ++s) {
      if (bucket.tags[s].load(std::memory_order_relaxed) == 0) continue;
      const Entry* entry = impl.entry_at(bucket.handles[s].load(std::memory_order_relaxed));
      visit({NameView{entry->name, entry->name_length}, entry->depth, entry->group.load(std::memory_order_relaxed)});
    }
  }
  return position;
}

TableStats Table::stats(bool walk) const {
  const Impl& impl = *impl_;
  TableStats stats;
  stats.prefixes = impl.entries + (impl.root_group.load(std::memory_order_relaxed) != nullptr);
  stats.next_hop_groups = impl.groups.size();
  stats.bucket_count = impl.bucket_count;
  stats.filter_bits = impl.filter.word_bytes * 8;
  stats.memory_bytes = impl.bucket_bytes + impl.filter.word_bytes + impl.filter.count_bytes +
                       impl.arena.bytes_in_use() +
                       impl.groups.size() * (sizeof(NextHopGroup) + 2 * sizeof(void*) +
                                             sizeof(NextHopSet));
  if (walk) {
    const PrefixFilter& filter = impl.filter;
    for (std::size_t line = 0; line < filter.line_count; ++line) {
      std::size_t bits = 0;
      for (std::size_t w = 0; w < 8; ++w)
        bits += std::popcount(filter.words[8 * line + w].load(std::memory_order_relaxed));
      stats.fullest_filter_line = std::max(stats.fullest_filter_line, bits);
    }
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
