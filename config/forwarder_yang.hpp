#pragma once
// dmsc-forwarder's configuration as YANG data (module dmsc-forwarder, config/yang/), in JSON,
// validated by libyang. Each list entry then becomes one statement of the line format
// (dataplane/README.md, "Configuration"), parsed by the same code, so both formats mean the
// same; an error found there is reported with the data path of the entry it came from.

#include <string>
#include <string_view>

#include "dataplane/forwarder_config.hpp"
#include "fib/expected.hpp"

namespace dmsc::config {

Expected<dataplane::ForwarderConfig> parse_forwarder_json(std::string_view json, const std::string& base_directory,
                                                          const std::string& yang_dir);
Expected<dataplane::ForwarderConfig> load_forwarder_json(const std::string& path);

}  // namespace dmsc::config
