// DeliveryEngine, part three: the fleet's list registry (list_registry.h). Without one (a
// single member, or the unit tests of parts one and two) every function here falls back to
// asking Pinterest and creating at once.

#include <spdlog/spdlog.h>

#include "pinsync/pinterest/delivery_engine.h"

namespace pinsync::pinterest {

namespace {
constexpr auto kWaitLogEvery = std::chrono::seconds(30);
}  // namespace

void DeliveryEngine::ResolveList(ListState& list, Job& job) {
  if (registry_ != nullptr) {
    if (!registry_->CaughtUp()) {
      // Before the registry has read its log, "not known" means nothing: a look-up and a create
      // now could make the twin the registry exists to prevent.
      job.ready.push_back(MakeWork(Step::kAwaitRegistry));
      return;
    }
    if (auto entry = registry_->Find(list.key.ad_account_id, job.target.list_name)) {
      list.list_id = entry->list_id;
      Account(list.key.ad_account_id).list_ids_by_name[job.target.list_name] = entry->list_id;
      if (entry->audience_ready) list.audience_ready = true;
      stats_.lookups_saved.Increment();
      ProceedWithList(list, job);
      return;
    }
  }
  job.ready.push_back(MakeWork(Step::kFindList));
}

DeliveryEngine::Work DeliveryEngine::CreateWork(Step create, RecordChunk records, const Job& job) {
  if (registry_ == nullptr) return MakeWork(create, MembershipOp::kAdd, std::move(records));
  Work claim = MakeWork(Step::kClaim, MembershipOp::kAdd, std::move(records));
  claim.claim_for = create;
  claim.gone_list_id = job.gone_list_id;
  return claim;
}

bool DeliveryEngine::AdvanceLocalSteps(ListState& list, Job& job, SteadyTime now) {
  if (registry_ == nullptr) return false;
  bool advanced = false;
  for (size_t i = 0; i < job.ready.size();) {
    Work& work = job.ready[i];
    if (work.step == Step::kAwaitRegistry) {
      if (!registry_->CaughtUp()) {
        ++i;
        continue;
      }
      job.ready.erase(job.ready.begin() + static_cast<std::ptrdiff_t>(i));
      ResolveList(list, job);  // appends its own work
      advanced = true;
      continue;
    }
    if (work.step != Step::kClaim) {
      ++i;
      continue;
    }
    AccountState& account = Account(list.key.ad_account_id);
    ClaimStatus status = ClaimStatus::kWaiting;
    if (work.claim_open || account.open_claims < ClaimCapacity(account, now)) {
      status = registry_->Claim(list.key.ad_account_id, job.target.list_name, work.gone_list_id);
      const bool open = status == ClaimStatus::kPending || status == ClaimStatus::kWon ||
                        status == ClaimStatus::kWonTakingOver;
      if (open && !work.claim_open) ++account.open_claims;
      work.claim_open = open;
    } else if (auto entry = registry_->Find(list.key.ad_account_id, job.target.list_name);
               entry && entry->list_id != work.gone_list_id) {
      status = ClaimStatus::kSettled;  // created by another member meanwhile
    }
    if (status == ClaimStatus::kWonTakingOver && !job.takeover_rechecked) {
      // The member it takes over from may have created the list or audience before it
      // stopped: look again (by name, or the list's audience) before creating.
      job.takeover_rechecked = true;
      Work settled = std::move(work);
      job.ready.erase(job.ready.begin() + static_cast<std::ptrdiff_t>(i));
      const bool list_step = settled.claim_for == Step::kCreateList;
      if (list_step) job.deferred_adds.push_front(std::move(settled.records));
      Work lookup = MakeWork(list_step ? Step::kFindList : Step::kFindAudience);
      lookup.recheck = true;
      job.ready.push_back(std::move(lookup));
      advanced = true;
      continue;
    }
    if (status == ClaimStatus::kWon || status == ClaimStatus::kWonTakingOver) {
      spdlog::info(
          "pinterest: this member ({}) creates {} '{}' in ad account {} (registry claim won)",
          registry_->member_id(),
          work.claim_for == Step::kCreateList ? "customer list" : "the audience of list",
          job.target.list_name, list.key.ad_account_id);
      if (work.claim_for == Step::kCreateList && !work.gone_list_id.empty()) {
        stats_.lists_recreated.Increment();
      }
      work.step = work.claim_for;
      advanced = true;
      ++i;
      continue;
    }
    if (status == ClaimStatus::kSettled) {
      auto entry = registry_->Find(list.key.ad_account_id, job.target.list_name);
      if (entry) {
        Work settled = std::move(work);
        job.ready.erase(job.ready.begin() + static_cast<std::ptrdiff_t>(i));
        list.list_id = entry->list_id;
        Account(list.key.ad_account_id).list_ids_by_name[job.target.list_name] = entry->list_id;
        // The audience is the winner's to make: a claim for it settles it either way.
        if (entry->audience_ready || settled.claim_for == Step::kCreateAudience) {
          list.audience_ready = true;
        }
        if (settled.claim_for == Step::kCreateList) {
          // Another member created it: this batch's ADDs are updates of that list.
          job.ready.push_back(
              MakeWork(Step::kUpdate, MembershipOp::kAdd, std::move(settled.records)));
          PromoteDeferredAdds(job);
        }
        if (!list.audience_ready) job.ready.push_back(MakeWork(Step::kFindAudience));
        spdlog::info(
            "pinterest: list '{}' in ad account {} is {}, created by another member (this one is "
            "{})",
            job.target.list_name, list.key.ad_account_id, list.list_id, registry_->member_id());
        advanced = true;
        continue;
      }
    }
    // Not this member's to create now (another holds the claim, or it is on its way).
    job.takeover_rechecked = false;
    if (now >= job.next_wait_log) {
      job.next_wait_log = now + kWaitLogEvery;
      spdlog::info(
          "pinterest: member {} waits for another member of the group to create '{}' in ad "
          "account {} (its ids arrive through the registry topic; a member that does not "
          "publish them in time is taken over)",
          registry_->member_id(), job.target.list_name, list.key.ad_account_id);
    }
    ++i;
  }
  return advanced;
}

int DeliveryEngine::ClaimCapacity(const AccountState& account, SteadyTime now) const {
  const double half_window_s = std::chrono::duration<double>(api_.request_timeout).count() / 2;
  const double requests =
      account.bucket.tokens(now) + account.bucket.requests_per_minute() / 60.0 * half_window_s;
  return std::max(1, static_cast<int>(requests / 2));
}

bool DeliveryEngine::OpensClaim(const Work& work) {
  return (work.step == Step::kClaim && work.claim_open) || work.step == Step::kCreateList ||
         work.step == Step::kCreateAudience || (work.recheck && IsLookup(work));
}

void DeliveryEngine::CountOpenClaims() {
  if (registry_ == nullptr) return;
  for (auto& [id, account] : accounts_) account.open_claims = 0;
  for (auto& [key, list] : lists_) {
    for (const auto& job : list.jobs) {
      for (const Work& work : job->ready) {
        if (OpensClaim(work)) ++Account(key.ad_account_id).open_claims;
      }
    }
  }
}

bool DeliveryEngine::StillClaimed(const ListState& list, Job& job, Work& work) {
  if (registry_ == nullptr) return true;
  if (work.step != Step::kCreateList && work.step != Step::kCreateAudience) return true;
  const ClaimStatus status =
      registry_->Claim(list.key.ad_account_id, job.target.list_name, work.gone_list_id);
  if (status == ClaimStatus::kWon || status == ClaimStatus::kWonTakingOver) return true;
  // Taken over, or past the claim's create window (registry_book.h): a create sent now could
  // land after a taker looked the name up.
  spdlog::warn(
      "pinterest: this member ({}) no longer holds the claim to create '{}' in ad account {} "
      "(another member took over, or its create could not be sent within the claim's create "
      "window); it waits for the ids, or takes the name over after the claim timeout",
      registry_->member_id(), job.target.list_name, list.key.ad_account_id);
  work.claim_for = work.step;
  work.step = Step::kClaim;
  work.claim_open = false;
  job.takeover_rechecked = false;  // a later take-over looks the name up again
  return false;
}

void DeliveryEngine::PublishIfProvisioned(const ListState& list, const Job& job) {
  if (registry_ == nullptr || list.list_id.empty() || !list.audience_ready) return;
  if (!job.target.existing_list_id.empty()) return;  // pinned in the configuration
  if (job.target.list_name.empty()) return;
  registry_->Publish(list.key.ad_account_id, job.target.list_name,
                     RegistryEntry{list.list_id, {}, true});
}

}  // namespace pinsync::pinterest
