#pragma once
// Configurations the tests of `config` and `reload` share (tests/control, tests/config).

#include <string>
#include <vector>

#include "control/daemon_config.hpp"
#include "control/reload.hpp"

namespace dmsc::control::test {

// Every statement, each value off its default (seconds with at most three fraction digits,
// which YANG's decimal64 holds), keys included.
inline constexpr const char* kEveryStatement = R"(system-id 0000.0000.00a1
area 49.0001
area 49.0002.0304
hostname box-1
router-id 10.255.0.9
overload on
lsp-auth sha256 domain-secret key-id 9
snp-auth send-only
application-id 4000
lsp-mtu 1400
circuit e0 metric 20 face 3 ipv4 10.0.1.1 hello-interval 1 hello-multiplier 4 auth md5 link-secret padding off
circuit e1
circuit e2 auth sha256 other-secret key-id 7
service-prefix /svc/payments metric 5
service-prefix /svc/search anycast
service-prefix /svc/odd%20name metric 4261412864 anycast
ip-prefix 10.255.0.9/32
ip-prefix 10.9.0.0/16 metric 100
timer lsp-lifetime 3600
timer lsp-refresh 3000
timer lsp-gen-interval 0.2
timer spf-delay 0.1
timer spf-short-delay 0.3
timer spf-long-delay 2.5
timer spf-time-to-learn 3
timer spf-holddown 4
timer csnp-interval 7
timer lsp-retransmit 2.25
channel /dmsc-fib-updates
state-file /var/lib/dmsc/controld.seq
)";

// The smallest configuration: no keys, everything at its default.
inline constexpr const char* kMinimal = "system-id 0000.0000.0001\narea 49.0001\n";

// `config` hides keys: the same configuration with every key set to `key`, to compare what
// loads back from a `config` answer whose "<hidden>" keys were replaced by `key`.
inline DaemonConfig with_keys(DaemonConfig config, const std::string& key) {
  if (config.instance.lsp_auth.mode != lsa::AuthMode::kNone) config.instance.lsp_auth.secret = key;
  for (CircuitConfig& circuit : config.instance.circuits)
    if (circuit.hello_auth.mode != lsa::AuthMode::kNone) circuit.hello_auth.secret = key;
  return config;
}

// What differs between two configurations: reload's list of statements (tested on its own, one
// field at a time, in reload_test.cpp) and the originated lists, order included.
inline std::vector<std::string> differences(const DaemonConfig& a, const DaemonConfig& b) {
  std::vector<std::string> found = restart_changes(a, b);
  if (a.instance.service_prefixes != b.instance.service_prefixes) found.push_back("service-prefix list");
  if (a.instance.ip_prefixes != b.instance.ip_prefixes) found.push_back("ip-prefix list");
  return found;
}

inline std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace dmsc::control::test
