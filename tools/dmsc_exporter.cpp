// dmsc-exporter: the forwarder's counters (and optionally dmsc-controld's) for Prometheus.
//   dmsc-exporter [--stats NAME] [--listen ADDR:PORT] [--controld-socket PATH] [--once]
// Serves GET /metrics over a minimal HTTP/1.1 server: one request per connection, answered and
// closed; a client gets 5 s to send its request and take the answer. Each scrape opens the
// stats segment afresh and reads it with relaxed loads (dataplane/counters.hpp), so a scrape
// never disturbs forwarding and a restarted forwarder is picked up.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "tools/exporter_metrics.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kClientTimeout = std::chrono::seconds(5);
constexpr auto kControldTimeout = std::chrono::milliseconds(1000);
constexpr std::size_t kMaxRequest = 8192;

const char* kUsage =
    "usage: dmsc-exporter [--stats NAME] [--listen ADDR:PORT] [--controld-socket PATH] [--once]\n"
    "  --stats NAME            the forwarder's stats segment /dev/shm/NAME (default dmsc-forwarder)\n"
    "  --listen ADDR:PORT      where GET /metrics is served (default 127.0.0.1:9464; [::1]:9464 for IPv6;\n"
    "                          port 0 picks one, printed on stderr)\n"
    "  --controld-socket PATH  also dmsc-controld's counters, from its local API socket\n"
    "  --once                  print the exposition on stdout and exit (1 when the forwarder is not up)\n";

volatile std::sig_atomic_t stop_requested = 0;
void on_signal(int) { stop_requested = 1; }

struct Options {
  std::string stats = "dmsc-forwarder";
  std::string listen = "127.0.0.1:9464";
  std::string controld_socket;
  bool once = false;
};

std::string exposition(const Options& options, bool& up) {
  dmsc::tools::PrometheusText out;
  dmsc::tools::append_forwarder_metrics(out, options.stats, up);
  if (!options.controld_socket.empty())
    dmsc::tools::append_controld_metrics(out, dmsc::tools::query_controld(options.controld_socket, kControldTimeout));
  return out.text();
}

int milliseconds_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  pollfd entry{fd, events, 0};
  const int left = milliseconds_left(deadline);
  return left > 0 && poll(&entry, 1, left) > 0;
}

void send_all(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) data.remove_prefix(static_cast<std::size_t>(n));
    else if (n < 0 && (errno == EAGAIN || errno == EINTR) && wait_for(fd, POLLOUT, deadline)) continue;
    else return;
  }
}

std::string response(int status, const char* reason, std::string_view content_type, const std::string& body,
                     bool head, const char* extra_header = "") {
  std::string text = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " +
                     std::string(content_type) + "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nConnection: close\r\n" + extra_header + "\r\n";
  if (!head) text += body;
  return text;
}

// One request, one answer, then the connection is closed (Connection: close).
void serve_connection(int fd, const Options& options) {
  const auto deadline = Clock::now() + kClientTimeout;
  std::string request;
  char buffer[2048];
  while (request.find("\r\n\r\n") == std::string::npos && request.find("\n\n") == std::string::npos) {
    if (request.size() > kMaxRequest) {
      send_all(fd, response(431, "Request Header Fields Too Large", "text/plain", "request too large\n", false), deadline);
      return;
    }
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) request.append(buffer, static_cast<std::size_t>(n));
    else if (n < 0 && (errno == EAGAIN || errno == EINTR) && wait_for(fd, POLLIN, deadline)) continue;
    else return;  // closed early, an error or the timeout: nothing worth answering
  }
  const std::string_view line(request.data(), request.find_first_of("\r\n"));
  const std::size_t first_space = line.find(' ');
  const std::size_t second_space = first_space == std::string_view::npos ? first_space : line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos || line.substr(second_space + 1).rfind("HTTP/1.", 0) != 0) {
    send_all(fd, response(400, "Bad Request", "text/plain", "bad request line\n", false), deadline);
    return;
  }
  const std::string_view method = line.substr(0, first_space);
  std::string_view path = line.substr(first_space + 1, second_space - first_space - 1);
  path = path.substr(0, path.find('?'));
  const bool head = method == "HEAD";
  if (method != "GET" && !head) {
    send_all(fd, response(405, "Method Not Allowed", "text/plain", "only GET and HEAD\n", false, "Allow: GET, HEAD\r\n"),
             deadline);
    return;
  }
  if (path != "/metrics") {
    send_all(fd, response(404, "Not Found", "text/plain", "not found; metrics are at /metrics\n", head), deadline);
    return;
  }
  bool up = false;
  send_all(fd, response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", exposition(options, up), head), deadline);
}

// `ADDR:PORT` or `[IPV6]:PORT`, numeric only.
int open_listener(const std::string& listen_address) {
  std::string host, port;
  if (!listen_address.empty() && listen_address[0] == '[') {
    const std::size_t close = listen_address.find("]:");
    if (close == std::string::npos) return -1;
    host = listen_address.substr(1, close - 1);
    port = listen_address.substr(close + 2);
  } else {
    const std::size_t colon = listen_address.rfind(':');
    if (colon == std::string::npos) return -1;
    host = listen_address.substr(0, colon);
    port = listen_address.substr(colon + 1);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* found = nullptr;
  if (const int error = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found); error != 0) {
    std::fprintf(stderr, "dmsc-exporter: --listen %s: %s\n", listen_address.c_str(), gai_strerror(error));
    return -1;
  }
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(fd, found->ai_addr, found->ai_addrlen) != 0 || listen(fd, 64) != 0) {
    std::fprintf(stderr, "dmsc-exporter: --listen %s: %s\n", listen_address.c_str(), std::strerror(errno));
    freeaddrinfo(found);
    if (fd >= 0) close(fd);
    return -1;
  }
  freeaddrinfo(found);
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  char text[INET6_ADDRSTRLEN] = "?";
  unsigned bound_port = 0;
  if (bound.ss_family == AF_INET6) {
    const auto* address = reinterpret_cast<const sockaddr_in6*>(&bound);
    inet_ntop(AF_INET6, &address->sin6_addr, text, sizeof text);
    bound_port = ntohs(address->sin6_port);
    std::fprintf(stderr, "dmsc-exporter: listening on [%s]:%u\n", text, bound_port);
  } else {
    const auto* address = reinterpret_cast<const sockaddr_in*>(&bound);
    inet_ntop(AF_INET, &address->sin_addr, text, sizeof text);
    bound_port = ntohs(address->sin_port);
    std::fprintf(stderr, "dmsc-exporter: listening on %s:%u\n", text, bound_port);
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--stats" && has_value) options.stats = argv[++i];
    else if (arg == "--listen" && has_value) options.listen = argv[++i];
    else if (arg == "--controld-socket" && has_value) options.controld_socket = argv[++i];
    else if (arg == "--once") options.once = true;
    else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "dmsc-exporter: unexpected argument '%s'\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  if (options.once) {
    bool up = false;
    const std::string text = exposition(options, up);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return up ? 0 : 1;
  }
  const int listener = open_listener(options.listen);
  if (listener < 0) {
    std::fprintf(stderr, "dmsc-exporter: cannot listen on '%s' (ADDR:PORT or [IPV6]:PORT)\n", options.listen.c_str());
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = on_signal;  // no SA_RESTART: poll() returns at once
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  while (!stop_requested) {
    pollfd entry{listener, POLLIN, 0};
    if (poll(&entry, 1, 1000) <= 0) continue;
    const int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) continue;
    serve_connection(client, options);
    shutdown(client, SHUT_WR);
    close(client);
  }
  close(listener);
  return 0;
}
