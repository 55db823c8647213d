// Runs lsa_fuzz.cpp's checks in every build (no libFuzzer needed): PDUs of every type we
// build, with and without authentication, then deterministic random mutations of each.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "tests/lsa/lsa_test_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  using namespace dmsc::lsa;
  std::vector<std::vector<std::uint8_t>> seeds;
  // Committed corpus files (real FRR PDUs among them), then PDUs of our own.
  for (int i = 1; i < argc; ++i)
    for (const auto& entry : std::filesystem::directory_iterator(argv[i])) {
      std::ifstream in(entry.path(), std::ios::binary);
      seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  for (const AuthKey& auth : {AuthKey{}, AuthKey{AuthMode::kHmacMd5, "k", 1}, AuthKey{AuthMode::kHmacSha256, "k", 2}}) {
    HelloParams hello;
    hello.source = test::system_id(1);
    hello.areas = {{0x49, 0, 1}};
    hello.ipv4_addresses = {{10, 0, 0, 1}};
    hello.three_way = {kAdjacencyUp, 1, test::system_id(2), 1};
    hello.pad_to = 0;
    seeds.push_back(build_p2p_hello(hello, auth));
    LspHeader header;
    header.id = {{test::system_id(1), 0}, 0};
    header.sequence = 5;
    header.remaining_lifetime = 1200;
    for (const auto& fragment : pack_lsp_fragments(test::sample_content(6), kMaxPduLength, auth))
      seeds.push_back(build_lsp(header, fragment, auth));
    const std::vector<LspEntry> entries = {{1200, header.id, 5, 0x1234}, {600, {{test::system_id(3), 0}, 1}, 9, 1}};
    seeds.push_back(build_csnp({test::system_id(1), 0}, {}, {{SystemId{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}, 0xff}, 0xff},
                               entries, auth));
    seeds.push_back(build_psnp({test::system_id(1), 0}, entries, auth));
  }

  std::mt19937_64 random(1);
  std::size_t runs = 0;
  for (const auto& seed : seeds) {
    if (seed.empty()) continue;
    LLVMFuzzerTestOneInput(seed.data(), seed.size());
    ++runs;
    for (int i = 0; i < 10000; ++i) {
      std::vector<std::uint8_t> input = seed;
      const int flips = 1 + static_cast<int>(random() % 4);
      for (int f = 0; f < flips; ++f) {
        // Mostly headers and the first TLVs, where the structure is.
        const std::size_t at = random() % 2 ? random() % std::min<std::size_t>(80, input.size()) : random() % input.size();
        input[at] = static_cast<std::uint8_t>(random());
      }
      if (random() % 8 == 0) input.resize(random() % input.size());
      LLVMFuzzerTestOneInput(input.data(), input.size());
      ++runs;
    }
  }
  std::printf("lsa_fuzz_replay: %zu inputs checked\n", runs);
  return 0;
}
