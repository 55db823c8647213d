// Runs the config fuzz target's checks in every build: the seed corpus, then deterministic
// mutations of it (line swaps, dropped and repeated words, random octets).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: config_fuzz_replay <corpus directory>\n");
    return 2;
  }
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    seeds.push_back(text.str());
  }
  std::mt19937_64 random(1);
  std::size_t runs = 0;
  auto run = [&](const std::string& text) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    ++runs;
  };
  for (const std::string& seed : seeds) {
    run(seed);
    for (int i = 0; i < 2000; ++i) {
      std::string text = seed;
      const int edits = 1 + static_cast<int>(random() % 4);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        const std::size_t at = random() % text.size();
        switch (random() % 4) {
          case 0: text[at] = static_cast<char>(random()); break;
          case 1: text.erase(at, random() % 8); break;
          case 2: text.insert(at, text.substr(random() % text.size(), random() % 12)); break;
          case 3: text.insert(at, 1, " \n:/0x9"[random() % 7]); break;
        }
      }
      run(text);
    }
  }
  std::printf("config_fuzz_replay: %zu inputs checked\n", runs);
  return 0;
}
