#include "tools/netns_lab.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <tuple>

extern char** environ;

namespace dmsc::tools {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

double steady_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void sleep_seconds(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::trunc);
  file << text;
  return static_cast<bool>(file);
}

// The process runs and is not a zombie (init may take seconds to reap a daemon's zombie).
bool process_running(pid_t pid) {
  if (pid <= 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  const auto close = text.rfind(") ");
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

bool process_alive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

// The pid in `path` if that process runs and its command line names `marker` (a recycled pid
// is never signalled).
pid_t pid_from_file(const std::string& path, const std::string& marker) {
  std::ifstream file(path);
  long pid = 0;
  if (!(file >> pid) || pid <= 0) return 0;
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  return text.find(marker) != std::string::npos ? static_cast<pid_t>(pid) : 0;
}

// SIGTERM to each, up to `grace` seconds for all to exit, then SIGKILL.
void stop_processes(const std::vector<pid_t>& pids, double grace) {
  for (pid_t pid : pids)
    if (process_running(pid)) kill(pid, SIGTERM);
  const double deadline = steady_now() + grace;
  for (;;) {
    bool any = false;
    for (pid_t pid : pids) {
      waitpid(pid, nullptr, WNOHANG);  // our own children (dmsc-controld) are reaped here
      any |= process_running(pid);
    }
    if (!any || steady_now() > deadline) break;
    sleep_seconds(0.05);
  }
  for (pid_t pid : pids) waitpid(pid, nullptr, WNOHANG);
  for (pid_t pid : pids)
    if (process_running(pid)) {
      lab_log("pid %d ignored SIGTERM: SIGKILL", pid);
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
}

void kill_namespace_processes(const std::string& ns) {
  const CommandResult pids = run_command({"ip", "netns", "pids", ns}, 10);
  std::vector<pid_t> list;
  std::size_t pos = 0;
  while (pos < pids.output.size()) {
    char* end = nullptr;
    const long pid = std::strtol(pids.output.c_str() + pos, &end, 10);
    if (end == pids.output.c_str() + pos) break;
    if (pid > 0) list.push_back(static_cast<pid_t>(pid));
    pos = static_cast<std::size_t>(end - pids.output.c_str());
  }
  if (!list.empty()) stop_processes(list, 3);
}

// Children get SIGPIPE back (we ignore it) and an empty signal mask.
struct SpawnAttributes {
  posix_spawnattr_t attr;
  SpawnAttributes() {
    posix_spawnattr_init(&attr);
    sigset_t defaults, none;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attr); }
};

}  // namespace

void lab_log(const char* format, ...) {
  static const double start = steady_now();
  std::fprintf(stderr, "[%8.3f] ", steady_now() - start);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fputc('\n', stderr);
}

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout or stderr pipe must not skip the cleanup
}

bool interrupted() { return g_interrupted != 0; }

CommandResult run_command(const std::vector<std::string>& argv, double timeout_seconds, const std::string& output_path) {
  CommandResult result;
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int pipe_fds[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (output_path.empty()) {
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return result;
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 1, output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  pid_t pid = 0;
  SpawnAttributes attributes;
  const int error = posix_spawnp(&pid, args[0], &actions, &attributes.attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (pipe_fds[1] >= 0) close(pipe_fds[1]);
  if (error != 0) {
    if (pipe_fds[0] >= 0) close(pipe_fds[0]);
    result.output = argv[0] + ": " + std::strerror(error);
    return result;
  }
  const double deadline = steady_now() + timeout_seconds;
  bool timed_out = false;
  if (pipe_fds[0] >= 0) {
    char buffer[65536];
    for (;;) {
      const double left = deadline - steady_now();
      if (left <= 0) {
        timed_out = true;
        break;
      }
      pollfd wait{pipe_fds[0], POLLIN, 0};
      if (poll(&wait, 1, static_cast<int>(left * 1000) + 1) <= 0) continue;
      const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
      if (n <= 0) break;
      result.output.append(buffer, static_cast<std::size_t>(n));
    }
    close(pipe_fds[0]);
  }
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (timed_out || steady_now() > deadline) {
      timed_out = true;
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    sleep_seconds(0.01);
  }
  result.status = !timed_out && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (timed_out) result.output += "\n(timed out after " + std::to_string(timeout_seconds) + " s)";
  return result;
}

std::optional<std::string> NetnsLab::missing_prerequisite(const std::string& frr_dir) {
  if (geteuid() != 0) return "needs root (network namespaces, FRR daemons, packet sockets)";
  for (const char* daemon : {"zebra", "isisd"})
    if (access((frr_dir + "/" + daemon).c_str(), X_OK) != 0)
      return "FRR is not installed: " + frr_dir + "/" + daemon + " missing (apt-get install frr)";
  for (const char* tool : {"vtysh", "ip"})
    if (run_command({"sh", "-c", std::string("command -v ") + tool}, 10).status != 0)
      return std::string(tool) + " not found";
  if (getpwnam("frr") == nullptr) return "user frr missing: the FRR daemons run as frr";
  return std::nullopt;
}

Expected<std::unique_ptr<NetnsLab>> NetnsLab::create(const std::string& prefix, const std::string& frr_dir) {
  std::unique_ptr<NetnsLab> lab(new NetnsLab());
  lab->frr_dir_ = frr_dir;
  char random[8];
  std::snprintf(random, sizeof random, "%04x", static_cast<unsigned>(std::random_device{}() & 0xffff));
  lab->tag_ = prefix + "-" + std::to_string(getpid()) + "-" + random;
  std::string templ = "/tmp/" + lab->tag_ + ".XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) return Error{"mkdtemp " + templ + ": " + std::strerror(errno)};
  lab->dir_ = templ;
  chmod(lab->dir_.c_str(), 0755);  // the daemons (user frr) must reach their own folders
  // Namespaces may be unavailable in some containers: find out now.
  const std::string probe = lab->tag_ + "-probe";
  if (run_command({"ip", "netns", "add", probe}, 10).status != 0)
    return Error{"cannot create network namespaces here"};
  run_command({"ip", "netns", "del", probe}, 10);
  return lab;
}

void NetnsLab::reap_stale(const std::string& prefix) {
  auto owner_gone = [&](const std::string& name) {
    if (name.rfind(prefix + "-", 0) != 0) return false;
    const long pid = std::strtol(name.c_str() + prefix.size() + 1, nullptr, 10);
    return pid > 0 && !process_alive(static_cast<pid_t>(pid));
  };
  const CommandResult list = run_command({"ip", "netns", "list"}, 10);
  std::size_t pos = 0;
  while (pos < list.output.size()) {
    const std::size_t end = list.output.find('\n', pos);
    const std::string line = list.output.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? list.output.size() : end + 1;
    const std::string name = line.substr(0, line.find(' '));
    if (!owner_gone(name)) continue;
    lab_log("reaping stale namespace %s (its run is gone)", name.c_str());
    kill_namespace_processes(name);
    run_command({"ip", "netns", "del", name}, 10);
  }
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/tmp", error)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory(error) || !owner_gone(name)) continue;
    lab_log("removing stale %s", entry.path().c_str());
    std::filesystem::remove_all(entry.path(), error);
  }
}

NetnsLab::~NetnsLab() { cleanup(); }

Status NetnsLab::add_namespace(const std::string& name) {
  const CommandResult added = run_command({"ip", "netns", "add", ns(name)}, 10);
  if (added.status != 0) return Error{"ip netns add " + ns(name) + ": " + added.output};
  namespaces_.push_back(name);
  if (run_command({"ip", "-n", ns(name), "link", "set", "lo", "up"}, 10).status != 0)
    return Error{"loopback up in " + ns(name)};
  std::filesystem::create_directories(state_dir(name));
  return ok_status();
}

Status NetnsLab::link(const std::string& ns1, const std::string& if1, const std::string& addr1, const std::string& ns2,
                      const std::string& if2, const std::string& addr2) {
  // Both ends are created inside their namespaces: no name clash in the root namespace.
  CommandResult made = run_command(
      {"ip", "link", "add", if1, "netns", ns(ns1), "type", "veth", "peer", "name", if2, "netns", ns(ns2)}, 10);
  if (made.status != 0) return Error{"veth " + ns1 + ":" + if1 + " - " + ns2 + ":" + if2 + ": " + made.output};
  for (const auto& [name, interface, address] :
       {std::tuple{ns1, if1, addr1}, std::tuple{ns2, if2, addr2}}) {
    if (!address.empty() && run_command({"ip", "-n", ns(name), "addr", "add", address, "dev", interface}, 10).status != 0)
      return Error{"address " + address + " on " + name + ":" + interface};
    if (run_command({"ip", "-n", ns(name), "link", "set", interface, "up"}, 10).status != 0)
      return Error{"link up " + name + ":" + interface};
  }
  return ok_status();
}

Status NetnsLab::in_namespace(const std::string& name, const std::function<Status()>& body) {
  const int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int target = open(("/run/netns/" + ns(name)).c_str(), O_RDONLY | O_CLOEXEC);
  if (home < 0 || target < 0 || setns(target, CLONE_NEWNET) != 0) {
    const std::string why = std::strerror(errno);
    if (home >= 0) close(home);
    if (target >= 0) close(target);
    return Error{"cannot enter namespace " + ns(name) + ": " + why};
  }
  close(target);
  Status status = body();
  if (setns(home, CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "cannot return from namespace %s: %s\n", ns(name).c_str(), std::strerror(errno));
    std::abort();  // the rest of the program must not run in there
  }
  close(home);
  return status;
}

Status NetnsLab::start_frr_daemon(const std::string& name, const std::string& daemon, const std::string& log_level) {
  const std::string dir = state_dir(name);
  // -d returns once the daemon has read its configuration; -P 0: no TCP vty; -z: our own zserv.
  const CommandResult started = run_command(
      {"ip", "netns", "exec", ns(name), frr_dir_ + "/" + daemon, "-d", "-u", "frr", "-g", "frr", "-f",
       dir + "/" + daemon + ".conf", "-i", dir + "/" + daemon + ".pid", "-z", dir + "/zserv.api", "--vty_socket", dir,
       "-P", "0", "--log", "file:" + dir + "/" + daemon + ".log", "--log-level", log_level},
      30, dir + "/" + daemon + ".out");
  if (started.status != 0) return Error{daemon + " did not start in " + name + " (see " + dir + "/" + daemon + ".out)"};
  const double deadline = steady_now() + 15;
  while (steady_now() < deadline && !interrupted()) {
    if (run_command({"vtysh", "--vty_socket", dir, "-d", daemon, "-c", "show version"}, 10).status == 0)
      return ok_status();
    sleep_seconds(0.1);
  }
  return Error{daemon + " in " + name + " does not answer vtysh"};
}

Status NetnsLab::start_frr(const std::string& name, const std::string& isisd_conf, const std::string& log_level) {
  const std::string dir = state_dir(name);
  if (!write_file(dir + "/zebra.conf", "hostname " + name + "\nlog timestamp precision 3\n") ||
      !write_file(dir + "/isisd.conf", isisd_conf))
    return Error{"cannot write the FRR configuration in " + dir};
  const passwd* frr = getpwnam("frr");
  if (frr == nullptr) return Error{"user frr missing"};
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (chown(entry.path().c_str(), frr->pw_uid, frr->pw_gid) != 0) return Error{"chown " + entry.path().string()};
  if (chown(dir.c_str(), frr->pw_uid, frr->pw_gid) != 0) return Error{"chown " + dir};
  frr_instances_.push_back(name);
  if (Status status = start_frr_daemon(name, "zebra", log_level); !status) return status;
  return start_frr_daemon(name, "isisd", log_level);
}

Expected<std::string> NetnsLab::vtysh(const std::string& name, const std::string& command, double timeout_seconds) {
  CommandResult result =
      run_command({"vtysh", "--vty_socket", state_dir(name), "-d", "isisd", "-c", command}, timeout_seconds);
  if (result.status != 0) return Error{"vtysh '" + command + "' in " + name + ": " + result.output};
  return std::move(result.output);
}

pid_t NetnsLab::frr_pid(const std::string& name, const std::string& daemon) const {
  return pid_from_file(state_dir(name) + "/" + daemon + ".pid", dir_);
}

Status NetnsLab::start_controld(const std::string& name, const std::string& binary, const std::string& config) {
  const std::string dir = state_dir(name);
  if (!write_file(dir + "/controld.conf", config)) return Error{"cannot write " + dir + "/controld.conf"};
  const std::string socket = dir + "/api.sock";
  const std::string log = dir + "/controld.log";
  std::vector<std::string> argv = {"ip",   "netns",  "exec",   ns(name),       binary,  "--config",
                                   dir + "/controld.conf", "--socket", socket, "--log-level", "info"};
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  SpawnAttributes attributes;
  const int error = posix_spawnp(&pid, "ip", &actions, &attributes.attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) return Error{std::string("cannot start dmsc-controld: ") + std::strerror(error)};
  controlds_.push_back({name, binary, pid});  // `ip netns exec` execs the daemon: the pid is its
  const double deadline = steady_now() + 10;
  while (steady_now() < deadline && !interrupted()) {
    struct stat info {};
    if (stat(socket.c_str(), &info) == 0 && S_ISSOCK(info.st_mode)) return ok_status();
    if (waitpid(pid, nullptr, WNOHANG) == pid) {
      controlds_.back().pid = 0;
      return Error{"dmsc-controld exited at start (see " + log + ")"};
    }
    sleep_seconds(0.05);
  }
  return Error{"dmsc-controld did not open its API socket " + socket};
}

Expected<std::string> NetnsLab::controld_show(const std::string& name, const std::string& command,
                                              double timeout_seconds) {
  for (const Controld& daemon : controlds_) {
    if (daemon.name != name) continue;
    std::vector<std::string> argv = {daemon.binary, "show"};
    for (std::size_t pos = 0; pos < command.size();) {
      const std::size_t end = std::min(command.find(' ', pos), command.size());
      if (end > pos) argv.push_back(command.substr(pos, end - pos));
      pos = end + 1;
    }
    argv.insert(argv.end(), {"--socket", state_dir(name) + "/api.sock"});
    CommandResult result = run_command(argv, timeout_seconds);
    if (result.status != 0) return Error{"dmsc-controld show " + command + " in " + name + ": " + result.output};
    return std::move(result.output);
  }
  return Error{"no dmsc-controld named " + name};
}

pid_t NetnsLab::controld_pid(const std::string& name) const {
  for (const Controld& daemon : controlds_)
    if (daemon.name == name) return daemon.pid;
  return 0;
}

void NetnsLab::cleanup() {
  if (cleaned_) return;
  cleaned_ = true;
  std::vector<pid_t> pids;
  for (const Controld& daemon : controlds_)
    if (daemon.pid > 0) pids.push_back(daemon.pid);
  stop_processes(pids, 5);
  pids.clear();
  for (const std::string& name : frr_instances_)
    for (const char* daemon : {"isisd", "zebra"})
      if (const pid_t pid = frr_pid(name, daemon)) pids.push_back(pid);
  stop_processes(pids, 5);
  for (const std::string& name : namespaces_) {
    kill_namespace_processes(ns(name));  // anything else in there was started by this run
    if (run_command({"ip", "netns", "del", ns(name)}, 10).status != 0)
      lab_log("could not delete namespace %s", ns(name).c_str());
  }
  if (!dir_.empty()) {
    if (std::getenv("LAB_KEEP") != nullptr) {
      lab_log("LAB_KEEP set: state kept in %s", dir_.c_str());
    } else {
      std::error_code error;
      std::filesystem::remove_all(dir_, error);
    }
  }
}

}  // namespace dmsc::tools
