#pragma once
// What bench_spf_frr reads from the two daemons: FRR's SPF run count and last run duration
// (`show isis summary`, text: FRR 8.4's JSON is fine here but the text is what operators see),
// its LSP count (`show isis database`, text: the JSON of 8.4 loses all LSPs but one),
// dmsc-controld's SPF runs (`show counters json`) and last run (`show spf-log json`) and its LSP
// count (`show lsdb json`). The lab instances are named "frr" and "dmsc".
#include <cstdint>
#include <optional>
#include <string>

#include "fib/expected.hpp"
#include "tools/netns_lab.hpp"

namespace dmsc::tools {

struct FrrSpf {
  std::uint64_t runs = 0;         // "run count" of the Level-2 IPv4 route computation
  std::uint64_t duration_us = 0;  // "last run duration : N usec"
};
// From `show isis summary` text.
std::optional<FrrSpf> parse_frr_summary(const std::string& text);
// The "    N LSPs" line of `show isis database` text.
std::optional<std::size_t> parse_frr_lsp_count(const std::string& text);
// The number after "\"KEY\":" in a JSON text (flat search; the first occurrence, or the last).
std::optional<std::uint64_t> json_number(const std::string& text, const std::string& key, bool last = false);

std::optional<FrrSpf> read_frr_spf(NetnsLab& lab);
std::optional<std::uint64_t> read_dmsc_spf_runs(NetnsLab& lab);
std::string frr_version_line(NetnsLab& lab);

struct DmscSpf {
  std::uint64_t runs = 0;         // spf_runs after the log was read: if it moved past the run
                                  // waited for, the log's last run may be a later one
  std::uint64_t duration_us = 0;  // of its last run
  std::string trigger;
  std::size_t nodes = 0;
  std::size_t routes = 0;
};
// Wait until FRR (dmsc-controld) ran an SPF after `runs` runs, then read its last run: FRR's
// from one summary, dmsc-controld's from its spf-log bracketed by two counter readings.
Expected<FrrSpf> wait_frr_spf(NetnsLab& lab, std::uint64_t runs, double timeout);
Expected<DmscSpf> wait_dmsc_spf(NetnsLab& lab, std::uint64_t runs, double timeout);
// Waits until neither daemon ran an SPF for `quiet` seconds.
Status wait_spf_quiet(NetnsLab& lab, double quiet, double timeout);
// Waits until FRR's isisd and zebra used no CPU time for `quiet` seconds (/proc/PID/stat).
Status wait_frr_idle(NetnsLab& lab, double quiet, double timeout);
// Both hold exactly `expected` live LSPs (retried for a while: the last acknowledgements may
// precede the daemons' bookkeeping).
Status check_lsdbs(NetnsLab& lab, std::size_t expected);

}  // namespace dmsc::tools
