#pragma once
// A client of dmsc-controld's local API (daemon.cpp, show.hpp): one command per connection,
// the answer read to the end. Used by `dmsc-controld show`, dmscctl, the exporter and benches.

#include <chrono>
#include <string>
#include <string_view>

#include "fib/expected.hpp"

namespace dmsc::control {

// Sends `command` ("rib json", "counters", ...) to the daemon at `socket_path` and returns its
// answer, or why there is none (not running, no answer within `timeout`, answer over 1 MiB).
Expected<std::string> ask_controld(const std::string& socket_path, std::string_view command,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace dmsc::control
