#pragma once
// A ListRegistry for engine tests: the real claim rule (registry::RegistryBook) over an in-memory
// log shared by several members, in place of the Kafka topic. Records a member produces are
// appended at once; each member reads the log up to its end on every call, as if the topic's
// round trip took no time. `Pause` stops a member's reads (a slow reader).

#include <memory>
#include <string>
#include <vector>

#include "pinsync/common/clock.h"
#include "pinsync/pinterest/credential_lineage.h"
#include "pinsync/pinterest/list_registry.h"
#include "pinsync/registry/registry_book.h"

namespace pinsync::pinterest::testing {

struct SharedRegistryLog {
  std::vector<registry::RegistryRecord> records;
  size_t claims() const {
    size_t n = 0;
    for (const auto& r : records) n += r.type == registry::RecordType::kClaim;
    return n;
  }
};

class InMemoryListRegistry final : public ListRegistry {
 public:
  InMemoryListRegistry(std::string member, SharedRegistryLog& log, const Clock& clock,
                       Duration claim_timeout = std::chrono::seconds(150),
                       Duration create_window = std::chrono::seconds(60))
      : log_(log), clock_(clock), book_(std::move(member), claim_timeout, create_window) {}

  void set_caught_up(bool caught_up) { caught_up_ = caught_up; }
  // Stops publishing (a member that won a claim and then died).
  void set_silent(bool silent) { silent_ = silent; }

  bool CaughtUp() const override { return caught_up_; }
  std::optional<RegistryEntry> Find(const std::string& account,
                                    const std::string& name) const override {
    Read();
    return book_.Find(account, name);
  }
  ClaimStatus Claim(const std::string& account, const std::string& name,
                    const std::string& gone_list_id) override {
    Read();
    auto decision = book_.Claim(account, name, gone_list_id, clock_.Now());
    if (decision.claim_to_produce && !silent_) log_.records.push_back(*decision.claim_to_produce);
    return decision.status;
  }
  void Publish(const std::string& account, const std::string& name,
               const RegistryEntry& entry) override {
    Read();
    if (silent_ || book_.Find(account, name) == entry) return;
    registry::RegistryRecord record;
    record.type = registry::RecordType::kList;
    record.ad_account_id = account;
    record.list_name = name;
    record.entry = entry;
    log_.records.push_back(std::move(record));
    ++published_;
  }
  size_t published() const { return published_; }
  const std::string& member_id() const override { return book_.member(); }

 private:
  void Read() const {
    for (; read_ < log_.records.size(); ++read_) {
      book_.Apply(log_.records[read_], static_cast<int64_t>(read_), clock_.Now());
    }
    (void)book_.TakeSettledClaims();
  }

  SharedRegistryLog& log_;
  const Clock& clock_;
  mutable registry::RegistryBook book_;
  mutable size_t read_ = 0;
  bool caught_up_ = true;
  bool silent_ = false;
  size_t published_ = 0;
};

}  // namespace pinsync::pinterest::testing

namespace pinsync::pinterest::testing {

// A CredentialLineage for tests: the registry's claim rule over the same kind of shared log, the
// credentials kept in plaintext beside it (the Kafka implementation seals them).
class InMemoryCredentialLineage final : public CredentialLineage {
 public:
  InMemoryCredentialLineage(std::string member, SharedRegistryLog& log,
                            std::vector<SharedCredentials>& published, const Clock& clock,
                            Duration claim_timeout = std::chrono::seconds(150))
      : log_(log),
        published_(published),
        clock_(clock),
        book_(std::move(member), claim_timeout, claim_timeout / 2) {}

  bool CredentialsCaughtUp() const override { return true; }
  std::optional<SharedCredentials> LatestCredentials() const override {
    if (published_.empty()) return std::nullopt;
    return published_.back();
  }
  ClaimStatus ClaimRefresh(uint64_t generation) override {
    for (; read_ < log_.records.size(); ++read_) {
      book_.Apply(log_.records[read_], static_cast<int64_t>(read_), clock_.Now());
    }
    if (!published_.empty() && published_.back().generation > generation) {
      return ClaimStatus::kSettled;
    }
    auto decision = book_.ClaimBasis(registry::kOAuthClaimAccount, "app",
                                     "refresh:" + std::to_string(generation), clock_.Now());
    if (decision.claim_to_produce) log_.records.push_back(*decision.claim_to_produce);
    return decision.status;
  }
  void PublishCredentials(const SharedCredentials& credentials) override {
    published_.push_back(credentials);
  }

 private:
  SharedRegistryLog& log_;
  std::vector<SharedCredentials>& published_;
  const Clock& clock_;
  registry::RegistryBook book_;
  size_t read_ = 0;
};

}  // namespace pinsync::pinterest::testing
