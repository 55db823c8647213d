// The control socket's server (dataplane/control_socket.hpp) against the client dmscctl uses
// (tools/local_api.hpp): one command, one answer; a large answer streamed intact; the socket
// file root-only; a stale file replaced, a live one never taken over.
#include "dataplane/control_socket.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "tools/local_api.hpp"

namespace dmsc::dataplane {
namespace {

std::string socket_path(const std::string& tag) {
  return "/tmp/dmsc-control-test-" + tag + "-" + std::to_string(getpid()) + ".sock";
}

// A streamed answer: `parts` parts of `part_size` octets, numbered, so that a lost or doubled
// part shows.
class CountingAnswer final : public ControlAnswer {
 public:
  CountingAnswer(int parts, std::size_t part_size) : parts_(parts), part_size_(part_size) {}
  Progress next(std::string& out) override {
    std::string part = std::to_string(made_) + ":";
    part.resize(part_size_, 'x');
    out += part;
    return ++made_ == parts_ ? Progress::kDone : Progress::kMore;
  }

 private:
  int parts_;
  std::size_t part_size_;
  int made_ = 0;
};

// Serves from a thread of its own, as the service loop would.
class Serving {
 public:
  explicit Serving(ControlServer& server) : thread_([this, &server] {
      while (!stop_) {
        if (!server.poll()) std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    }) {}
  ~Serving() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(ControlSocket, AnswersOneCommandPerConnectionAndStreamsLargeAnswers) {
  const std::string path = socket_path("serve");
  std::vector<std::string> commands;
  auto server = ControlServer::create(path, [&](std::string_view command) -> std::unique_ptr<ControlAnswer> {
    commands.emplace_back(command);
    if (command == "big") return std::make_unique<CountingAnswer>(400, 50000);
    return text_answer("you said " + std::string(command) + "\n");
  });
  ASSERT_TRUE(server.ok()) << server.error();
  struct stat status {};
  ASSERT_EQ(stat(path.c_str(), &status), 0);
  EXPECT_TRUE(S_ISSOCK(status.st_mode));
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  {
    Serving serving(**server);
    auto answer = tools::ask_local_api(path, "fib /svc json");
    ASSERT_TRUE(answer.ok()) << answer.error();
    EXPECT_EQ(*answer, "you said fib /svc json\n");
    std::string big;
    std::size_t pieces = 0;
    ASSERT_TRUE(tools::ask_local_api(path, "big", [&](std::string_view part) {
                  big += part;
                  ++pieces;
                }).ok());
    ASSERT_EQ(big.size(), 400u * 50000u);
    for (int i = 0; i < 400; ++i) ASSERT_EQ(big.compare(i * 50000u, std::to_string(i).size() + 1, std::to_string(i) + ":"), 0) << i;
    EXPECT_GT(pieces, 10u);
  }
  EXPECT_EQ(commands, (std::vector<std::string>{"fib /svc json", "big"}));
  server->reset();
  EXPECT_NE(access(path.c_str(), F_OK), 0) << "the socket file stays after the server";
}

TEST(ControlSocket, AStaleSocketIsReplacedALiveOneIsNot) {
  const std::string path = socket_path("stale");
  const auto handler = [](std::string_view) { return text_answer("ok\n"); };
  {
    auto first = ControlServer::create(path, handler);
    ASSERT_TRUE(first.ok()) << first.error();
    auto second = ControlServer::create(path, handler);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().find("is served by a running process"), std::string::npos) << second.error();
    // A crash leaves the file: no one listens on it any more.
    std::string keep = path + ".kept";
    ASSERT_EQ(link(path.c_str(), keep.c_str()), 0);
    first->reset();
    ASSERT_EQ(rename(keep.c_str(), path.c_str()), 0);
  }
  auto again = ControlServer::create(path, handler);
  ASSERT_TRUE(again.ok()) << again.error();
  {
    Serving serving(**again);
    EXPECT_EQ(tools::ask_local_api(path, "x").value(), "ok\n");
  }
  const std::string file = socket_path("plain");
  { std::ofstream(file) << "not a socket"; }
  auto refused = ControlServer::create(file, handler);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("not a socket"), std::string::npos);
  unlink(file.c_str());
  EXPECT_FALSE(ControlServer::create("/nonexistent-dir/x.sock", handler).ok());
  EXPECT_FALSE(tools::ask_local_api("/nonexistent-dir/x.sock", "x").ok());
}

}  // namespace
}  // namespace dmsc::dataplane
