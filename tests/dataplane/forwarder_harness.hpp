#pragma once
// Runs the real dmsc-forwarder binary on DPDK virtual devices for integration tests: a scratch
// directory, the configuration file, the EAL arguments, the exit report.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace dmsc::dataplane::test {

// A directory of its own under /tmp, removed at the end unless DMSC_KEEP_TEST_FILES is set.
class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& label) {
    std::string pattern = "/tmp/dmsc-" + label + "-XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  ~ScratchDirectory() {
    if (!std::getenv("DMSC_KEEP_TEST_FILES")) std::filesystem::remove_all(path_);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ForwarderRun {
  int exit_status = -1;
  std::string report;  // the exit report (JSON)
  std::string log;     // stderr
};

// The EAL --file-prefix of the forwarders this test process starts (its telemetry socket is
// /var/run/dpdk/<prefix>/dpdk_telemetry.v2).
inline std::string file_prefix() { return "dmsc-test-" + std::to_string(getpid()); }

// Starts dmsc-forwarder with lcores 0,1, no hugepages and no PCI, and the given vdevs; its
// stderr goes to forwarder.log and its exit report to report.json in `scratch`.
// `lcores`: EAL's --lcores (the first runs the service loop, the others forward).
inline pid_t start_forwarder(const ScratchDirectory& scratch, const std::vector<std::string>& vdevs,
                             const std::string& config_path, const std::vector<std::string>& options,
                             const std::string& lcores = "0@0,1@1") {
  std::vector<std::string> arguments = {DMSC_FORWARDER_BINARY, "--lcores", lcores, "--no-huge", "-m", "512", "--no-pci",
                                        "--file-prefix", file_prefix(), "--log-level", "*:warning"};
  for (const std::string& vdev : vdevs) arguments.push_back("--vdev=" + vdev);
  arguments.push_back("--");
  arguments.push_back("--config");
  arguments.push_back(config_path);
  arguments.push_back("--report");
  arguments.push_back(scratch.file("report.json"));
  arguments.insert(arguments.end(), options.begin(), options.end());
  const std::string log_path = scratch.file("forwarder.log");
  const pid_t child = fork();
  if (child == 0) {
    FILE* log = std::freopen(log_path.c_str(), "w", stderr);
    (void)log;
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return child;
}

// Waits for a forwarder started with start_forwarder() (after SIGINT when `stop`).
inline ForwarderRun wait_forwarder(const ScratchDirectory& scratch, pid_t child, bool stop = false) {
  if (stop) kill(child, SIGINT);
  ForwarderRun run;
  int status = 0;
  waitpid(child, &status, 0);
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.report = read_text(scratch.file("report.json"));
  run.log = read_text(scratch.file("forwarder.log"));
  return run;
}

inline ForwarderRun run_forwarder(const ScratchDirectory& scratch, const std::vector<std::string>& vdevs,
                                  const std::string& config_path, const std::vector<std::string>& options,
                                  const std::string& lcores = "0@0,1@1") {
  return wait_forwarder(scratch, start_forwarder(scratch, vdevs, config_path, options, lcores));
}

// The number after "key": in a flat or nested JSON text (first occurrence).
inline std::optional<std::uint64_t> json_number(const std::string& json, const std::string& key) {
  const std::regex pattern("\"" + key + "\":([0-9]+)");
  std::smatch match;
  if (!std::regex_search(json, match, pattern)) return {};
  return std::stoull(match[1]);
}

}  // namespace dmsc::dataplane::test
