// FakeDeadLetterProducer: records copies and acknowledges them on the test's schedule.

#include "pinsync/kafka/fake_dead_letter_producer.h"

#include <algorithm>

namespace pinsync::kafka {

Status<KafkaError> FakeDeadLetterProducer::Produce(const DeadLetter& letter, uint64_t token) {
  if (rejecting_ > 0) {
    --rejecting_;
    return Unexpected{KafkaError{KafkaErrorCode::kProduceFailed, "injected: queue full", 0}};
  }
  produced_.push_back(ProducedDeadLetter{letter.source, letter.offset, std::string(letter.key),
                                         std::string(letter.value), std::string(letter.reason),
                                         token});
  pending_.push_back(token);
  return Ok{};
}

void FakeDeadLetterProducer::Complete(uint64_t token, bool delivered) {
  auto it = std::find(pending_.begin(), pending_.end(), token);
  if (it == pending_.end()) return;
  pending_.erase(it);
  acks_.push_back(DeadLetterAck{token, delivered, delivered ? "" : "injected delivery failure"});
}

void FakeDeadLetterProducer::Poll() {
  if (!auto_ack_) return;
  for (uint64_t token : pending_) acks_.push_back(DeadLetterAck{token, true, ""});
  pending_.clear();
}

std::vector<DeadLetterAck> FakeDeadLetterProducer::DrainAcks() {
  std::vector<DeadLetterAck> out;
  out.swap(acks_);
  return out;
}

Status<KafkaError> FakeDeadLetterProducer::Flush(std::chrono::milliseconds /*timeout*/) {
  Poll();
  if (!pending_.empty()) {
    return Unexpected{KafkaError{KafkaErrorCode::kTimeout, "fake: copies still pending", 0}};
  }
  return Ok{};
}

}  // namespace pinsync::kafka
