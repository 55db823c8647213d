#include "tools/spf_frr_probe.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace dmsc::tools {

namespace {

double steady_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Each poll starts a vtysh or a `dmsc-controld show`: not too often, as they take CPU from the
// daemon whose SPF runs (the daemons answer only after the run, single-threaded as both are).
constexpr double kPollInterval = 0.05;

void sleep_for(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

// The text after "LABEL" up to the end of its line, searching from `from`.
std::optional<std::string> value_after(const std::string& text, const std::string& label, std::size_t from) {
  const std::size_t at = text.find(label, from);
  if (at == std::string::npos) return std::nullopt;
  const std::size_t start = at + label.size();
  return text.substr(start, text.find('\n', start) - start);
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++count;
  return count;
}

// utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat).
std::optional<std::uint64_t> cpu_ticks(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (pid <= 0 || !std::getline(file, text)) return std::nullopt;
  std::istringstream fields(text.substr(text.rfind(')') + 2));  // the name may hold spaces
  std::string field;
  std::uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 13; ++i) fields >> field;  // state .. cmajflt
  if (!(fields >> utime >> stime)) return std::nullopt;
  return utime + stime;
}

}  // namespace

std::optional<FrrSpf> parse_frr_summary(const std::string& text) {
  // 8.4.4:  "  Level-2:" ... "    IPv4 route computation:" / "      last run elapsed  : 00:00:03 ago" /
  //         "      last run duration : 316 usec" / "      run count         : 3"
  const std::size_t level2 = text.find("Level-2:");
  if (level2 == std::string::npos) return std::nullopt;
  const std::size_t ipv4 = text.find("IPv4 route computation:", level2);
  if (ipv4 == std::string::npos) return std::nullopt;
  const auto duration = value_after(text, "last run duration :", ipv4);
  const auto runs = value_after(text, "run count         :", ipv4);
  if (!duration || !runs) return std::nullopt;
  FrrSpf spf;
  spf.duration_us = std::strtoull(duration->c_str(), nullptr, 10);
  spf.runs = std::strtoull(runs->c_str(), nullptr, 10);
  return spf;
}

std::optional<std::size_t> parse_frr_lsp_count(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  std::optional<std::size_t> count;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::size_t n = 0;
    std::string word, rest;
    if (words >> n >> word && word == "LSPs" && !(words >> rest)) count = n;
  }
  return count;
}

std::optional<std::uint64_t> json_number(const std::string& text, const std::string& key, bool last) {
  const std::string pattern = "\"" + key + "\":";
  const std::size_t at = last ? text.rfind(pattern) : text.find(pattern);
  if (at == std::string::npos) return std::nullopt;
  return std::strtoull(text.c_str() + at + pattern.size(), nullptr, 10);
}

std::optional<FrrSpf> read_frr_spf(NetnsLab& lab) {
  const auto text = lab.vtysh("frr", "show isis summary");
  if (!text) return std::nullopt;
  return parse_frr_summary(*text);
}

std::optional<std::uint64_t> read_dmsc_spf_runs(NetnsLab& lab) {
  const auto text = lab.controld_show("dmsc", "counters json");
  if (!text) return std::nullopt;
  return json_number(*text, "spf_runs");
}

std::string frr_version_line(NetnsLab& lab) {
  const auto text = lab.vtysh("frr", "show version");
  if (!text) return "FRR (version unknown)";
  const std::size_t start = text->find("FRRouting");
  if (start == std::string::npos) return "FRR (version unknown)";
  std::string line = text->substr(start, text->find('\n', start) - start);
  while (!line.empty() && (line.back() == '.' || line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

Expected<FrrSpf> wait_frr_spf(NetnsLab& lab, std::uint64_t runs, double timeout) {
  const double deadline = steady_now() + timeout;
  while (steady_now() < deadline && !interrupted()) {
    const auto frr = read_frr_spf(lab);
    if (frr && frr->runs > runs) return *frr;
    sleep_for(kPollInterval);
  }
  return Error{"FRR ran no SPF within " + std::to_string(timeout) + " s"};
}

Expected<DmscSpf> wait_dmsc_spf(NetnsLab& lab, std::uint64_t runs, double timeout) {
  const double deadline = steady_now() + timeout;
  while (steady_now() < deadline && !interrupted()) {
    const auto before = read_dmsc_spf_runs(lab);
    if (!before || *before <= runs) {
      sleep_for(kPollInterval);
      continue;
    }
    const auto log = lab.controld_show("dmsc", "spf-log json");
    const auto after = read_dmsc_spf_runs(lab);
    if (!log || !after) return Error{"cannot read dmsc-controld's SPF log"};
    DmscSpf spf;
    spf.runs = *after;
    spf.duration_us = json_number(*log, "duration_us", true).value_or(0);
    spf.nodes = json_number(*log, "nodes", true).value_or(0);
    spf.routes = json_number(*log, "routes", true).value_or(0);
    const std::string key = "\"trigger\":\"";
    const std::size_t trigger = log->rfind(key);
    if (trigger != std::string::npos) {
      const std::size_t start = trigger + key.size();
      spf.trigger = log->substr(start, log->find('"', start) - start);
    }
    return spf;
  }
  return Error{"dmsc-controld ran no SPF within " + std::to_string(timeout) + " s"};
}

Status wait_spf_quiet(NetnsLab& lab, double quiet, double timeout) {
  const double deadline = steady_now() + timeout;
  std::optional<FrrSpf> frr = read_frr_spf(lab);
  std::optional<std::uint64_t> dmsc = read_dmsc_spf_runs(lab);
  double since = steady_now();
  while (steady_now() < deadline && !interrupted()) {
    sleep_for(0.2);
    const auto frr_now = read_frr_spf(lab);
    const auto dmsc_now = read_dmsc_spf_runs(lab);
    if (!frr_now || !dmsc_now) return Error{"cannot read the daemons' SPF state"};
    if (!frr || !dmsc || frr_now->runs != frr->runs || *dmsc_now != *dmsc) {
      frr = frr_now;
      dmsc = dmsc_now;
      since = steady_now();
    } else if (steady_now() - since >= quiet) {
      return ok_status();
    }
  }
  return Error{"the daemons kept running SPFs for " + std::to_string(timeout) + " s"};
}

Status wait_frr_idle(NetnsLab& lab, double quiet, double timeout) {
  const pid_t isisd = lab.frr_pid("frr", "isisd"), zebra = lab.frr_pid("frr", "zebra");
  auto busy = [&]() -> std::optional<std::uint64_t> {
    const auto a = cpu_ticks(isisd), b = cpu_ticks(zebra);
    if (!a || !b) return std::nullopt;
    return *a + *b;
  };
  const double deadline = steady_now() + timeout;
  auto last = busy();
  double since = steady_now();
  while (steady_now() < deadline && !interrupted()) {
    sleep_for(0.05);
    const auto now = busy();
    if (!now) return Error{"cannot read isisd's and zebra's CPU time"};
    if (!last || *now != *last) {
      last = now;
      since = steady_now();
    } else if (steady_now() - since >= quiet) {
      return ok_status();
    }
  }
  return Error{"isisd or zebra still busy after " + std::to_string(timeout) + " s"};
}

Status check_lsdbs(NetnsLab& lab, std::size_t expected) {
  const double deadline = steady_now() + 30;
  std::string last;
  while (!interrupted()) {
    const auto frr_text = lab.vtysh("frr", "show isis database", 120);
    const auto dmsc_text = lab.controld_show("dmsc", "lsdb json", 120);
    constexpr std::size_t kUnknown = static_cast<std::size_t>(-1);
    const std::size_t frr = frr_text ? parse_frr_lsp_count(*frr_text).value_or(kUnknown) : kUnknown;
    const std::size_t dmsc = dmsc_text ? count_of(*dmsc_text, "\"purged\":false") : 0;
    last = "FRR lists " + (frr != kUnknown ? std::to_string(frr) : std::string("?")) + ", dmsc-controld " +
           std::to_string(dmsc) + " live LSPs; expected " + std::to_string(expected);
    if (frr == expected && dmsc == expected) {
      lab_log("%s", last.c_str());
      return ok_status();
    }
    if (steady_now() > deadline) break;
    sleep_for(1);
  }
  return Error{last};
}

}  // namespace dmsc::tools
