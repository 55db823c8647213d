#pragma once
// The forwarder's control socket: a Unix stream socket served from the service loop, in the
// style of dmsc-controld's local API: one command line in, one answer out, then close.
//
// Nothing here blocks. poll() accepts, reads and writes only what the sockets take at once, and
// an answer is made in parts (ControlAnswer::next): the server asks for the next part only when
// the client has taken the previous ones, so a million-entry FIB streams out over many loops
// while the service loop goes on applying the channel, punting frames and refreshing stats. A
// client that stops reading is dropped after kStallSeconds.
//
// Threading: create(), poll() and the destructor on the service loop's thread (the FIB's writer:
// answers read and change the FIB). No DPDK.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fib/expected.hpp"

namespace dmsc::dataplane {

class ControlAnswer {
 public:
  enum class Progress : std::uint8_t {
    kMore,     // call again: there is more
    kWaiting,  // nothing now (waiting for a reload to finish): call again on a later loop
    kDone,     // the answer is complete
  };
  virtual ~ControlAnswer() = default;
  // Appends the next part of the answer to `out`: a bounded amount of work and text.
  virtual Progress next(std::string& out) = 0;
};

// An answer known at once.
std::unique_ptr<ControlAnswer> text_answer(std::string text);

class ControlServer {
 public:
  using Handler = std::function<std::unique_ptr<ControlAnswer>(std::string_view command)>;

  static constexpr std::size_t kMaxClients = 8;
  static constexpr std::size_t kMaxCommandLength = 4096;
  static constexpr int kStallSeconds = 10;  // a client that sends nothing, or reads nothing, for that long is dropped

  // Binds `path` with mode 0600 (root only, or the forwarder's user). A stale socket file (no
  // one answers on it) is replaced; one a live process serves is not: the forwarder refuses to
  // start rather than steal another forwarder's socket.
  static Expected<std::unique_ptr<ControlServer>> create(const std::string& path, Handler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Accepts, reads, answers as far as the sockets allow without waiting. True when it did anything.
  bool poll();
  const std::string& path() const { return path_; }

 private:
  struct Client;
  ControlServer(std::string path, int fd, Handler handler);
  bool serve(Client& client);

  std::string path_;
  int fd_ = -1;
  Handler handler_;
  std::vector<std::unique_ptr<Client>> clients_;
};

}  // namespace dmsc::dataplane
