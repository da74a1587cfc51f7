#pragma once
// Where every membership change of a topic lives: for each record (list name + hash), the
// partition and offsets of its changes and whether each added or removed it. Built by reading the
// topic back and running the project's decoder and normalizer over each message, so a change's
// position is what the broker assigned, not a guess.
//
// It answers the crash-recovery question "was any offset committed ahead of its
// acknowledgement?": given committed offsets C(p) read BEFORE a sandbox snapshot, every record
// whose changes all lie below C(p) must already have its last change applied in the snapshot.
//
// And the ordering question "was any record's change applied by Pinterest out of partition
// order?": once a record's last change is committed (so acknowledged), nothing may change that
// record on Pinterest again; a later change is an older one overtaking it (an old owner's
// request landing after the new owner's). Replays start at the committed offset, so a correct
// connector never re-applies anything below it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pinsync/kafka/admin.h"
#include "pinsync/sandbox/sandbox_state.h"

namespace pinsync::e2e {

class ChangeLedger {
 public:
  // `max_message_bytes` as the connector is configured (bigger messages carry no change).
  static ChangeLedger FromMessages(const std::vector<kafka::StoredMessage>& messages,
                                   size_t max_message_bytes);

  // One line per violation (list name, partition, offsets; no identifiers), empty if none.
  // `committed` maps partitions to the group's committed offset (-1: none).
  std::vector<std::string> CommittedAheadOfAcknowledged(
      const kafka::PartitionOffsets& committed,
      const std::vector<sandbox::ListSnapshot>& lists) const;

  // What earlier samples saw of settled records: (list, hex) -> (offset of the record's last
  // change when it was settled, the sandbox's membership-change count then).
  struct SettledWatch {
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, uint32_t>> seen;
  };
  // One line per (list, partition) with records changed on Pinterest after they were settled,
  // empty if none. `changes` is SandboxServer::MembershipChanges() read AFTER `committed`.
  std::vector<std::string> ChangedAfterSettled(
      const kafka::PartitionOffsets& committed,
      const std::map<std::pair<std::string, std::string>, uint32_t>& changes,
      SettledWatch& watch) const;

  size_t records() const { return records_.size(); }
  // Records whose changes came from more than one partition (the check skips them; the stream is
  // keyed by user so there should be none).
  size_t split_records() const { return split_; }

 private:
  struct Change {
    int64_t offset = 0;
    bool add = false;
  };
  struct RecordHistory {
    TopicPartition tp;
    bool split = false;
    std::vector<Change> changes;  // in offset order
  };
  // (list name, hex hash) -> history
  std::map<std::pair<std::string, std::string>, RecordHistory> records_;
  size_t split_ = 0;
};

}  // namespace pinsync::e2e
