#include "tools/rte_hash_baseline.hpp"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>

#include <cstring>
#include <memory>
#include <vector>

#include "tools/bench_common.hpp"

namespace dmsc::tools {

namespace {

constexpr std::size_t kKeyBytes = 64;

struct HashDeleter {
  void operator()(rte_hash* hash) const { rte_hash_free(hash); }
};

void to_key(const std::uint8_t* bytes, std::size_t length, std::uint8_t* key) {
  std::memset(key, 0, kKeyBytes);
  std::memcpy(key, bytes, std::min(length, kKeyBytes));
}

Status init_eal() {
  static bool initialized = false;
  if (initialized) return ok_status();
  const char* args[] = {"bench_fib", "--no-huge", "-m", "1024", "--no-pci", "--no-shconf",
                        "--no-telemetry", "--log-level=error", "-l", "1"};
  if (rte_eal_init(static_cast<int>(std::size(args)), const_cast<char**>(args)) < 0)
    return Error{std::string("rte_eal_init: ") + rte_strerror(rte_errno)};
  initialized = true;
  return ok_status();
}

}  // namespace

Expected<HashBaseline> measure_rte_hash_baseline(std::span<const fib::Name> keys,
                                                 std::span<const fib::NameView> lookups,
                                                 std::size_t burst, double seconds) {
  if (auto eal = init_eal(); !eal) return Error{eal.error()};
  const rte_hash_parameters parameters{.name = "bench_fib_baseline",
                                       .entries = static_cast<std::uint32_t>(keys.size() + keys.size() / 4 + 64),
                                       .reserved = 0,
                                       .key_len = kKeyBytes,
                                       .hash_func = rte_jhash,
                                       .hash_func_init_val = 0x5eed,
                                       .socket_id = 0,
                                       .extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE};
  std::unique_ptr<rte_hash, HashDeleter> hash(rte_hash_create(&parameters));
  if (!hash) return Error{std::string("rte_hash_create: ") + rte_strerror(rte_errno)};
  std::uint8_t key[kKeyBytes];
  for (std::size_t i = 0; i < keys.size(); ++i) {
    to_key(keys[i].wire().data(), keys[i].wire().size(), key);
    if (rte_hash_add_key_data(hash.get(), key, reinterpret_cast<void*>(i + 1)) < 0)
      return Error{"rte_hash_add_key_data failed at key " + std::to_string(i)};
  }
  // Keys laid out back to back like the FIB's names, pointers prepared per burst.
  const std::size_t count = lookups.size() - lookups.size() % burst;
  std::vector<std::uint8_t> lookup_keys(count * kKeyBytes);
  std::vector<const void*> pointers(count);
  for (std::size_t i = 0; i < count; ++i) {
    to_key(lookups[i].bytes, lookups[i].length, &lookup_keys[i * kKeyBytes]);
    pointers[i] = &lookup_keys[i * kKeyBytes];
  }
  void* data[RTE_HASH_LOOKUP_BULK_MAX];
  std::uint64_t hits = 0, done = 0;
  const double start = now_seconds();
  double elapsed = 0;
  do {
    for (std::size_t i = 0; i < count; i += burst) {
      std::uint64_t hit_mask = 0;
      rte_hash_lookup_bulk_data(hash.get(), &pointers[i], static_cast<std::uint32_t>(burst), &hit_mask, data);
      hits += __builtin_popcountll(hit_mask);
    }
    done += count;
    elapsed = now_seconds() - start;
  } while (elapsed < seconds);
  return HashBaseline{double(done) / elapsed, double(hits) / double(done)};
}

}  // namespace dmsc::tools
