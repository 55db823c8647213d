// Runs the table fuzz target's checks in every build (no libFuzzer needed): a fixed number of
// deterministic random programs, short and long.
#include <cstdio>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main() {
  std::mt19937_64 random(1);
  std::size_t programs = 0;
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::uint8_t> program(random() % (i % 10 == 0 ? 4096 : 512));
    for (auto& byte : program) byte = static_cast<std::uint8_t>(random());
    LLVMFuzzerTestOneInput(program.data(), program.size());
    ++programs;
  }
  std::printf("table_fuzz_replay: %zu programs checked\n", programs);
  return 0;
}
