#pragma once
// dmsc-controld's configuration as YANG data (module dmsc-controld, config/yang/), in JSON,
// parsed and validated by libyang. A bad file is refused whole: every error names its data
// path (libyang's, e.g. /dmsc-controld:controld/circuit[interface='e0']/metric, and ours for
// what YANG cannot say, such as a service name that is not a valid name).

#include <string>
#include <string_view>

#include "control/daemon_config.hpp"
#include "fib/expected.hpp"

namespace dmsc::config {

// Where the YANG modules are: $DMSC_YANG_DIR if set, else the installed or source folder.
std::string yang_directory();

Expected<control::DaemonConfig> parse_controld_json(std::string_view json, const std::string& yang_dir = yang_directory());
Expected<control::DaemonConfig> load_controld_json(const std::string& path, const std::string& yang_dir = yang_directory());

}  // namespace dmsc::config
