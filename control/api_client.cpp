#include "control/api_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dmsc::control {

Expected<std::string> ask_controld(const std::string& socket_path, std::string_view command,
                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto fail = [&](const char* what) {
    return Error{"dmsc-controld at " + socket_path + ": " + what + ": " + std::strerror(errno)};
  };
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof address.sun_path) return Error{"dmsc-controld socket path too long: " + socket_path};
  std::memcpy(address.sun_path, socket_path.data(), socket_path.size());
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return fail("socket");
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  // A UNIX stream connect either completes or fails at once, unless the backlog is full.
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 && errno != EAGAIN)
    return fail("connect");
  const auto wait = [&](short events) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd entry{fd, events, 0};
    return poll(&entry, 1, static_cast<int>(left.count())) > 0;
  };
  const std::string request = std::string(command) + "\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) sent += static_cast<std::size_t>(n);
    else if (n < 0 && (errno == EAGAIN || errno == ENOTCONN) && wait(POLLOUT)) continue;
    else return fail("send");
  }
  std::string answer;
  char buffer[4096];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) answer.append(buffer, static_cast<std::size_t>(n));
    else if (n == 0) break;
    else if (errno == EAGAIN && wait(POLLIN)) continue;
    else return errno == EAGAIN ? Error{"dmsc-controld at " + socket_path + ": no answer in time"} : fail("recv");
    if (answer.size() > (1u << 20)) return Error{"dmsc-controld at " + socket_path + ": answer too long"};
  }
  return answer;
}

}  // namespace dmsc::control
