// dmscctl's commands answered by the daemons over their sockets: the forwarder's control socket
// (dataplane/control_commands.hpp) and dmsc-controld's local API (control/show.hpp). Names and
// next hops are checked here first, so that a typo gets exit 2 and says why without a round trip.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string_view>

#include "control/api_client.hpp"
#include "dataplane/config_format.hpp"
#include "fib/name.hpp"
#include "tools/dmscctl.hpp"
#include "tools/local_api.hpp"

namespace dmsc::tools::ctl {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// A refused command: the forwarder answers "error: why" or {"error": "why", ...}.
bool refused(std::string_view answer) { return starts_with(answer, "error: ") || starts_with(answer, "{\"error\""); }

// dmsc-controld says so in its own words.
bool controld_refused(std::string_view answer) {
  return refused(answer) || starts_with(answer, "unknown command") || starts_with(answer, "reload refused") ||
         starts_with(answer, "{\"result\":\"refused\"");
}

std::string trimmed(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

int unreachable(const std::string& why) {
  std::fprintf(stderr,
               "dmscctl: dmsc-forwarder's control socket %s (is dmsc-forwarder running, and are you root? "
               "--forwarder-socket PATH, or --stats NAME for /run/NAME.sock, names another)\n",
               why.c_str());
  return kUnreachable;
}

// Prints a refusal: text to stderr, JSON as the daemon gave it to stdout. Exit 4.
int print_refusal(const Options& o, const char* daemon, const std::string& answer) {
  if (o.json) std::fputs(answer.c_str(), stdout);
  else std::fprintf(stderr, "dmscctl: %s: %s\n", daemon, trimmed(starts_with(answer, "error: ") ? answer.substr(7) : answer).c_str());
  return kRefused;
}

// Sends `command` to the forwarder and streams its answer to stdout (a FIB listing may be
// large); exit 4 when it refuses.
int ask_forwarder(const Options& o, std::string command) {
  if (o.json) command += " json";
  std::string head;
  bool decided = false, refusal = false;
  const auto decide = [&] {
    decided = true;
    refusal = refused(head);
    if (!refusal) std::fwrite(head.data(), 1, head.size(), stdout);
  };
  Status status = ask_local_api(forwarder_socket(o), command, [&](std::string_view part) {
    if (decided && !refusal) {
      std::fwrite(part.data(), 1, part.size(), stdout);
      return;
    }
    head += part;
    if (!decided && head.size() >= 16) decide();
  });
  if (!status) return unreachable(status.error());
  if (!decided) decide();
  return refusal ? print_refusal(o, "dmsc-forwarder", head) : kOk;
}

Expected<std::string> forwarder_answer(const Options& o, std::string command) {
  if (o.json) command += " json";
  auto answer = ask_local_api(forwarder_socket(o), command);
  if (!answer) return Error{answer.error()};
  return answer;
}

// Exit 2 and why, for a name or prefix that does not parse.
bool check_name(const std::string& text) {
  auto name = fib::Name::parse(text);
  if (name) return true;
  std::string why = name.error();
  // "bad name "/a//b" at offset 3: empty component ('//')" -> "empty component ('//') at offset 3"
  if (const std::size_t at = why.find(" at offset "); at != std::string::npos && starts_with(why, "bad name ")) {
    if (const std::size_t colon = why.find(": ", at); colon != std::string::npos)
      why = why.substr(colon + 2) + " (" + why.substr(at + 1, colon - at - 1) + ")";
  }
  std::fprintf(stderr, "dmscctl: '%s' is not a name: %s\n", text.c_str(), why.c_str());
  return false;
}

template <typename Integer>
bool parse_number(std::string_view text, Integer min, Integer max, Integer& out) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2), base = 16;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return !text.empty() && error == std::errc() && end == text.data() + text.size() && out >= min && out <= max;
}

bool check_next_hop(const std::string& text) {
  const std::size_t colon = text.find(':');
  std::uint32_t face = 0, weight = 1;
  const bool face_ok = parse_number<std::uint32_t>(std::string_view(text).substr(0, colon), 1, 4095, face);
  const bool weight_ok = colon == std::string::npos ||
                         parse_number<std::uint32_t>(std::string_view(text).substr(colon + 1), 1, 65535, weight);
  if (face_ok && weight_ok) return true;
  std::fprintf(stderr, "dmscctl: '%s' is not a next hop: write FACE[:WEIGHT], face 1-4095, weight 1-65535\n", text.c_str());
  return false;
}

// dmsc-controld's answer to `command`, or why there is none; `exit` says which.
std::string controld_answer(const Options& o, const std::string& command, int& exit) {
  auto answer = control::ask_controld(o.controld_socket, o.json ? command + " json" : command);
  if (!answer) {
    exit = kUnreachable;
    return answer.error() + " (is dmsc-controld running? --controld-socket PATH names another)";
  }
  exit = controld_refused(*answer) ? kRefused : kOk;
  return *answer;
}

}  // namespace

std::string forwarder_socket(const Options& o) {
  return o.forwarder_socket.empty() ? dataplane::default_control_socket(o.stats) : o.forwarder_socket;
}

int ask_controld(const Options& o, std::string command) {
  int exit = kOk;
  const std::string answer = controld_answer(o, command, exit);
  if (exit == kUnreachable) {
    std::fprintf(stderr, "dmscctl: %s\n", answer.c_str());
    return exit;
  }
  if (exit == kRefused) return print_refusal(o, "dmsc-controld", answer);
  std::fwrite(answer.data(), 1, answer.size(), stdout);
  return kOk;
}

int show_fib(const Options& o, const std::string& prefix) {
  if (!prefix.empty() && !check_name(prefix)) return kUsage;
  // Without the control socket (not running, or not root: it is mode 0600), the stats segment
  // still has the summary.
  const int exit = ask_forwarder(o, prefix.empty() ? "fib" : "fib " + prefix);
  if (exit != kUnreachable) return exit;
  std::fprintf(stderr, "dmscctl: the summary from the stats segment instead; the entries need the control socket\n");
  show_fib_summary(o);
  return kUnreachable;
}

int fib_lookup(const Options& o, const std::string& name, const std::string& flow_key) {
  if (!check_name(name)) return kUsage;
  std::uint32_t key = 0;
  if (!flow_key.empty() && !parse_number<std::uint32_t>(flow_key, 0, 0xffffffffu, key)) {
    std::fprintf(stderr, "dmscctl: '%s' is not a flow key: give 0-4294967295 or 0x0-0xffffffff\n", flow_key.c_str());
    return kUsage;
  }
  auto answer = forwarder_answer(o, "lookup " + name + (flow_key.empty() ? "" : " flow " + flow_key));
  if (!answer) return unreachable(answer.error());
  if (refused(*answer)) return print_refusal(o, "dmsc-forwarder", *answer);
  std::fputs(answer->c_str(), stdout);
  const bool no_route = starts_with(*answer, "no route for ") || answer->find("\"matched\":false") != std::string::npos;
  return no_route ? kNoRoute : kOk;
}

int show_config(const Options& o, const std::string& which) {
  const bool forwarder = which != "controld", controld = which != "forwarder";
  int worst = kOk;
  std::string forwarder_part, controld_part;
  if (forwarder) {
    auto answer = forwarder_answer(o, "config");
    if (!answer) {
      unreachable(answer.error());
      worst = kUnreachable;
      forwarder_part = o.json ? "{\"error\":" + dataplane::json_string(answer.error()) + "}" : "error: " + answer.error() + "\n";
    } else {
      if (refused(*answer)) worst = kRefused;
      forwarder_part = *answer;
    }
  }
  if (controld) {
    int exit = kOk;
    controld_part = controld_answer(o, "config", exit);
    if (exit == kUnreachable) std::fprintf(stderr, "dmscctl: %s\n", controld_part.c_str());
    // Not JSON when it refused or is not there: said in JSON.
    if (exit != kOk && (o.json || exit == kUnreachable))
      controld_part = o.json ? "{\"error\":" + dataplane::json_string(trimmed(controld_part)) + "}" : "error: " + controld_part + "\n";
    worst = std::max(worst, exit);
  }
  if (o.json) {
    std::printf("{");
    if (forwarder) std::printf("\"forwarder\":%s", trimmed(forwarder_part).c_str());
    if (controld) std::printf("%s\"controld\":%s", forwarder ? ",\n" : "", trimmed(controld_part).c_str());
    std::printf("}\n");
    return worst;
  }
  if (forwarder) std::printf("# --- dmsc-forwarder (%s) ---\n%s", forwarder_socket(o).c_str(), forwarder_part.c_str());
  if (forwarder && controld) std::printf("\n");
  if (controld) std::printf("# --- dmsc-controld (%s) ---\n%s", o.controld_socket.c_str(), controld_part.c_str());
  return worst;
}

int route_add(const Options& o, const std::vector<std::string>& words) {
  if (!check_name(words[0])) return kUsage;
  std::string command = "route add " + words[0];
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (!check_next_hop(words[i])) return kUsage;
    command += " " + words[i];
  }
  return ask_forwarder(o, command);
}

int route_del(const Options& o, const std::string& prefix) {
  if (!check_name(prefix)) return kUsage;
  return ask_forwarder(o, "route del " + prefix);
}

int clear_stats(const Options& o) { return ask_forwarder(o, "clear stats"); }

int reload(const Options& o, const std::string& which) {
  if (which == "controld") return ask_controld(o, "reload");
  return ask_forwarder(o, "reload");
}

}  // namespace dmsc::tools::ctl
