#include "pinsync/registry/registry_book.h"

namespace pinsync::registry {

RegistryBook::RegistryBook(std::string member, Duration claim_timeout, Duration create_window)
    : member_(std::move(member)), claim_timeout_(claim_timeout), create_window_(create_window) {}

void RegistryBook::Apply(const RegistryRecord& record, int64_t offset, SteadyTime seen_at) {
  if (record.type == RecordType::kToken) {
    tokens_[record.list_name] = record;
    SettleClaims(kOAuthClaimAccount, record.list_name);
    return;
  }
  NameState& state = names_[{record.ad_account_id, record.list_name}];
  if (record.type == RecordType::kClaim) {
    state.winners.try_emplace(record.basis, Winner{record.member, offset, seen_at});
    return;
  }
  state.entry = record.entry;
  // Every claim this member made for the name is moot now (one to recreate the list just
  // published cannot exist yet: it has not answered 404).
  SettleClaims(record.ad_account_id, record.list_name);
}

void RegistryBook::SettleClaims(const std::string& ad_account_id, const std::string& name) {
  for (auto it = produced_.begin(); it != produced_.end();) {
    const auto& [account, claimed, basis] = *it;
    if (account == ad_account_id && claimed == name) {
      RegistryRecord claim;
      claim.type = RecordType::kClaim;
      claim.ad_account_id = account;
      claim.list_name = claimed;
      claim.basis = basis;
      claim.member = member_;
      settled_.push_back(std::move(claim));
      first_produced_at_.erase(*it);
      it = produced_.erase(it);
    } else {
      ++it;
    }
  }
}

void RegistryBook::Forget(const RegistryRecord& key) {
  if (key.type == RecordType::kToken) {
    tokens_.erase(key.list_name);
  } else if (key.type == RecordType::kList) {
    auto it = names_.find({key.ad_account_id, key.list_name});
    if (it != names_.end()) it->second.entry.reset();
  }
}

const RegistryRecord* RegistryBook::LatestToken(const std::string& app_id) const {
  auto it = tokens_.find(app_id);
  return it == tokens_.end() ? nullptr : &it->second;
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
  auto it = names_.find({ad_account_id, list_name});
  if (it != names_.end() && it->second.entry && it->second.entry->list_id != gone_list_id) {
    return {pinterest::ClaimStatus::kSettled, {}, {}};
  }
  return Decide(ad_account_id, list_name, gone_list_id.empty() ? "new" : "gone:" + gone_list_id,
                now, /*fence_by_create_window=*/true);
}

RegistryBook::Decision RegistryBook::ClaimBasis(const std::string& ad_account_id,
                                                const std::string& name, std::string basis,
                                                SteadyTime now) {
  return Decide(ad_account_id, name, std::move(basis), now, /*fence_by_create_window=*/false);
}

RegistryBook::Decision RegistryBook::Decide(const std::string& ad_account_id,
                                            const std::string& name, std::string basis,
                                            SteadyTime now, bool fence_by_create_window) {
  using pinterest::ClaimStatus;
  NameState& state = names_[{ad_account_id, name}];
  // Follow the take-over chain to the claim that counts now. Each hop needs a winner that timed
  // out, which needs a record in the log, so the chain is as long as the log at most.
  for (size_t hops = 0; hops <= state.winners.size(); ++hops) {
    auto winner = state.winners.find(basis);
    if (winner == state.winners.end()) {
      Decision decision;
      if (produced_.emplace(ad_account_id, name, basis).second) {
        first_produced_at_.try_emplace({ad_account_id, name, basis}, now);
        RegistryRecord claim;
        claim.type = RecordType::kClaim;
        claim.ad_account_id = ad_account_id;
        claim.list_name = name;
        claim.basis = basis;
        claim.member = member_;
        decision.claim_to_produce = std::move(claim);
      }
      return decision;
    }
    const std::string taken_over = "after:" + std::to_string(winner->second.offset);
    if (winner->second.member == member_) {
      // Someone took over from this member (it was slower than the claim timeout): its claim no
      // longer counts, whatever it was about to do.
      if (state.winners.contains(taken_over)) {
        basis = taken_over;
        continue;
      }
      if (!fence_by_create_window || WithinCreateWindow({ad_account_id, name, basis}, now)) {
        return {
            basis.starts_with("after:") ? ClaimStatus::kWonTakingOver : ClaimStatus::kWon, {}, {}};
      }
      // Past its create window this member's claim no longer entitles it to create (a create
      // sent now could land after a taker's look-up): it waits, and takes over like the others.
    }
    if (now - winner->second.seen_at < claim_timeout_ && !state.winners.contains(taken_over)) {
      return {ClaimStatus::kWaiting, {}, winner->second.member};
    }
    basis = taken_over;
  }
  return {ClaimStatus::kPending, {}, {}};
}

bool RegistryBook::WithinCreateWindow(const ClaimKey& claim, SteadyTime now) const {
  // A claim of this member's that it did not produce (an earlier process with the same member
  // id): when it was produced is unknown, so it is treated as past its window.
  auto produced = first_produced_at_.find(claim);
  return produced != first_produced_at_.end() && now - produced->second < create_window_;
}

void RegistryBook::ClaimNotWritten(const RegistryRecord& claim) {
  produced_.erase({claim.ad_account_id, claim.list_name, claim.basis});
}

std::vector<RegistryRecord> RegistryBook::TakeSettledClaims() {
  return std::exchange(settled_, {});
}

}  // namespace pinsync::registry
