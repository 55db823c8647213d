#include "dataplane/control_commands.hpp"

#include <charconv>
#include <vector>

#include "dataplane/config_format.hpp"
#include "dataplane/control_format.hpp"
#include "dataplane/next_hop_pick.hpp"

namespace dmsc::dataplane {
namespace {

using control::error_answer;
using control::next_hop_json;
using control::next_hop_set_json;
using control::next_hop_set_text;
using control::next_hop_text;

constexpr const char* kCommands =
    "fib [PREFIX], lookup NAME [flow KEY], config, route add PREFIX FACE[:WEIGHT] ..., route del PREFIX, "
    "clear stats, reload (append json for JSON)";

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

// "'/a//b' is not a name: empty component ('//') at offset 3"
Expected<fib::Name> parse_name(std::string_view text) {
  auto name = fib::Name::parse(text);
  if (name) return name;
  std::string why = name.error();
  if (const std::size_t at = why.find(" at offset "); at != std::string::npos && why.rfind("bad name ", 0) == 0) {
    const std::size_t colon = why.find(": ", at);
    if (colon != std::string::npos) why = why.substr(colon + 2) + " (" + why.substr(at + 1, colon - at - 1) + ")";
  }
  std::string message = "'";
  message += text;
  message += "' is not a name: ";
  return Error{message + why};
}

std::optional<std::uint32_t> parse_flow_key(std::string_view text) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2), base = 16;
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string lookup(ControlTarget& target, const std::vector<std::string_view>& words, bool json) {
  if (words.size() != 2 && !(words.size() == 4 && words[2] == "flow"))
    return error_answer("usage: lookup NAME [flow KEY]", json);
  auto name = parse_name(words[1]);
  if (!name) return error_answer(name.error(), json);
  std::optional<std::uint32_t> flow_key;
  if (words.size() == 4) {
    flow_key = parse_flow_key(words[3]);
    if (!flow_key) return error_answer("flow key '" + std::string(words[3]) + "': give 0-4294967295 or 0x0-0xffffffff", json);
  }
  const std::string text = name->to_string();
  const fib::LookupResult result = target.fib_table().lookup(name->view());
  if (result.group == nullptr) {
    return json ? "{\"name\":" + json_string(text) + ",\"matched\":false}\n"
                : "no route for " + text + ": packets to it are dropped (no_route)\n";
  }
  const fib::Name prefix = name->prefix(result.matched_depth);
  const fib::RouteSources::Static* statics = target.route_sources().find_static(prefix.view());
  const fib::RouteSource source = statics ? fib::RouteSource::kStatic : fib::RouteSource::kRouting;
  const fib::NextHopSet& set = result.group->set;
  std::string answer;
  if (json) {
    answer = "{\"name\":" + json_string(text) + ",\"matched\":true,\"prefix\":" + json_string(prefix.to_string()) +
             ",\"depth\":" + std::to_string(result.matched_depth) + ",\"name_depth\":" +
             std::to_string(name->component_count()) + ",\"source\":\"" + fib::route_source_name(source) +
             "\",\"next_hops\":[";
    for (std::size_t i = 0; i < set.count; ++i) {
      if (i != 0) answer += ',';
      answer += next_hop_json(target, set.hops[i]);
    }
    answer += "]";
    if (flow_key)
      answer += ",\"flow\":{\"key\":" + std::to_string(*flow_key) + ",\"slot\":" + std::to_string(selection_slot(*flow_key)) +
                ",\"next_hop\":" + next_hop_json(target, pick_next_hop(*result.group, *flow_key)) + "}";
    return answer + "}\n";
  }
  answer = text + ": longest match " + prefix.to_string() + " (depth " + std::to_string(result.matched_depth) + " of " +
           std::to_string(name->component_count()) + "), " + fib::route_source_name(source) + "\n";
  for (std::size_t i = 0; i < set.count; ++i)
    answer += std::string(i ? "             " : "  next hops: ") + next_hop_text(target, set.hops[i]) + "\n";
  if (statics != nullptr && statics->shadowed)
    answer += "  (shadows the routing route " + next_hop_set_text(*statics->shadowed) + ")\n";
  if (flow_key) {
    char key[16];
    std::snprintf(key, sizeof key, "0x%08x", *flow_key);
    answer += std::string("  flow ") + key + " (slot " + std::to_string(selection_slot(*flow_key)) + " of " +
              std::to_string(fib::kSelectionSlots) + ") takes " + next_hop_text(target, pick_next_hop(*result.group, *flow_key)) +
              "\n  (a packet with the A flag keeps the next hop its flow took before while it stays in the set)\n";
  }
  return answer;
}

std::string config(ControlTarget& target, bool json) {
  const ForwarderConfig running = running_config_with_statics(target);
  if (json) return format_config_yang_json(running);
  return "# dmsc-forwarder running configuration, loaded from " + target.config_origin() +
         "\n# static routes as they are now, those added with `route add` included\n" + format_config_lines(running);
}

std::string route_add(ControlTarget& target, const std::vector<std::string_view>& words, bool json) {
  if (words.size() < 4) return error_answer("usage: route add PREFIX FACE[:WEIGHT] ...", json);
  if (auto name = parse_name(words[2]); !name) return error_answer(name.error(), json);
  auto route = parse_static_route({words.begin() + 2, words.end()}, target.running_config());
  if (!route) return error_answer(route.error(), json);
  auto outcome = target.route_sources().set_static(route->prefix, route->next_hops);
  if (!outcome) return error_answer("route " + route->prefix.to_string() + ": " + outcome.error(), json);
  const char* what = *outcome == fib::UpdateOutcome::kAdded ? "added" : *outcome == fib::UpdateOutcome::kReplaced ? "replaced" : "unchanged";
  const fib::RouteSources::Static* statics = target.route_sources().find_static(route->prefix.view());
  const fib::NextHopSet& set = statics->next_hops;
  if (json)
    return "{\"route\":" + json_string(route->prefix.to_string()) + ",\"outcome\":\"" + what + "\",\"next_hops\":" +
           next_hop_set_json(set) + ",\"shadows\":" + (statics->shadowed ? next_hop_set_json(*statics->shadowed) : "null") + "}\n";
  std::string text = "static route " + route->prefix.to_string() + " " + what + ": " + next_hop_set_text(set);
  if (statics->shadowed) text += " (shadows the routing route " + next_hop_set_text(*statics->shadowed) + ")";
  return text + "\n";
}

std::string route_del(ControlTarget& target, const std::vector<std::string_view>& words, bool json) {
  if (words.size() != 3) return error_answer("usage: route del PREFIX", json);
  auto prefix = parse_name(words[2]);
  if (!prefix) return error_answer(prefix.error(), json);
  fib::RouteSources& sources = target.route_sources();
  const fib::RouteSources::Static* statics = sources.find_static(prefix->view());
  if (statics == nullptr) {
    const bool routed = target.fib_table().find(*prefix) != nullptr;
    return error_answer("no static route for " + prefix->to_string() +
                            (routed ? " (its route comes from dmsc-controld: change it there)" : ""),
                        json);
  }
  const std::optional<fib::NextHopSet> restored = statics->shadowed;
  sources.erase_static(*prefix);
  if (json)
    return "{\"route\":" + json_string(prefix->to_string()) + ",\"outcome\":\"deleted\",\"restored\":" +
           (restored ? next_hop_set_json(*restored) : "null") + "}\n";
  return "static route " + prefix->to_string() + " deleted" +
         (restored ? "; the routing route is back: " + next_hop_set_text(*restored) : std::string("; the prefix left the FIB")) +
         "\n";
}

std::unique_ptr<ControlAnswer> fib(ControlTarget& target, const std::vector<std::string_view>& words, bool json) {
  if (words.size() > 2) return text_answer(error_answer("usage: fib [PREFIX]", json));
  std::optional<fib::Name> under;
  if (words.size() == 2) {
    auto prefix = parse_name(words[1]);
    if (!prefix) return text_answer(error_answer(prefix.error(), json));
    under = std::move(*prefix);
  }
  return control::fib_answer(target, std::move(under), json);
}

}  // namespace

ForwarderConfig running_config_with_statics(ControlTarget& target) {
  ForwarderConfig running = target.running_config();
  running.routes.clear();
  for (const auto& [prefix, entry] : target.route_sources().statics()) running.routes.push_back({prefix, entry.next_hops});
  return running;
}

std::unique_ptr<ControlAnswer> run_control_command(ControlTarget& target, std::string_view command) {
  std::vector<std::string_view> words = split_words(command);
  const bool json = !words.empty() && words.back() == "json";
  if (json) words.pop_back();
  if (words.empty()) return text_answer(error_answer(std::string("no command; commands: ") + kCommands, json));
  const std::string_view verb = words[0];
  if (verb == "fib") return fib(target, words, json);
  if (verb == "lookup") return text_answer(lookup(target, words, json));
  if (verb == "config" && words.size() == 1) return text_answer(config(target, json));
  if (verb == "route" && words.size() >= 2 && words[1] == "add") return text_answer(route_add(target, words, json));
  if (verb == "route" && words.size() >= 2 && words[1] == "del") return text_answer(route_del(target, words, json));
  if (verb == "clear" && words.size() == 2 && words[1] == "stats") return text_answer(target.clear_stats(json));
  if (verb == "reload" && words.size() == 1) return target.reload(json);
  if (verb == "help" && words.size() == 1)
    return text_answer(json ? "{\"commands\":" + json_string(kCommands) + "}\n" : std::string("commands: ") + kCommands + "\n");
  return text_answer(error_answer("unknown command '" + std::string(command) + "'; commands: " + kCommands, json));
}

}  // namespace dmsc::dataplane
