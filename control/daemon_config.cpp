#include "control/daemon_config.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace dmsc::control {

namespace {

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

template <typename T>
bool parse_number(std::string_view text, T& out, T max) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > max) return false;
  out = static_cast<T>(value);
  return true;
}

bool parse_seconds(std::string_view text, double& out) {
  try {
    std::size_t used = 0;
    const double value = std::stod(std::string(text), &used);
    if (used != text.size() || !(value >= 0) || value > 65535) return false;
    out = value;
    return true;
  } catch (...) {
    return false;
  }
}

bool parse_ipv4(std::string_view text, std::array<std::uint8_t, 4>& out) {
  std::size_t part = 0, i = 0;
  while (part < 4) {
    std::size_t j = i;
    while (j < text.size() && text[j] != '.') ++j;
    std::uint8_t octet = 0;
    if (!parse_number<std::uint8_t>(text.substr(i, j - i), octet, 255)) return false;
    out[part++] = octet;
    if (j == text.size()) break;
    i = j + 1;
  }
  return part == 4 && i <= text.size() && text.find('.', i) == std::string_view::npos;
}

// "49.0001" -> {0x49, 0x00, 0x01}: hex digits in groups, dots ignored, whole octets.
bool parse_area(std::string_view text, std::vector<std::uint8_t>& out) {
  std::string digits;
  for (char c : text)
    if (c != '.') digits.push_back(c);
  if (digits.empty() || digits.size() % 2 != 0 || digits.size() > 26) return false;
  out.clear();
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    std::uint8_t octet = 0;
    const auto [end, error] = std::from_chars(digits.data() + i, digits.data() + i + 2, octet, 16);
    if (error != std::errc() || end != digits.data() + i + 2) return false;
    out.push_back(octet);
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view origin, std::size_t line) : origin_(origin), line_(line) {}
  Error fail(const std::string& what) const {
    return Error{std::string(origin_) + ":" + std::to_string(line_) + ": " + what};
  }

 private:
  std::string_view origin_;
  std::size_t line_;
};

// Parses "md5|sha256 KEY [key-id N]" at words[at..]; advances `at`.
std::optional<std::string> parse_auth(const std::vector<std::string_view>& words, std::size_t& at, lsa::AuthKey& key) {
  if (at + 1 >= words.size()) return "expected md5|sha256 and a key";
  if (words[at] == "md5")
    key.mode = lsa::AuthMode::kHmacMd5;
  else if (words[at] == "sha256")
    key.mode = lsa::AuthMode::kHmacSha256;
  else
    return "unknown authentication '" + std::string(words[at]) + "' (md5 or sha256)";
  if (words[at + 1] == kHiddenKey) return "the key reads " + std::string(kHiddenKey) + " (as `config` prints keys): write the key in";
  key.secret = std::string(words[at + 1]);
  at += 2;
  if (at + 1 < words.size() && words[at] == "key-id") {
    if (!parse_number<std::uint16_t>(words[at + 1], key.key_id, 65535)) return "bad key-id";
    at += 2;
  }
  return std::nullopt;
}

}  // namespace

Expected<DaemonConfig> parse_daemon_config(std::string_view text, std::string_view origin) {
  DaemonConfig config;
  InstanceConfig& instance = config.instance;
  bool have_system_id = false;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto words = split_words(line);
    if (words.empty()) {
      if (end == text.size()) break;
      continue;
    }
    const Parser p(origin, line_number);
    const std::string_view keyword = words[0];
    const auto need = [&](std::size_t count) { return words.size() >= count; };
    if (keyword == "system-id" && words.size() == 2) {
      const auto id = lsa::SystemId::parse(words[1]);
      if (!id) return p.fail("bad system id '" + std::string(words[1]) + "' (expected 0000.0000.0001)");
      instance.system_id = *id;
      have_system_id = true;
    } else if (keyword == "area" && words.size() == 2) {
      std::vector<std::uint8_t> area;
      if (!parse_area(words[1], area)) return p.fail("bad area address '" + std::string(words[1]) + "' (e.g. 49.0001)");
      instance.areas.push_back(area);
    } else if (keyword == "hostname" && words.size() == 2) {
      instance.hostname = std::string(words[1]);
    } else if (keyword == "router-id" && words.size() == 2) {
      if (!parse_ipv4(words[1], instance.router_id)) return p.fail("bad IPv4 address '" + std::string(words[1]) + "'");
    } else if (keyword == "overload" && words.size() == 2 && (words[1] == "on" || words[1] == "off")) {
      instance.overload = words[1] == "on";
    } else if (keyword == "lsp-auth" && need(3)) {
      std::size_t at = 1;
      if (auto error = parse_auth(words, at, instance.lsp_auth)) return p.fail("lsp-auth: " + *error);
      if (at != words.size()) return p.fail("lsp-auth: unexpected '" + std::string(words[at]) + "'");
    } else if (keyword == "snp-auth" && words.size() == 2) {
      if (words[1] == "validate") instance.snp_auth = InstanceConfig::SnpAuth::kValidate;
      else if (words[1] == "send-only") instance.snp_auth = InstanceConfig::SnpAuth::kSendOnly;
      else if (words[1] == "none") instance.snp_auth = InstanceConfig::SnpAuth::kNone;
      else return p.fail("snp-auth: expected validate, send-only or none");
    } else if (keyword == "circuit" && need(2)) {
      CircuitConfig circuit;
      circuit.interface = std::string(words[1]);
      for (std::size_t at = 2; at < words.size();) {
        const std::string_view option = words[at];
        const bool has_value = at + 1 < words.size();
        if (option == "auth") {
          ++at;
          if (auto error = parse_auth(words, at, circuit.hello_auth)) return p.fail("circuit " + circuit.interface + ": auth: " + *error);
          continue;
        }
        if (!has_value) return p.fail("circuit " + circuit.interface + ": '" + std::string(option) + "' needs a value");
        const std::string_view value = words[at + 1];
        bool ok = true;
        if (option == "metric") ok = parse_number<std::uint32_t>(value, circuit.metric, 0xfffffe) && circuit.metric > 0;
        else if (option == "face") ok = parse_number<fib::FaceId>(value, circuit.face, 0xffffffff);
        else if (option == "ipv4") ok = parse_ipv4(value, circuit.ipv4);
        else if (option == "hello-interval") ok = parse_number<std::uint16_t>(value, circuit.hello_interval, 600) && circuit.hello_interval > 0;
        else if (option == "hello-multiplier") ok = parse_number<std::uint16_t>(value, circuit.hello_multiplier, 100) && circuit.hello_multiplier >= 2;
        else if (option == "padding" && (value == "on" || value == "off")) circuit.pad_hellos = value == "on";
        else return p.fail("circuit " + circuit.interface + ": unknown option '" + std::string(option) + "'");
        if (!ok) return p.fail("circuit " + circuit.interface + ": bad " + std::string(option) + " '" + std::string(value) + "'");
        at += 2;
      }
      for (const CircuitConfig& other : instance.circuits)
        if (other.interface == circuit.interface) return p.fail("circuit " + circuit.interface + " declared twice");
      instance.circuits.push_back(circuit);
    } else if (keyword == "service-prefix" && need(2)) {
      auto name = fib::Name::parse(words[1]);
      if (!name) return p.fail("service-prefix '" + std::string(words[1]) + "': " + name.error());
      lsa::ServicePrefix prefix{std::move(*name), 0, 0};
      for (std::size_t at = 2; at < words.size(); ++at) {
        if (words[at] == "anycast") {
          prefix.flags |= lsa::kServicePrefixFlagAnycast;
        } else if (words[at] == "metric" && at + 1 < words.size()) {
          if (!parse_number<std::uint32_t>(words[++at], prefix.metric, lsa::kMaxServicePrefixMetric))
            return p.fail("service-prefix: bad metric '" + std::string(words[at]) + "'");
        } else {
          return p.fail("service-prefix: unexpected '" + std::string(words[at]) + "'");
        }
      }
      if (!lsa::service_prefix_encodable(prefix))
        return p.fail("service-prefix " + prefix.name.to_string() + ": longer than " +
                      std::to_string(lsa::kMaxAdvertisedNameLength) + " octets in wire form (docs/service-prefix-tlv.md §3.1)");
      instance.service_prefixes.push_back(std::move(prefix));
    } else if (keyword == "ip-prefix" && need(2)) {
      lsa::IpReach reach;
      const std::string_view text_prefix = words[1];
      const auto slash = text_prefix.find('/');
      if (slash == std::string_view::npos || !parse_ipv4(text_prefix.substr(0, slash), reach.prefix) ||
          !parse_number<std::uint8_t>(text_prefix.substr(slash + 1), reach.prefix_length, 32))
        return p.fail("ip-prefix: bad prefix '" + std::string(text_prefix) + "' (A.B.C.D/LEN)");
      // Host bits cleared, as lsa::IpReach keeps a prefix and YANG's ipv4-prefix canonicalizes it.
      for (std::size_t bit = reach.prefix_length; bit < 32; ++bit)
        reach.prefix[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
      if (words.size() == 4 && words[2] == "metric") {
        if (!parse_number<std::uint32_t>(words[3], reach.metric, lsa::kMaxPathMetric)) return p.fail("ip-prefix: bad metric");
      } else if (words.size() != 2) {
        return p.fail("ip-prefix: expected A.B.C.D/LEN [metric N]");
      }
      instance.ip_prefixes.push_back(reach);
    } else if (keyword == "application-id" && words.size() == 2) {
      if (!parse_number<std::uint16_t>(words[1], instance.service_application_id, 65535)) return p.fail("bad application-id");
    } else if (keyword == "lsp-mtu" && words.size() == 2) {
      if (!parse_number<std::size_t>(words[1], instance.lsp_mtu, 9000) || instance.lsp_mtu < 512)
        return p.fail("lsp-mtu: expected 512-9000");
    } else if (keyword == "timer" && words.size() == 3) {
      double seconds = 0;
      if (!parse_seconds(words[2], seconds)) return p.fail("timer: bad seconds '" + std::string(words[2]) + "'");
      TimerConfig& t = instance.timers;
      if (words[1] == "lsp-lifetime") t.lsp_lifetime = static_cast<std::uint16_t>(seconds);
      else if (words[1] == "lsp-refresh") t.lsp_refresh = static_cast<std::uint16_t>(seconds);
      else if (words[1] == "lsp-gen-interval") t.lsp_gen_interval = seconds;
      else if (words[1] == "spf-delay") t.spf_delay = seconds;
      else if (words[1] == "spf-short-delay") t.spf_short_delay = seconds;
      else if (words[1] == "spf-long-delay") t.spf_long_delay = seconds;
      else if (words[1] == "spf-time-to-learn") t.spf_time_to_learn = seconds;
      else if (words[1] == "spf-holddown") t.spf_holddown = seconds;
      else if (words[1] == "csnp-interval") t.csnp_interval = seconds;
      else if (words[1] == "lsp-retransmit") t.lsp_retransmit = seconds;
      else return p.fail("timer: unknown timer '" + std::string(words[1]) + "'");
    } else if (keyword == "channel" && words.size() == 2) {
      config.channel = std::string(words[1]);
    } else if (keyword == "state-file" && words.size() == 2) {
      config.state_file = std::string(words[1]);
    } else {
      return p.fail("unknown or incomplete statement '" + std::string(line) + "'");
    }
    if (end == text.size()) break;
  }
  const Parser p(origin, line_number);
  if (!have_system_id) return p.fail("no system-id");
  if (instance.areas.empty()) return p.fail("no area");
  if (instance.timers.lsp_refresh + 300 > instance.timers.lsp_lifetime)
    return p.fail("timer lsp-refresh must be at least 300 s below lsp-lifetime");
  return config;
}

Expected<DaemonConfig> load_daemon_config(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Error{path + ": cannot read"};
  std::stringstream text;
  text << file.rdbuf();
  return parse_daemon_config(text.str(), path);
}

}  // namespace dmsc::control
