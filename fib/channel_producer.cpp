#include "fib/update_channel.hpp"

namespace dmsc::fib {

Expected<std::unique_ptr<RouteSyncProducer>> RouteSyncProducer::create(
    const ChannelConfig& config) {
  Expected<std::unique_ptr<channel::ChannelWriter>> writer = channel::ChannelWriter::attach(config);
  if (!writer) return Error{writer.error()};
  return std::unique_ptr<RouteSyncProducer>(new RouteSyncProducer(std::move(*writer)));
}

Status RouteSyncProducer::set_route(const Name& prefix, const NextHopSet& next_hops) {
  NextHopSet set = next_hops;
  set.sort();  // canonical, so that an unchanged set is recognised and sends nothing
  if (Status status = validate(set); !status)
    return Error{"route " + prefix.to_string() + ": " + status.error()};
  auto [it, inserted] = routes_.try_emplace(prefix, set);
  if (!inserted) {
    if (it->second == set) return ok_status();
    it->second = set;
  }
  if (!resync_will_send(prefix)) mark_pending(prefix);
  return ok_status();
}

bool RouteSyncProducer::delete_route(const Name& prefix) {
  auto it = routes_.find(prefix);
  if (it == routes_.end()) return false;
  // Not yet sent by the resync in progress: the consumer's copy, if any, carries an older
  // generation and the sweep at ResyncEnd removes it; no message needed.
  const bool covered = resync_will_send(prefix);
  if (phase_ == Phase::kRoutes && it == resync_next_) ++resync_next_;
  routes_.erase(it);
  if (!covered) mark_pending(prefix);
  return true;
}

void RouteSyncProducer::start() {
  if (started_) return;
  started_ = true;
  start_resync(writer_->resync_requested());
}

bool RouteSyncProducer::resync_will_send(const Name& prefix) const {
  switch (phase_) {
    case Phase::kBegin: return true;
    case Phase::kRoutes: return resync_next_ != routes_.end() && !(prefix < resync_next_->first);
    case Phase::kEnd:
    case Phase::kIncremental: return false;
  }
  return false;
}

void RouteSyncProducer::start_resync(std::uint64_t request) {
  // The full copy carries every current route and the sweep removes every absent one, so
  // whatever was pending is subsumed.
  serving_request_ = request;
  phase_ = Phase::kBegin;
  pending_.clear();
  pending_set_.clear();
}

void RouteSyncProducer::mark_pending(const Name& prefix) {
  if (pending_set_.insert(prefix).second) pending_.push_back(prefix);
}

bool RouteSyncProducer::send_pending() {
  const Name& prefix = pending_.front();
  auto it = routes_.find(prefix);
  const bool sent = it != routes_.end() ? writer_->try_route(prefix.view(), it->second)
                                        : writer_->try_delete(prefix.view());
  if (sent) {
    pending_set_.erase(prefix);
    pending_.pop_front();
  }
  return sent;
}

ProducerPoll RouteSyncProducer::poll(std::size_t max_messages) {
  ProducerPoll result;
  if (!started_) return result;
  // A new request means the consumer lost track (restart or reject): whatever resync is in
  // progress may have begun before the point it skips to, so begin a fresh one.
  const std::uint64_t requested = writer_->resync_requested();
  if (requested != serving_request_) {
    if (phase_ != Phase::kBegin && phase_ != Phase::kIncremental)
      writer_->count(ProducerCounter::kResyncsRestarted);
    start_resync(requested);
  }
  while (result.messages < max_messages) {
    bool sent;
    if (phase_ == Phase::kBegin) {
      sent = writer_->try_resync_begin(serving_request_);
      if (sent) {
        phase_ = Phase::kRoutes;
        resync_next_ = routes_.begin();
      }
    } else if (!pending_.empty()) {
      // Changes to prefixes the resync already sent go first: they are newer than the copy.
      sent = send_pending();
    } else if (phase_ == Phase::kRoutes) {
      if (resync_next_ == routes_.end()) {
        phase_ = Phase::kEnd;
        continue;
      }
      sent = writer_->try_route(resync_next_->first.view(), resync_next_->second);
      if (sent) ++resync_next_;
    } else if (phase_ == Phase::kEnd) {
      sent = writer_->try_resync_end();
      if (sent) phase_ = Phase::kIncremental;
    } else {
      break;  // synced and nothing pending
    }
    if (!sent) {
      result.ring_full = true;
      break;
    }
    ++result.messages;
  }
  writer_->publish();
  return result;
}

}  // namespace dmsc::fib
