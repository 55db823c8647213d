#pragma once
// The control daemon's configuration file: one statement per line, `#` starts a comment.
// Errors name the file, the line and the problem. (YANG-modeled configuration replaces this
// in a later issue; the statements map one to one to InstanceConfig.)
//
//   system-id 0000.0000.0001            area 49.0001            hostname sr1
//   router-id 10.0.0.1                  overload on|off
//   lsp-auth md5|sha256 KEY [key-id N]  snp-auth validate|send-only|none
//   circuit IFNAME [metric N] [face N] [ipv4 A.B.C.D] [hello-interval S] [hello-multiplier N]
//                  [auth md5|sha256 KEY [key-id N]] [padding on|off]
//   service-prefix NAME [metric N] [anycast]
//   ip-prefix A.B.C.D/LEN [metric N]
//   application-id N                    lsp-mtu N
//   timer lsp-lifetime|lsp-refresh|lsp-gen-interval|csnp-interval|lsp-retransmit SECONDS
//   timer spf-delay|spf-short-delay|spf-long-delay|spf-time-to-learn|spf-holddown SECONDS  (RFC 8405)
//   channel SHM-NAME                    (the forwarder's FIB update channel)
//   state-file PATH                     (our LSP sequence number across restarts)
//
// The local API's `config` prints the running configuration in this format, and in the YANG
// JSON that config/controld_yang.hpp loads, keys replaced by `<hidden>`. Both parsers refuse
// `<hidden>` as a key, so a saved `config` answer cannot silently run with the wrong key: its
// keys must be written in again.

#include <array>
#include <string>
#include <string_view>

#include "control/instance_config.hpp"
#include "fib/expected.hpp"

namespace dmsc::control {

struct DaemonConfig {
  InstanceConfig instance;
  std::string channel;     // empty: no forwarder (routes are computed and shown only)
  std::string state_file;  // empty: the sequence number is recovered from the network only
};

Expected<DaemonConfig> parse_daemon_config(std::string_view text, std::string_view origin);
Expected<DaemonConfig> load_daemon_config(const std::string& path);

// What `config` prints instead of a key.
inline constexpr std::string_view kHiddenKey = "<hidden>";

// daemon_config_format.cpp. `config` as statements of this format, one per line, values at
// their defaults left out, keys as kHiddenKey: parsing the text gives `config` back, keys
// aside. A value this format cannot hold (a hostname with a space, from a JSON file) is a
// comment saying so.
std::string format_daemon_config(const DaemonConfig& config);
// The same as YANG JSON of module dmsc-controld (config/yang/dmsc-controld.yang), defaults left
// out, keys as kHiddenKey: config/controld_yang.hpp loads it back. Seconds are decimal64 with
// three fraction digits there, so finer timers (only the line format takes them) are rounded.
std::string format_daemon_config_json(const DaemonConfig& config);

// One statement of the line format, defaults left out: "service-prefix /svc/a metric 5 anycast",
// "ip-prefix 10.0.0.0/8 metric 10".
std::string service_prefix_statement(const lsa::ServicePrefix& prefix);
std::string ip_prefix_statement(const lsa::IpReach& reach);

// The `timer` statements (leaves of `timers` in YANG, of the same names) with their values,
// for printing and comparing. `whole`: a number of seconds (uint16 in YANG).
struct TimerValue {
  std::string_view name;
  double seconds;
  bool whole;
};
std::array<TimerValue, 10> timer_values(const TimerConfig& timers);

}  // namespace dmsc::control
