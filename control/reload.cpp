#include "control/reload.hpp"

#include <unordered_map>

#include "control/text_format.hpp"

namespace dmsc::control {

namespace {

bool same_key(const lsa::AuthKey& a, const lsa::AuthKey& b) {
  return a.mode == b.mode && a.secret == b.secret && a.key_id == b.key_id;
}

// Entries of `before` and `after` matched by key: added, removed, and changed (new value).
template <typename Entry, typename KeyOf>
void compare_lists(const std::vector<Entry>& before, const std::vector<Entry>& after, KeyOf key_of,
                   std::vector<Entry>& added, std::vector<Entry>& removed, std::vector<Entry>& changed) {
  std::unordered_map<std::string, const Entry*> old_entries, new_entries;
  for (const Entry& entry : before) old_entries.emplace(key_of(entry), &entry);
  for (const Entry& entry : after) new_entries.emplace(key_of(entry), &entry);
  for (const Entry& entry : after) {
    const auto found = old_entries.find(key_of(entry));
    if (found == old_entries.end()) added.push_back(entry);
    else if (!(*found->second == entry)) changed.push_back(entry);
  }
  for (const Entry& entry : before)
    if (!new_entries.contains(key_of(entry))) removed.push_back(entry);
}

void compare_circuits(const std::vector<CircuitConfig>& before, const std::vector<CircuitConfig>& after,
                      std::vector<std::string>& changes) {
  const auto find = [](const std::vector<CircuitConfig>& circuits, const std::string& interface) -> const CircuitConfig* {
    for (const CircuitConfig& circuit : circuits)
      if (circuit.interface == interface) return &circuit;
    return nullptr;
  };
  bool same_set = before.size() == after.size();
  for (const CircuitConfig& a : before) {
    const CircuitConfig* b = find(after, a.interface);
    const std::string name = "circuit " + a.interface;
    if (b == nullptr) {
      changes.push_back(name + " removed");
      same_set = false;
      continue;
    }
    if (a.metric != b->metric) changes.push_back(name + " metric");
    if (a.face != b->face) changes.push_back(name + " face");
    if (a.ipv4 != b->ipv4) changes.push_back(name + " ipv4");
    if (a.hello_interval != b->hello_interval) changes.push_back(name + " hello-interval");
    if (a.hello_multiplier != b->hello_multiplier) changes.push_back(name + " hello-multiplier");
    if (!same_key(a.hello_auth, b->hello_auth)) changes.push_back(name + " auth");
    if (a.pad_hellos != b->pad_hellos) changes.push_back(name + " padding");
  }
  for (const CircuitConfig& b : after)
    if (find(before, b.interface) == nullptr) changes.push_back("circuit " + b.interface + " added");
  // Circuits are numbered in file order (sockets, extended circuit ids).
  if (same_set)
    for (std::size_t i = 0; i < before.size(); ++i)
      if (before[i].interface != after[i].interface) {
        changes.push_back("circuit order");
        break;
      }
}

std::string service_prefix_json(const lsa::ServicePrefix& prefix) {
  return "{\"name\":" + json_string(prefix.name.to_string()) + ",\"metric\":" + std::to_string(prefix.metric) +
         ",\"anycast\":" + (prefix.anycast() ? "true" : "false") + "}";
}

std::string ip_prefix_json(const lsa::IpReach& reach) {
  return "{\"prefix\":" + json_string(ip_prefix_text(reach)) + ",\"metric\":" + std::to_string(reach.metric) + "}";
}

std::string originated_json(const std::vector<lsa::ServicePrefix>& names, const std::vector<lsa::IpReach>& prefixes) {
  std::vector<std::string> name_entries, prefix_entries;
  for (const lsa::ServicePrefix& name : names) name_entries.push_back(service_prefix_json(name));
  for (const lsa::IpReach& reach : prefixes) prefix_entries.push_back(ip_prefix_json(reach));
  return "{\"service_prefixes\":[" + join(name_entries, ",") + "],\"ip_prefixes\":[" + join(prefix_entries, ",") + "]}";
}

}  // namespace

OriginatedChanges compare_originated(const InstanceConfig& before, const InstanceConfig& after) {
  OriginatedChanges changes;
  compare_lists(
      before.service_prefixes, after.service_prefixes, [](const lsa::ServicePrefix& p) { return p.name.to_string(); },
      changes.names_added, changes.names_removed, changes.names_changed);
  compare_lists(
      before.ip_prefixes, after.ip_prefixes, [](const lsa::IpReach& r) { return ip_prefix_text(r); },
      changes.prefixes_added, changes.prefixes_removed, changes.prefixes_changed);
  return changes;
}

// Every configurable field of DaemonConfig but the originated lists: a field added there
// belongs here too (tests/control/reload_test.cpp changes each one).
std::vector<std::string> restart_changes(const DaemonConfig& running, const DaemonConfig& loaded) {
  const InstanceConfig& a = running.instance;
  const InstanceConfig& b = loaded.instance;
  std::vector<std::string> changes;
  const auto note = [&changes](bool differs, const char* statement) {
    if (differs) changes.emplace_back(statement);
  };
  note(a.system_id != b.system_id, "system-id");
  note(a.areas != b.areas, "area");
  note(a.hostname != b.hostname, "hostname");
  note(a.router_id != b.router_id, "router-id");
  note(a.overload != b.overload, "overload");
  note(!same_key(a.lsp_auth, b.lsp_auth), "lsp-auth");
  note(a.snp_auth != b.snp_auth, "snp-auth");
  note(a.service_application_id != b.service_application_id, "application-id");
  note(a.lsp_mtu != b.lsp_mtu, "lsp-mtu");
  compare_circuits(a.circuits, b.circuits, changes);
  const auto timers_before = timer_values(a.timers);
  const auto timers_after = timer_values(b.timers);
  for (std::size_t i = 0; i < timers_before.size(); ++i)
    if (timers_before[i].seconds != timers_after[i].seconds) changes.push_back("timer " + std::string(timers_before[i].name));
  note(running.channel != loaded.channel, "channel");
  note(running.state_file != loaded.state_file, "state-file");
  return changes;
}

ReloadOutcome plan_reload(const DaemonConfig& running, const DaemonConfig& loaded) {
  ReloadOutcome outcome;
  outcome.applied = true;
  outcome.originated = compare_originated(running.instance, loaded.instance);
  outcome.service_prefixes = loaded.instance.service_prefixes.size();
  outcome.ip_prefixes = loaded.instance.ip_prefixes.size();
  outcome.restart_needed = restart_changes(running, loaded);
  return outcome;
}

ReloadOutcome refused_reload(std::string error) {
  ReloadOutcome outcome;
  outcome.error = std::move(error);
  return outcome;
}

std::vector<ReloadLine> describe_reload(const ReloadOutcome& outcome) {
  if (!outcome.applied) return {{LogLevel::kError, "reload refused, the running configuration stays: " + outcome.error}};
  const OriginatedChanges& o = outcome.originated;
  std::string head = "reload applied: ";
  const std::string originating = "originating " + std::to_string(outcome.service_prefixes) + " service prefix(es) and " +
                                  std::to_string(outcome.ip_prefixes) + " IP prefix(es)";
  if (o.empty() && outcome.restart_needed.empty()) head += "nothing changed; " + originating;
  else if (o.empty()) head += "what is originated is unchanged (" + originating + ")";
  else
    head += "now " + originating + " (" + std::to_string(o.names_added.size() + o.prefixes_added.size()) + " added, " +
            std::to_string(o.names_removed.size() + o.prefixes_removed.size()) + " removed, " +
            std::to_string(o.names_changed.size() + o.prefixes_changed.size()) + " changed)";
  if (!outcome.restart_needed.empty())
    head += "; " + std::to_string(outcome.restart_needed.size()) + " change(s) wait for a restart";
  std::vector<ReloadLine> lines{{LogLevel::kInfo, head}};
  const auto list = [&lines](const char* what, const auto& entries, auto statement) {
    for (const auto& entry : entries) lines.push_back({LogLevel::kInfo, std::string(what) + " " + statement(entry)});
  };
  list("added", o.names_added, service_prefix_statement);
  list("added", o.prefixes_added, ip_prefix_statement);
  list("removed", o.names_removed, service_prefix_statement);
  list("removed", o.prefixes_removed, ip_prefix_statement);
  list("changed", o.names_changed, service_prefix_statement);
  list("changed", o.prefixes_changed, ip_prefix_statement);
  for (const std::string& what : outcome.restart_needed) lines.push_back({LogLevel::kWarning, "waits for a restart: " + what});
  return lines;
}

std::string format_reload(const ReloadOutcome& outcome, bool json) {
  if (!json) {
    std::string text;
    for (const ReloadLine& line : describe_reload(outcome)) {
      if (!text.empty()) text += "  ";  // the details under the outcome
      text += line.text;
      text += "\n";
    }
    return text;
  }
  if (!outcome.applied) return "{\"result\":\"refused\",\"error\":" + json_string(outcome.error) + "}\n";
  const OriginatedChanges& o = outcome.originated;
  std::string text = "{\"result\":\"applied\",\"service_prefixes\":" + std::to_string(outcome.service_prefixes) +
                     ",\"ip_prefixes\":" + std::to_string(outcome.ip_prefixes) +
                     ",\"added\":" + originated_json(o.names_added, o.prefixes_added) +
                     ",\"removed\":" + originated_json(o.names_removed, o.prefixes_removed) +
                     ",\"changed\":" + originated_json(o.names_changed, o.prefixes_changed) + ",\"restart_needed\":[";
  std::vector<std::string> restart;
  for (const std::string& what : outcome.restart_needed) restart.push_back(json_string(what));
  return text + join(restart, ",") + "]}\n";
}

}  // namespace dmsc::control
