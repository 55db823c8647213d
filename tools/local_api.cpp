#include "tools/local_api.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dmsc::tools {

Status ask_local_api(const std::string& socket_path, std::string_view command,
                     const std::function<void(std::string_view)>& receive, std::chrono::milliseconds idle_timeout) {
  const auto fail = [&](const char* what) { return Error{socket_path + ": " + what + ": " + std::strerror(errno)}; };
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof address.sun_path) return Error{"socket path too long: " + socket_path};
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
    pollfd entry{fd, events, 0};
    return ::poll(&entry, 1, static_cast<int>(idle_timeout.count())) > 0;
  };
  const std::string request = std::string(command) + "\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) sent += static_cast<std::size_t>(n);
    else if (n < 0 && (errno == EAGAIN || errno == ENOTCONN) && wait(POLLOUT)) continue;
    else return fail("send");
  }
  char buffer[65536];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) receive(std::string_view(buffer, static_cast<std::size_t>(n)));
    else if (n == 0) return ok_status();
    else if (errno == EAGAIN && wait(POLLIN)) continue;
    else if (errno == EAGAIN) return Error{socket_path + ": no answer for " + std::to_string(idle_timeout.count() / 1000) + " s"};
    else return fail("recv");
  }
}

Expected<std::string> ask_local_api(const std::string& socket_path, std::string_view command,
                                    std::chrono::milliseconds idle_timeout) {
  std::string answer;
  Status status = ask_local_api(socket_path, command, [&](std::string_view part) { answer += part; }, idle_timeout);
  if (!status) return Error{status.error()};
  return answer;
}

}  // namespace dmsc::tools
