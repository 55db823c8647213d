// tools/bench translation: what an address translation costs on this machine, beyond the data.
//
// A big FIB is read at random over tens of megabytes, so almost every bucket and entry is on a
// page the TLB does not hold. On bare metal with 2 MiB pages such a miss is cheap; in a VM whose
// host maps guest memory with 4 KiB pages every miss is a nested walk, whatever page size the
// guest uses. This benchmark tells the two apart: a chase of dependent loads over the same
// number of cache lines, packed (no translation to speak of), one per 4 KiB page in memory the
// guest maps with 4 KiB pages, and one per 4 KiB page in memory it maps with transparent huge
// pages. If the huge-page chase costs no more than the packed one, translation is cheap here.
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "tools/bench_common.hpp"

using namespace dmsc;

namespace {

const char* kUsage =
    "usage: tools/bench translation [--lines N] [--loads N]\n"
    "  --lines N   cache lines in each chase (default 4096: the forward benchmark's names)\n"
    "  --loads N   dependent loads timed per chase (default 20000000)\n";

constexpr std::size_t kPage = 4096;
constexpr std::size_t kHugePage = 2u << 20;
constexpr std::size_t kLine = 64;

enum class Layout { packed, one_per_page };

struct Chase {
  double cycles_per_load = 0;
  long huge_kib = 0;  // how much of the region the kernel backed with huge pages
};

long anon_huge_kib(const void* begin, std::size_t bytes) {
  // /proc/self/smaps: find our mapping and read its AnonHugePages.
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  const auto want = reinterpret_cast<std::uintptr_t>(begin);
  bool inside = false;
  while (std::getline(smaps, line)) {
    unsigned long low = 0, high = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &low, &high) == 2) {  // a mapping's first line
      inside = want >= low && want + bytes <= high;
      continue;
    }
    if (inside && line.rfind("AnonHugePages:", 0) == 0) return std::atol(line.c_str() + 14);
  }
  return 0;
}

Chase run_chase(std::size_t lines, Layout layout, bool huge_pages, std::size_t loads) {
  const std::size_t slot = layout == Layout::packed ? kLine : kPage;
  const std::size_t bytes = (lines * slot + kHugePage - 1) / kHugePage * kHugePage;
  void* mapping = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) {
    std::perror("mmap");
    std::exit(1);
  }
  auto* region = reinterpret_cast<std::uint8_t*>(
      (reinterpret_cast<std::uintptr_t>(mapping) + kHugePage - 1) / kHugePage * kHugePage);
  madvise(region, bytes, huge_pages ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  std::fill(region, region + bytes, std::uint8_t{1});

  // Page i holds its line at offset (i / 32) % 64 lines: with the page number's low five bits
  // that spreads the lines evenly over 2048 cache sets (a 1 MiB 8-way L2), as packed lines
  // spread, so only the translation differs. (An offset that repeats every 64 pages would put
  // every line in 64 sets and time L3 instead.)
  constexpr std::size_t kLinesPerPage = kPage / kLine;
  auto line_address = [&](std::size_t i) -> std::uint8_t* {
    return layout == Layout::packed ? region + i * kLine
                                    : region + i * kPage + (i / 32 % kLinesPerPage) * kLine;
  };
  std::vector<std::size_t> order(lines);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937_64(1));
  for (std::size_t i = 0; i < lines; ++i)
    *reinterpret_cast<std::uint8_t**>(line_address(order[i])) = line_address(order[(i + 1) % lines]);

  Chase chase;
  chase.huge_kib = anon_huge_kib(region, bytes);
  auto* cursor = line_address(order[0]);
  for (std::size_t i = 0; i < 4 * lines; ++i) cursor = *reinterpret_cast<std::uint8_t**>(cursor);
  const std::uint64_t start = __builtin_ia32_rdtsc();
  for (std::size_t i = 0; i < loads; ++i) cursor = *reinterpret_cast<std::uint8_t**>(cursor);
  chase.cycles_per_load = double(__builtin_ia32_rdtsc() - start) / double(loads);
  asm volatile("" : : "r"(cursor));
  munmap(mapping, bytes + kHugePage);
  return chase;
}

}  // namespace

int main(int argc, char** argv) {
  tools::Options options(argc, argv, kUsage);
  const auto lines = static_cast<std::size_t>(options.number("--lines", 4096));
  const auto loads = static_cast<std::size_t>(options.number("--loads", 20'000'000));
  options.check_all_used();
  if (lines < 2) {
    std::fprintf(stderr, "error: --lines must be at least 2\n%s", kUsage);
    return 2;
  }

  const Chase packed = run_chase(lines, Layout::packed, false, loads);
  const Chase small_pages = run_chase(lines, Layout::one_per_page, false, loads);
  const Chase huge_pages = run_chase(lines, Layout::one_per_page, true, loads);
  std::fprintf(stderr,
               "%zu lines: packed %.1f cycles a load; one per 4 KiB page: %.1f on 4 KiB pages, %.1f on "
               "huge pages (%ld KiB of them granted)\n",
               lines, packed.cycles_per_load, small_pages.cycles_per_load, huge_pages.cycles_per_load,
               huge_pages.huge_kib);
  if (huge_pages.huge_kib == 0)
    std::fprintf(stderr, "note: no transparent huge pages were granted (see /sys/kernel/mm/transparent_hugepage)\n");
  std::printf(
      "{\"lines\":%zu,\"loads\":%zu,\"packed_cycles\":%.1f,\"page_spread_4k_cycles\":%.1f,"
      "\"page_spread_huge_cycles\":%.1f,\"huge_kib_granted\":%ld,"
      "\"translation_cycles_4k\":%.1f,\"translation_cycles_huge\":%.1f,\"cpu\":\"%s\"}\n",
      lines, loads, packed.cycles_per_load, small_pages.cycles_per_load, huge_pages.cycles_per_load,
      huge_pages.huge_kib, small_pages.cycles_per_load - packed.cycles_per_load,
      huge_pages.cycles_per_load - packed.cycles_per_load, tools::json_escape(tools::cpu_model()).c_str());
  return 0;
}
