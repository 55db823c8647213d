// deploy/: the two-port example configurations parse with the daemons' own parsers, and
// tools/sd_notify.hpp speaks systemd's notify protocol to a datagram socket of the test's own.

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "control/daemon_config.hpp"
#include "dataplane/forwarder_config.hpp"
#include "tools/sd_notify.hpp"

namespace dmsc::tools::test {
namespace {

const std::string kExamples = std::string(DMSC_SOURCE_DIR) + "/deploy/examples/sr-two-port/";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DeployExamples, ForwarderConfParses) {
  auto config = dataplane::load_forwarder_config(kExamples + "forwarder.conf");
  ASSERT_TRUE(config.ok()) << config.error();
  ASSERT_EQ(config->ports.size(), 2u);
  EXPECT_EQ(config->ports[0].tap, "dmsc-p0");
  EXPECT_EQ(config->ports[1].tap, "dmsc-p1");
  EXPECT_TRUE(config->find_face(1));
  EXPECT_TRUE(config->find_face(2));
}

TEST(DeployExamples, ControldConfParsesAndMatchesTheForwarder) {
  auto controld = control::load_daemon_config(kExamples + "controld.conf");
  ASSERT_TRUE(controld.ok()) << controld.error();
  auto forwarder = dataplane::load_forwarder_config(kExamples + "forwarder.conf");
  ASSERT_TRUE(forwarder.ok()) << forwarder.error();
  // One FIB channel between them, and every circuit on a forwarder TAP.
  const std::string text = read_file(kExamples + "forwarder.conf");
  EXPECT_NE(text.find("channel " + controld->channel + "\n"), std::string::npos) << controld->channel;
  for (const char* tap : {"circuit dmsc-p0 ", "circuit dmsc-p1 "})
    EXPECT_NE(read_file(kExamples + "controld.conf").find(tap), std::string::npos);
}

// A datagram socket standing in for systemd's.
class NotifySocket {
 public:
  explicit NotifySocket(bool abstract) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    name_ = (abstract ? "@dmsc-notify-test-" : "/tmp/dmsc-notify-test-") + std::to_string(getpid());
    std::memcpy(address.sun_path, name_.data(), name_.size());
    if (abstract) address.sun_path[0] = '\0';
    else unlink(name_.c_str());
    bind(fd_, reinterpret_cast<sockaddr*>(&address), static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size()));
    setenv("NOTIFY_SOCKET", name_.c_str(), 1);
  }
  ~NotifySocket() {
    close(fd_);
    if (name_[0] == '/') unlink(name_.c_str());
    unsetenv("NOTIFY_SOCKET");
  }
  std::string receive() {
    timeval timeout{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[512];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
  }

 private:
  int fd_ = -1;
  std::string name_;
};

TEST(SdNotify, SendsToAPathAndToAnAbstractSocket) {
  for (const bool abstract : {false, true}) {
    NotifySocket systemd(abstract);
    EXPECT_TRUE(sd_notify("READY=1\nSTATUS=forwarding"));
    EXPECT_EQ(systemd.receive(), "READY=1\nSTATUS=forwarding");
  }
  EXPECT_FALSE(sd_notify("READY=1"));  // outside systemd: nothing, and no error
}

TEST(SdNotify, WatchdogPingsAtHalfThePeriodForThisProcessOnly) {
  NotifySocket systemd(false);
  setenv("WATCHDOG_USEC", "2000000", 1);
  unsetenv("WATCHDOG_PID");
  EXPECT_EQ(sd_watchdog_period(), std::chrono::seconds(2));
  SdWatchdog watchdog;
  ASSERT_TRUE(watchdog.enabled());
  const auto start = std::chrono::steady_clock::now();
  watchdog.kick(start);
  EXPECT_EQ(systemd.receive(), "WATCHDOG=1");
  watchdog.kick(start + std::chrono::milliseconds(500));  // too early: nothing sent
  watchdog.kick(start + std::chrono::milliseconds(1001));
  EXPECT_EQ(systemd.receive(), "WATCHDOG=1");
  setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
  EXPECT_EQ(sd_watchdog_period(), std::chrono::microseconds(0));
  EXPECT_FALSE(SdWatchdog().enabled());
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
}

}  // namespace
}  // namespace dmsc::tools::test
