#include "config/controld_yang.hpp"

#include "config/yang_context.hpp"

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace dmsc::config {

namespace {

std::array<std::uint8_t, 4> ipv4(const std::string& text) {
  std::array<std::uint8_t, 4> out{};
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d) == 4)
    out = {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), static_cast<std::uint8_t>(c),
           static_cast<std::uint8_t>(d)};
  return out;
}

std::vector<std::uint8_t> area(const std::string& text) {
  std::vector<std::uint8_t> octets;
  std::string digits;
  for (char c : text)
    if (c != '.') digits += c;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
    octets.push_back(static_cast<std::uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  return octets;
}

// `errors` gets a key that reads "<hidden>": a `config json` answer saved as it is.
lsa::AuthKey auth_key(const lyd_node* container, std::vector<std::string>& errors) {
  lsa::AuthKey key;
  if (container == nullptr) return key;
  const std::string mode = value(container, "mode");
  key.mode = mode == "hmac-md5" ? lsa::AuthMode::kHmacMd5 : mode == "hmac-sha-256" ? lsa::AuthMode::kHmacSha256 : lsa::AuthMode::kNone;
  key.secret = value(container, "key");
  if (key.secret == control::kHiddenKey)
    errors.push_back(path_of(container) + "/key: the key reads " + std::string(control::kHiddenKey) +
                     " (as `config json` prints keys): write the key in");
  if (const std::string id = value(container, "key-id"); !id.empty()) key.key_id = static_cast<std::uint16_t>(std::stoul(id));
  return key;
}

}  // namespace


Expected<control::DaemonConfig> parse_controld_json(std::string_view json, const std::string& yang_dir) {
  auto document = YangDocument::parse(json, yang_dir, "dmsc-controld", "controld");
  if (!document) return Error{document.error()};
  const lyd_node* root = document->root();

  control::DaemonConfig config;
  control::InstanceConfig& instance = config.instance;
  std::vector<std::string> errors;  // what YANG cannot check, each with its data path
  instance.system_id = *lsa::SystemId::parse(value(root, "system-id"));  // the pattern guarantees it
  for (const lyd_node* node : children(root, "area-address")) instance.areas.push_back(area(lyd_get_value(node)));
  instance.hostname = value(root, "hostname");
  if (const std::string id = value(root, "router-id"); !id.empty()) instance.router_id = ipv4(id);
  instance.overload = value(root, "overload") == "true";
  instance.lsp_mtu = std::stoul(value(root, "lsp-mtu"));
  instance.service_application_id = static_cast<std::uint16_t>(std::stoul(value(root, "application-id")));
  if (const lyd_node* auth = child(root, "lsp-authentication")) {
    instance.lsp_auth = auth_key(auth, errors);
    const std::string snp = value(auth, "snp-authentication");
    instance.snp_auth = snp == "none"        ? control::InstanceConfig::SnpAuth::kNone
                        : snp == "send-only" ? control::InstanceConfig::SnpAuth::kSendOnly
                                             : control::InstanceConfig::SnpAuth::kValidate;
  }
  for (const lyd_node* node : children(root, "circuit")) {
    control::CircuitConfig circuit;
    circuit.interface = value(node, "interface");
    circuit.metric = static_cast<std::uint32_t>(std::stoul(value(node, "metric")));
    circuit.face = static_cast<fib::FaceId>(std::stoul(value(node, "face")));
    if (const std::string a = value(node, "ipv4-address"); !a.empty()) circuit.ipv4 = ipv4(a);
    if (const lyd_node* hello = child(node, "hello")) {
      circuit.hello_interval = static_cast<std::uint16_t>(std::stoul(value(hello, "interval")));
      circuit.hello_multiplier = static_cast<std::uint16_t>(std::stoul(value(hello, "multiplier")));
      circuit.pad_hellos = value(hello, "padding") != "false";
      circuit.hello_auth = auth_key(child(hello, "authentication"), errors);
    }
    instance.circuits.push_back(circuit);
  }
  for (const lyd_node* node : children(root, "service-prefix")) {
    auto name = fib::Name::parse(value(node, "name"));
    if (!name) {
      errors.push_back(path_of(node) + "/name: " + name.error());
      continue;
    }
    lsa::ServicePrefix prefix{std::move(*name), static_cast<std::uint32_t>(std::stoul(value(node, "metric"))),
                              static_cast<std::uint8_t>(value(node, "anycast") == "true" ? lsa::kServicePrefixFlagAnycast : 0)};
    if (!lsa::service_prefix_encodable(prefix)) {
      errors.push_back(path_of(node) + "/name: longer than " + std::to_string(lsa::kMaxAdvertisedNameLength) +
                       " octets in wire form (docs/service-prefix-tlv.md §3.1)");
      continue;
    }
    instance.service_prefixes.push_back(std::move(prefix));
  }
  for (const lyd_node* node : children(root, "ip-prefix")) {
    const std::string text_prefix = value(node, "prefix");
    lsa::IpReach reach;
    const auto slash = text_prefix.find('/');
    reach.prefix = ipv4(text_prefix.substr(0, slash));
    reach.prefix_length = static_cast<std::uint8_t>(std::stoul(text_prefix.substr(slash + 1)));
    reach.metric = static_cast<std::uint32_t>(std::stoul(value(node, "metric")));
    instance.ip_prefixes.push_back(reach);
  }
  if (const lyd_node* timers = child(root, "timers")) {
    control::TimerConfig& t = instance.timers;
    t.lsp_lifetime = static_cast<std::uint16_t>(std::stoul(value(timers, "lsp-lifetime")));
    t.lsp_refresh = static_cast<std::uint16_t>(std::stoul(value(timers, "lsp-refresh")));
    t.lsp_gen_interval = std::stod(value(timers, "lsp-gen-interval"));
    t.spf_delay = std::stod(value(timers, "spf-delay"));
    t.spf_short_delay = std::stod(value(timers, "spf-short-delay"));
    t.spf_long_delay = std::stod(value(timers, "spf-long-delay"));
    t.spf_time_to_learn = std::stod(value(timers, "spf-time-to-learn"));
    t.spf_holddown = std::stod(value(timers, "spf-holddown"));
    t.csnp_interval = std::stod(value(timers, "csnp-interval"));
    t.lsp_retransmit = std::stod(value(timers, "lsp-retransmit"));
  }
  config.channel = value(root, "fib-channel");
  config.state_file = value(root, "state-file");
  if (!errors.empty()) {
    std::string text;
    for (const std::string& e : errors) text += (text.empty() ? "" : "\n") + e;
    return Error{text};
  }
  return config;
}

Expected<control::DaemonConfig> load_controld_json(const std::string& path, const std::string& yang_dir) {
  std::ifstream file(path);
  if (!file) return Error{path + ": cannot read"};
  std::stringstream text;
  text << file.rdbuf();
  auto config = parse_controld_json(text.str(), yang_dir);
  if (!config) return Error{path + ":\n" + config.error()};
  return config;
}

}  // namespace dmsc::config
