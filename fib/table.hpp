#pragma once
// The name FIB: longest name-prefix match (LNPM) over millions of service-name prefixes.
// Algorithm, memory layout and the update steps are explained in fib/README.md.
//
// Threading contract:
// - Any number of reader threads call lookup()/lookup_burst() concurrently with one writer.
//   Readers take no lock and never wait. A returned NextHopGroup stays valid until that reader
//   next reports a quiescent state to the table's Qsbr.
// - Exactly one writer thread calls every non-const method. It frees memory only after a QSBR
//   grace period (Qsbr::poll, called by the table every few hundred writes and by reclaim()).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "fib/expected.hpp"
#include "fib/name.hpp"
#include "fib/next_hop.hpp"
#include "fib/qsbr.hpp"

namespace dmsc::fib {

struct TableConfig {
  // Prefixes the table must hold, the default route aside (it needs no slot). Fixed at
  // creation, like a hardware FIB: inserting beyond it fails with "FIB full" rather than
  // degrading lookups.
  std::size_t capacity = 1 << 20;
  // Key of the name hash. 0 picks a random key (the default: a remote party cannot aim
  // names at one bucket without knowing it).
  std::uint64_t hash_key = 0;
};

struct LookupResult {
  const NextHopGroup* group = nullptr;  // nullptr: no route
  std::uint8_t matched_depth = 0;       // components in the matching prefix
};

enum class UpdateOutcome : std::uint8_t { kAdded, kReplaced, kUnchanged };

// One entry as the writer's walk shows it (for_each_entry); valid during the visit only.
struct EntryView {
  NameView prefix;           // wire form; length 0: the default route
  std::uint8_t depth = 0;    // components
  const NextHopGroup* group = nullptr;
};

struct TableStats {
  std::size_t prefixes = 0;          // real entries, default route included
  std::size_t next_hop_groups = 0;   // distinct groups
  std::size_t memory_bytes = 0;      // buckets + filter + entries (names included) + groups
  std::size_t bucket_count = 0;
  std::size_t filter_bits = 0;       // of the prefix filter (see fib/README.md)
  std::size_t longest_chain = 0;     // longest run of buckets a probe may read; stats(true)
  std::size_t fullest_filter_line = 0;  // bits set in the fullest filter line, of 512; stats(true)
};

inline constexpr std::size_t kMaxLookupBurst = 64;

class Table {
 public:
  static Expected<std::unique_ptr<Table>> create(const TableConfig& config, Qsbr& qsbr);
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // --- readers ---
  LookupResult lookup(NameView name) const;
  // count <= kMaxLookupBurst. Names must be valid wire names (check_wire_name).
  void lookup_burst(const NameView* names, std::size_t count, LookupResult* results) const;
  // The same for names whose component boundaries the caller already has (the forwarder's
  // packet parser): the burst then does not parse them again.
  void lookup_burst(const ParsedNameView* names, std::size_t count, LookupResult* results) const;

  // --- the writer ---
  Expected<UpdateOutcome> insert(const Name& prefix, const NextHopSet& next_hops);
  // Returns false when the prefix was not in the table.
  bool erase(const Name& prefix);
  // Resynchronization: every insert stamps the entry with the current generation;
  // erase_older_than() removes what a full resync did not refresh.
  void set_generation(std::uint32_t generation) { generation_ = generation; }
  std::uint32_t generation() const { return generation_; }
  std::size_t erase_older_than(std::uint32_t generation);
  // Exact-match lookup of a prefix for the control side and the CLI (writer thread).
  const NextHopGroup* find(const Name& prefix) const;
  // The generation an entry was last stamped with; nullopt when the prefix is not in the table.
  std::optional<std::uint32_t> generation_of(const Name& prefix) const;

  // A walk over every entry, in table order (not sorted), resumable so that a caller can spread
  // a million entries over many short steps (the forwarder's control socket does, between its
  // service loop's other duties). Writer thread only. Position 0 starts the walk (with the
  // default route); each call visits the entries of up to `max_buckets` buckets and returns the
  // position to continue from, walk_end() once done. Entries added or erased between calls may
  // be missed; none is visited twice unless erased and added again meanwhile.
  using EntryVisitor = std::function<void(const EntryView&)>;
  std::size_t for_each_entry(std::size_t position, std::size_t max_buckets, const EntryVisitor& visit) const;
  void for_each_entry(const EntryVisitor& visit) const { for_each_entry(0, SIZE_MAX, visit); }
  std::size_t walk_end() const;
  void reclaim() { qsbr_.poll(); }

  // walk: also the figures that need a pass over the table (longest_chain, fullest_filter_line).
  TableStats stats(bool walk = false) const;
  const TableConfig& config() const { return config_; }

  struct Impl;

 private:
  Table(const TableConfig& config, Qsbr& qsbr, std::unique_ptr<Impl> impl);

  TableConfig config_;
  Qsbr& qsbr_;
  std::unique_ptr<Impl> impl_;
  std::uint32_t generation_ = 0;
};

}  // namespace dmsc::fib
