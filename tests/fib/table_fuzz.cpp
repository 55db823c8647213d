// Fuzz target for the FIB: the input is a program of inserts, erases and lookups on a small
// table, run against a plain reference (std::map, every prefix of the name tried longest
// first). Every lookup is checked three ways: one name, a burst of wire names and a burst of
// parsed names. The table is tiny on purpose (few filter lines and buckets): false positives,
// probe runs across buckets and a full table happen all the time.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "fib/table.hpp"

namespace {

using namespace dmsc::fib;

[[noreturn]] void fail(const char* why, const Name& name) {
  std::fprintf(stderr, "table_fuzz: %s: %s\n", why, name.to_string().c_str());
  std::abort();
}

// Reads the program's bytes; zeros once they run out.
struct Program {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t at = 0;
  bool done() const { return at >= size; }
  std::uint8_t next() { return at < size ? data[at++] : 0; }
};

// Few distinct components, so names nest; a few lengths, so names cross the 8, 16 and 64
// octet boundaries the hashing and the name compare treat differently.
void append_components(Program& program, Name& name, std::size_t count) {
  static constexpr std::size_t kLengths[] = {1, 5, 9, 15, 30, 70};
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t pick = program.next();
    const std::string component(kLengths[(pick >> 1) % 6], static_cast<char>('a' + pick % 2));
    if (!name.append(component).ok()) return;  // the name limits: stop here
  }
}

// Mostly names made from earlier ones (their prefixes, or them made longer), so that erases
// and lookups meet the table's prefixes; otherwise new ones.
Name read_name(Program& program, const std::vector<Name>& known, std::size_t max_extra) {
  const std::uint8_t how = program.next();
  Name name;
  if (how % 4 != 0 && !known.empty()) {
    const Name& base = known[program.next() % known.size()];
    name = base.prefix(base.component_count() - (how >> 2) % 2 * std::min<std::size_t>(1, base.component_count()));
  }
  append_components(program, name, program.next() % (max_extra + 1));
  return name;
}

std::pair<std::size_t, FaceId> reference_lookup(const std::map<Name, FaceId>& reference, const Name& n) {
  for (std::size_t depth = n.component_count() + 1; depth-- > 0;) {
    auto it = reference.find(n.prefix(depth));
    if (it != reference.end()) return {depth, it->second};
  }
  return {0, 0};
}

FaceId face_of(const LookupResult& result) { return result.group == nullptr ? 0 : result.group->set.hops[0].face; }

void check(const LookupResult& result, const std::pair<std::size_t, FaceId>& expected, const Name& name,
           const char* how) {
  if (face_of(result) != expected.second) fail(how, name);
  if (expected.second != 0 && result.matched_depth != expected.first) fail(how, name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::unique_ptr<Qsbr> qsbr = std::move(*Qsbr::create(1));
  constexpr std::size_t kCapacity = 24;
  auto table = std::move(*Table::create({.capacity = kCapacity, .hash_key = 7}, *qsbr));
  std::map<Name, FaceId> reference;
  std::vector<Name> known;  // every prefix inserted so far
  Program program{data, size};
  while (!program.done()) {
    const std::uint8_t op = program.next();
    if (op % 4 <= 1) {
      const Name prefix = read_name(program, known, 3);
      const FaceId face = 1 + program.next() % 8;
      NextHopSet set;
      set.count = 1;
      set.hops[0] = {face, 1};
      // The default route needs no slot: it is not counted against the capacity.
      const bool room = prefix.is_root() || reference.count(prefix) != 0 ||
                        reference.size() - reference.count(Name{}) < kCapacity;
      const auto outcome = table->insert(prefix, set);
      if (outcome.ok() != room) fail(room ? "insert refused below capacity" : "insert past capacity", prefix);
      if (outcome.ok()) {
        reference[prefix] = face;
        known.push_back(prefix);
      }
    } else if (op % 4 == 2) {
      const Name prefix = read_name(program, known, 1);
      if (table->erase(prefix) != (reference.erase(prefix) == 1)) fail("erase disagrees", prefix);
    } else {
      const std::size_t count = 1 + program.next() % kMaxLookupBurst;
      std::vector<Name> names;
      for (std::size_t i = 0; i < count; ++i) names.push_back(read_name(program, known, 4));
      std::vector<NameView> views;
      std::vector<ParsedNameView> parsed(count);
      std::vector<std::uint8_t> ends(count * kMaxNameComponents);
      for (std::size_t i = 0; i < count; ++i) {
        views.push_back(names[i].view());
        std::size_t components = 0;
        (void)check_wire_name(views[i].bytes, views[i].length, &ends[i * kMaxNameComponents], &components);
        parsed[i] = {views[i].bytes, &ends[i * kMaxNameComponents], views[i].length,
                     static_cast<std::uint8_t>(components)};
      }
      LookupResult wire[kMaxLookupBurst], from_parsed[kMaxLookupBurst];
      table->lookup_burst(views.data(), count, wire);
      table->lookup_burst(parsed.data(), count, from_parsed);
      for (std::size_t i = 0; i < count; ++i) {
        const auto expected = reference_lookup(reference, names[i]);
        check(table->lookup(views[i]), expected, names[i], "single lookup");
        check(wire[i], expected, names[i], "burst of wire names");
        check(from_parsed[i], expected, names[i], "burst of parsed names");
      }
    }
    table->reclaim();
  }
  if (table->stats().prefixes != reference.size()) fail("prefix count differs", Name{});
  return 0;
}
