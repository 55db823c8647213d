// The writer's walk over fib::Table (for_each_entry): every entry exactly once, the default
// route included, in one go or resumed a few buckets at a time; and generation_of.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "fib/table.hpp"

namespace dmsc::fib {
namespace {

Name name(const std::string& text) { return *Name::parse(text); }

NextHopSet hops(FaceId face) {
  NextHopSet set;
  set.count = 1;
  set.hops[0] = {face, 1};
  return set;
}

struct Walked {
  std::map<Name, FaceId> entries;
  std::size_t duplicates = 0;
  std::size_t bad_depth = 0;
};

void record(Walked& walked, const EntryView& entry) {
  const Name prefix = *Name::from_wire({entry.prefix.bytes, entry.prefix.length});
  if (prefix.component_count() != entry.depth) ++walked.bad_depth;
  if (!walked.entries.emplace(prefix, entry.group->set.hops[0].face).second) ++walked.duplicates;
}

TEST(TableWalk, VisitsEveryEntryOnceWholeOrResumed) {
  auto qsbr = std::move(*Qsbr::create(1));
  auto table = std::move(*Table::create({.capacity = 5000}, *qsbr));
  std::map<Name, FaceId> expected;
  std::vector<Name> inserted;
  std::mt19937 random(5);
  for (int i = 0; i < 4000; ++i) {
    std::string text = "/svc/s" + std::to_string(i);
    for (unsigned extra = random() % 3; extra > 0; --extra) text += "/x" + std::to_string(random() % 10);
    const FaceId face = 1 + random() % 100;
    ASSERT_TRUE(table->insert(name(text), hops(face)).ok());
    expected[name(text)] = face;
    inserted.push_back(name(text));
  }
  ASSERT_TRUE(table->insert(Name{}, hops(999)).ok());
  expected[Name{}] = 999;
  for (std::size_t i = 0; i < inserted.size(); i += 7) {  // erased entries keep their slots' handles: not visited
    ASSERT_TRUE(table->erase(inserted[i]));
    expected.erase(inserted[i]);
  }

  Walked whole;
  table->for_each_entry([&](const EntryView& entry) { record(whole, entry); });
  EXPECT_EQ(whole.entries, expected);
  EXPECT_EQ(whole.duplicates, 0u);
  EXPECT_EQ(whole.bad_depth, 0u);

  Walked resumed;
  std::size_t position = 0, steps = 0;
  while (position < table->walk_end()) {
    position = table->for_each_entry(position, 3, [&](const EntryView& entry) { record(resumed, entry); });
    ++steps;
  }
  EXPECT_EQ(resumed.entries, expected);
  EXPECT_EQ(resumed.duplicates, 0u);
  EXPECT_GT(steps, 100u);
  EXPECT_EQ(table->for_each_entry(table->walk_end(), 3, [](const EntryView&) { FAIL(); }), table->walk_end());
}

TEST(TableWalk, AnEmptyTableVisitsNothingAndGenerationsAreReported) {
  auto qsbr = std::move(*Qsbr::create(1));
  auto table = std::move(*Table::create({.capacity = 64}, *qsbr));
  std::size_t visits = 0;
  table->for_each_entry([&](const EntryView&) { ++visits; });
  EXPECT_EQ(visits, 0u);
  EXPECT_FALSE(table->generation_of(name("/a")).has_value());
  EXPECT_FALSE(table->generation_of(Name{}).has_value());
  table->set_generation(7);
  ASSERT_TRUE(table->insert(name("/a"), hops(1)).ok());
  ASSERT_TRUE(table->insert(Name{}, hops(1)).ok());
  table->set_generation(8);
  ASSERT_TRUE(table->insert(name("/b"), hops(1)).ok());
  EXPECT_EQ(table->generation_of(name("/a")), 7u);
  EXPECT_EQ(table->generation_of(Name{}), 7u);
  EXPECT_EQ(table->generation_of(name("/b")), 8u);
}

}  // namespace
}  // namespace dmsc::fib
