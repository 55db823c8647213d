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

}  // namespace dmsc::control
