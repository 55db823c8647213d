// Runs config_fuzz.cpp's checks in every build: the seed configurations, then deterministic
// mutations of them (octet flips, cut lines, duplicated lines).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i)
    for (const auto& entry : std::filesystem::directory_iterator(argv[i])) {
      std::ifstream in(entry.path(), std::ios::binary);
      seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  if (seeds.empty()) {
    std::fprintf(stderr, "usage: %s CORPUS-DIR...: no seeds\n", argv[0]);
    return 2;
  }
  std::mt19937_64 random(7);
  std::size_t runs = 0;
  const std::string alphabet = " \n#./-0123456789abcdefxyz:";
  for (const std::string& seed : seeds) {
    for (int i = 0; i < 20000; ++i) {
      std::string input = seed;
      const int edits = 1 + static_cast<int>(random() % 4);
      for (int e = 0; e < edits && !input.empty(); ++e) {
        const std::size_t at = random() % input.size();
        switch (random() % 3) {
          case 0: input[at] = alphabet[random() % alphabet.size()]; break;
          case 1: input.erase(at, random() % 8); break;
          case 2: input.insert(at, input.substr(random() % input.size(), random() % 24)); break;
        }
      }
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
      ++runs;
    }
  }
  std::printf("config_fuzz_replay: %zu inputs checked\n", runs);
  return 0;
}
