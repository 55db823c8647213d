// LNPM correctness of fib::Table against a plain reference, on random tables and names.
#include "fib/table.hpp"

#include <gtest/gtest.h>

#include <array>
#include <map>

#include "tools/name_generator.hpp"

namespace dmsc::fib {
namespace {

NextHopSet hops(FaceId face, std::uint32_t weight = 1) {
  NextHopSet set;
  set.count = 1;
  set.hops[0] = {face, weight};
  return set;
}

Name name(const char* text) { return *Name::parse(text); }

struct Fixture {
  explicit Fixture(TableConfig config = {}) {
    qsbr = std::move(*Qsbr::create(4));
    table = std::move(*Table::create(config, *qsbr));
  }
  std::unique_ptr<Qsbr> qsbr;
  std::unique_ptr<Table> table;
};

FaceId face_of(const LookupResult& result) {
  return result.group == nullptr ? 0 : result.group->set.hops[0].face;
}

TEST(Table, LongestPrefixWinsAtEveryDepth) {
  for (std::size_t start : {0, 1}) {  // 1: a prefix of depth 1 present from the start
    Fixture f({.capacity = 64});
    Table& t = *f.table;
    if (start == 1) {
      ASSERT_TRUE(t.insert(name("/zzz"), hops(8)).ok());
    }
    ASSERT_TRUE(t.insert(name("/svc"), hops(1)).ok());
    ASSERT_TRUE(t.insert(name("/svc/pay"), hops(2)).ok());
    ASSERT_TRUE(t.insert(name("/svc/pay/charge/eu/west"), hops(5)).ok());
    const auto lookup = [&](const char* text) {
      const Name n = name(text);
      return t.lookup(n.view());
    };
    EXPECT_EQ(face_of(lookup("/svc")), 1u) << int(start);
    EXPECT_EQ(face_of(lookup("/svc/x")), 1u) << int(start);
    EXPECT_EQ(face_of(lookup("/svc/pay")), 2u) << int(start);
    EXPECT_EQ(face_of(lookup("/svc/pay/charge")), 2u) << int(start);
    EXPECT_EQ(face_of(lookup("/svc/pay/charge/eu")), 2u) << int(start);
    EXPECT_EQ(face_of(lookup("/svc/pay/charge/eu/west")), 5u) << int(start);
    EXPECT_EQ(lookup("/svc/pay/charge/eu/west/1/2").matched_depth, 5) << int(start);
    EXPECT_EQ(lookup("/other").group, nullptr) << int(start);
    // A default route catches what nothing else does.
    ASSERT_TRUE(t.insert(Name{}, hops(9)).ok());
    EXPECT_EQ(face_of(lookup("/other")), 9u);
    EXPECT_EQ(face_of(lookup("/")), 9u);
    // Erasing the middle prefix exposes the shorter one.
    EXPECT_TRUE(t.erase(name("/svc/pay")));
    EXPECT_FALSE(t.erase(name("/svc/pay")));
    EXPECT_EQ(face_of(lookup("/svc/pay/charge")), 1u) << int(start);
    EXPECT_TRUE(t.erase(name("/svc/pay/charge/eu/west")));
    EXPECT_EQ(face_of(lookup("/svc/pay/charge/eu/west")), 1u) << int(start);
    EXPECT_EQ(t.stats().prefixes, 2u + start);
  }
}

TEST(Table, ReplaceSharesGroupsAndReportsOutcome) {
  Fixture f;
  Table& t = *f.table;
  EXPECT_EQ(*t.insert(name("/a/b"), hops(1)), UpdateOutcome::kAdded);
  EXPECT_EQ(*t.insert(name("/a/c"), hops(1)), UpdateOutcome::kAdded);
  EXPECT_EQ(t.stats().next_hop_groups, 1u);
  EXPECT_EQ(*t.insert(name("/a/b"), hops(1)), UpdateOutcome::kUnchanged);
  EXPECT_EQ(*t.insert(name("/a/b"), hops(2)), UpdateOutcome::kReplaced);
  EXPECT_EQ(t.stats().next_hop_groups, 2u);
  EXPECT_TRUE(t.erase(name("/a/c")));
  EXPECT_EQ(t.stats().next_hop_groups, 1u);
  EXPECT_EQ(t.find(name("/a/b"))->set.hops[0].face, 2u);
  EXPECT_EQ(t.find(name("/a")), nullptr);
}

TEST(Table, RejectsBadNextHopsAndOverflow) {
  Fixture f({.capacity = 2});
  Table& t = *f.table;
  NextHopSet empty;
  EXPECT_FALSE(t.insert(name("/a"), empty).ok());
  NextHopSet zero_weight = hops(1, 0);
  EXPECT_NE(t.insert(name("/a"), zero_weight).error().find("weight"), std::string::npos);
  ASSERT_TRUE(t.insert(name("/a"), hops(1)).ok());
  ASSERT_TRUE(t.insert(name("/b"), hops(1)).ok());
  auto full = t.insert(name("/c"), hops(1));
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.error().find("FIB full"), std::string::npos);
  EXPECT_TRUE(t.insert(name("/a"), hops(3)).ok());  // replacing still works when full
  EXPECT_TRUE(t.insert(Name{}, hops(2)).ok());      // the default route needs no slot
}

TEST(Table, WeightedGroupKeepsAFlowOnOneNextHop) {
  Fixture f;
  NextHopSet set;
  set.count = 3;
  set.hops[0] = {7, 1};
  set.hops[1] = {3, 2};
  set.hops[2] = {5, 1};
  ASSERT_TRUE(f.table->insert(name("/svc"), set).ok());
  const NextHopGroup* group = f.table->find(name("/svc"));
  ASSERT_NE(group, nullptr);
  std::map<FaceId, int> slots;
  for (std::size_t flow = 0; flow < kSelectionSlots; ++flow) ++slots[group->pick(flow).face];
  EXPECT_EQ(slots[3], 32);  // weight 2 of 4
  EXPECT_EQ(slots[5], 16);
  EXPECT_EQ(slots[7], 16);
  EXPECT_EQ(group->pick(12345).face, group->pick(12345).face);
}

TEST(Table, ResyncSweepRemovesOnlyWhatWasNotRefreshed) {
  Fixture f;
  Table& t = *f.table;
  t.set_generation(1);
  for (const char* p : {"/a", "/a/b/c/d", "/a/b", "/x/y/z"}) ASSERT_TRUE(t.insert(name(p), hops(1)).ok());
  ASSERT_TRUE(t.insert(Name{}, hops(4)).ok());
  t.set_generation(2);
  ASSERT_TRUE(t.insert(name("/a/b"), hops(1)).ok());
  ASSERT_TRUE(t.insert(name("/x/y/z"), hops(2)).ok());
  EXPECT_EQ(t.erase_older_than(2), 3u);
  EXPECT_EQ(t.stats().prefixes, 2u);
  EXPECT_EQ(face_of(t.lookup(name("/a/b/c/d").view())), 1u);
  EXPECT_EQ(t.lookup(name("/a").view()).group, nullptr);
  EXPECT_EQ(face_of(t.lookup(name("/x/y/z/w").view())), 2u);
}

// The reference: try every prefix of the name, longest first.
std::pair<std::size_t, FaceId> reference_lookup(const std::map<Name, FaceId>& reference,
                                                const Name& n) {
  for (std::size_t depth = n.component_count() + 1; depth-- > 0;) {
    auto it = reference.find(n.prefix(depth));
    if (it != reference.end()) return {depth, it->second};
  }
  return {0, 0};
}

// Random tables with heavy nesting (prefixes are prefixes of a pool of long names), random
// inserts, replaces and erases, every lookup checked single and in bursts.
TEST(Table, PropertyMatchesReferenceOnRandomTables) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    // A small capacity has few filter lines, which fill up: many false positives, so the
    // bursts' later rounds run too.
    for (std::size_t capacity : {1024, 4096}) {
      tools::NameGenerator generator(seed, 3, 6);
      std::mt19937_64& random = generator.random();
      std::vector<Name> pool;
      for (int i = 0; i < 60; ++i) pool.push_back(generator.extend(generator.prefix(1, 7), 4));
      Fixture f({.capacity = capacity, .hash_key = seed});
      Table& t = *f.table;
      std::map<Name, FaceId> reference;
      for (int step = 0; step < 3000; ++step) {
        const Name& base = pool[random() % pool.size()];
        const Name prefix = base.prefix(random() % (base.component_count() + 1));
        if (random() % 3 == 0) {
          EXPECT_EQ(t.erase(prefix), reference.erase(prefix) == 1);
        } else {
          const FaceId face = 1 + random() % 50;
          ASSERT_TRUE(t.insert(prefix, hops(face)).ok());
          reference[prefix] = face;
        }
        if (step % 10 != 0) continue;
        std::vector<Name> names;
        for (int i = 0; i < 48; ++i) {
          const Name& long_name = pool[random() % pool.size()];
          names.push_back(i % 8 == 7 ? generator.miss()
                                     : generator.extend(long_name.prefix(random() % 12), 2));
        }
        std::vector<NameView> views;
        for (const Name& n : names) views.push_back(n.view());
        LookupResult burst[kMaxLookupBurst];
        t.lookup_burst(views.data(), views.size(), burst);
        // The same names with their component boundaries, as the packet parser gives them.
        std::vector<std::array<std::uint8_t, kMaxNameComponents>> ends(names.size());
        std::vector<ParsedNameView> parsed;
        for (std::size_t i = 0; i < names.size(); ++i) {
          std::size_t components = 0;
          ASSERT_EQ(check_wire_name(views[i].bytes, views[i].length, ends[i].data(), &components), NameError::kNone);
          parsed.push_back({views[i].bytes, ends[i].data(), views[i].length, static_cast<std::uint8_t>(components)});
        }
        LookupResult parsed_burst[kMaxLookupBurst];
        t.lookup_burst(parsed.data(), parsed.size(), parsed_burst);
        for (std::size_t i = 0; i < names.size(); ++i) {
          const auto [depth, face] = reference_lookup(reference, names[i]);
          const LookupResult single = t.lookup(views[i]);
          ASSERT_EQ(face_of(single), face) << names[i].to_string() << " seed " << seed
                                           << " capacity " << capacity;
          ASSERT_EQ(face_of(burst[i]), face) << names[i].to_string();
          ASSERT_EQ(face_of(parsed_burst[i]), face) << names[i].to_string();
          if (face != 0) {
            ASSERT_EQ(single.matched_depth, depth) << names[i].to_string();
            ASSERT_EQ(burst[i].matched_depth, depth) << names[i].to_string();
            ASSERT_EQ(parsed_burst[i].matched_depth, depth) << names[i].to_string();
          }
        }
      }
      EXPECT_EQ(t.stats().prefixes, reference.size());
      for (const auto& [prefix, face] : reference) ASSERT_TRUE(t.erase(prefix));
      EXPECT_EQ(t.stats().prefixes, 0u);
      EXPECT_EQ(t.stats().next_hop_groups, 0u);
    }
  }
}

// A table filled to its limit, where probe runs spill over many full buckets: every lookup,
// single and in bursts, still matches the reference, before and after erasing half.
TEST(Table, FullTableWithLongProbeRunsMatchesReference) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    // Filled to capacity: half the slots, where some buckets overflow into the next.
    tools::NameGenerator generator(seed, 4, 1000);
    Fixture f({.capacity = 400, .hash_key = seed});
    Table& t = *f.table;
    std::map<Name, FaceId> reference;
    for (int attempt = 0; attempt < 4000 && reference.size() < 400; ++attempt) {
      const Name prefix = generator.prefix(attempt % 8 == 0 ? 1 : 3, 6);
      const FaceId face = 1 + generator.random()() % 50;
      if (t.insert(prefix, hops(face)).ok()) reference[prefix] = face;
    }
    ASSERT_GT(t.stats(true).longest_chain, 1u) << "no probe run spilled over";
    for (int round = 0; round < 2; ++round) {
      std::vector<Name> names;
      for (const auto& [prefix, face] : reference) names.push_back(generator.extend(prefix, 2));
      for (int i = 0; i < 64; ++i) names.push_back(generator.miss());
      for (std::size_t begin = 0; begin < names.size(); begin += kMaxLookupBurst) {
        const std::size_t count = std::min(kMaxLookupBurst, names.size() - begin);
        std::vector<NameView> views;
        for (std::size_t i = 0; i < count; ++i) views.push_back(names[begin + i].view());
        LookupResult burst[kMaxLookupBurst];
        t.lookup_burst(views.data(), count, burst);
        for (std::size_t i = 0; i < count; ++i) {
          const Name& n = names[begin + i];
          const auto [depth, face] = reference_lookup(reference, n);
          ASSERT_EQ(face_of(t.lookup(views[i])), face) << n.to_string();
          ASSERT_EQ(face_of(burst[i]), face) << n.to_string();
          if (face != 0) {
            ASSERT_EQ(burst[i].matched_depth, depth) << n.to_string();
          }
        }
      }
      // Erase every other prefix: runs keep their overflow counts for what stays.
      bool drop = true;
      for (auto it = reference.begin(); it != reference.end(); drop = !drop) {
        if (!drop) {
          ++it;
          continue;
        }
        ASSERT_TRUE(t.erase(it->first));
        it = reference.erase(it);
      }
    }
  }
}

// The filter's fill is visible to an operator: every prefix sets at most two bits of its
// block prefix's line, and erasing them all clears it.
TEST(Table, StatsReportTheFullestFilterLine) {
  Fixture f({.capacity = 1000});
  Table& t = *f.table;
  EXPECT_EQ(t.stats(true).fullest_filter_line, 0u);
  std::vector<Name> below;  // 40 prefixes under one block prefix: all in one line
  for (int i = 0; i < 40; ++i) below.push_back(name(("/a/b/c" + std::to_string(i)).c_str()));
  for (const Name& n : below) ASSERT_TRUE(t.insert(n, hops(1)).ok());
  const std::size_t full = t.stats(true).fullest_filter_line;
  EXPECT_GE(full, 40u);  // two bits each, some shared
  EXPECT_LE(full, 80u);
  for (const Name& n : below) ASSERT_TRUE(t.erase(n));
  EXPECT_EQ(t.stats(true).fullest_filter_line, 0u);
}

// Deep and adversarial names cost a bounded number of probes: a 32-component name under a
// shallow table is answered, and garbage that merely looks like a name is not misrouted.
TEST(Table, DeepNamesAreBoundedAndCorrect) {
  Fixture f({.capacity = 64});
  ASSERT_TRUE(f.table->insert(name("/a/b"), hops(1)).ok());
  Name deep = name("/a/b");
  while (deep.component_count() < kMaxNameComponents) ASSERT_TRUE(deep.append("z").ok());
  EXPECT_EQ(face_of(f.table->lookup(deep.view())), 1u);
  EXPECT_EQ(f.table->lookup(deep.view()).matched_depth, 2);
}

}  // namespace
}  // namespace dmsc::fib
