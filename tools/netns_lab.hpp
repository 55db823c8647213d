#pragma once
// Network namespaces with FRR and dmsc-controld instances in them, for benchmarks that run next
// to real FRR (the C++ counterpart of tests/interop/frr_lab.sh, whose lessons it follows).
//
// Namespaces are named "<prefix>-<pid>-<random>-<name>" and the state lives in
// /tmp/<prefix>-<pid>-<random>.XXXXXX/<name>/: parallel runs never clash, and reap_stale()
// removes what a run killed by SIGKILL left behind. FRR runs as user frr (root is not in the
// frrvty group), without -N, with -P 0 (no TCP vty). cleanup(), also run by the destructor,
// stops dmsc-controld, then isisd and zebra by their pid files (SIGTERM, SIGKILL after 5 s),
// kills whatever else runs in the namespaces, deletes them and the state folder.
//
// Single-threaded use; in_namespace() switches only the calling thread.
#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fib/expected.hpp"

namespace dmsc::tools {

// Progress on stderr, stamped with the time since the first call.
void lab_log(const char* format, ...) __attribute__((format(printf, 1, 2)));

struct CommandResult {
  int status = -1;     // exit status; -1: could not run or killed (timeout)
  std::string output;  // stdout and stderr, unless they went to a file
};
// Runs argv[0] (found in PATH) and waits at most `timeout_seconds`. With `output_path`, stdout and
// stderr are appended to that file instead of being captured (for daemons that fork).
CommandResult run_command(const std::vector<std::string>& argv, double timeout_seconds = 60,
                          const std::string& output_path = "");

// SIGINT, SIGTERM and SIGHUP set a flag that interrupted() reports, so that waits end early and
// the lab is cleaned up on the way out; SIGPIPE is ignored.
void install_interrupt_handlers();
bool interrupted();

class NetnsLab {
 public:
  // Why the lab cannot run here (not root, FRR or a tool missing), or nothing.
  static std::optional<std::string> missing_prerequisite(const std::string& frr_dir);
  static Expected<std::unique_ptr<NetnsLab>> create(const std::string& prefix, const std::string& frr_dir);
  // Removes namespaces and state folders named by `prefix` whose owning process is gone.
  static void reap_stale(const std::string& prefix);
  ~NetnsLab();
  NetnsLab(const NetnsLab&) = delete;
  NetnsLab& operator=(const NetnsLab&) = delete;

  const std::string& dir() const { return dir_; }
  std::string ns(const std::string& name) const { return tag_ + "-" + name; }
  std::string state_dir(const std::string& name) const { return dir_ + "/" + name; }

  Status add_namespace(const std::string& name);  // loopback up
  // A veth pair between two namespaces, each end addressed ("" for none) and up.
  Status link(const std::string& ns1, const std::string& if1, const std::string& addr1, const std::string& ns2,
              const std::string& if2, const std::string& addr2);
  // Runs `body` with the calling thread in namespace `name` (sockets opened there stay there).
  Status in_namespace(const std::string& name, const std::function<Status()>& body);

  // zebra, then isisd with this configuration, in namespace `name`; returns once both answer vtysh.
  Status start_frr(const std::string& name, const std::string& isisd_conf, const std::string& log_level);
  Expected<std::string> vtysh(const std::string& name, const std::string& command, double timeout_seconds = 60);
  // The pid of an FRR daemon of instance `name` (0 if it does not run).
  pid_t frr_pid(const std::string& name, const std::string& daemon) const;

  // dmsc-controld with this configuration in namespace `name`; returns once its API socket exists.
  Status start_controld(const std::string& name, const std::string& binary, const std::string& config);
  Expected<std::string> controld_show(const std::string& name, const std::string& command, double timeout_seconds = 60);
  pid_t controld_pid(const std::string& name) const;

  void cleanup();

 private:
  NetnsLab() = default;
  Status start_frr_daemon(const std::string& name, const std::string& daemon, const std::string& log_level);

  std::string frr_dir_;
  std::string tag_;
  std::string dir_;
  std::vector<std::string> namespaces_;  // short names, in creation order
  std::vector<std::string> frr_instances_;
  struct Controld {
    std::string name;
    std::string binary;
    pid_t pid = 0;
  };
  std::vector<Controld> controlds_;
  bool cleaned_ = false;
};

}  // namespace dmsc::tools
