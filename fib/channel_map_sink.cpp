#include "fib/channel_map_sink.hpp"

namespace dmsc::fib {
namespace {

Name name_of(NameView prefix) {
  // The consumer validated the bytes; from_wire only fails on a bad name.
  return std::move(*Name::from_wire({prefix.bytes, prefix.length}));
}

}  // namespace

Status MapSink::on_route(NameView prefix, const NextHopSet& next_hops) {
  entries_[name_of(prefix)] = Entry{next_hops, generation_};
  return ok_status();
}

void MapSink::on_delete(NameView prefix) {
  const Name name = name_of(prefix);
  if (entries_.erase(name) != 0) removed(name);
}

void MapSink::on_resync_end() {
  swept_last_ = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.generation < generation_) {
      removed(it->first);
      it = entries_.erase(it);
      ++swept_last_;
    } else {
      ++it;
    }
  }
}

std::map<Name, NextHopSet> MapSink::routes() const {
  std::map<Name, NextHopSet> routes;
  for (const auto& [name, entry] : entries_) routes.emplace(name, entry.next_hops);
  return routes;
}

}  // namespace dmsc::fib
