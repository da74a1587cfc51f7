#include "pinsync/registry/registry_book.h"

namespace pinsync::registry {

RegistryBook::RegistryBook(std::string member, Duration claim_timeout)
    : member_(std::move(member)), claim_timeout_(claim_timeout) {}

void RegistryBook::Apply(const RegistryRecord& record, int64_t offset, SteadyTime seen_at) {
  NameState& state = names_[{record.ad_account_id, record.list_name}];
  if (record.type == RecordType::kClaim) {
    state.winners.try_emplace(record.basis, Winner{record.member, offset, seen_at});
    return;
  }
  state.entry = record.entry;
  // Every claim this member made for the name is moot now, except one to recreate the list
  // just published (it cannot have been answered 404 yet, so there is none).
  for (auto it = produced_.begin(); it != produced_.end();) {
    const auto& [account, name, basis] = *it;
    if (account == record.ad_account_id && name == record.list_name) {
      RegistryRecord claim;
      claim.type = RecordType::kClaim;
      claim.ad_account_id = account;
      claim.list_name = name;
      claim.basis = basis;
      claim.member = member_;
      settled_.push_back(std::move(claim));
      it = produced_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<pinterest::RegistryEntry> RegistryBook::Find(const std::string& ad_account_id,
                                                           const std::string& list_name) const {
  auto it = names_.find({ad_account_id, list_name});
  if (it == names_.end()) return std::nullopt;
  return it->second.entry;
}

RegistryBook::Decision RegistryBook::Claim(const std::string& ad_account_id,
                                           const std::string& list_name,
                                           const std::string& gone_list_id, SteadyTime now) {
  using pinterest::ClaimStatus;
  NameState& state = names_[{ad_account_id, list_name}];
  if (state.entry && state.entry->list_id != gone_list_id) return {ClaimStatus::kSettled, {}, {}};
  std::string basis = gone_list_id.empty() ? "new" : "gone:" + gone_list_id;
  // Follow the take-over chain to the claim that counts now. Each hop needs a winner that timed
  // out, which needs a record in the log, so the chain is as long as the log at most.
  for (size_t hops = 0; hops <= state.winners.size(); ++hops) {
    auto winner = state.winners.find(basis);
    if (winner == state.winners.end()) {
      Decision decision;
      if (produced_.emplace(ad_account_id, list_name, basis).second) {
        RegistryRecord claim;
        claim.type = RecordType::kClaim;
        claim.ad_account_id = ad_account_id;
        claim.list_name = list_name;
        claim.basis = basis;
        claim.member = member_;
        decision.claim_to_produce = std::move(claim);
      }
      return decision;
    }
    if (winner->second.member == member_) {
      return {
          basis.starts_with("after:") ? ClaimStatus::kWonTakingOver : ClaimStatus::kWon, {}, {}};
    }
    if (now - winner->second.seen_at < claim_timeout_) {
      return {ClaimStatus::kWaiting, {}, winner->second.member};
    }
    basis = "after:" + std::to_string(winner->second.offset);
  }
  return {ClaimStatus::kPending, {}, {}};
}

void RegistryBook::ClaimNotWritten(const RegistryRecord& claim) {
  produced_.erase({claim.ad_account_id, claim.list_name, claim.basis});
}

std::vector<RegistryRecord> RegistryBook::TakeSettledClaims() {
  return std::exchange(settled_, {});
}

}  // namespace pinsync::registry
