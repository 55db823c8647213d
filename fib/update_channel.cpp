#include "fib/update_channel.hpp"

#include <string>

namespace dmsc::fib {
namespace {

template <std::size_t N>
void append_group(std::string& out, const char* group, const std::array<CounterInfo, N>& info,
                  const std::array<std::uint64_t, N>& values, std::size_t first, bool json) {
  if (json) out += std::string(",\"") + group + "\":{";
  bool any = false;
  for (std::size_t i = first; i < N; ++i) {
    if (json) {
      if (any) out += ',';
      out += std::string("\"") + info[i].name + "\":" + std::to_string(values[i]);
    } else if (values[i] != 0) {
      out += std::string("  ") + group + "." + info[i].name + " " + std::to_string(values[i]) +
             " " + info[i].unit + "\n";
    }
    any = true;
  }
  if (json) out += '}';
}

}  // namespace

std::string format_counters(const ChannelCounters& c, bool json) {
  std::string out;
  if (json) {
    out = "{\"slot_count\":" + std::to_string(c.slot_count) + ",\"head\":" +
          std::to_string(c.head) + ",\"tail\":" + std::to_string(c.tail) +
          ",\"producer_epoch\":" + std::to_string(c.producer_epoch) +
          ",\"resync_requested\":" + std::to_string(c.resync_requested) +
          ",\"resync_served\":" + std::to_string(c.resync_served) + ",\"last_reject\":\"" +
          reject_reason_name(c.last_reject) + "\"";
  } else {
    out = "slots " + std::to_string(c.slot_count) + ", head " + std::to_string(c.head) +
          ", tail " + std::to_string(c.tail) + ", producer epoch " +
          std::to_string(c.producer_epoch) + ", resync requested " +
          std::to_string(c.resync_requested) + " served " + std::to_string(c.resync_served) +
          "\n";
  }
  append_group(out, "producer", kProducerCounterInfo, c.producer, 0, json);
  append_group(out, "consumer", kConsumerCounterInfo, c.consumer, 0, json);
  append_group(out, "rejects", kRejectReasonInfo, c.rejects, 1, json);
  if (json) out += '}';
  return out;
}

}  // namespace dmsc::fib
