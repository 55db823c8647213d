#pragma once
// Quiescent-state-based reclamation for the FIB, on DPDK's rte_rcu_qsbr.
//
// Threading contract: each reader (a forwarding lcore, a test thread) has a small integer id
// below max_readers; it registers once, goes online, and calls quiescent() once per loop when
// it holds no pointer into the FIB. Readers never wait. One writer thread retires memory with
// retire() and frees it in poll() once every reader has reported a quiescent state since the
// retirement: the writer never blocks either, except in drain().
// rte_rcu_qsbr works without rte_eal_init, so tests and the control daemon can use it too.

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include <rte_rcu_qsbr.h>

#include "fib/expected.hpp"

namespace dmsc::fib {

class Qsbr {
 public:
  static Expected<std::unique_ptr<Qsbr>> create(std::uint32_t max_readers);
  ~Qsbr();
  Qsbr(const Qsbr&) = delete;
  Qsbr& operator=(const Qsbr&) = delete;

  std::uint32_t max_readers() const { return max_readers_; }

  // Reader side.
  Status register_reader(std::uint32_t reader_id);
  void unregister_reader(std::uint32_t reader_id);
  void online(std::uint32_t reader_id) { rte_rcu_qsbr_thread_online(qsbr_, reader_id); }
  void offline(std::uint32_t reader_id) { rte_rcu_qsbr_thread_offline(qsbr_, reader_id); }
  void quiescent(std::uint32_t reader_id) { rte_rcu_qsbr_quiescent(qsbr_, reader_id); }

  // Writer side.
  using FreeFunction = void (*)(void* object, void* context);
  void retire(void* object, FreeFunction free_function, void* context);
  // Frees what every reader has stopped seeing; never waits. Returns objects freed.
  std::size_t poll();
  // Waits for all readers, then frees everything retired so far.
  void drain();
  std::size_t pending() const { return batch_.size() + waiting_count_; }


 private:
  struct Retired {
    void* object;
    FreeFunction free_function;
    void* context;
  };
  struct Batch {
    std::uint64_t token;
    std::vector<Retired> objects;
  };

  Qsbr(rte_rcu_qsbr* qsbr, std::uint32_t max_readers) : qsbr_(qsbr), max_readers_(max_readers) {}

  rte_rcu_qsbr* qsbr_;
  std::uint32_t max_readers_;
  std::vector<Retired> batch_;  // retired since the last token
  std::deque<Batch> waiting_;   // tokens in increasing order
  std::size_t waiting_count_ = 0;
};

}  // namespace dmsc::fib
