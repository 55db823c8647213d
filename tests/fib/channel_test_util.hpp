#pragma once
// Helpers shared by the FIB update channel tests: unique segment names, routes, raw access to a
// segment for corrupting it, and pumping an in-process producer/consumer pair.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>

#include "fib/channel_map_sink.hpp"
#include "fib/update_channel.hpp"

namespace dmsc::fib::test {

// A segment name no other test (or concurrent test process) uses; unlinked on destruction.
class UniqueShm {
 public:
  explicit UniqueShm(const std::string& tag) {
    static std::atomic<int> counter{0};
    name_ = "/dmsc-test-" + tag + "-" + std::to_string(getpid()) + "-" +
            std::to_string(counter.fetch_add(1));
    remove_channel(name_);
  }
  ~UniqueShm() { remove_channel(name_); }
  UniqueShm(const UniqueShm&) = delete;
  UniqueShm& operator=(const UniqueShm&) = delete;
  const std::string& name() const { return name_; }
  ChannelConfig config(std::uint32_t slot_count = 64) const { return {name_, slot_count}; }

 private:
  std::string name_;
};

inline Name name(const std::string& text) { return *Name::parse(text); }

inline NextHopSet hops(FaceId face, std::uint32_t weight = 1) {
  NextHopSet set;
  set.count = 1;
  set.hops[0] = {face, weight};
  return set;
}

inline NextHopSet hops2(FaceId a, FaceId b) {
  NextHopSet set;
  set.count = 2;
  set.hops[0] = {std::min(a, b), 1};
  set.hops[1] = {std::max(a, b), 3};
  return set;
}

// `count` distinct prefixes "/svc/<i>/..." of varied depth, each with a next-hop set.
inline std::map<Name, NextHopSet> make_routes(std::size_t count, std::uint32_t face_base = 1,
                                              std::size_t first = 0) {
  std::map<Name, NextHopSet> routes;
  for (std::size_t i = first; i < first + count; ++i) {
    std::string text = "/svc/s" + std::to_string(i);
    if (i % 3 == 1) text += "/api";
    if (i % 5 == 2) text += "/v" + std::to_string(i % 7) + "/x";
    routes.emplace(name(text), i % 4 == 0 ? hops2(face_base + i % 9, face_base + 9 + i % 5)
                                          : hops(face_base + static_cast<FaceId>(i % 13)));
  }
  return routes;
}

inline std::map<Name, NextHopSet> sorted(std::map<Name, NextHopSet> routes) {
  for (auto& [name, set] : routes) set.sort();
  return routes;
}

// Polls both sides until the producer has nothing left to send and the consumer has drained the
// ring; returns false if that does not happen within `rounds` (a bug, never a slow machine).
inline bool pump(RouteSyncProducer* producer, FibUpdateConsumer& consumer, FibUpdateSink& sink,
                 int rounds = 100000, std::size_t batch = 64) {
  for (int i = 0; i < rounds; ++i) {
    if (producer != nullptr) producer->poll(batch);
    const std::size_t taken = consumer.poll(sink, batch);
    if (taken == 0 && (producer == nullptr || producer->idle())) {
      // One more producer poll: a request made by the consumer in its last poll is seen now.
      if (producer == nullptr || producer->poll(batch).messages == 0) return true;
    }
  }
  return false;
}

// Read-write mapping of a segment that takes no role: for corrupting it on purpose.
class RawMapping {
 public:
  explicit RawMapping(const std::string& shm_name) {
    fd_ = shm_open(shm_name.c_str(), O_RDWR, 0);
    if (fd_ < 0) return;
    struct stat st {};
    fstat(fd_, &st);
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ == 0) return;
    void* base = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    base_ = base == MAP_FAILED ? nullptr : static_cast<std::byte*>(base);
  }
  ~RawMapping() {
    if (base_ != nullptr) munmap(base_, size_);
    if (fd_ >= 0) close(fd_);
  }
  RawMapping(const RawMapping&) = delete;
  RawMapping& operator=(const RawMapping&) = delete;
  bool ok() const { return base_ != nullptr; }
  std::byte* base() const { return base_; }
  std::size_t size() const { return size_; }
  channel::SegmentHeader& header() const {
    return *reinterpret_cast<channel::SegmentHeader*>(base_);
  }
  template <typename T>
  void poke(std::size_t offset, T value) {
    std::memcpy(base_ + offset, &value, sizeof(value));
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::byte* base_ = nullptr;
  std::size_t size_ = 0;
};

// Route files, one route a line: "<name> <face>:<weight>[,<face>:<weight>...]". The peer
// processes of the two-process tests read and write them.
inline std::string format_route(const Name& prefix, const NextHopSet& set) {
  std::string line = prefix.to_string() + " ";
  for (std::size_t i = 0; i < set.count; ++i) {
    if (i != 0) line += ',';
    line += std::to_string(set.hops[i].face) + ":" + std::to_string(set.hops[i].weight);
  }
  return line;
}

inline std::optional<std::pair<Name, NextHopSet>> parse_route(const std::string& line) {
  std::istringstream in(line);
  std::string text, hop_list;
  if (!(in >> text >> hop_list)) return std::nullopt;
  auto prefix = Name::parse(text);
  if (!prefix) return std::nullopt;
  NextHopSet set;
  std::istringstream hops_in(hop_list);
  std::string hop;
  while (std::getline(hops_in, hop, ',')) {
    unsigned face = 0, weight = 0;
    if (set.count == kMaxNextHops || std::sscanf(hop.c_str(), "%u:%u", &face, &weight) != 2)
      return std::nullopt;
    set.hops[set.count++] = {face, weight};
  }
  return std::make_pair(*prefix, set);
}

// Written to `path`.tmp and renamed, so that a reader never sees half a file.
inline bool write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (!(out << text)) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

inline std::string format_routes(const std::map<Name, NextHopSet>& routes) {
  std::string text;
  for (const auto& [prefix, set] : routes) text += "route " + format_route(prefix, set) + "\n";
  return text;
}

// Reads "route ..." lines (other lines are ignored: reports carry counters too).
inline std::map<Name, NextHopSet> read_routes(const std::string& path) {
  std::map<Name, NextHopSet> routes;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("route ", 0) != 0) continue;
    if (auto route = parse_route(line.substr(6))) routes.insert(*route);
  }
  return routes;
}

}  // namespace dmsc::fib::test
