#include "dataplane/control_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace dmsc::dataplane {
namespace {

using Clock = std::chrono::steady_clock;

// Per client and poll: at most this many parts made, and no new part while this much of the
// answer waits to be sent. Bounds what one service loop iteration spends on the socket.
constexpr int kPartsPerPoll = 4;
constexpr std::size_t kPendingLimit = 256 * 1024;

class TextAnswer final : public ControlAnswer {
 public:
  explicit TextAnswer(std::string text) : text_(std::move(text)) {}
  Progress next(std::string& out) override {
    out += text_;
    return Progress::kDone;
  }

 private:
  std::string text_;
};

Error system_error(const std::string& path, const char* what) {
  return Error{"control socket " + path + ": " + what + ": " + std::strerror(errno)};
}

bool fill_address(const std::string& path, sockaddr_un& address) {
  address = {};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, path.data(), path.size());
  return true;
}

// Whether a process answers on the socket file at `path`.
bool served(const sockaddr_un& address) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool answered = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return answered;
}

}  // namespace

std::unique_ptr<ControlAnswer> text_answer(std::string text) { return std::make_unique<TextAnswer>(std::move(text)); }

struct ControlServer::Client {
  int fd = -1;
  std::string input;
  std::unique_ptr<ControlAnswer> answer;
  bool answer_complete = false;
  bool waiting = false;  // the answer said kWaiting last
  std::string output;
  std::size_t sent = 0;
  Clock::time_point last_progress = Clock::now();
};

Expected<std::unique_ptr<ControlServer>> ControlServer::create(const std::string& path, Handler handler) {
  sockaddr_un address;
  if (!fill_address(path, address))
    return Error{"control socket '" + path + "': the path must be 1-" + std::to_string(sizeof address.sun_path - 1) + " octets"};
  struct stat status {};
  if (lstat(path.c_str(), &status) == 0) {
    if (!S_ISSOCK(status.st_mode)) return Error{"control socket " + path + ": the file exists and is not a socket"};
    if (served(address))
      return Error{"control socket " + path + " is served by a running process (another forwarder? give this one its own "
                   "`control-socket PATH`, or its own `stats NAME`, which names the default socket)"};
    unlink(path.c_str());  // a stale socket of an earlier run
  }
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return system_error(path, "socket");
  // Created 0600 from the start (umask), so that no one else can connect in between.
  const mode_t mask = umask(0177);
  const int bound = bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  umask(mask);
  if (bound != 0 || chmod(path.c_str(), 0600) != 0 || listen(fd, 16) != 0) {
    const Error error = system_error(path, bound != 0 ? "bind (does its directory exist?)" : "listen");
    close(fd);
    if (bound == 0) unlink(path.c_str());
    return error;
  }
  return std::unique_ptr<ControlServer>(new ControlServer(path, fd, std::move(handler)));
}

ControlServer::ControlServer(std::string path, int fd, Handler handler)
    : path_(std::move(path)), fd_(fd), handler_(std::move(handler)) {}

ControlServer::~ControlServer() {
  for (const auto& client : clients_) close(client->fd);
  close(fd_);
  unlink(path_.c_str());
}

bool ControlServer::poll() {
  bool busy = false;
  while (clients_.size() < kMaxClients) {
    const int fd = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) break;
    auto client = std::make_unique<Client>();
    client->fd = fd;
    clients_.push_back(std::move(client));
    busy = true;
  }
  for (std::size_t i = 0; i < clients_.size();) {
    Client& client = *clients_[i];
    const auto progress_before = client.last_progress;
    const bool keep = serve(client);
    busy |= !keep || client.last_progress != progress_before;
    if (keep) {
      ++i;
      continue;
    }
    close(client.fd);
    clients_.erase(clients_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return busy;
}

// One step for one client; false once it is done with (answered, gone or stalled).
bool ControlServer::serve(Client& client) {
  const auto now = Clock::now();
  const auto stalled = [&] { return now - client.last_progress > std::chrono::seconds(kStallSeconds); };
  if (client.answer == nullptr) {
    char buffer[1024];
    const ssize_t n = recv(client.fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      client.input.append(buffer, static_cast<std::size_t>(n));
      client.last_progress = now;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      return !stalled();
    } else if (n < 0 || client.input.empty()) {
      return false;  // an error, or closed without a command
    }
    const std::size_t end = client.input.find('\n');
    if (end == std::string::npos && n != 0) {
      if (client.input.size() <= kMaxCommandLength) return true;
      client.answer = text_answer("error: command longer than " + std::to_string(kMaxCommandLength) + " octets\n");
    } else {
      std::string_view command = std::string_view(client.input).substr(0, end);
      while (!command.empty() && (command.back() == '\r' || command.back() == ' ')) command.remove_suffix(1);
      client.answer = handler_(command);
      if (client.answer == nullptr) client.answer = text_answer("");
    }
  }
  for (int part = 0; part < kPartsPerPoll && !client.answer_complete && client.output.size() - client.sent < kPendingLimit;
       ++part) {
    const ControlAnswer::Progress progress = client.answer->next(client.output);
    if (progress == ControlAnswer::Progress::kWaiting) {
      client.waiting = true;  // on us, not on the client: no stall
      break;
    }
    if (client.waiting) client.last_progress = now;
    client.waiting = false;
    if (progress == ControlAnswer::Progress::kDone) client.answer_complete = true;
  }
  if (client.sent < client.output.size()) {
    const ssize_t n = send(client.fd, client.output.data() + client.sent, client.output.size() - client.sent,
                           MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      client.sent += static_cast<std::size_t>(n);
      client.last_progress = now;
    } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return false;  // the client left
    }
  }
  if (client.sent == client.output.size()) {
    client.output.clear();
    client.sent = 0;
    if (client.answer_complete) return false;
  } else if (client.sent > kPendingLimit) {
    client.output.erase(0, client.sent);
    client.sent = 0;
  }
  return client.waiting || !stalled();
}

}  // namespace dmsc::dataplane
