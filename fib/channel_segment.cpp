#include "fib/channel_segment.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace dmsc::fib {

std::uint64_t ChannelCounters::rejects_total() const {
  std::uint64_t total = 0;
  for (std::size_t i = 1; i < kRejectReasonCount; ++i) total += rejects[i];
  return total;
}

namespace channel {
namespace {

// Byte offsets of the advisory locks inside the shm file (locks may lie past its end).
constexpr off_t kInitLockByte = 0;  // held while creating or validating the header
constexpr off_t kProducerLockByte = 1;
constexpr off_t kConsumerLockByte = 2;

off_t role_lock_byte(Role role) {
  return role == Role::kProducer ? kProducerLockByte : kConsumerLockByte;
}
const char* role_name(Role role) {
  switch (role) {
    case Role::kProducer: return "producer";
    case Role::kConsumer: return "consumer";
    case Role::kObserver: return "observer";
  }
  return "?";
}

// Open-file-description locks: owned by this open of the file (not by the process, unlike
// classic POSIX locks), so two attaches inside one test process conflict as two processes would.
int lock_byte(int fd, off_t byte, short type, bool wait) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = byte;
  lock.l_len = 1;
  int result;
  do {
    result = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &lock);
  } while (result != 0 && errno == EINTR);
  return result;
}

Error system_error(const std::string& shm_name, const char* what) {
  return Error{"FIB channel segment " + shm_name + ": " + what + ": " + std::strerror(errno)};
}

Status check_shm_name(const std::string& name) {
  if (name.size() < 2 || name.size() > 255 || name[0] != '/' ||
      name.find('/', 1) != std::string::npos)
    return Error{"FIB channel: bad shm name \"" + name +
                 "\" (want '/' then 1..254 characters without '/')"};
  return ok_status();
}

Status check_slot_count(std::uint32_t slot_count) {
  if (!std::has_single_bit(slot_count) || slot_count < kMinSlotCount ||
      slot_count > kMaxSlotCount)
    return Error{"FIB channel: slot count " + std::to_string(slot_count) +
                 " is not a power of two in [" + std::to_string(kMinSlotCount) + ", " +
                 std::to_string(kMaxSlotCount) + "]"};
  return ok_status();
}

Error mismatch(const std::string& shm_name, const char* field, std::uint64_t found,
               std::uint64_t expected) {
  return Error{"FIB channel segment " + shm_name + ": " + field + " is " + std::to_string(found) +
               ", this build expects " + std::to_string(expected) +
               " (remove the segment when neither side runs)"};
}

Status validate_identity(const std::string& shm_name, const SegmentIdentity& id,
                         std::uint64_t file_size) {
  const std::uint64_t magic = load_acquire(id.magic);
  if (magic != kMagic) {
    char text[19];
    std::snprintf(text, sizeof(text), "0x%016llx", static_cast<unsigned long long>(magic));
    return Error{"FIB channel segment " + shm_name + ": bad magic " + text +
                 " (not a dmsc FIB update channel)"};
  }
  if (id.layout_version != kLayoutVersion)
    return mismatch(shm_name, "layout version", id.layout_version, kLayoutVersion);
  if (id.header_size != sizeof(SegmentHeader))
    return mismatch(shm_name, "header size", id.header_size, sizeof(SegmentHeader));
  if (id.slot_size != kSlotSize) return mismatch(shm_name, "slot size", id.slot_size, kSlotSize);
  if (id.max_name_length != kMaxEncodedNameLength)
    return mismatch(shm_name, "name length limit", id.max_name_length, kMaxEncodedNameLength);
  if (id.max_next_hops != kMaxNextHops)
    return mismatch(shm_name, "next-hop limit", id.max_next_hops, kMaxNextHops);
  if (id.counter_slots != kCounterSlots)
    return mismatch(shm_name, "counter slots", id.counter_slots, kCounterSlots);
  if (Status status = check_slot_count(id.slot_count); !status)
    return Error{"FIB channel segment " + shm_name + ": " + status.error()};
  if (id.segment_size != segment_size_for(id.slot_count))
    return mismatch(shm_name, "recorded size", id.segment_size, segment_size_for(id.slot_count));
  if (file_size != id.segment_size)
    return mismatch(shm_name, "file size", file_size, id.segment_size);
  return ok_status();
}

// Creates the header on a zero-length (or abandoned, magic still zero) file. The caller holds
// the init lock; magic is stored last so that a creator killed half-way leaves magic == 0 and
// the next attacher starts over.
Expected<std::byte*> initialize(int fd, const std::string& shm_name, std::uint32_t slot_count) {
  const std::uint64_t size = segment_size_for(slot_count);
  if (ftruncate(fd, 0) != 0 || ftruncate(fd, static_cast<off_t>(size)) != 0)
    return system_error(shm_name, "ftruncate");
  void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
  if (base == MAP_FAILED) return system_error(shm_name, "mmap");
  auto& id = static_cast<SegmentHeader*>(base)->identity;
  id.layout_version = kLayoutVersion;
  id.header_size = sizeof(SegmentHeader);
  id.slot_size = kSlotSize;
  id.slot_count = slot_count;
  id.segment_size = size;
  id.max_name_length = kMaxEncodedNameLength;
  id.max_next_hops = kMaxNextHops;
  id.counter_slots = kCounterSlots;
  store_release(id.magic, kMagic);
  return static_cast<std::byte*>(base);
}

}  // namespace

Expected<Segment> Segment::attach(const ChannelConfig& config, Role role) {
  const std::string& name = config.shm_name;
  if (Status status = check_shm_name(name); !status) return Error{status.error()};
  if (role != Role::kObserver) {
    if (Status status = check_slot_count(config.slot_count); !status) return Error{status.error()};
  }

  const bool writable = role != Role::kObserver;
  const int fd = shm_open(name.c_str(), writable ? O_RDWR | O_CREAT : O_RDONLY, 0600);
  if (fd < 0) return system_error(name, "shm_open");
  auto fail = [fd](Error error) {
    close(fd);  // drops every lock taken through fd
    return error;
  };

  if (writable && lock_byte(fd, kInitLockByte, F_WRLCK, true) != 0)
    return fail(system_error(name, "locking for initialization"));

  struct stat st {};
  if (fstat(fd, &st) != 0) return fail(system_error(name, "fstat"));
  std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  std::byte* base = nullptr;
  bool created = false;

  if (size != 0 && size < sizeof(SegmentHeader))
    return fail(Error{"FIB channel segment " + name + " is " + std::to_string(size) +
                      " bytes, smaller than a channel header (not a channel segment)"});
  if (size != 0) {
    void* mapped = mmap(nullptr, size, writable ? PROT_READ | PROT_WRITE : PROT_READ,
                        writable ? MAP_SHARED | MAP_POPULATE : MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) return fail(system_error(name, "mmap"));
    base = static_cast<std::byte*>(mapped);
    const auto& id = reinterpret_cast<SegmentHeader*>(base)->identity;
    if (writable && load_acquire(id.magic) == 0) {
      munmap(base, size);  // a creator died before finishing: start over
      base = nullptr;
      size = 0;
    } else if (Status status = validate_identity(name, id, size); !status) {
      munmap(base, size);
      return fail(Error{status.error()});
    }
  }
  if (size == 0) {
    if (!writable)
      return fail(Error{"FIB channel segment " + name + " is not initialized yet"});
    Expected<std::byte*> fresh = initialize(fd, name, config.slot_count);
    if (!fresh) return fail(Error{fresh.error()});
    base = *fresh;
    size = segment_size_for(config.slot_count);
    created = true;
  }
  const std::uint32_t slot_count = reinterpret_cast<SegmentHeader*>(base)->identity.slot_count;

  if (writable) {
    lock_byte(fd, kInitLockByte, F_UNLCK, false);
    if (lock_byte(fd, role_lock_byte(role), F_WRLCK, false) != 0) {
      const int saved = errno;
      const auto& header = *reinterpret_cast<SegmentHeader*>(base);
      const std::uint64_t holder = load_relaxed(role == Role::kProducer ? header.producer.pid
                                                                        : header.consumer.pid);
      munmap(base, size);
      if (saved == EAGAIN || saved == EACCES)
        return fail(Error{"FIB channel segment " + name + ": another " + role_name(role) +
                          " (pid " + std::to_string(holder) + ") is attached"});
      errno = saved;
      return fail(system_error(name, "locking the role"));
    }
    auto& header = *reinterpret_cast<SegmentHeader*>(base);
    store_relaxed(role == Role::kProducer ? header.producer.pid : header.consumer.pid,
                  static_cast<std::uint64_t>(getpid()));
  }
  return Segment(fd, base, size, slot_count, created, name);
}

Segment::Segment(Segment&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), base_(std::exchange(other.base_, nullptr)),
      size_(std::exchange(other.size_, 0)), slot_mask_(other.slot_mask_),
      created_(other.created_), name_(std::move(other.name_)) {}

Segment& Segment::operator=(Segment&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
    slot_mask_ = other.slot_mask_;
    created_ = other.created_;
    name_ = std::move(other.name_);
  }
  return *this;
}

Segment::~Segment() { release(); }

void Segment::release() {
  if (base_ != nullptr) munmap(base_, size_);
  if (fd_ >= 0) close(fd_);
  base_ = nullptr;
  fd_ = -1;
}

bool Segment::role_held(Role role) const {
  if (role == Role::kObserver) return false;
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = role_lock_byte(role);
  lock.l_len = 1;
  if (fcntl(fd_, F_OFD_GETLK, &lock) != 0) return false;
  return lock.l_type != F_UNLCK;
}

ChannelCounters Segment::counters() const {
  const SegmentHeader& h = header();
  ChannelCounters c;
  c.slot_count = h.identity.slot_count;
  c.head = load_acquire(h.producer.head);
  c.tail = load_acquire(h.consumer.tail);
  c.producer_epoch = load_relaxed(h.producer.epoch);
  c.resync_requested = load_relaxed(h.consumer.resync_requested);
  c.resync_served = load_relaxed(h.producer.resync_served);
  c.producer_pid = load_relaxed(h.producer.pid);
  c.consumer_pid = load_relaxed(h.consumer.pid);
  const std::uint64_t reason = load_relaxed(h.consumer.last_reject_reason);
  c.last_reject = reason < kRejectReasonCount ? static_cast<RejectReason>(reason)
                                              : RejectReason::kCount;
  c.last_reject_epoch = load_relaxed(h.consumer.last_reject_epoch);
  c.last_reject_sequence = load_relaxed(h.consumer.last_reject_sequence);
  for (std::size_t i = 0; i < kProducerCounterCount; ++i)
    c.producer[i] = load_relaxed(h.producer_counters[i]);
  for (std::size_t i = 0; i < kConsumerCounterCount; ++i)
    c.consumer[i] = load_relaxed(h.consumer_counters[i]);
  for (std::size_t i = 0; i < kRejectReasonCount; ++i)
    c.rejects[i] = load_relaxed(h.reject_counters[i]);
  return c;
}

}  // namespace channel

Expected<ChannelCounters> inspect_channel(const std::string& shm_name) {
  ChannelConfig config;
  config.shm_name = shm_name;
  Expected<channel::Segment> segment = channel::Segment::attach(config, channel::Role::kObserver);
  if (!segment) return Error{segment.error()};
  return segment->counters();
}

Status remove_channel(const std::string& shm_name) {
  if (Status status = channel::check_shm_name(shm_name); !status) return status;
  if (shm_unlink(shm_name.c_str()) != 0 && errno != ENOENT)
    return channel::system_error(shm_name, "shm_unlink");
  return ok_status();
}

}  // namespace dmsc::fib
