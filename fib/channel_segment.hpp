#pragma once
// Mapping of the FIB update channel's POSIX shared-memory segment (shm_open + mmap: no hugepages,
// no DPDK multi-process), with its creation race, validation and single-writer roles.
//
// Either side may start first and either may be restarted at any time, so attaching is
// "create if absent, else validate and reuse". Roles are enforced with open-file-description
// locks on one byte each of the shm file: the kernel drops them when a holder dies (kill -9
// included), so a restarted side reclaims its role while a second live producer or consumer is
// refused instead of silently breaking the single-producer single-consumer ring.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fib/channel_counters.hpp"
#include "fib/channel_layout.hpp"
#include "fib/expected.hpp"

namespace dmsc::fib {

struct ChannelConfig {
  // POSIX shm name: a leading '/', no other '/'. It appears as /dev/shm/<name>.
  std::string shm_name = "/dmsc-fib-updates";
  // Power of two in [kMinSlotCount, kMaxSlotCount]. Used when this side creates the segment; an
  // existing segment keeps its own size (the peer may have created it).
  std::uint32_t slot_count = 4096;
};

// A copy of the segment's control fields and counters, for telemetry, the CLI and tests.
struct ChannelCounters {
  std::uint32_t slot_count = 0;
  std::uint64_t head = 0;
  std::uint64_t tail = 0;
  std::uint64_t producer_epoch = 0;
  std::uint64_t resync_requested = 0;
  std::uint64_t resync_served = 0;
  std::uint64_t producer_pid = 0;
  std::uint64_t consumer_pid = 0;
  RejectReason last_reject = RejectReason::kNone;
  std::uint64_t last_reject_epoch = 0;
  std::uint64_t last_reject_sequence = 0;
  std::array<std::uint64_t, kProducerCounterCount> producer{};
  std::array<std::uint64_t, kConsumerCounterCount> consumer{};
  std::array<std::uint64_t, kRejectReasonCount> rejects{};

  std::uint64_t of(ProducerCounter c) const { return producer[static_cast<std::size_t>(c)]; }
  std::uint64_t of(ConsumerCounter c) const { return consumer[static_cast<std::size_t>(c)]; }
  std::uint64_t of(RejectReason r) const { return rejects[static_cast<std::size_t>(r)]; }
  std::uint64_t rejects_total() const;
};

namespace channel {

enum class Role : std::uint8_t { kProducer, kConsumer, kObserver };

class Segment {
 public:
  // Producer and consumer create the segment when absent. An observer maps an existing one
  // read-only and takes no role.
  static Expected<Segment> attach(const ChannelConfig& config, Role role);

  Segment(Segment&& other) noexcept;
  Segment& operator=(Segment&& other) noexcept;
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;
  ~Segment();

  SegmentHeader& header() const { return *reinterpret_cast<SegmentHeader*>(base_); }
  std::byte* slot(std::uint64_t index) const {
    return base_ + sizeof(SegmentHeader) + (index & slot_mask_) * kSlotSize;
  }
  std::uint32_t slot_count() const { return static_cast<std::uint32_t>(slot_mask_ + 1); }
  bool created() const { return created_; }
  const std::string& name() const { return name_; }
  // Whether some process holds `role` on this segment (false for the caller's own role).
  bool role_held(Role role) const;

  ChannelCounters counters() const;

 private:
  Segment(int fd, std::byte* base, std::size_t size, std::uint32_t slot_count, bool created,
          std::string name)
      : fd_(fd), base_(base), size_(size), slot_mask_(slot_count - 1), created_(created),
        name_(std::move(name)) {}
  void release();

  int fd_ = -1;
  std::byte* base_ = nullptr;
  std::size_t size_ = 0;
  std::uint64_t slot_mask_ = 0;
  bool created_ = false;
  std::string name_;
};

}  // namespace channel

// Counters of an existing segment without taking a role (for the CLI and tests).
Expected<ChannelCounters> inspect_channel(const std::string& shm_name);
// Removes the segment's name. Mappings still open keep working; the next attach creates anew.
Status remove_channel(const std::string& shm_name);

}  // namespace dmsc::fib
