// `fib [PREFIX]`: the FIB listed from the writer's side of the table, 256 buckets (about 900
// entries of a full table) a part, so that a million entries never hold the service loop for
// long (control_socket.hpp). Up to kSortedFibEntries entries come sorted by prefix; past that
// the listing streams out in table order as the walk finds the entries, and says so.
#include <algorithm>
#include <cstring>

#include "dataplane/config_format.hpp"
#include "dataplane/control_format.hpp"

namespace dmsc::dataplane::control {
namespace {

constexpr std::size_t kBucketsPerPart = 256;

class FibAnswer final : public ControlAnswer {
 public:
  FibAnswer(ControlTarget& target, std::optional<fib::Name> under, bool json)
      : target_(target), under_(std::move(under)), json_(json) {}

  Progress next(std::string& out) override {
    if (!started_) {
      started_ = true;
      out += header();
      return Progress::kMore;
    }
    const fib::Table& table = target_.fib_table();
    position_ = table.for_each_entry(position_, kBucketsPerPart, [&](const fib::EntryView& entry) { visit(entry, out); });
    if (position_ < table.walk_end()) return Progress::kMore;
    std::sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) { return a.prefix < b.prefix; });
    for (const Row& row : rows_) emit(row, out);
    out += trailer();
    return Progress::kDone;
  }

 private:
  struct Row {
    std::string prefix;
    std::size_t depth;
    fib::NextHopSet next_hops;
    fib::RouteSource source;
    std::optional<fib::RouteSources::Static> statics;
  };

  std::string header() const {
    const fib::TableStats stats = target_.fib_table().stats();
    const std::size_t capacity = target_.fib_table().config().capacity;
    const std::size_t statics = target_.route_sources().statics().size();
    if (json_) {
      // The summary's keys at the top, as `dmscctl show fib --json` gave them before it listed entries.
      return "{\"prefixes\":" + std::to_string(stats.prefixes) + ",\"capacity\":" + std::to_string(capacity) +
             ",\"next_hop_groups\":" + std::to_string(stats.next_hop_groups) + ",\"memory_bytes\":" +
             std::to_string(stats.memory_bytes) + ",\"static_routes\":" + std::to_string(statics) + ",\"under\":" +
             (under_ ? json_string(under_->to_string()) : std::string("null")) + ",\"entries\":[";
    }
    char memory[32];
    std::snprintf(memory, sizeof memory, "%.1f MiB", static_cast<double>(stats.memory_bytes) / (1 << 20));
    std::string text = "Codes: S static, R routing (dmsc-controld, over the channel)\n";
    text += "FIB: " + std::to_string(stats.prefixes) + " prefixes of capacity " + std::to_string(capacity) + ", " +
            std::to_string(stats.next_hop_groups) + " next-hop groups, " + memory + "; " + std::to_string(statics) +
            " static routes\n";
    if (under_) text += "Entries at or under " + under_->to_string() + ":\n";
    return text + "\n";
  }

  std::string trailer() const {
    const std::string where = under_ ? " at or under " + under_->to_string() : "";
    if (json_) return std::string("],\"count\":") + std::to_string(count_) + ",\"sorted\":" + (streaming_ ? "false" : "true") + "}\n";
    if (count_ == 0) return "\nno entry" + where + "\n";
    std::string text = "\n";
    text += std::to_string(count_) + (count_ == 1 ? " entry" : " entries") + where;
    if (streaming_) text += " (more than " + std::to_string(kSortedFibEntries) + ": listed in table order, not sorted)";
    return text + "\n";
  }

  void visit(const fib::EntryView& entry, std::string& out) {
    if (under_) {
      const fib::NameView prefix = under_->view();
      if (entry.prefix.length < prefix.length || std::memcmp(entry.prefix.bytes, prefix.bytes, prefix.length) != 0) return;
    }
    ++count_;
    const fib::RouteSources::Static* statics = target_.route_sources().find_static(entry.prefix);
    Row row{fib::Name::from_wire({entry.prefix.bytes, entry.prefix.length})->to_string(), entry.depth,
            entry.group->set, statics ? fib::RouteSource::kStatic : fib::RouteSource::kRouting, std::nullopt};
    if (statics != nullptr) row.statics = *statics;
    if (streaming_) return emit(row, out);
    rows_.push_back(std::move(row));
    if (rows_.size() <= kSortedFibEntries) return;
    // Too many to hold and sort: from here on, in table order.
    streaming_ = true;
    for (const Row& held : rows_) emit(held, out);
    rows_.clear();
    rows_.shrink_to_fit();
  }

  void emit(const Row& row, std::string& out) {
    const fib::RouteSources::Static* statics = row.statics ? &*row.statics : nullptr;
    if (json_) {
      if (emitted_++ != 0) out += ',';
      out += entry_json(target_, row.prefix, row.depth, row.source, row.next_hops, statics);
    } else {
      out += entry_text(target_, row.prefix, row.source, row.next_hops, statics);
    }
  }

  ControlTarget& target_;
  std::optional<fib::Name> under_;
  bool json_;
  bool started_ = false;
  bool streaming_ = false;
  std::size_t position_ = 0;
  std::size_t count_ = 0;
  std::size_t emitted_ = 0;
  std::vector<Row> rows_;
};

}  // namespace

std::unique_ptr<ControlAnswer> fib_answer(ControlTarget& target, std::optional<fib::Name> under, bool json) {
  return std::make_unique<FibAnswer>(target, std::move(under), json);
}

}  // namespace dmsc::dataplane::control
