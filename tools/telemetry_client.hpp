#pragma once
// A client of DPDK's telemetry socket (v2: /var/run/dpdk/<file-prefix>/dpdk_telemetry.v2,
// SOCK_SEQPACKET, one JSON reply per command), for benchmarks and tests.

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace dmsc::tools {

class TelemetryClient {
 public:
  explicit TelemetryClient(const std::string& file_prefix) : path_("/var/run/dpdk/" + file_prefix + "/dpdk_telemetry.v2") {}
  ~TelemetryClient() {
    if (fd_ >= 0) close(fd_);
  }
  bool connect_socket() {
    if (fd_ >= 0) return true;
    const int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path_.c_str());
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      close(fd);
      return false;
    }
    char greeting[4096];
    if (recv(fd, greeting, sizeof greeting, 0) <= 0) {
      close(fd);
      return false;
    }
    fd_ = fd;
    return true;
  }
  std::string query(const std::string& command) {
    if (!connect_socket() || send(fd_, command.data(), command.size(), 0) < 0) return {};
    char reply[16384];
    const ssize_t length = recv(fd_, reply, sizeof reply - 1, 0);
    return length > 0 ? std::string(reply, static_cast<std::size_t>(length)) : std::string{};
  }

 private:
  std::string path_;
  int fd_ = -1;
};

inline std::uint64_t json_u64(const std::string& json, const std::string& key) {
  const std::size_t at = json.find("\"" + key + "\":");
  return at == std::string::npos ? 0 : std::strtoull(json.c_str() + at + key.size() + 3, nullptr, 10);
}

}  // namespace dmsc::tools
