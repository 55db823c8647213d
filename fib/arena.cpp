#include "fib/arena.hpp"

#include <sys/mman.h>

#include <cstdint>

#include <sanitizer/asan_interface.h>  // no-ops unless built with ASan

namespace dmsc::fib {

namespace {

constexpr std::size_t kHugePage = 2u << 20;

// Huge-page aligned and, from half a huge page on, a whole number of them, so that
// transparent huge pages can back every byte: THP only maps whole aligned 2 MiB extents, and
// the rest stays on 4 KiB pages (one TLB entry each; a 1.9 MB filter on 4 KiB pages cost a
// TLB miss per lookup).
std::size_t mapped_size(std::size_t bytes) {
  const std::size_t unit = bytes >= kHugePage / 2 ? kHugePage : 4096;
  return (bytes + unit - 1) & ~(unit - 1);
}

}  // namespace

void* map_huge(std::size_t bytes) {
  bytes = mapped_size(bytes);
  const std::size_t padded = bytes + kHugePage;
  void* memory = mmap(nullptr, padded, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<std::uintptr_t>(memory);
  const std::uintptr_t aligned = (start + kHugePage - 1) & ~std::uintptr_t{kHugePage - 1};
  if (aligned != start) munmap(memory, aligned - start);
  munmap(reinterpret_cast<void*>(aligned + bytes), start + padded - (aligned + bytes));
  // Advisory: where THP is off this is a no-op and we run on 4 KiB pages.
  madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

void unmap_huge(void* memory, std::size_t bytes) {
  if (memory != nullptr) munmap(memory, mapped_size(bytes));
}

Expected<Arena> Arena::create(std::size_t max_bytes) {
  std::size_t reserved = (std::min(max_bytes, kMaxBytes) + kHugePage - 1) & ~(kHugePage - 1);
  if (reserved == 0) reserved = kHugePage;
  void* base = map_huge(reserved);
  if (base == nullptr)
    return Error{"FIB: cannot reserve " + std::to_string(reserved) + " bytes of address space"};
  return Arena(static_cast<std::uint8_t*>(base), reserved);
}

Arena::Arena(Arena&& other) noexcept
    : base_(other.base_), reserved_(other.reserved_), used_(other.used_),
      free_lists_(other.free_lists_), bytes_in_use_(other.bytes_in_use_) {
  other.base_ = nullptr;
  other.reserved_ = 0;
}

Arena::~Arena() {
  if (base_ == nullptr) return;
  ASAN_UNPOISON_MEMORY_REGION(base_, reserved_);  // the address range may be mapped again
  unmap_huge(base_, reserved_);
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
  // A block spans no more cache lines than its size needs: a reader then fetches an entry
  // with one miss instead of two. The skipped tail of the line goes to its free list.
  const std::size_t line_offset = used_ % kCacheLine;
  const std::size_t lines = (size + kCacheLine - 1) / kCacheLine;
  if (line_offset + size > lines * kCacheLine) {
    const std::size_t gap = kCacheLine - line_offset;
    if (reserved_ - used_ < gap + size) return nullptr;
    push_free(base_ + used_, gap);
    used_ += gap;
  }
  if (reserved_ - used_ < size) return nullptr;
  void* block = base_ + used_;
  used_ += size;
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
