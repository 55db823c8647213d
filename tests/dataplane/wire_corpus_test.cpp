// The committed seed corpus (tests/dataplane/corpus/wire/) is what wire_seeds() builds.
// Regenerate on purpose: DMSC_REGENERATE_CORPUS=1 wire_test --gtest_filter='WireCorpus.*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "tests/dataplane/wire_test_util.hpp"

namespace dmsc::wire {
namespace {

TEST(WireCorpus, SeedsMatchTheCommittedFiles) {
  const bool regenerate = std::getenv("DMSC_REGENERATE_CORPUS") != nullptr;
  for (const auto& [file_name, bytes] : test::wire_seeds()) {
    const std::string path = std::string(DMSC_WIRE_CORPUS_DIR) + "/" + file_name;
    if (regenerate) {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
      ASSERT_TRUE(out.good()) << path;
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in.good()) << path << " is missing: regenerate with DMSC_REGENERATE_CORPUS=1";
    const test::Bytes committed{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
    EXPECT_EQ(committed, bytes) << path << " is stale: regenerate with DMSC_REGENERATE_CORPUS=1";
  }
}

}  // namespace
}  // namespace dmsc::wire
