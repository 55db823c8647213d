#include "fib/channel_table_sink.hpp"

namespace dmsc::fib {

Status TableSink::on_route(NameView prefix, const NextHopSet& next_hops) {
  Expected<Name> name = Name::from_wire({prefix.bytes, prefix.length});
  if (!name) return Error{name.error()};
  Expected<UpdateOutcome> outcome = table_.insert(*name, next_hops);
  if (!outcome) return Error{"route " + name->to_string() + ": " + outcome.error()};
  return ok_status();
}

void TableSink::on_delete(NameView prefix) {
  Expected<Name> name = Name::from_wire({prefix.bytes, prefix.length});
  if (name) table_.erase(*name);
}

void TableSink::on_resync_end() {
  swept_last_ = table_.erase_older_than(table_.generation());
}

}  // namespace dmsc::fib
