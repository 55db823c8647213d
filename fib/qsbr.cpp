#include "fib/qsbr.hpp"

#include <cstdlib>

namespace dmsc::fib {

Expected<std::unique_ptr<Qsbr>> Qsbr::create(std::uint32_t max_readers) {
  if (max_readers == 0 || max_readers > RTE_MAX_LCORE)
    return Error{"QSBR: max_readers must be 1.." + std::to_string(RTE_MAX_LCORE)};
  const std::size_t size = rte_rcu_qsbr_get_memsize(max_readers);
  void* memory = std::aligned_alloc(RTE_CACHE_LINE_SIZE,
                                    (size + RTE_CACHE_LINE_SIZE - 1) & ~std::size_t{RTE_CACHE_LINE_SIZE - 1});
  if (memory == nullptr) return Error{"QSBR: out of memory"};
  auto* qsbr = static_cast<rte_rcu_qsbr*>(memory);
  if (rte_rcu_qsbr_init(qsbr, max_readers) != 0) {
    std::free(memory);
    return Error{"QSBR: rte_rcu_qsbr_init failed"};
  }
  return std::unique_ptr<Qsbr>(new Qsbr(qsbr, max_readers));
}

Qsbr::~Qsbr() {
  drain();
  std::free(qsbr_);
}

Status Qsbr::register_reader(std::uint32_t reader_id) {
  if (reader_id >= max_readers_)
    return Error{"QSBR: reader id " + std::to_string(reader_id) + " >= max_readers " +
                 std::to_string(max_readers_)};
  if (rte_rcu_qsbr_thread_register(qsbr_, reader_id) != 0)
    return Error{"QSBR: cannot register reader " + std::to_string(reader_id)};
  return ok_status();
}

void Qsbr::unregister_reader(std::uint32_t reader_id) {
  rte_rcu_qsbr_thread_offline(qsbr_, reader_id);
  rte_rcu_qsbr_thread_unregister(qsbr_, reader_id);
}

void Qsbr::retire(void* object, FreeFunction free_function, void* context) {
  batch_.push_back({object, free_function, context});
}

std::size_t Qsbr::poll() {
  if (!batch_.empty()) {
    // One token covers the whole batch: a token is a counter bump, checking is a scan.
    waiting_.push_back({rte_rcu_qsbr_start(qsbr_), std::move(batch_)});
    waiting_count_ += waiting_.back().objects.size();
    batch_.clear();
  }
  std::size_t freed = 0;
  while (!waiting_.empty() && rte_rcu_qsbr_check(qsbr_, waiting_.front().token, false) == 1) {
    for (const Retired& retired : waiting_.front().objects)
      retired.free_function(retired.object, retired.context);
    freed += waiting_.front().objects.size();
    waiting_count_ -= waiting_.front().objects.size();
    waiting_.pop_front();
  }
  return freed;
}

void Qsbr::drain() {
  if (!batch_.empty()) poll();
  while (!waiting_.empty()) {
    rte_rcu_qsbr_check(qsbr_, waiting_.back().token, true);
    poll();
  }
}

}  // namespace dmsc::fib
