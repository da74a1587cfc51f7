// DeliveryEngine, part two: what each answer from Pinterest does to the request, its batch, its
// list and its ad account (the classification switch; retries, bisection, holds, failures).

#include <spdlog/spdlog.h>

#include <algorithm>

#include "pinsync/common/log_fields.h"
#include "pinsync/pinterest/api_json.h"
#include "pinsync/pinterest/delivery_engine.h"

namespace pinsync::pinterest {

namespace {
// A 401 that survives this many fresh tokens is not an expiry: hold instead of looping.
constexpr int kMaxUnauthorizedPerRequest = 3;

std::string Describe(const HttpResponse& r) {
  if (r.error != TransportError::kNone) {
    return std::string(ToString(r.error)) + " error: " + r.error_detail;
  }
  return "HTTP " + std::to_string(r.status) + ": " + SafeErrorExcerpt(r.body);
}
}  // namespace

void DeliveryEngine::OnResponse(ListState& list, Job& job, Work work, uint64_t token_generation,
                                HttpResponse response) {
  // Every line logged while this answer is handled names its batch, audience and list.
  const LogFields log_fields{{"batch", std::to_string(job.batch.id)},
                             {"audience", job.batch.key.audience_id},
                             {"list_type", std::string(ToString(job.batch.key.list_type))},
                             {"list", list.list_id}};
  --job.in_flight;
  --in_flight_;
  const SteadyTime now = clock_.Now();
  const ResponseClass cls = Classify(response);
  stats_.Request(OperationName(work.step), StatusClassLabel(response)).Increment();
  AccountState& account = Account(list.key.ad_account_id);
  if (auto limit = ParseServerLimit(response, clock_.WallMillis())) {
    account.bucket.ObserveServerLimit(limit->remaining, limit->until_reset, now);
  }
  if (account.probe_in_flight) {
    account.probe_in_flight = false;
    if (cls != ResponseClass::kForbidden && cls != ResponseClass::kUnauthorized) {
      account.held = false;
      stats_.Blocked(list.key.ad_account_id).Set(0);
      spdlog::info("pinterest: ad account {} accepts requests again; resuming delivery",
                   list.key.ad_account_id);
    }
  }
  if (job.failure) {  // the batch already failed; this was a straggler
    MaybeFinish(list);
    return;
  }
  switch (cls) {
    case ResponseClass::kSuccess:
      OnSuccess(list, job, std::move(work), response);
      break;
    case ResponseClass::kRetryable: {
      // A create without an answer (timed out, connection lost) may still be executed by
      // Pinterest after pinsync gave up on it, and Pinterest has no idempotent create: its look-up
      // by name waits a request timeout, so what was sent has landed by then. With the registry
      // this also puts the create past its claim's create window: it is retried through a
      // take-over (registry_book.h), never by this claim.
      const bool create_answer_lost =
          response.error != TransportError::kNone &&
          (work.step == Step::kCreateList || work.step == Step::kCreateAudience);
      ScheduleRetry(list, job, std::move(work),
                    create_answer_lost ? Duration(api_.request_timeout) : Duration::zero(),
                    Describe(response));
      break;
    }
    case ResponseClass::kRateLimited: {
      stats_.rate_limited.Increment();
      const Duration wait = ParseRetryAfter(response).value_or(Duration::zero());
      if (wait > Duration::zero()) account.bucket.PauseUntil(now + wait);
      ScheduleRetry(list, job, std::move(work), wait, "HTTP 429 (rate limited)");
      break;
    }
    case ResponseClass::kBadRequest:
      OnBadRequest(list, job, std::move(work), response);
      break;
    case ResponseClass::kUnauthorized:
      if (tokens_.uses_refresh_flow()) {
        tokens_.OnUnauthorized(token_generation);
        // A 401 that survives several fresh tokens is not an expiry: hold instead of looping.
        if (++work.unauthorized > kMaxUnauthorizedPerRequest) {
          HoldAccount(list.key.ad_account_id, account,
                      "keeps answering 401 with freshly refreshed tokens (" + Describe(response) +
                          "). Check that the app's user has ads:write access to the account");
        }
      } else {
        HoldAccount(list.key.ad_account_id, account,
                    "refused the static access token with 401 (" + Describe(response) +
                        "). Set a valid PINTEREST_ACCESS_TOKEN (or use the refresh-token flow) "
                        "and restart");
      }
      job.ready.push_front(std::move(work));
      break;
    case ResponseClass::kForbidden:
      HoldAccount(list.key.ad_account_id, account,
                  "answered 403 Forbidden (" + SafeErrorExcerpt(response.body) +
                      "). Give the app's user access to the ad account with ads:write");
      job.ready.push_front(std::move(work));
      break;
    case ResponseClass::kNotFound:
      if (work.step == Step::kFindAudience || work.step == Step::kCreateAudience) {
        spdlog::warn("pinterest: audience step for list {} got {}; syncing without an audience",
                     list.list_id, Describe(response));
        GiveUpAudience(list, job);
        break;
      }
      if (work.step == Step::kUpdate && work.list_id != list.list_id) {
        // Sent to the deleted list before the batch relocated: send it again where it is now
        // (a remove has nothing to remove from a list created anew).
        if (work.op == MembershipOp::kAdd || job.relocating) {
          work.attempts = 0;
          job.ready.push_back(std::move(work));
        }
        break;
      }
      if (work.step == Step::kUpdate && !list.list_id.empty()) {
        Relocate(list, job, std::move(work));
        break;
      }
      Fail(job, FailureReason::kHttp404,
           std::string(OperationName(work.step)) + " for ad account " + list.key.ad_account_id +
               " got " + Describe(response));
      break;
    case ResponseClass::kPermanent:
      if (work.step == Step::kFindAudience || work.step == Step::kCreateAudience) {
        spdlog::warn("pinterest: audience step for list {} got {}; syncing without an audience",
                     list.list_id, Describe(response));
        GiveUpAudience(list, job);
        break;
      }
      Fail(job,
           response.error == TransportError::kNone ? FailureReason::kHttp4xx
                                                   : FailureReason::kTransport,
           std::string(OperationName(work.step)) + " for ad account " + list.key.ad_account_id +
               " got " + Describe(response));
      break;
  }
  MaybeFinish(list);
}

void DeliveryEngine::OnSuccess(ListState& list, Job& job, Work work, const HttpResponse& response) {
  AccountState& account = Account(list.key.ad_account_id);
  NoteAnswer(list, work.step, work, response.body);
  switch (work.step) {
    case Step::kFindList: {
      auto page = ParseCustomerListPage(response.body);
      if (!page) {
        ScheduleRetry(list, job, std::move(work), Duration::zero(), page.error().message);
        return;
      }
      for (const auto& item : page->items) account.list_ids_by_name[item.name] = item.id;
      const bool found = account.list_ids_by_name.contains(job.target.list_name);
      if (!page->bookmark.empty() && (work.sweep || !found)) {
        // A sweep reads every page, for every list of the account; a recheck stops when found.
        Work next = MakeWork(Step::kFindList, MembershipOp::kAdd, RecordChunk{}, page->bookmark);
        next.sweep = work.sweep;
        next.recheck = work.recheck;
        job.ready.push_back(std::move(next));
        return;
      }
      if (work.sweep) {
        account.lists_swept_at = clock_.Now();
        if (account.list_sweeper == &job) account.list_sweeper = nullptr;
      }
      ListResolved(list, job);
      return;
    }
    case Step::kCreateList: {
      auto id = ParseCreatedId(response.body);
      if (!id) {
        // The list may exist now: look it up again rather than create a twin.
        spdlog::warn("{}; looking the list up by name", id.error().message);
        job.deferred_adds.push_front(std::move(work.records));
        Work lookup = MakeWork(Step::kFindList);
        lookup.recheck = true;
        job.ready.push_back(std::move(lookup));
        return;
      }
      list.list_id = *id;
      account.list_ids_by_name[job.target.list_name] = *id;
      Acknowledged(job, work);
      stats_.records_added.Increment(static_cast<double>(work.records.size()));
      spdlog::info("pinterest: created customer list {} in ad account {}", *id,
                   list.key.ad_account_id);
      // A list created just now has no audience yet: create it without searching.
      if (!list.audience_ready) job.ready.push_back(MakeWork(Step::kCreateAudience));
      PromoteDeferredAdds(job);
      return;
    }
    case Step::kFindAudience: {
      auto page = ParseAudiencePage(response.body);
      if (!page) {
        ScheduleRetry(list, job, std::move(work), Duration::zero(), page.error().message);
        return;
      }
      for (const AudienceItem& a : page->items) {
        if (a.audience_type == "CUSTOMER_LIST")
          account.lists_with_audience.insert(a.customer_list_id);
      }
      const bool found = account.lists_with_audience.contains(list.list_id);
      if (!page->bookmark.empty() && (work.sweep || !found)) {
        Work next =
            MakeWork(Step::kFindAudience, MembershipOp::kAdd, RecordChunk{}, page->bookmark);
        next.sweep = work.sweep;
        next.recheck = work.recheck;
        job.ready.push_back(std::move(next));
        return;
      }
      if (work.sweep) {
        account.audiences_swept_at = clock_.Now();
        if (account.audience_sweeper == &job) account.audience_sweeper = nullptr;
      }
      AudienceResolved(list, job);
      return;
    }
    case Step::kCreateAudience:
      list.audience_ready = true;
      account.lists_with_audience.insert(list.list_id);
      spdlog::info("pinterest: created the CUSTOMER_LIST audience for list {} in ad account {}",
                   list.list_id, list.key.ad_account_id);
      PublishIfProvisioned(list, job);
      return;
    case Step::kUpdate:
      Acknowledged(job, work);
      (work.op == MembershipOp::kAdd ? stats_.records_added : stats_.records_removed)
          .Increment(static_cast<double>(work.records.size()));
      return;
    case Step::kClaim:
    case Step::kAwaitRegistry:
      return;  // local steps: never sent
  }
}

void DeliveryEngine::OnBadRequest(ListState& list, Job& job, Work work,
                                  const HttpResponse& response) {
  switch (work.step) {
    case Step::kUpdate:
    case Step::kCreateList: {
      if (work.records.size() > 1) {
        // Split to isolate the bad records; each half is a fresh request.
        const size_t half = work.records.size() / 2;
        RecordChunk second(work.records.begin() + static_cast<std::ptrdiff_t>(half),
                           work.records.end());
        work.records.resize(half);
        work.attempts = 0;
        work.not_before = {};
        if (work.step == Step::kCreateList) {
          job.deferred_adds.push_front(std::move(second));
          job.ready.push_front(std::move(work));
        } else {
          Work other = work;
          other.records = std::move(second);
          job.ready.push_front(std::move(other));
          job.ready.push_front(std::move(work));
        }
        return;
      }
      const auto& records = work.op == MembershipOp::kAdd ? job.batch.adds : job.batch.removes;
      if (!work.records.empty()) job.rejected.push_back(records[work.records.front()]);
      stats_.records_rejected.Increment();
      spdlog::warn("pinterest: {} for ad account {} rejected one record ({}); the rest go on",
                   OperationName(work.step), list.key.ad_account_id,
                   SafeErrorExcerpt(response.body));
      if (work.step == Step::kCreateList && !job.deferred_adds.empty()) {
        job.ready.push_front(
            MakeWork(Step::kCreateList, MembershipOp::kAdd, std::move(job.deferred_adds.front())));
        job.deferred_adds.pop_front();
      }
      return;
    }
    case Step::kFindAudience:
    case Step::kCreateAudience:
      spdlog::warn("pinterest: audience step for list {} got {}; syncing without an audience",
                   list.list_id, Describe(response));
      GiveUpAudience(list, job);
      return;
    case Step::kClaim:
    case Step::kAwaitRegistry:
      return;  // local steps: never sent
    case Step::kFindList:
      Fail(job, FailureReason::kHttp400,
           "listing customer lists of ad account " + list.key.ad_account_id + " got " +
               Describe(response));
      return;
  }
}

void DeliveryEngine::ScheduleRetry(ListState& list, Job& job, Work work, Duration at_least,
                                   const std::string& why) {
  const SteadyTime now = clock_.Now();
  const Duration delay = std::max(at_least, backoff_.Next(work.attempts));
  ++work.attempts;
  const SteadyTime first = job.first_attempt.value_or(now);
  if (now + delay - first > api_.retry_max_duration) {
    if (work.step == Step::kFindAudience || work.step == Step::kCreateAudience) {
      spdlog::warn("pinterest: gave up making list {} targetable ({}); syncing without an audience",
                   list.list_id, why);
      GiveUpAudience(list, job);
      return;
    }
    Fail(job, FailureReason::kRetryExhausted,
         std::string(OperationName(work.step)) + " for ad account " + list.key.ad_account_id +
             " kept failing for longer than pinterest.retry_max_duration; last: " + why);
    return;
  }
  stats_.retries.Increment();
  if (work.step == Step::kCreateList || work.step == Step::kCreateAudience) {
    // A create whose answer was lost may have happened: look it up by name again before
    // creating, so a timeout never leaves two lists (or audiences) behind.
    const bool list_step = work.step == Step::kCreateList;
    if (list_step) job.deferred_adds.push_front(std::move(work.records));
    Work lookup = MakeWork(list_step ? Step::kFindList : Step::kFindAudience);
    lookup.recheck = true;
    lookup.attempts = work.attempts;
    lookup.not_before = now + delay;
    job.ready.push_back(std::move(lookup));
    return;
  }
  spdlog::debug("pinterest: {} for ad account {} failed ({}); retry {} in {} ms",
                OperationName(work.step), list.key.ad_account_id, why, work.attempts,
                std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
  work.not_before = now + delay;
  job.ready.push_back(std::move(work));
}

void DeliveryEngine::Relocate(ListState& list, Job& job, Work work) {
  // The list was deleted outside pinsync (Ads Manager, another tool). Its records are not lost
  // with it: look the name up again (someone may have recreated it) and otherwise create it
  // anew, then send this request and the rest of the batch there.
  AccountState& account = Account(list.key.ad_account_id);
  spdlog::warn(
      "pinterest: customer list {} ({}) in ad account {} is gone (404); looking it up by name "
      "and recreating it if needed. Its earlier members are not re-sent: see docs/pinterest.md",
      list.list_id, job.target.list_name, list.key.ad_account_id);
  account.list_ids_by_name.erase(job.target.list_name);
  account.lists_swept_at.reset();
  job.gone_list_id = list.list_id;
  list.list_id.clear();
  list.audience_ready = false;
  job.relocating = true;
  work.attempts = 0;
  work.not_before = {};
  job.ready.push_front(std::move(work));
  Work lookup = MakeWork(Step::kFindList);
  lookup.recheck = true;
  job.ready.push_front(std::move(lookup));
}

void DeliveryEngine::GiveUpAudience(ListState& list, const Job& job) {
  list.audience_ready = true;
  AccountState& account = Account(list.key.ad_account_id);
  if (account.audience_sweeper == &job) account.audience_sweeper = nullptr;
  PublishIfProvisioned(list, job);
}

void DeliveryEngine::HoldAccount(const std::string& ad_account_id, AccountState& account,
                                 const std::string& why) {
  if (!account.held) {
    spdlog::error(
        "pinterest: ad account {} {}. Delivery to this account is held (its batches stay "
        "pending, their offsets uncommitted) while other accounts carry on; one probe request "
        "per pinterest.retry_max_backoff tests whether access is back",
        ad_account_id, why);
    stats_.Blocked(ad_account_id).Set(1);
  }
  account.held = true;
  account.probe_at = clock_.Now() + api_.retry_max_backoff;
}

void DeliveryEngine::Fail(Job& job, FailureReason reason, std::string detail) {
  if (job.failure) return;
  spdlog::error("pinterest: batch {} failed ({}): {}", job.batch.id, ReasonString(reason), detail);
  job.failure = reason;
  job.detail = std::move(detail);
  job.ready.clear();
  job.deferred_adds.clear();
  EndSweeps(job);  // lists waiting for this job's sweep start their own
}

}  // namespace pinsync::pinterest
