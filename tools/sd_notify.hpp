#pragma once
// systemd's readiness and watchdog protocol without libsystemd: one datagram per state change
// to the AF_UNIX socket named by $NOTIFY_SOCKET (sd_notify(3); a leading '@' names an abstract
// socket). Service threads only: it makes system calls, so never from a forwarding lcore.
// Outside systemd ($NOTIFY_SOCKET unset) every call is a no-op.

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace dmsc::tools {

// Sends `state` ("READY=1", "WATCHDOG=1", "STOPPING=1", "STATUS=...", lines joined by '\n').
// Returns false when there is no socket to send to or the send failed.
inline bool sd_notify(std::string_view state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (!path || (path[0] != '/' && path[0] != '@')) return false;
  const std::size_t length = std::strlen(path);
  sockaddr_un address{};
  if (length < 2 || length >= sizeof address.sun_path) return false;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path, length);
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const auto address_length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  const ssize_t sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&address),
                              address_length);
  close(fd);
  return sent == static_cast<ssize_t>(state.size());
}

// The watchdog period systemd expects pings within ($WATCHDOG_USEC, for this process when
// $WATCHDOG_PID names one); zero when the unit has no WatchdogSec.
inline std::chrono::microseconds sd_watchdog_period() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (!usec || !*usec) return std::chrono::microseconds(0);
  if (const char* pid = std::getenv("WATCHDOG_PID"); pid && *pid && std::strtoll(pid, nullptr, 10) != getpid())
    return std::chrono::microseconds(0);
  char* end = nullptr;
  const unsigned long long value = std::strtoull(usec, &end, 10);
  return *end == '\0' ? std::chrono::microseconds(value) : std::chrono::microseconds(0);
}

// Pings the watchdog at half its period, from a loop that calls kick() often: a loop that
// stops turning stops the pings, and systemd restarts the service (Restart=on-failure).
class SdWatchdog {
 public:
  SdWatchdog() : interval_(sd_watchdog_period() / 2) {}
  bool enabled() const { return interval_.count() > 0; }
  void kick(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
    if (!enabled() || now < next_) return;
    sd_notify("WATCHDOG=1");
    next_ = now + interval_;
  }

 private:
  std::chrono::microseconds interval_;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace dmsc::tools
