#include "dataplane/mbuf_pool.hpp"

#include <sys/mman.h>

#include <cstdio>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>

namespace dmsc::dataplane {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

void unmap_chunk(rte_mempool_memhdr* header, void* length) { munmap(header->addr, reinterpret_cast<std::size_t>(length)); }

Expected<rte_mempool*> create_on_anonymous_memory(const std::string& name, unsigned mbufs, unsigned cache, int socket) {
  rte_pktmbuf_pool_private private_data{};
  private_data.mbuf_data_room_size = RTE_MBUF_DEFAULT_BUF_SIZE;
  const unsigned element = sizeof(rte_mbuf) + RTE_MBUF_DEFAULT_BUF_SIZE;
  // IOVA is VA: objects need no physically contiguous pages, and may cross 4 KiB page
  // boundaries (else each 2.3 KiB mbuf would take a page of its own).
  const unsigned flags = RTE_MEMPOOL_F_NO_IOVA_CONTIG;
  rte_mempool* pool = rte_mempool_create_empty(name.c_str(), mbufs, element, cache, sizeof private_data, socket, flags);
  if (pool == nullptr) return Error{std::string("rte_mempool_create_empty: ") + rte_strerror(rte_errno)};
  auto fail = [&](const std::string& what) -> Expected<rte_mempool*> {
    rte_mempool_free(pool);
    return Error{what};
  };
  if (const int rc = rte_mempool_set_ops_byname(pool, rte_mbuf_best_mempool_ops(), nullptr); rc != 0)
    return fail(std::string("rte_mempool_set_ops_byname: ") + rte_strerror(-rc));
  rte_pktmbuf_pool_init(pool, &private_data);
  rte_mempool_objsz sizes{};
  rte_mempool_calc_obj_size(element, flags, &sizes);
  const std::size_t length = ((std::size_t{sizes.total_size} * mbufs + kHugePage) / kHugePage + 1) * kHugePage;
  // Over-allocate by one huge page and trim, so the region starts 2 MiB-aligned.
  void* mapped = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) return fail("mmap of " + std::to_string(length) + " octets for mbufs failed");
  auto* base = reinterpret_cast<std::uint8_t*>((reinterpret_cast<std::uintptr_t>(mapped) + kHugePage - 1) & ~(kHugePage - 1));
  const std::size_t head = static_cast<std::size_t>(base - static_cast<std::uint8_t*>(mapped));
  if (head != 0) munmap(mapped, head);
  if (kHugePage - head != 0) munmap(base + length, kHugePage - head);
  madvise(base, length, MADV_HUGEPAGE);
  const int populated = rte_mempool_populate_virt(pool, reinterpret_cast<char*>(base), length, kHugePage, unmap_chunk,
                                                  reinterpret_cast<void*>(length));
  if (populated < 0 || pool->populated_size != mbufs) {
    if (populated < 0) munmap(base, length);
    return fail("rte_mempool_populate_virt: " + std::string(populated < 0 ? rte_strerror(-populated) : "short: " + std::to_string(populated) + " of " + std::to_string(mbufs) + " in " + std::to_string(length)));
  }
  rte_mempool_obj_iter(pool, rte_pktmbuf_init, nullptr);
  return pool;
}

}  // namespace

Expected<rte_mempool*> create_mbuf_pool(const std::string& name, unsigned mbufs, unsigned cache, int socket,
                                        bool virtual_ports_only, MbufPoolInfo& info) {
  info.transparent_huge_pages = false;
  if (virtual_ports_only && !rte_eal_has_hugepages() && rte_eal_iova_mode() == RTE_IOVA_VA) {
    auto pool = create_on_anonymous_memory(name, mbufs, cache, socket);
    if (pool) {
      info.transparent_huge_pages = true;
      return pool;
    }
    std::fprintf(stderr, "dmsc-forwarder: mbuf pool on EAL memory in 4 KiB pages (%s)\n", pool.error().c_str());
  }
  rte_mempool* pool = rte_pktmbuf_pool_create(name.c_str(), mbufs, cache, 0, RTE_MBUF_DEFAULT_BUF_SIZE, socket);
  if (pool == nullptr)
    return Error{"cannot create a pool of " + std::to_string(mbufs) + " mbufs: " + rte_strerror(rte_errno) +
                 " (give EAL more memory: -m)"};
  return pool;
}

}  // namespace dmsc::dataplane
