#include "fib/arena.hpp"

#include <sys/mman.h>

#include <sanitizer/asan_interface.h>  // no-ops unless built with ASan

namespace dmsc::fib {

void* map_huge(std::size_t bytes) {
  void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  // Advisory: where THP is off this is a no-op and we run on 4 KiB pages.
  madvise(memory, bytes, MADV_HUGEPAGE);
  return memory;
}

void unmap_huge(void* memory, std::size_t bytes) {
  if (memory != nullptr) munmap(memory, bytes);
}

Arena::~Arena() {
  for (void* chunk : chunks_) {
    ASAN_UNPOISON_MEMORY_REGION(chunk, kChunkBytes);  // the address range may be mapped again
    unmap_huge(chunk, kChunkBytes);
  }
}

void* Arena::allocate(std::size_t bytes) {
  const std::size_t size = rounded(bytes);
  if (size == 0 || size > kMaxBlock) return nullptr;
  FreeBlock*& head = free_lists_[size / kGranularity];
  if (head != nullptr) {
    FreeBlock* block = head;
    ASAN_UNPOISON_MEMORY_REGION(block, size);
    head = block->next;
    bytes_in_use_ += size;
    return block;
  }
  if (bump_left_ < size) {
    // The unused tail of the old chunk (< kMaxBlock) is given to its size's free list.
    if (bump_left_ >= kGranularity) push_free(bump_, bump_left_);
    void* chunk = map_huge(kChunkBytes);
    if (chunk == nullptr) return nullptr;
    chunks_.push_back(chunk);
    bump_ = static_cast<std::uint8_t*>(chunk);
    bump_left_ = kChunkBytes;
  }
  void* block = bump_;
  bump_ += size;
  bump_left_ -= size;
  bytes_in_use_ += size;
  return block;
}

void Arena::free(void* block, std::size_t bytes) {
  push_free(block, bytes);
  bytes_in_use_ -= rounded(bytes);
}

void Arena::push_free(void* block, std::size_t bytes) {
  auto* free_block = static_cast<FreeBlock*>(block);
  FreeBlock*& head = free_lists_[rounded(bytes) / kGranularity];
  free_block->next = head;
  head = free_block;
  // A reader touching a reclaimed entry is then an ASan error, not a silent read.
  ASAN_POISON_MEMORY_REGION(block, rounded(bytes));
}

}  // namespace dmsc::fib
