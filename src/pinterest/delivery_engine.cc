// DeliveryEngine, part one: queues, activation, scheduling within the limits, building requests.
// What each answer does is in delivery_engine_answers.cc.

#include "pinsync/pinterest/delivery_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <tuple>

#include "pinsync/pinterest/api_json.h"

namespace pinsync::pinterest {

namespace {
constexpr int kPageSize = 250;
// A name missing from a sweep of the account's lists (or a list missing from a sweep of its
// audiences) this recent is taken as new rather than swept again: every list that activates at
// start-up shares one sweep; a new audience hours later triggers a fresh one.
constexpr auto kSweepFreshFor = std::chrono::seconds(60);
}  // namespace

DeliveryEngine::DeliveryEngine(const config::Config& config, const Clock& clock,
                               HttpTransport& transport, AccessTokenSource& tokens,
                               PinterestStats& stats, uint64_t seed, ListRegistry* registry)
    : config_(config),
      api_(config.pinterest),
      clock_(clock),
      transport_(transport),
      tokens_(tokens),
      stats_(stats),
      backoff_(config.pinterest.retry_initial_backoff, config.pinterest.retry_max_backoff, seed),
      registry_(registry),
      view_sweeper_(config.pinterest.view_sweep_interval),
      view_gauges_(stats.view, config.metrics.max_audience_series) {}

DeliveryEngine::~DeliveryEngine() = default;

std::string_view DeliveryEngine::OperationName(Step step) {
  switch (step) {
    case Step::kFindList:
      return "find_list";
    case Step::kCreateList:
      return "create_list";
    case Step::kFindAudience:
      return "find_audience";
    case Step::kCreateAudience:
      return "create_audience";
    case Step::kUpdate:
      return "update_list";
    case Step::kClaim:
      return "claim_list";
    case Step::kAwaitRegistry:
      return "await_registry";
  }
  return "?";
}

DeliveryEngine::Work DeliveryEngine::MakeWork(Step step, MembershipOp op, RecordChunk records,
                                              std::string bookmark) {
  Work work;
  work.step = step;
  work.op = op;
  work.records = std::move(records);
  work.bookmark = std::move(bookmark);
  return work;
}

DeliveryEngine::AccountState& DeliveryEngine::Account(const std::string& ad_account_id) {
  auto it = accounts_.find(ad_account_id);
  if (it == accounts_.end()) {
    TokenBucket bucket(api_.requests_per_minute,
                       TokenBucket::DefaultBurst(api_.requests_per_minute), clock_.Now());
    bucket.SetRate(SharedRate(), clock_.Now());
    it = accounts_.emplace(ad_account_id, AccountState(bucket)).first;
    stats_.Blocked(ad_account_id).Set(0);
  }
  return it->second;
}

double DeliveryEngine::SharedRate() const {
  return std::max(1.0, api_.requests_per_minute * budget_share_);
}

void DeliveryEngine::SetBudgetShare(double share) {
  budget_share_ = std::clamp(share, 0.0, 1.0);
  for (auto& [id, account] : accounts_) account.bucket.SetRate(SharedRate(), clock_.Now());
  spdlog::info(
      "pinterest: this member's share of the group's budget is {:.0f}% ({:.0f} "
      "requests/min per ad account)",
      budget_share_ * 100, SharedRate());
  // A registry claim's winner must send its look-up and creates within the create window
  // (request_timeout): at a share this small it may not, and a new list then waits through
  // take-over after take-over (no twin is made, but the list may never be created).
  const double request_interval_s = SharedRate() > 0 ? 60.0 / SharedRate() : 0;
  const double window_s = std::chrono::duration<double>(api_.request_timeout).count();
  if (registry_ != nullptr && SharedRate() > 0 && window_s < 3 * request_interval_s) {
    spdlog::warn(
        "pinterest: pinterest.request_timeout ({:.1f} s) is shorter than three of this member's "
        "requests at its share of the budget ({:.1f} s each): when it wins a registry claim it "
        "may not send the creates within the claim's create window, and new lists may wait "
        "indefinitely; raise pinterest.request_timeout, or pinterest.requests_per_minute if the "
        "account allows it",
        window_s, request_interval_s);
  }
}

size_t DeliveryEngine::queued_batches() const {
  size_t n = 0;
  for (const auto& [key, list] : lists_) n += list.jobs.size();
  return n;
}

std::optional<SteadyTime> DeliveryEngine::DormantUntil() const {
  if (in_flight_ > 0 || transport_.InFlight() > 0 || !finished_.empty()) return std::nullopt;
  SteadyTime until = SteadyTime::max();
  for (const auto& [key, list] : lists_) {
    if (list.jobs.empty()) continue;
    // Only a head batch can start; the ones behind it wait for it whatever their embargo.
    const Job& head = *list.jobs.front();
    if (head.activated) return std::nullopt;
    until = std::min(until, head.batch.not_before);
  }
  return until;
}

bool DeliveryEngine::AccountHeld(const std::string& ad_account_id) const {
  auto it = accounts_.find(ad_account_id);
  return it != accounts_.end() && it->second.held;
}

std::string DeliveryEngine::ResolvedListId(const aggregate::ListKey& key) const {
  auto it = lists_.find(key);
  return it == lists_.end() ? std::string() : it->second.list_id;
}

void DeliveryEngine::Submit(aggregate::Batch batch) {
  auto [it, inserted] = lists_.try_emplace(batch.key);
  ListState& list = it->second;
  if (inserted) list.key = batch.key;
  Account(batch.key.ad_account_id);
  if (!list.jobs.empty() && Mergeable(list, *list.jobs.back())) {
    Merge(*list.jobs.back(), std::move(batch));
    return;
  }
  if (!list.jobs.empty() && TakesLaterChanges(list, *list.jobs.back(), batch)) {
    MergeIntoStarted(*list.jobs.back(), std::move(batch));
    return;
  }
  auto job = std::make_unique<Job>();
  job->submitted_at = clock_.Now();
  job->waiting_since = batch.opened_at;
  job->batch = std::move(batch);
  list.jobs.push_back(std::move(job));
}

bool DeliveryEngine::IsWithdrawn(const Job& job, aggregate::PartitionId partition) {
  return std::find(job.withdrawn.begin(), job.withdrawn.end(), partition) != job.withdrawn.end();
}

size_t DeliveryEngine::Withdraw(const std::vector<aggregate::PartitionId>& partitions) {
  if (partitions.empty()) return 0;
  auto of_partitions = [&partitions](const aggregate::BatchRecord& r) {
    return std::find(partitions.begin(), partitions.end(), r.partition) != partitions.end();
  };
  size_t removed = 0;
  for (auto& [key, list] : lists_) {
    for (auto& job_ptr : list.jobs) {
      Job& job = *job_ptr;
      if (!job.activated) {
        // Nothing planned yet: take the records out of the batch itself (no request refers to
        // its entries, so no unanswered count can be shifted).
        assert(job.unanswered_adds.empty() && job.unanswered_removes.empty());
        removed += std::erase_if(job.batch.adds, of_partitions);
        removed += std::erase_if(job.batch.removes, of_partitions);
        continue;
      }
      for (aggregate::PartitionId p : partitions) {
        if (!IsWithdrawn(job, p)) job.withdrawn.push_back(p);
      }
      // Planned requests hold indices into the batch: prune the indices, keep the batch whole
      // until the job finishes.
      auto prune = [&](MembershipOp op, RecordChunk& chunk) {
        const auto& records = op == MembershipOp::kAdd ? job.batch.adds : job.batch.removes;
        removed += std::erase_if(chunk, [&](uint32_t i) { return of_partitions(records[i]); });
      };
      for (Work& work : job.ready) prune(work.op, work.records);
      for (RecordChunk& chunk : job.deferred_adds) prune(MembershipOp::kAdd, chunk);
      std::erase_if(job.deferred_adds, [](const RecordChunk& c) { return c.empty(); });
      std::erase_if(job.ready, [&](Work& work) { return !PruneWithdrawn(job, work); });
    }
    // A head batch left with nothing to do finishes now.
    MaybeFinish(list);
  }
  return removed;
}

bool DeliveryEngine::PruneWithdrawn(Job& job, Work& work) const {
  if (job.withdrawn.empty()) return true;
  if (work.step != Step::kUpdate && !CarriesCreateAdds(work)) return true;
  const auto& records = work.op == MembershipOp::kAdd ? job.batch.adds : job.batch.removes;
  std::erase_if(work.records, [&](uint32_t i) { return IsWithdrawn(job, records[i].partition); });
  if (!work.records.empty()) return true;
  if (CarriesCreateAdds(work) && !job.deferred_adds.empty()) {
    // The create carries the next chunk that still has records (Withdraw emptied none of them).
    // Counted again when sent: the flag described the records it replaced, and counting a
    // record twice only makes a later batch wait, where not counting it could let one overtake.
    work.records = std::move(job.deferred_adds.front());
    job.deferred_adds.pop_front();
    work.counted_unanswered = false;
    return true;
  }
  return false;  // an update with no records left, or a create with no adds left: skip it
}

std::vector<std::pair<DeliveryOutcome, aggregate::Batch>> DeliveryEngine::TakeFinished() {
  return std::exchange(finished_, {});
}

std::string DeliveryEngine::AccountUrl(const std::string& ad_account_id) const {
  return api_.api_base_url + "/ad_accounts/" + ad_account_id;
}

void DeliveryEngine::Pump() {
  tokens_.Pump();
  const SteadyTime now = clock_.Now();
  // Activate the head batch of every list once its embargo (not_before) has passed; a batch with
  // nothing to send finishes at once.
  for (auto& [key, list] : lists_) {
    while (!list.jobs.empty() && !list.jobs.front()->activated &&
           list.jobs.front()->batch.not_before <= now) {
      Activate(list, *list.jobs.front());
      MaybeFinish(list);
    }
  }
  const std::string* token = tokens_.Current();
  if (token == nullptr) return;  // waiting for a refresh, or held: nothing may go out
  CountOpenClaims();
  const size_t max_in_flight = static_cast<size_t>(std::max(1, api_.max_concurrent_requests));
  // Oldest waiting change first: in each round every list may start one request, the list whose
  // head batch holds the oldest change that has not had a turn yet going first (Job::
  // waiting_since), so freshness degrades evenly when the budget is short and no list starves
  // behind a busy one. Equal ages go to the list whose batch holds the older changes, then take
  // turns (round robin from the list served last).
  // Provisioning before that: a list whose head batch has a look-up or a create (or a claim about
  // to become one) to send goes before every update. Those requests are few (a page per 250
  // lists, two creates per new list) and every change of their list waits for them; with the
  // registry the whole group waits for the claim's winner, which must create within the claim
  // timeout or be taken over (and the group waits again). Behind an older list's backlog of
  // updates they would wait until it was all sent.
  auto provisioning = [](const Job& job) {
    return std::any_of(job.ready.begin(), job.ready.end(),
                       [](const Work& w) { return w.step != Step::kUpdate; });
  };
  using OrderKey = std::tuple<bool, SteadyTime, SteadyTime>;
  std::vector<std::pair<OrderKey, ListState*>> order;
  auto it = last_served_ ? lists_.upper_bound(*last_served_) : lists_.begin();
  for (size_t n = 0; n < lists_.size(); ++n, ++it) {
    if (it == lists_.end()) it = lists_.begin();
    ListState& list = it->second;
    if (list.jobs.empty() || list.jobs.front()->ready.empty()) continue;
    const Job& head = *list.jobs.front();
    order.emplace_back(OrderKey{!provisioning(head), head.waiting_since, head.batch.opened_at},
                       &list);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  bool started = true;
  while (started && in_flight_ < max_in_flight) {
    started = false;
    for (auto& [age, list] : order) {
      if (in_flight_ >= max_in_flight) break;
      if (list->jobs.empty() || list->jobs.front()->ready.empty()) continue;
      if (TryStartOne(*list, *list->jobs.front(), now, *token)) {
        started = true;
        last_served_ = list->key;
      }
    }
  }
  // A batch whose last step was answered without a request (a look-up from the sweep) is done.
  for (auto& [age, list] : order) MaybeFinish(*list);
  PumpView(now, *token, max_in_flight);
}

bool DeliveryEngine::TryStartOne(ListState& list, Job& job, SteadyTime now,
                                 const std::string& token) {
  // Retries and split halves of requests that were on the wire during a Withdraw come back
  // here: they lose their withdrawn records before anything is sent again.
  std::erase_if(job.ready, [&](Work& w) { return !PruneWithdrawn(job, w); });
  // Registry steps and look-ups answered by the account's sweep cost nothing: take them first.
  AdvanceLocalSteps(list, job, now);
  for (size_t i = 0; i < job.ready.size();) {
    Work& w = job.ready[i];
    if (!IsLookup(w) || w.not_before > now ||
        PrepareLookup(list, job, w, now) != Lookup::kAnswered) {
      ++i;
      continue;
    }
    const Step step = w.step;
    job.ready.erase(job.ready.begin() + static_cast<std::ptrdiff_t>(i));
    stats_.lookups_saved.Increment();
    if (step == Step::kFindList) {
      ListResolved(list, job);
    } else {
      AudienceResolved(list, job);
    }
  }
  std::optional<size_t> pick;
  for (size_t i = 0; i < job.ready.size() && !pick; ++i) {
    Work& w = job.ready[i];
    if (w.not_before > now || IsLocal(w)) continue;
    if (IsLookup(w) && PrepareLookup(list, job, w, now) == Lookup::kWait) continue;
    if (w.step == Step::kUpdate && list.list_id.empty()) continue;  // relocating: not yet known
    if (!StillClaimed(list, job, w)) continue;  // taken over meanwhile: wait for its ids again
    pick = i;
  }
  if (!pick) return false;
  AccountState& account = Account(list.key.ad_account_id);
  if (account.held && (account.probe_in_flight || now < account.probe_at)) return false;
  if (!account.bucket.TryAcquire(now)) return false;
  if (job.ready[*pick].step == Step::kUpdate) {
    std::vector<size_t> sendable;
    for (size_t i = *pick; i < job.ready.size(); ++i) {
      const Work& w = job.ready[i];
      if (w.step == Step::kUpdate && w.not_before <= now) sendable.push_back(i);
    }
    pick = PickUpdate(job, sendable);
  }
  if (account.held) account.probe_in_flight = true;
  Work next = std::move(job.ready[*pick]);
  job.ready.erase(job.ready.begin() + static_cast<std::ptrdiff_t>(*pick));
  if (next.sweep && next.bookmark.empty()) {
    // This request opens the account's sweep: the other lists wait for it.
    (next.step == Step::kFindList ? account.list_sweeper : account.audience_sweeper) = &job;
  }
  StartWork(list, job, std::move(next), token);
  return true;
}

DeliveryEngine::Lookup DeliveryEngine::PrepareLookup(ListState& list, Job& job, Work& work,
                                                     SteadyTime now) {
  if (work.recheck || !work.bookmark.empty()) return Lookup::kSend;  // asks Pinterest as it is
  AccountState& account = Account(list.key.ad_account_id);
  auto fresh = [now](const std::optional<SteadyTime>& at) {
    return at && now - *at < kSweepFreshFor;
  };
  if (work.step == Step::kFindList) {
    if (account.list_ids_by_name.contains(job.target.list_name) || fresh(account.lists_swept_at)) {
      return Lookup::kAnswered;
    }
    if (account.list_sweeper != nullptr && account.list_sweeper != &job) return Lookup::kWait;
  } else {
    if (list.audience_ready || account.lists_with_audience.contains(list.list_id) ||
        fresh(account.audiences_swept_at)) {
      return Lookup::kAnswered;
    }
    if (account.audience_sweeper != nullptr && account.audience_sweeper != &job) {
      return Lookup::kWait;
    }
  }
  work.sweep = true;
  return Lookup::kSend;
}

void DeliveryEngine::ListResolved(ListState& list, Job& job) {
  AccountState& account = Account(list.key.ad_account_id);
  auto found = account.list_ids_by_name.find(job.target.list_name);
  if (job.relocating) {
    job.relocating = false;
    if (found != account.list_ids_by_name.end()) {  // recreated meanwhile: deliver there
      list.list_id = found->second;
      job.ready.push_front(MakeWork(Step::kFindAudience));
      return;
    }
    // Gone: the first pending ADD request creates it again; without one, the removes left have
    // nothing to remove from.
    std::erase_if(job.ready, [](const Work& w) {
      return w.step == Step::kUpdate && w.op == MembershipOp::kRemove;
    });
    auto add = std::find_if(job.ready.begin(), job.ready.end(), [](const Work& w) {
      return w.step == Step::kUpdate && w.op == MembershipOp::kAdd;
    });
    if (add != job.ready.end()) {
      Work create = CreateWork(Step::kCreateList, std::move(add->records), job);
      *add = std::move(create);
      // Counted when this member creates it (at once without a registry, on the claim's win
      // with one): once per list, whichever member met the 404 first.
      if (add->step == Step::kCreateList) stats_.lists_recreated.Increment();
    }
    return;
  }
  if (found == account.list_ids_by_name.end()) {
    CreateOrSkip(job);
    return;
  }
  list.list_id = found->second;
  if (job.deferred_adds.empty()) {
    ProceedWithList(list, job);
    return;
  }
  // Looked up again after a create whose answer was lost: it did create the list. What is left
  // are this batch's ADD chunks (re-adding is harmless).
  if (!list.audience_ready) job.ready.push_back(MakeWork(Step::kFindAudience));
  PromoteDeferredAdds(job);
}

void DeliveryEngine::PromoteDeferredAdds(Job& job) {
  while (!job.deferred_adds.empty()) {
    job.ready.push_back(
        MakeWork(Step::kUpdate, MembershipOp::kAdd, std::move(job.deferred_adds.front())));
    job.deferred_adds.pop_front();
  }
}

void DeliveryEngine::AudienceResolved(ListState& list, Job& job) {
  if (!list.audience_ready &&
      Account(list.key.ad_account_id).lists_with_audience.contains(list.list_id)) {
    list.audience_ready = true;
  }
  if (list.audience_ready) {
    PublishIfProvisioned(list, job);
    return;
  }
  job.ready.push_back(CreateWork(Step::kCreateAudience, {}, job));
}

void DeliveryEngine::EndSweeps(const Job& job) {
  for (auto& [id, account] : accounts_) {
    if (account.list_sweeper == &job) account.list_sweeper = nullptr;
    if (account.audience_sweeper == &job) account.audience_sweeper = nullptr;
  }
}

void DeliveryEngine::Activate(ListState& list, Job& job) {
  job.activated = true;
  if (job.batch.size() == 0) return;
  job.target = ResolveListTarget(config_, list.key, job.batch.audience_name);
  // The view learns the list's name here: a batch may finish between two of its exports.
  view_book_.Track(list.key, job.target.list_name, list.list_id);
  if (list.list_id.empty() && !job.target.existing_list_id.empty()) {
    list.list_id = job.target.existing_list_id;
  }
  if (list.list_id.empty()) {
    AccountState& account = Account(list.key.ad_account_id);
    auto known = account.list_ids_by_name.find(job.target.list_name);
    if (known != account.list_ids_by_name.end()) list.list_id = known->second;
  }
  if (!list.list_id.empty()) {
    ProceedWithList(list, job);
    return;
  }
  ResolveList(list, job);
}

void DeliveryEngine::ProceedWithList(ListState& list, Job& job) {
  if (!list.audience_ready) job.ready.push_back(MakeWork(Step::kFindAudience));
  const size_t overhead = UpdateBodyOverhead();
  std::vector<Work> updates;
  for (auto& chunk : RefuseAddsAtCap(list, job)
                         ? std::vector<RecordChunk>{}
                         : PlanChunks(job.batch.adds, api_.max_records_per_request,
                                      api_.max_request_bytes, overhead)) {
    updates.push_back(MakeWork(Step::kUpdate, MembershipOp::kAdd, std::move(chunk)));
  }
  for (auto& chunk : PlanChunks(job.batch.removes, api_.max_records_per_request,
                                api_.max_request_bytes, overhead)) {
    updates.push_back(MakeWork(Step::kUpdate, MembershipOp::kRemove, std::move(chunk)));
  }
  AppendFullestFirst(job, std::move(updates));
}

void DeliveryEngine::AppendFullestFirst(Job& job, std::vector<Work> updates) {
  // The list's next turn carries the most records it can; a smaller request may meanwhile take
  // in later batches (MergeIntoStarted). A batch's adds and removes are disjoint: their order
  // does not matter to Pinterest.
  std::stable_sort(updates.begin(), updates.end(), [](const Work& a, const Work& b) {
    return a.records.size() > b.records.size();
  });
  for (Work& work : updates) job.ready.push_back(std::move(work));
}

size_t DeliveryEngine::PickUpdate(Job& job, const std::vector<size_t>& sendable) const {
  // A full request is the best use of a turn: partial ones wait, and fill meanwhile. When none
  // is full, waiting only makes a partial request later, not fewer requests: the list's turns
  // come at the pace of the budget whatever they carry. So the partial request passed over most
  // goes (then the fullest), and a few REMOVEs never wait for the batch's end behind a stream of
  // partial ADD requests.
  auto full = [&](const Work& w) { return w.records.size() >= api_.max_records_per_request; };
  size_t best = sendable.front();
  auto key = [&](size_t i) {
    const Work& w = job.ready[i];
    return std::tuple(full(w), full(w) ? 0 : w.passed_over, w.records.size());
  };
  for (size_t i : sendable) {
    if (key(i) > key(best)) best = i;
  }
  for (size_t i : sendable) {
    if (i != best && !full(job.ready[i])) ++job.ready[i].passed_over;
  }
  return best;
}

void DeliveryEngine::CreateOrSkip(Job& job) {
  // Removes for a list that does not exist change nothing; a new list is created with the first
  // ADD chunk and the rest follow as updates once it exists.
  if (!job.deferred_adds.empty()) {  // a retried create: its chunks are already planned
    job.ready.push_back(CreateWork(Step::kCreateList, std::move(job.deferred_adds.front()), job));
    job.deferred_adds.pop_front();
    return;
  }
  if (job.batch.adds.empty()) return;
  const size_t overhead = std::max(UpdateBodyOverhead(), CreateBodyOverhead(job.target.list_name));
  auto chunks =
      PlanChunks(job.batch.adds, api_.max_records_per_request, api_.max_request_bytes, overhead);
  job.ready.push_back(CreateWork(Step::kCreateList, std::move(chunks.front()), job));
  for (size_t i = 1; i < chunks.size(); ++i) job.deferred_adds.push_back(std::move(chunks[i]));
}

HttpRequest DeliveryEngine::BuildRequest(const ListState& list, const Job& job, const Work& work,
                                         const std::string& token) const {
  HttpRequest request;
  request.connect_timeout = api_.connect_timeout;
  request.total_timeout = api_.request_timeout;
  request.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  const std::string account_url = AccountUrl(list.key.ad_account_id);
  auto page_query = [](const std::string& bookmark) {
    std::string q = "?page_size=" + std::to_string(kPageSize);
    if (!bookmark.empty()) q += "&bookmark=" + FormEncode(bookmark);
    return q;
  };
  switch (work.step) {
    case Step::kFindList:
      request.method = HttpMethod::kGet;
      request.url = account_url + "/customer_lists" + page_query(work.bookmark);
      return request;
    case Step::kFindAudience:
      request.method = HttpMethod::kGet;
      request.url = account_url + "/audiences" + page_query(work.bookmark);
      return request;
    case Step::kCreateList:
      request.method = HttpMethod::kPost;
      request.url = account_url + "/customer_lists";
      request.body = CreateListBodyOpen(job.target.list_name, list.key.list_type,
                                        JoinedRecordsBytes(job.batch.adds, work.records));
      AppendJoinedRecords(job.batch.adds, work.records, request.body);
      request.body.append(kRecordsBodyEnd);
      break;
    case Step::kCreateAudience:
      request.method = HttpMethod::kPost;
      request.url = account_url + "/audiences";
      request.body = CreateAudienceBody(job.target.audience_name, list.list_id);
      break;
    case Step::kUpdate: {
      request.method = HttpMethod::kPatch;
      request.url = account_url + "/customer_lists/" + list.list_id;
      const auto& records = work.op == MembershipOp::kAdd ? job.batch.adds : job.batch.removes;
      request.body = UpdateListBodyOpen(work.op, JoinedRecordsBytes(records, work.records));
      AppendJoinedRecords(records, work.records, request.body);
      request.body.append(kRecordsBodyEnd);
      break;
    }
    case Step::kClaim:
    case Step::kAwaitRegistry:
      return request;  // local steps: never built (IsLocal work is not started)
  }
  request.headers.emplace_back("Content-Type", "application/json");
  return request;
}

void DeliveryEngine::StartWork(ListState& list, Job& job, Work work, const std::string& token) {
  if (!job.first_attempt) job.first_attempt = clock_.Now();
  if (work.step == Step::kUpdate) work.list_id = list.list_id;
  if (work.step == Step::kUpdate || work.step == Step::kCreateList) {
    job.waiting_since = clock_.Now();
    if (!work.counted_unanswered) {
      work.counted_unanswered = true;
      std::vector<uint32_t>& counts = UnansweredCounts(job, work.op);
      for (uint32_t i : work.records) ++counts[i];
    }
  }
  HttpRequest request = BuildRequest(list, job, work, token);
  stats_.records_sent.Increment(static_cast<double>(work.records.size()));
  ++job.in_flight;
  ++in_flight_;
  const uint64_t generation = tokens_.generation();
  transport_.Start(std::move(request), [this, &list, &job, work = std::move(work),
                                        generation](HttpResponse response) mutable {
    OnResponse(list, job, std::move(work), generation, std::move(response));
  });
}

void DeliveryEngine::MaybeFinish(ListState& list) {
  if (list.jobs.empty()) return;
  Job& job = *list.jobs.front();
  if (!job.activated || job.in_flight > 0 || !job.ready.empty()) return;
  // No request refers to the batch's indices any more.
  if (job.superseded.any()) DropSuperseded(job.batch, job.superseded);
  if (!job.withdrawn.empty()) {
    // Withdrawn records belong to another owner now: they are neither acknowledged nor failed
    // here, so the outcome does not carry them (no dead letter for them either).
    auto withdrawn = [&job](const aggregate::BatchRecord& r) {
      return IsWithdrawn(job, r.partition);
    };
    std::erase_if(job.batch.adds, withdrawn);
    std::erase_if(job.batch.removes, withdrawn);
    std::erase_if(job.rejected, withdrawn);
    std::erase_if(job.refused_list_full, withdrawn);
  }
  DeliveryOutcome outcome;
  outcome.batch_id = job.batch.id;
  if (job.failure) {
    outcome.status = DeliveryStatus::kFailed;
    outcome.reason = std::string(ReasonString(*job.failure));
    outcome.detail = std::move(job.detail);
    stats_.batches_failed.Increment();
  } else {
    outcome.status = DeliveryStatus::kAcknowledged;
    outcome.rejected = std::move(job.rejected);
    outcome.refused_list_full = std::move(job.refused_list_full);
    if (!outcome.rejected.empty()) {
      outcome.reason = "http_400";
      outcome.detail = std::to_string(outcome.rejected.size()) +
                       " record(s) refused by Pinterest with 400; the rest were accepted";
    } else if (!outcome.refused_list_full.empty()) {
      outcome.reason = "list_full";
      outcome.detail = std::to_string(outcome.refused_list_full.size()) +
                       " ADD record(s) not sent: the list is at Pinterest's record cap";
    }
    stats_.batches_acknowledged.Increment();
  }
  stats_.batch_latency_seconds.Observe(
      std::chrono::duration<double>(clock_.Now() - job.submitted_at).count());
  outcome.merged_batch_ids = std::move(job.merged_ids);
  EndSweeps(job);
  finished_.emplace_back(std::move(outcome), std::move(job.batch));
  list.jobs.pop_front();
}

}  // namespace pinsync::pinterest
