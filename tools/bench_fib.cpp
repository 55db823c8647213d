// tools/bench fib: LNPM lookup rate, memory per entry and update rates of fib::Table.
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_set>
#include <vector>

#include "fib/table.hpp"
#include "tools/bench_common.hpp"
#include "tools/name_generator.hpp"
#include "tools/rte_hash_baseline.hpp"

using namespace dmsc;

namespace {

const char* kUsage =
    "usage: tools/bench fib [--prefixes N] [--lookup-names N] [--seconds S] [--burst B]\n"
    "                       [--miss-percent P] [--seed S] [--updates N]\n"
    "                       [--baseline 0|1]   (rte_hash exact-match baseline, default 1)\n";

void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % std::max(1u, std::thread::hardware_concurrency()), &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

fib::NextHopSet next_hops(std::uint32_t group) {
  fib::NextHopSet set;
  set.count = 1 + group % 2;
  set.hops[0] = {1 + group, 1};
  if (set.count == 2) set.hops[1] = {1001 + group, 3};
  return set;
}

// Names packed back to back, so the lookup loop reads them like packets from a burst. Each
// also has its component boundaries, as the forwarder's packet parser hands them to the FIB.
struct NameBuffer {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint8_t> ends;
  std::vector<fib::NameView> views;
  std::vector<fib::ParsedNameView> parsed;
  void add(const fib::Name& name) {
    offsets.push_back(bytes.size());
    bytes.insert(bytes.end(), name.wire().begin(), name.wire().end());
    end_offsets.push_back(ends.size());
    std::size_t end = 0;
    for (std::size_t c = 0; c < name.component_count(); ++c) {
      end += 1 + name.component(c).size();
      ends.push_back(static_cast<std::uint8_t>(end));
    }
  }
  void finish() {
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      const std::size_t end = i + 1 < offsets.size() ? offsets[i + 1] : bytes.size();
      const std::size_t ends_end = i + 1 < offsets.size() ? end_offsets[i + 1] : ends.size();
      views.push_back({bytes.data() + offsets[i], static_cast<std::uint8_t>(end - offsets[i])});
      parsed.push_back({views.back().bytes, ends.data() + end_offsets[i], views.back().length,
                        static_cast<std::uint8_t>(ends_end - end_offsets[i])});
    }
  }
  std::vector<std::size_t> offsets;
  std::vector<std::size_t> end_offsets;
};

// Runs batch lookups over `views` (wire or parsed names) for about `seconds`; returns lookups
// per second and the share of lookups that found a route.
template <typename View>
double measure_lookups(const fib::Table& table, const std::vector<View>& views, std::size_t burst,
                       double seconds, double& hit_ratio, fib::Qsbr* qsbr, std::uint32_t reader,
                       const std::atomic<bool>* stop) {
  fib::LookupResult results[fib::kMaxLookupBurst];
  const std::size_t count = views.size() - views.size() % burst;
  std::uint64_t lookups = 0;
  std::uint64_t hits = 0;
  const double start = tools::now_seconds();
  double elapsed = 0;
  while (true) {
    for (std::size_t i = 0; i < count; i += burst) {
      table.lookup_burst(&views[i], burst, results);
      for (std::size_t j = 0; j < burst; ++j) hits += results[j].group != nullptr;
      if (qsbr != nullptr) qsbr->quiescent(reader);
    }
    lookups += count;
    elapsed = tools::now_seconds() - start;
    if (stop != nullptr ? stop->load(std::memory_order_relaxed) : elapsed >= seconds) break;
  }
  hit_ratio = static_cast<double>(hits) / static_cast<double>(lookups);
  return static_cast<double>(lookups) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  tools::Options options(argc, argv, kUsage);
  const auto prefix_count = static_cast<std::size_t>(options.number("--prefixes", 1000000));
  const auto lookup_names = static_cast<std::size_t>(options.number("--lookup-names", 1 << 20));
  const double seconds = options.number("--seconds", 2);
  const auto burst = static_cast<std::size_t>(options.number("--burst", 64));
  const double miss_percent = options.number("--miss-percent", 10);
  const auto seed = static_cast<std::uint64_t>(options.number("--seed", 1));
  const auto update_count = static_cast<std::size_t>(options.number("--updates", 1000000));
  const bool with_baseline = options.number("--baseline", 1) != 0;
  options.check_all_used();
  if (burst == 0 || burst > fib::kMaxLookupBurst || prefix_count == 0) {
    std::fprintf(stderr, "error: --burst must be 1..%zu and --prefixes positive\n%s",
                 fib::kMaxLookupBurst, kUsage);
    return 2;
  }
  pin_to_cpu(1);

  // Workload.
  tools::NameGenerator generator(seed);
  std::vector<fib::Name> prefixes;
  std::unordered_set<std::string> seen;
  std::size_t text_bytes = 0, components = 0;
  while (prefixes.size() < prefix_count) {
    fib::Name p = generator.prefix(2, 8);
    if (!seen.emplace(reinterpret_cast<const char*>(p.wire().data()), p.wire().size()).second) continue;
    text_bytes += p.to_string().size();
    components += p.component_count();
    prefixes.push_back(std::move(p));
  }
  seen.clear();
  NameBuffer names;
  for (std::size_t i = 0; i < lookup_names; ++i) {
    if (generator.random()() % 10000 < miss_percent * 100) {
      names.add(generator.miss());
    } else {
      names.add(generator.extend(prefixes[generator.random()() % prefixes.size()], 3));
    }
  }
  names.finish();
  std::fprintf(stderr, "workload: %zu prefixes (mean %.1f octets as text, %.2f components), %zu lookup names\n",
               prefixes.size(), double(text_bytes) / prefixes.size(), double(components) / prefixes.size(),
               names.views.size());

  auto qsbr = std::move(*fib::Qsbr::create(2));
  const std::size_t rss_before = tools::resident_bytes();
  auto created = fib::Table::create({.capacity = prefix_count}, *qsbr);
  if (!created) {
    std::fprintf(stderr, "error: %s\n", created.error().c_str());
    return 1;
  }
  fib::Table& table = **created;

  // Inserts.
  double t0 = tools::now_seconds();
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    auto outcome = table.insert(prefixes[i], next_hops(i % 64));
    if (!outcome) {
      std::fprintf(stderr, "error: insert %s: %s\n", prefixes[i].to_string().c_str(), outcome.error().c_str());
      return 1;
    }
  }
  const double inserts_per_sec = prefixes.size() / (tools::now_seconds() - t0);
  const std::size_t rss_after = tools::resident_bytes();
  const fib::TableStats stats = table.stats(true);
  const double bytes_per_entry = double(rss_after - rss_before) / prefixes.size();
  std::fprintf(stderr, "inserts: %.2f M/s; RSS +%.1f MB = %.1f bytes/prefix (table's own count %.1f); "
               "filter %.1f bits/prefix (fullest line: %zu of 512 bits set), longest chain %zu\n",
               inserts_per_sec / 1e6, (rss_after - rss_before) / 1e6, bytes_per_entry,
               double(stats.memory_bytes) / prefixes.size(), double(stats.filter_bits) / prefixes.size(), stats.fullest_filter_line, stats.longest_chain);

  // Correctness spot check before timing anything: the burst answers equal single lookups.
  {
    fib::LookupResult results[fib::kMaxLookupBurst];
    for (std::size_t i = 0; i + burst <= std::min<std::size_t>(names.views.size(), 65536); i += burst) {
      fib::LookupResult parsed_results[fib::kMaxLookupBurst];
      table.lookup_burst(&names.views[i], burst, results);
      table.lookup_burst(&names.parsed[i], burst, parsed_results);
      for (std::size_t j = 0; j < burst; ++j) {
        const fib::LookupResult single = table.lookup(names.views[i + j]);
        if (single.group != results[j].group || single.matched_depth != results[j].matched_depth ||
            single.group != parsed_results[j].group || single.matched_depth != parsed_results[j].matched_depth) {
          std::fprintf(stderr, "error: burst and single lookup disagree\n");
          return 1;
        }
      }
    }
  }

  // Lookups, one core, batch API: names with their component boundaries, as the forwarder
  // passes them; and raw wire names, which the burst parses first.
  double hit_ratio = 0, wire_hit_ratio = 0;
  const double lookups_per_sec = measure_lookups(table, names.parsed, burst, seconds, hit_ratio, nullptr, 0, nullptr);
  const double wire_lookups_per_sec =
      measure_lookups(table, names.views, burst, seconds, wire_hit_ratio, nullptr, 0, nullptr);
  std::uint64_t single_hits = 0;
  double single_per_sec = 0;
  {
    const double s0 = tools::now_seconds();
    std::uint64_t n = 0;
    while (tools::now_seconds() - s0 < seconds / 2) {
      for (std::size_t i = 0; i < names.views.size(); ++i) single_hits += table.lookup(names.views[i]).group != nullptr;
      n += names.views.size();
    }
    single_per_sec = n / (tools::now_seconds() - s0);
  }
  std::fprintf(stderr, "lookups: %.2f M/s batch of %zu (%.2f M/s from wire names, parse included), %.2f M/s one at a time\n",
               lookups_per_sec / 1e6, burst, wire_lookups_per_sec / 1e6, single_per_sec / 1e6);

  // Baseline in the same run: one rte_hash exact-match probe per name, same names, same core.
  std::string baseline_json = "null";
  double ratio = 0;
  if (with_baseline) {
    auto baseline = tools::measure_rte_hash_baseline(prefixes, names.views, burst, seconds);
    if (baseline) {
      ratio = lookups_per_sec / baseline->lookups_per_sec;
      std::fprintf(stderr, "baseline: rte_hash exact match %.2f M/s (one probe per name); FIB LNPM / baseline = %.2f\n",
                   baseline->lookups_per_sec / 1e6, ratio);
      char text[256];
      std::snprintf(text, sizeof text,
                    "{\"what\":\"rte_hash_lookup_bulk_data, one exact-match probe per name, 64-octet keys\","
                    "\"lookups_per_sec\":%.0f,\"hit_ratio\":%.3f}",
                    baseline->lookups_per_sec, baseline->hit_ratio);
      baseline_json = text;
    } else {
      std::fprintf(stderr, "baseline: not measured: %s\n", baseline.error().c_str());
    }
  }

  // Updates while a reader thread looks up (reader on the other core).
  std::atomic<bool> stop{false};
  std::atomic<bool> reader_ready{false};
  double reader_rate = 0;
  double reader_hit_ratio = 0;
  std::thread reader([&] {
    pin_to_cpu(0);
    (void)qsbr->register_reader(0);
    qsbr->online(0);
    reader_ready = true;
    reader_rate = measure_lookups(table, names.parsed, burst, 0, reader_hit_ratio, qsbr.get(), 0, &stop);
    qsbr->unregister_reader(0);
  });
  while (!reader_ready) std::this_thread::yield();
  std::vector<bool> present(prefixes.size(), true);
  std::mt19937_64 random(seed + 1);
  std::size_t replaced = 0, erased = 0, added = 0;
  // The updates' prefixes are drawn up front and prefetched a few updates ahead: a control
  // plane hands the FIB an update it has just decoded (in cache), not a random object out
  // of a 1M-element vector with its name on the heap, whose two misses would otherwise
  // dominate the figure at 1M prefixes.
  std::vector<std::uint32_t> update_index(update_count);
  for (auto& index : update_index) index = static_cast<std::uint32_t>(random() % prefixes.size());
  constexpr std::size_t kObjectAhead = 8, kNameAhead = 4;
  t0 = tools::now_seconds();
  for (std::size_t u = 0; u < update_count; ++u) {
    if (u + kObjectAhead < update_count) __builtin_prefetch(&prefixes[update_index[u + kObjectAhead]]);
    if (u + kNameAhead < update_count) __builtin_prefetch(prefixes[update_index[u + kNameAhead]].wire().data());
    const std::size_t i = update_index[u];
    if (present[i] && random() % 10 < 3) {
      table.erase(prefixes[i]);
      present[i] = false;
      ++erased;
    } else {
      (void)table.insert(prefixes[i], next_hops(random() % 64));
      (present[i] ? replaced : added)++;
      present[i] = true;
    }
  }
  table.reclaim();
  const double updates_per_sec = update_count / (tools::now_seconds() - t0);
  stop = true;
  reader.join();
  std::fprintf(stderr, "updates under lookup: %.2f M/s (%zu replaced, %zu erased, %zu added); reader %.2f M lookups/s\n",
               updates_per_sec / 1e6, replaced, erased, added, reader_rate / 1e6);

  // Deletes: everything that is left.
  std::size_t remaining = 0;
  t0 = tools::now_seconds();
  for (std::size_t i = 0; i < prefixes.size(); ++i)
    if (present[i]) remaining += table.erase(prefixes[i]);
  table.reclaim();
  const double deletes_per_sec = remaining / (tools::now_seconds() - t0);
  const fib::TableStats after = table.stats();
  if (after.prefixes != 0) {
    std::fprintf(stderr, "error: %zu prefixes left after deleting all\n", after.prefixes);
    return 1;
  }
  std::fprintf(stderr, "deletes: %.2f M/s\n", deletes_per_sec / 1e6);

  std::printf(
      "{\"bench\":\"fib\",\"prefixes\":%zu,\"lookups_per_sec\":%.0f,\"lookups_per_sec_wire_names\":%.0f,\"single_lookups_per_sec\":%.0f,"
      "\"bytes_per_entry\":%.1f,\"table_bytes_per_entry\":%.1f,\"inserts_per_sec\":%.0f,"
      "\"deletes_per_sec\":%.0f,\"updates_per_sec_under_lookup\":%.0f,"
      "\"lookups_per_sec_during_updates\":%.0f,\"hit_ratio\":%.3f,\"filter_bits_per_prefix\":%.1f,\"fullest_filter_line_bits\":%zu,"
      "\"longest_chain\":%zu,\"baseline\":%s,\"ratio_to_baseline\":%.3f,\"conditions\":{\"burst\":%zu,\"lookup_names\":%zu,"
      "\"miss_percent\":%.1f,\"mean_prefix_text_octets\":%.1f,\"mean_prefix_components\":%.2f,"
      "\"extra_components\":\"0-3\",\"threads\":\"lookup: 1 core; updates: writer + 1 reader on 2 cores\","
      "\"transparent_hugepages\":\"%s\",\"seed\":%llu},\"cpu\":\"%s\"}\n",
      prefixes.size(), lookups_per_sec, wire_lookups_per_sec, single_per_sec, bytes_per_entry,
      double(stats.memory_bytes) / prefixes.size(), inserts_per_sec, deletes_per_sec, updates_per_sec,
      reader_rate, hit_ratio, double(stats.filter_bits) / prefixes.size(), stats.fullest_filter_line, stats.longest_chain, baseline_json.c_str(), ratio, burst,
      names.views.size(), miss_percent, double(text_bytes) / prefixes.size(),
      double(components) / prefixes.size(),
      tools::json_escape(tools::read_first_line("/sys/kernel/mm/transparent_hugepage/enabled")).c_str(),
      static_cast<unsigned long long>(seed), tools::json_escape(tools::cpu_model()).c_str());
  (void)single_hits;  // a sink: keeps the single lookups from being optimized out
  return 0;
}
