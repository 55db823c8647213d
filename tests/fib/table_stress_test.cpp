// Concurrent update + lookup: one writer churns the table while readers look up names whose
// correct answers they can check. Run it in the sanitizer build: a reader that touched a
// reclaimed entry or group is an ASan error (the arena poisons what it takes back).
#include "fib/table.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <unordered_map>

#include "tools/name_generator.hpp"

namespace dmsc::fib {
namespace {

constexpr FaceId kSecondHopOffset = 1u << 24;

// Every prefix has a family number; the faces of any group ever installed for it derive from
// that number, so a reader can tell a right answer from a torn or foreign one.
NextHopSet family_set(std::uint32_t family, std::uint32_t variant) {
  NextHopSet set;
  set.count = 2;
  set.hops[0] = {family * 4 + variant, 1 + variant};
  set.hops[1] = {family * 4 + variant + kSecondHopOffset, 2};
  return set;
}

struct TestName {
  Name name;
  std::size_t stable_depth;  // longest prefix that is never removed (0: none)
  bool has_stable;
};

struct StressShape {
  std::uint64_t seed;
  std::size_t first_level, second_level, pool;
  int steps;
};

void run_stress(const StressShape& shape) {
  tools::NameGenerator generator(shape.seed, shape.first_level, shape.second_level);
  std::mt19937_64& random = generator.random();
  std::vector<Name> pool;
  for (std::size_t i = 0; i < shape.pool; ++i) pool.push_back(generator.prefix(2, 8));

  // The universe of prefixes: all prefixes of pool names.
  std::unordered_map<std::string, std::uint32_t> family;  // wire -> family
  std::vector<Name> universe;
  for (const Name& n : pool)
    for (std::size_t depth = 1; depth <= n.component_count(); ++depth) {
      Name p = n.prefix(depth);
      std::string wire(reinterpret_cast<const char*>(p.wire().data()), p.wire().size());
      if (family.emplace(wire, static_cast<std::uint32_t>(universe.size() + 1)).second)
        universe.push_back(p);
    }
  auto qsbr = std::move(*Qsbr::create(4));
  auto table = std::move(
      *Table::create({.capacity = universe.size()}, *qsbr));

  std::vector<bool> stable(universe.size());
  std::vector<Name> churn;
  for (std::size_t i = 0; i < universe.size(); ++i) {
    stable[i] = random() % 3 == 0;
    if (stable[i]) ASSERT_TRUE(table->insert(universe[i], family_set(i + 1, 0)).ok());
    else churn.push_back(universe[i]);
  }
  std::vector<TestName> names;
  for (int i = 0; i < 4096; ++i) {
    TestName t{generator.extend(pool[random() % pool.size()], 3), 0, false};
    for (std::size_t depth = t.name.component_count(); depth >= 1 && !t.has_stable; --depth) {
      const Name p = t.name.prefix(depth);
      auto it = family.find(std::string(reinterpret_cast<const char*>(p.wire().data()), p.wire().size()));
      if (it != family.end() && stable[it->second - 1]) t = {t.name, depth, true};
    }
    names.push_back(std::move(t));
  }

  std::atomic<bool> writer_done{false};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> lookups{0};
  std::atomic<int> readers_running{0};
  const auto reader = [&](std::uint32_t id) {
    ASSERT_TRUE(qsbr->register_reader(id).ok());
    qsbr->online(id);
    ++readers_running;
    std::mt19937_64 reader_random(id);
    std::uint64_t local_lookups = 0;
    std::uint64_t local_errors = 0;
    while (!writer_done.load(std::memory_order_relaxed)) {
      NameView views[32];
      const TestName* batch[32];
      for (int i = 0; i < 32; ++i) {
        batch[i] = &names[reader_random() % names.size()];
        views[i] = batch[i]->name.view();
      }
      LookupResult results[32];
      table->lookup_burst(views, 32, results);
      for (int i = 0; i < 32; ++i) {
        const TestName& t = *batch[i];
        const LookupResult& r = results[i];
        if (r.group == nullptr) {
          local_errors += t.has_stable;  // a stable route vanished
          continue;
        }
        if (r.matched_depth < t.stable_depth || r.matched_depth > t.name.component_count()) {
          ++local_errors;
          continue;
        }
        const Name matched = t.name.prefix(r.matched_depth);
        auto it = family.find(std::string(reinterpret_cast<const char*>(matched.wire().data()),
                                          matched.wire().size()));
        const NextHopSet& set = r.group->set;
        bool good = it != family.end() && set.count == 2 && set.hops[0].face / 4 == it->second &&
                    set.hops[1].face == set.hops[0].face + kSecondHopOffset;
        for (std::uint8_t slot : r.group->selection) good = good && slot < set.count;
        local_errors += !good;
      }
      local_lookups += 32;
      qsbr->quiescent(id);
    }
    qsbr->unregister_reader(id);
    lookups += local_lookups;
    errors += local_errors;
  };

  std::thread readers[2] = {std::thread(reader, 0), std::thread(reader, 1)};
  // Let both readers start before churning.
  while (readers_running.load() != 2) std::this_thread::yield();
  std::uint64_t writes = 0;
  for (int step = 0; step < shape.steps; ++step) {
    const Name& p = churn[random() % churn.size()];
    const std::uint32_t f = family.at(std::string(reinterpret_cast<const char*>(p.wire().data()), p.wire().size()));
    if (random() % 3 == 0) {
      table->erase(p);
    } else {
      ASSERT_TRUE(table->insert(p, family_set(f, random() % 4)).ok());
    }
    ++writes;
    if (step % 64 == 0) table->reclaim();
  }
  writer_done = true;
  for (auto& r : readers) r.join();
  table->reclaim();
  EXPECT_EQ(errors.load(), 0u);
  EXPECT_GT(lookups.load(), 10000u) << "readers did not overlap with the writer";
  std::printf("writes %llu, lookups %llu, pending reclaim %zu\n",
              static_cast<unsigned long long>(writes), static_cast<unsigned long long>(lookups.load()),
              qsbr->pending());
}

TEST(TableStress, ReadersNeverSeeTornOrFreedEntries) {
  run_stress({.seed = 7, .first_level = 4, .second_level = 40, .pool = 3000,
              .steps = 300000});
}

// A small table churned hard: the same few buckets see their slots erased and reused over and
// over, so readers often pair a tag with a handle written after it (see Bucket in
// fib/table_impl.hpp), and probes run past full buckets; its few filter lines fill up, so
// bursts often meet false positives and take their later rounds.
TEST(TableStress, SlotReuseUnderReaders) {
  run_stress({.seed = 11, .first_level = 2, .second_level = 3, .pool = 60,
              .steps = 300000});
}

}  // namespace
}  // namespace dmsc::fib
