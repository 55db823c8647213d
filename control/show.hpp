#pragma once
// What the local API answers: the instance's adjacencies, LSDB (with decoded Service Prefix
// TLVs), RIB, SPF log and counters, as text for people and as JSON for tools.

#include <string>
#include <string_view>

#include "control/instance.hpp"

namespace dmsc::control {

// Runs one command ("adjacencies", "lsdb", "lsdb detail", "rib", "spf-log", "counters"),
// appending " json" for JSON. Unknown commands answer with the list of the API's commands
// (`config` and `reload` included: the daemon answers those, Daemon::answer) and ok = false.
std::string run_show(const Instance& instance, std::string_view command, double now, bool& ok);

}  // namespace dmsc::control
