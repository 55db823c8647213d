#pragma once
// A client of the daemons' local API sockets: dmsc-forwarder's control socket and
// dmsc-controld's API (control/api_client.hpp asks the latter the same way, with a 1 MiB cap).
// One command line per connection; the answer is read until the daemon closes, and handed on as
// it arrives, so that a listing of a million FIB entries streams through without being held.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "fib/expected.hpp"

namespace dmsc::tools {

// Sends `command` to the daemon at `socket_path` and calls `receive` with each piece of the
// answer. Fails with why when the socket cannot be reached (no such file, permission, nobody
// listening) or the daemon sends nothing for `idle_timeout`.
Status ask_local_api(const std::string& socket_path, std::string_view command,
                     const std::function<void(std::string_view)>& receive,
                     std::chrono::milliseconds idle_timeout = std::chrono::seconds(10));

// The whole answer, for answers known to be short.
Expected<std::string> ask_local_api(const std::string& socket_path, std::string_view command,
                                    std::chrono::milliseconds idle_timeout = std::chrono::seconds(10));

}  // namespace dmsc::tools
