#pragma once
// The FIB writer's allocator for entries: variable-size blocks in 8-byte steps, carved from
// one reserved address range (so that a block is named by a 32-bit handle: its offset in
// 8-byte units, which lets a bucket slot hold a tag and a handle in one 64-bit word), with one
// free list per size. The range asks for transparent huge pages: fewer TLB misses for readers
// walking millions of entries. Pages are only backed once touched.
// Writer thread only; readers only read blocks. Blocks come back after a QSBR grace period.

#include <array>
#include <cstddef>
#include <cstdint>

#include "fib/expected.hpp"

namespace dmsc::fib {

class Arena {
 public:
  static constexpr std::size_t kGranularity = 8;
  static constexpr std::size_t kMaxBlock = 512;
  static constexpr std::size_t kMaxBytes = std::size_t{1} << 35;  // 32-bit handles x 8 octets
  static constexpr std::size_t kCacheLine = 64;

  // Reserves `max_bytes` of address space (rounded up to 2 MiB, at most kMaxBytes).
  static Expected<Arena> create(std::size_t max_bytes);
  Arena(Arena&& other) noexcept;
  Arena& operator=(Arena&&) = delete;
  ~Arena();

  // Returns nullptr when the reserved range is exhausted.
  void* allocate(std::size_t bytes);
  void free(void* block, std::size_t bytes);

  // Handle 0 is never a block: callers may use it for "none".
  std::uint32_t handle(const void* block) const {
    return static_cast<std::uint32_t>((static_cast<const std::uint8_t*>(block) - base_) / kGranularity);
  }
  void* block(std::uint32_t handle) const { return base_ + std::size_t{handle} * kGranularity; }

  std::size_t bytes_in_use() const { return bytes_in_use_; }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  Arena(std::uint8_t* base, std::size_t reserved) : base_(base), reserved_(reserved) {}
  void push_free(void* block, std::size_t bytes);
  static std::size_t rounded(std::size_t bytes) {
    return (bytes + kGranularity - 1) & ~(kGranularity - 1);
  }

  std::uint8_t* base_;
  std::size_t reserved_;
  std::size_t used_ = kGranularity;  // skip handle 0
  std::array<FreeBlock*, kMaxBlock / kGranularity + 1> free_lists_{};
  std::size_t bytes_in_use_ = 0;
};

// Anonymous memory for large reader-visible arrays, with huge pages requested.
void* map_huge(std::size_t bytes);
void unmap_huge(void* memory, std::size_t bytes);

}  // namespace dmsc::fib
