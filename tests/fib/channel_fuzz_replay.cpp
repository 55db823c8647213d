// Runs the channel fuzz target's checks in every build (no libFuzzer needed): valid messages of
// every type, then a fixed number of deterministic random mutations of them.
#include <cstdio>
#include <random>
#include <vector>

#include "fib/channel_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main() {
  using namespace dmsc::fib;
  using namespace dmsc::fib::channel;
  std::vector<std::vector<std::uint8_t>> seeds;
  const auto add = [&](auto encode) {
    alignas(kCacheLine) std::byte slot[kSlotSize] = {};
    encode(slot);
    auto* bytes = reinterpret_cast<const std::uint8_t*>(slot);
    seeds.emplace_back(bytes, bytes + kSlotSize);
  };
  const Name prefix = *Name::parse("/svc/payments/charge");
  NextHopSet set;
  set.count = 2;
  set.hops[0] = {3, 1};
  set.hops[1] = {7, 5};
  add([&](std::byte* s) { encode_route(s, 4, 10, prefix.view(), set); });
  add([&](std::byte* s) { encode_delete(s, 4, 11, prefix.view()); });
  add([&](std::byte* s) { encode_resync_begin(s, 4, 0, 9); });
  add([&](std::byte* s) { encode_resync_end(s, 4, 12, 9, 0); });

  std::mt19937_64 random(1);
  std::size_t runs = 0;
  for (const auto& seed : seeds) {
    LLVMFuzzerTestOneInput(seed.data(), seed.size());
    ++runs;
    for (int i = 0; i < 50000; ++i) {
      std::vector<std::uint8_t> input = seed;
      const int flips = 1 + static_cast<int>(random() % 4);
      for (int f = 0; f < flips; ++f) {
        // Mostly the header and the first bytes of the body, where the structure is.
        const std::size_t at = random() % 2 ? random() % 48 : random() % input.size();
        input[at] = static_cast<std::uint8_t>(random());
      }
      input.resize(random() % 8 == 0 ? random() % input.size() : input.size());
      LLVMFuzzerTestOneInput(input.data(), input.size());
      ++runs;
    }
  }
  std::printf("channel_fuzz_replay: %zu inputs checked\n", runs);
  return 0;
}
