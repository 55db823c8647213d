#pragma once
// The forwarder's mbuf pool. With hugepages: rte_pktmbuf_pool_create. Without (--no-huge: CI,
// laptops, the project's test machines) EAL memory is a shared memfd in 4 KiB pages, which
// transparent huge pages do not cover, and every mbuf a packet touches costs a TLB miss; the
// pool is then built on private anonymous memory advised MADV_HUGEPAGE, so the kernel backs it
// with 2 MiB pages where THP is enabled. (IOVA is VA there: virtual devices only, no DMA.)
//
// Threading: the main lcore at start-up.

#include <string>

#include <rte_mempool.h>

#include "fib/expected.hpp"

namespace dmsc::dataplane {

struct MbufPoolInfo {
  bool transparent_huge_pages = false;  // built on THP-advised anonymous memory
};

// `virtual_ports_only`: no port DMAs (vdevs); only then may the pool live outside EAL memory,
// which is the only memory DMA-mapped for a device.
Expected<rte_mempool*> create_mbuf_pool(const std::string& name, unsigned mbufs, unsigned cache, int socket,
                                        bool virtual_ports_only, MbufPoolInfo& info);

}  // namespace dmsc::dataplane
