#include "fib/route_sources.hpp"

namespace dmsc::fib {
namespace {

// Wrap-safe, as Table::erase_older_than compares generations.
bool older(std::uint32_t stamp, std::uint32_t generation) { return static_cast<std::int32_t>(stamp - generation) < 0; }

NextHopSet sorted(NextHopSet set) {
  set.sort();
  return set;
}

}  // namespace

const char* route_source_name(RouteSource source) { return source == RouteSource::kStatic ? "static" : "routing"; }

const RouteSources::Static* RouteSources::find_static(NameView prefix) const {
  const auto it = statics_.find(prefix);
  return it == statics_.end() ? nullptr : &it->second;
}

Expected<UpdateOutcome> RouteSources::set_static(const Name& prefix, const NextHopSet& next_hops) {
  const auto it = statics_.find(prefix);
  if (it != statics_.end()) {
    auto outcome = table_.insert(prefix, next_hops);
    if (!outcome) return Error{outcome.error()};
    const bool same = it->second.next_hops == sorted(next_hops);
    it->second.next_hops = sorted(next_hops);
    return same ? UpdateOutcome::kUnchanged : UpdateOutcome::kReplaced;
  }
  // Whatever the table holds for a prefix without a static route came from the channel.
  Static entry{sorted(next_hops), std::nullopt, 0};
  if (const NextHopGroup* channel_route = table_.find(prefix)) {
    entry.shadowed = channel_route->set;
    entry.shadowed_generation = table_.generation_of(prefix).value_or(table_.generation());
  }
  auto outcome = table_.insert(prefix, next_hops);
  if (!outcome) return Error{outcome.error()};
  statics_.emplace(prefix, entry);
  return UpdateOutcome::kAdded;
}

bool RouteSources::erase_static(const Name& prefix) {
  const auto it = statics_.find(prefix);
  if (it == statics_.end()) return false;
  const Static entry = it->second;
  statics_.erase(it);
  if (!entry.shadowed) {
    table_.erase(prefix);
    return true;
  }
  // The channel's route returns with the generation it was sent in, so that a resync in
  // progress that does not re-send it still sweeps it at its end.
  const std::uint32_t generation = table_.generation();
  table_.set_generation(entry.shadowed_generation);
  // Replacing the next hops of an entry in place cannot meet a full FIB.
  (void)table_.insert(prefix, *entry.shadowed);
  table_.set_generation(generation);
  return true;
}

void RouteSources::on_resync_begin() { table_.set_generation(table_.generation() + 1); }

Status RouteSources::on_route(NameView prefix, const NextHopSet& next_hops) {
  if (!statics_.empty()) {
    if (const auto it = statics_.find(prefix); it != statics_.end()) {
      it->second.shadowed = sorted(next_hops);
      it->second.shadowed_generation = table_.generation();
      return ok_status();
    }
  }
  Expected<Name> name = Name::from_wire({prefix.bytes, prefix.length});
  if (!name) return Error{name.error()};
  Expected<UpdateOutcome> outcome = table_.insert(*name, next_hops);
  if (!outcome) return Error{"route " + name->to_string() + ": " + outcome.error()};
  return ok_status();
}

void RouteSources::on_delete(NameView prefix) {
  if (!statics_.empty()) {
    if (const auto it = statics_.find(prefix); it != statics_.end()) {
      it->second.shadowed.reset();
      return;
    }
  }
  Expected<Name> name = Name::from_wire({prefix.bytes, prefix.length});
  if (name) table_.erase(*name);
}

void RouteSources::on_resync_end() {
  const std::uint32_t generation = table_.generation();
  for (auto& [prefix, entry] : statics_) {
    // A channel route this resync did not re-send is gone from the daemon's routes.
    if (entry.shadowed && older(entry.shadowed_generation, generation)) entry.shadowed.reset();
    // Stamped with this generation, so that the sweep below leaves it alone.
    (void)table_.insert(prefix, entry.next_hops);
  }
  swept_last_ = table_.erase_older_than(generation);
}

}  // namespace dmsc::fib
