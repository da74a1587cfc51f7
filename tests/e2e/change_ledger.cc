#include "e2e/change_ledger.h"

#include <fmt/format.h>

#include <set>

#include "pinsync/decode/event_decoder.h"
#include "pinsync/identity/identifier_normalizer.h"

namespace pinsync::e2e {

ChangeLedger ChangeLedger::FromMessages(const std::vector<kafka::StoredMessage>& messages,
                                        size_t max_message_bytes) {
  ChangeLedger ledger;
  const decode::EventDecoder decoder(max_message_bytes);
  const identity::IdentifierNormalizer normalizer;
  for (const auto& message : messages) {
    auto event = decoder.Decode(message.key, message.value);
    if (!event.ok()) continue;  // dead-lettered: no change
    const identity::NormalizedIdentifiers ids = normalizer.Normalize(event->identifiers);
    const bool add = event->op == MembershipOp::kAdd;
    for (ListType type : {ListType::kEmail, ListType::kMaid}) {
      // The default list name template, "{audience_name}-{list_type}".
      const std::string list = event->audience_name + "-" + std::string(ToString(type));
      for (const HashedId& id : ids.For(type)) {
        auto [it, inserted] = ledger.records_.try_emplace({list, id.Hex()});
        RecordHistory& history = it->second;
        if (inserted) {
          history.tp = message.tp;
        } else if (history.tp != message.tp && !history.split) {
          history.split = true;
          ++ledger.split_;
        }
        history.changes.push_back({message.offset, add});
      }
    }
  }
  return ledger;
}

std::vector<std::string> ChangeLedger::CommittedAheadOfAcknowledged(
    const kafka::PartitionOffsets& committed,
    const std::vector<sandbox::ListSnapshot>& lists) const {
  std::map<std::string, std::set<std::string>> members;
  for (const auto& list : lists)
    members[list.name].insert(list.members.begin(), list.members.end());
  std::map<std::pair<std::string, int32_t>, size_t> violations;  // (list, partition) -> count
  std::map<std::pair<std::string, int32_t>, std::string> example;
  for (const auto& [key, history] : records_) {
    if (history.split || history.changes.empty()) continue;
    auto c = committed.find(history.tp);
    if (c == committed.end() || c->second < 0) continue;
    const Change& last = history.changes.back();
    if (last.offset >= c->second) continue;  // a change at or after C(p): not settled
    const auto& list_members = members[key.first];
    const bool present = list_members.contains(key.second);
    if (present != last.add) {
      const auto where = std::make_pair(key.first, history.tp.partition);
      if (++violations[where] == 1) {
        example[where] = fmt::format("last change at offset {} ({}) below committed {}",
                                     last.offset, last.add ? "add" : "remove", c->second);
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& [where, count] : violations) {
    out.push_back(
        fmt::format("list \"{}\" partition {}: {} records differ from their last "
                    "committed change, e.g. {}",
                    where.first, where.second, count, example[where]));
  }
  return out;
}

std::vector<std::string> ChangeLedger::ChangedAfterSettled(
    const kafka::PartitionOffsets& committed,
    const std::map<std::pair<std::string, std::string>, uint32_t>& changes,
    SettledWatch& watch) const {
  std::map<std::pair<std::string, int32_t>, size_t> violations;  // (list, partition) -> count
  std::map<std::pair<std::string, int32_t>, std::string> example;
  for (const auto& [key, history] : records_) {
    if (history.split || history.changes.empty()) continue;
    const Change& last = history.changes.back();
    auto count_it = changes.find(key);
    const uint32_t count = count_it == changes.end() ? 0 : count_it->second;
    auto seen = watch.seen.find(key);
    if (seen != watch.seen.end()) {
      const auto [settled_offset, settled_count] = seen->second;
      if (last.offset == settled_offset) {
        if (count != settled_count) {
          const auto where = std::make_pair(key.first, history.tp.partition);
          if (++violations[where] == 1) {
            example[where] = fmt::format(
                "changed {} more time(s) after its last change at offset {} ({}) was committed",
                count - settled_count, last.offset, last.add ? "add" : "remove");
          }
          seen->second.second = count;  // report each overtaking once
        }
        continue;
      }
      watch.seen.erase(seen);  // a newer change arrived: no longer settled
    }
    auto c = committed.find(history.tp);
    if (c == committed.end() || c->second < 0 || last.offset >= c->second) continue;
    watch.seen.emplace(key, std::make_pair(last.offset, count));
  }
  std::vector<std::string> out;
  for (const auto& [where, n] : violations) {
    out.push_back(fmt::format("list \"{}\" partition {}: {} settled records changed again, e.g. {}",
                              where.first, where.second, n, example[where]));
  }
  return out;
}

}  // namespace pinsync::e2e
