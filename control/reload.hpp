#pragma once
// What a reload does, and how it is told: SIGHUP and the local API's `reload` run the same
// Daemon::reload(), which logs these lines and answers them. The file just loaded is compared
// with the running configuration: the service prefixes and IP prefixes we originate change at
// once; every other difference is named and waits for a restart. Pure functions, no I/O.

#include <string>
#include <vector>

#include "control/daemon_config.hpp"
#include "control/instance.hpp"

namespace dmsc::control {

// How what we originate differs: entries by name (service prefixes) or by prefix (IP
// prefixes); `changed` holds the new values of entries whose metric or flags changed.
struct OriginatedChanges {
  std::vector<lsa::ServicePrefix> names_added, names_removed, names_changed;
  std::vector<lsa::IpReach> prefixes_added, prefixes_removed, prefixes_changed;
  bool empty() const {
    return names_added.empty() && names_removed.empty() && names_changed.empty() && prefixes_added.empty() &&
           prefixes_removed.empty() && prefixes_changed.empty();
  }
};
OriginatedChanges compare_originated(const InstanceConfig& before, const InstanceConfig& after);

// Every other difference, as the statement of the line format that differs: "system-id",
// "timer spf-delay", "circuit e0 metric", "circuit e2 added", "lsp-auth" (a key is never
// shown, only that it changed).
std::vector<std::string> restart_changes(const DaemonConfig& running, const DaemonConfig& loaded);

struct ReloadOutcome {
  bool applied = false;
  std::string error;  // refused: why, as the loader says it (file and line, or data path)
  // Applied: what changed in what we originate, what we originate now, what waits for a restart.
  OriginatedChanges originated;
  std::size_t service_prefixes = 0;
  std::size_t ip_prefixes = 0;
  std::vector<std::string> restart_needed;
};

// The outcome of replacing `running` by `loaded`, with the lists above filled in.
ReloadOutcome plan_reload(const DaemonConfig& running, const DaemonConfig& loaded);
ReloadOutcome refused_reload(std::string error);

// The outcome in words, one line each with the level it is logged at: the first says applied
// or refused, then the originated entries added, removed and changed, then what waits for a
// restart. The API's text answer is these lines; the log has them too.
struct ReloadLine {
  LogLevel level;
  std::string text;
};
std::vector<ReloadLine> describe_reload(const ReloadOutcome& outcome);
std::string format_reload(const ReloadOutcome& outcome, bool json);

}  // namespace dmsc::control
