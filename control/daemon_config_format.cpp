// The running configuration as the local API's `config` prints it: the line format and YANG
// JSON of module dmsc-controld, defaults left out, keys hidden (daemon_config.hpp).
#include <charconv>
#include <cstdio>

#include "control/daemon_config.hpp"
#include "control/text_format.hpp"

namespace dmsc::control {

namespace {

// A value the line format can hold: one word, no comment sign.
bool is_word(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#') return false;
  return true;
}

std::string not_expressible(std::string_view statement) {
  return "# " + std::string(statement) + ": a value with a space or '#', which this format cannot hold (`config json` shows it)\n";
}

// {0x49, 0x00, 0x01, 0x02} -> "49.0001.02": the AFI octet, then groups of two octets.
std::string area_text(const std::vector<std::uint8_t>& area) {
  std::string text;
  for (std::size_t i = 0; i < area.size(); ++i) {
    if (i % 2 == 1) text += '.';
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", area[i]);
    text += hex;
  }
  return text;
}

// The shortest text that parses back to the same double.
std::string seconds_text(double seconds) {
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, seconds, std::chars_format::fixed);
  return std::string(text, result.ptr);
}

// YANG decimal64 with three fraction digits, trailing zeros dropped ("0.05", "10").
std::string decimal3_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  std::string out = text;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string auth_text(const lsa::AuthKey& key) {
  std::string text = key.mode == lsa::AuthMode::kHmacSha256 ? "sha256 " : "md5 ";
  text += kHiddenKey;
  if (key.key_id != lsa::AuthKey{}.key_id) text += " key-id " + std::to_string(key.key_id);
  return text;
}

std::string circuit_text(const CircuitConfig& circuit) {
  const CircuitConfig defaults;
  std::string text = "circuit " + circuit.interface;
  if (circuit.metric != defaults.metric) text += " metric " + std::to_string(circuit.metric);
  if (circuit.face != defaults.face) text += " face " + std::to_string(circuit.face);
  if (circuit.ipv4 != defaults.ipv4) text += " ipv4 " + ipv4_text(circuit.ipv4);
  if (circuit.hello_interval != defaults.hello_interval) text += " hello-interval " + std::to_string(circuit.hello_interval);
  if (circuit.hello_multiplier != defaults.hello_multiplier)
    text += " hello-multiplier " + std::to_string(circuit.hello_multiplier);
  if (circuit.hello_auth.mode != lsa::AuthMode::kNone) text += " auth " + auth_text(circuit.hello_auth);
  if (circuit.pad_hellos != defaults.pad_hellos) text += circuit.pad_hellos ? " padding on" : " padding off";
  return text;
}

const char* snp_auth_name(InstanceConfig::SnpAuth mode) {
  switch (mode) {
    case InstanceConfig::SnpAuth::kValidate: return "validate";
    case InstanceConfig::SnpAuth::kSendOnly: return "send-only";
    case InstanceConfig::SnpAuth::kNone: return "none";
  }
  return "validate";
}

// JSON members written "key": value, as the examples in config/examples/ are.
std::string member(std::string_view key, const std::string& value) { return json_string(key) + ": " + value; }

std::string object(const std::vector<std::string>& members) {
  std::string text = "{";
  text += join(members, ", ");
  return text + "}";
}

std::vector<std::string> auth_members(const lsa::AuthKey& key) {
  if (key.mode == lsa::AuthMode::kNone) return {};
  std::vector<std::string> members{member("mode", json_string(key.mode == lsa::AuthMode::kHmacSha256 ? "hmac-sha-256" : "hmac-md5")),
                                   member("key", json_string(kHiddenKey))};
  // YANG has key-id only for HMAC-SHA256 (RFC 5310); the line format takes it for MD5 too, unused.
  if (key.mode == lsa::AuthMode::kHmacSha256 && key.key_id != lsa::AuthKey{}.key_id)
    members.push_back(member("key-id", std::to_string(key.key_id)));
  return members;
}

std::string circuit_json(const CircuitConfig& circuit) {
  const CircuitConfig defaults;
  std::vector<std::string> members{member("interface", json_string(circuit.interface))};
  if (circuit.metric != defaults.metric) members.push_back(member("metric", std::to_string(circuit.metric)));
  if (circuit.face != defaults.face) members.push_back(member("face", std::to_string(circuit.face)));
  if (circuit.ipv4 != defaults.ipv4) members.push_back(member("ipv4-address", json_string(ipv4_text(circuit.ipv4))));
  std::vector<std::string> hello;
  if (circuit.hello_interval != defaults.hello_interval) hello.push_back(member("interval", std::to_string(circuit.hello_interval)));
  if (circuit.hello_multiplier != defaults.hello_multiplier)
    hello.push_back(member("multiplier", std::to_string(circuit.hello_multiplier)));
  if (circuit.pad_hellos != defaults.pad_hellos) hello.push_back(member("padding", circuit.pad_hellos ? "true" : "false"));
  if (const auto auth = auth_members(circuit.hello_auth); !auth.empty()) hello.push_back(member("authentication", object(auth)));
  if (!hello.empty()) members.push_back(member("hello", object(hello)));
  return object(members);
}

std::string list(const std::vector<std::string>& entries) {
  std::string text = "[\n";
  for (std::size_t i = 0; i < entries.size(); ++i) text += "      " + entries[i] + (i + 1 < entries.size() ? ",\n" : "\n");
  return text + "    ]";
}

}  // namespace

std::string service_prefix_statement(const lsa::ServicePrefix& prefix) {
  std::string text = "service-prefix " + prefix.name.to_string();
  if (prefix.metric != 0) text += " metric " + std::to_string(prefix.metric);
  if (prefix.anycast()) text += " anycast";
  return text;
}

std::string ip_prefix_statement(const lsa::IpReach& reach) {
  std::string text = "ip-prefix " + ip_prefix_text(reach);
  if (reach.metric != 0) text += " metric " + std::to_string(reach.metric);
  return text;
}

std::array<TimerValue, 10> timer_values(const TimerConfig& t) {
  return {{{"lsp-lifetime", double(t.lsp_lifetime), true},
           {"lsp-refresh", double(t.lsp_refresh), true},
           {"lsp-gen-interval", t.lsp_gen_interval, false},
           {"spf-delay", t.spf_delay, false},
           {"spf-short-delay", t.spf_short_delay, false},
           {"spf-long-delay", t.spf_long_delay, false},
           {"spf-time-to-learn", t.spf_time_to_learn, false},
           {"spf-holddown", t.spf_holddown, false},
           {"csnp-interval", t.csnp_interval, false},
           {"lsp-retransmit", t.lsp_retransmit, false}}};
}

std::string format_daemon_config(const DaemonConfig& config) {
  const InstanceConfig& instance = config.instance;
  const InstanceConfig defaults;
  std::string text = "system-id " + instance.system_id.to_string() + "\n";
  for (const auto& area : instance.areas) text += "area " + area_text(area) + "\n";
  if (!instance.hostname.empty())
    text += is_word(instance.hostname) ? "hostname " + instance.hostname + "\n" : not_expressible("hostname");
  if (instance.router_id != defaults.router_id) text += "router-id " + ipv4_text(instance.router_id) + "\n";
  if (instance.overload) text += "overload on\n";
  if (instance.lsp_auth.mode != lsa::AuthMode::kNone) text += "lsp-auth " + auth_text(instance.lsp_auth) + "\n";
  if (instance.snp_auth != defaults.snp_auth) text += std::string("snp-auth ") + snp_auth_name(instance.snp_auth) + "\n";
  if (instance.service_application_id != defaults.service_application_id)
    text += "application-id " + std::to_string(instance.service_application_id) + "\n";
  if (instance.lsp_mtu != defaults.lsp_mtu) text += "lsp-mtu " + std::to_string(instance.lsp_mtu) + "\n";
  for (const CircuitConfig& circuit : instance.circuits)
    text += is_word(circuit.interface) ? circuit_text(circuit) + "\n" : not_expressible("circuit");
  for (const lsa::ServicePrefix& prefix : instance.service_prefixes) text += service_prefix_statement(prefix) + "\n";
  for (const lsa::IpReach& reach : instance.ip_prefixes) text += ip_prefix_statement(reach) + "\n";
  const auto timers = timer_values(instance.timers);
  const auto default_timers = timer_values(defaults.timers);
  for (std::size_t i = 0; i < timers.size(); ++i)
    if (timers[i].seconds != default_timers[i].seconds)
      text += "timer " + std::string(timers[i].name) + " " + seconds_text(timers[i].seconds) + "\n";
  if (!config.channel.empty()) text += is_word(config.channel) ? "channel " + config.channel + "\n" : not_expressible("channel");
  if (!config.state_file.empty())
    text += is_word(config.state_file) ? "state-file " + config.state_file + "\n" : not_expressible("state-file");
  return text;
}

std::string format_daemon_config_json(const DaemonConfig& config) {
  const InstanceConfig& instance = config.instance;
  const InstanceConfig defaults;
  std::vector<std::string> members{member("system-id", json_string(instance.system_id.to_string()))};
  std::vector<std::string> areas;
  for (const auto& area : instance.areas) areas.push_back(json_string(area_text(area)));
  members.push_back(member("area-address", "[" + join(areas, ", ") + "]"));
  if (!instance.hostname.empty()) members.push_back(member("hostname", json_string(instance.hostname)));
  if (instance.router_id != defaults.router_id) members.push_back(member("router-id", json_string(ipv4_text(instance.router_id))));
  if (instance.overload) members.push_back(member("overload", "true"));
  if (instance.lsp_mtu != defaults.lsp_mtu) members.push_back(member("lsp-mtu", std::to_string(instance.lsp_mtu)));
  if (instance.service_application_id != defaults.service_application_id)
    members.push_back(member("application-id", std::to_string(instance.service_application_id)));
  std::vector<std::string> lsp_auth = auth_members(instance.lsp_auth);
  if (instance.snp_auth != defaults.snp_auth)
    lsp_auth.push_back(member("snp-authentication", json_string(snp_auth_name(instance.snp_auth))));
  if (!lsp_auth.empty()) members.push_back(member("lsp-authentication", object(lsp_auth)));
  if (!instance.circuits.empty()) {
    std::vector<std::string> circuits;
    for (const CircuitConfig& circuit : instance.circuits) circuits.push_back(circuit_json(circuit));
    members.push_back(member("circuit", list(circuits)));
  }
  if (!instance.service_prefixes.empty()) {
    std::vector<std::string> prefixes;
    for (const lsa::ServicePrefix& prefix : instance.service_prefixes) {
      std::vector<std::string> entry{member("name", json_string(prefix.name.to_string()))};
      if (prefix.metric != 0) entry.push_back(member("metric", std::to_string(prefix.metric)));
      if (prefix.anycast()) entry.push_back(member("anycast", "true"));
      prefixes.push_back(object(entry));
    }
    members.push_back(member("service-prefix", list(prefixes)));
  }
  if (!instance.ip_prefixes.empty()) {
    std::vector<std::string> prefixes;
    for (const lsa::IpReach& reach : instance.ip_prefixes) {
      std::vector<std::string> entry{member("prefix", json_string(ip_prefix_text(reach)))};
      if (reach.metric != 0) entry.push_back(member("metric", std::to_string(reach.metric)));
      prefixes.push_back(object(entry));
    }
    members.push_back(member("ip-prefix", list(prefixes)));
  }
  std::vector<std::string> timer_members;
  const auto timers = timer_values(instance.timers);
  const auto default_timers = timer_values(defaults.timers);
  for (std::size_t i = 0; i < timers.size(); ++i)
    if (timers[i].seconds != default_timers[i].seconds)
      // uint16 leaves are JSON numbers, decimal64 ones strings (RFC 7951 §6.1).
      timer_members.push_back(member(timers[i].name, timers[i].whole ? seconds_text(timers[i].seconds)
                                                                     : json_string(decimal3_text(timers[i].seconds))));
  if (!timer_members.empty()) members.push_back(member("timers", object(timer_members)));
  if (!config.channel.empty()) members.push_back(member("fib-channel", json_string(config.channel)));
  if (!config.state_file.empty()) members.push_back(member("state-file", json_string(config.state_file)));
  std::string text = "{\n  \"dmsc-controld:controld\": {\n";
  for (std::size_t i = 0; i < members.size(); ++i) text += "    " + members[i] + (i + 1 < members.size() ? ",\n" : "\n");
  return text + "  }\n}\n";
}

}  // namespace dmsc::control
