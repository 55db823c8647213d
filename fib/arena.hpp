#pragma once
// The FIB writer's allocator for entries: variable-size blocks in 8-byte steps, carved from
// 2 MiB chunks that ask for transparent huge pages (fewer TLB misses for readers walking
// millions of entries), with one free list per size. Writer thread only; readers only read
// the blocks. Blocks are returned here after a QSBR grace period, never before.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dmsc::fib {

class Arena {
 public:
  static constexpr std::size_t kGranularity = 8;
  static constexpr std::size_t kMaxBlock = 512;
  static constexpr std::size_t kChunkBytes = 2u << 20;

  Arena() = default;
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns nullptr when the system is out of memory.
  void* allocate(std::size_t bytes);
  void free(void* block, std::size_t bytes);

  std::size_t bytes_in_use() const { return bytes_in_use_; }
  std::size_t bytes_reserved() const { return chunks_.size() * kChunkBytes; }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  void push_free(void* block, std::size_t bytes);
  static std::size_t rounded(std::size_t bytes) {
    return (bytes + kGranularity - 1) & ~(kGranularity - 1);
  }

  std::vector<void*> chunks_;
  std::uint8_t* bump_ = nullptr;
  std::size_t bump_left_ = 0;
  std::array<FreeBlock*, kMaxBlock / kGranularity + 1> free_lists_{};
  std::size_t bytes_in_use_ = 0;
};

// Anonymous memory for large reader-visible arrays, with huge pages requested.
void* map_huge(std::size_t bytes);
void unmap_huge(void* memory, std::size_t bytes);

}  // namespace dmsc::fib
