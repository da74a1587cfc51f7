#pragma once
// The delivery state machine behind PinterestBatchSink, single-threaded and clock-driven so unit
// tests step it with a fake transport and a ManualClock. Per ListKey, batches go one at a time in
// submission order; within a batch, its requests (chunks) go concurrently, within the per-account
// token bucket and the global max_concurrent_requests.

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "pinsync/aggregate/batch.h"
#include "pinsync/common/clock.h"
#include "pinsync/config/config.h"
#include "pinsync/pinterest/access_token_source.h"
#include "pinsync/pinterest/batch_sink.h"
#include "pinsync/pinterest/chunking.h"
#include "pinsync/pinterest/http_transport.h"
#include "pinsync/pinterest/list_naming.h"
#include "pinsync/pinterest/list_registry.h"
#include "pinsync/pinterest/list_view_book.h"
#include "pinsync/pinterest/list_view_stats.h"
#include "pinsync/pinterest/pinterest_stats.h"
#include "pinsync/pinterest/rate_limiter.h"
#include "pinsync/pinterest/retry_policy.h"
#include "pinsync/pinterest/unsent_merge.h"
#include "pinsync/pinterest/view_sweeper.h"

namespace pinsync::pinterest {

class DeliveryEngine {
 public:
  // All references must outlive the engine. Callbacks it gives the transport run in Poll().
  // `registry` (may be null: a single member) coordinates list and audience creation across the
  // consumer group's members (list_registry.h): with it, a missing list is created only by the
  // member that won the name's claim, and lists are found there before asking Pinterest.
  DeliveryEngine(const config::Config& config, const Clock& clock, HttpTransport& transport,
                 AccessTokenSource& tokens, PinterestStats& stats, uint64_t seed,
                 ListRegistry* registry = nullptr);
  ~DeliveryEngine();

  void Submit(aggregate::Batch batch);
  // Removes the records of `partitions` from every batch submitted so far: unsent requests are
  // rebuilt without them, requests on the wire are not retried with them, and finished batches no
  // longer carry them. Returns the number of unsent records removed.
  size_t Withdraw(const std::vector<aggregate::PartitionId>& partitions);
  // Every ad account's bucket refills at `share` x pinterest.requests_per_minute from now on
  // (at least one request a minute): this member's part of the group's budget.
  void SetBudgetShare(double share);
  // Starts every request that may start now. Call after Submit and after each transport Poll.
  void Pump();
  // Batches finished since the last call, in the order they finished.
  std::vector<std::pair<DeliveryOutcome, aggregate::Batch>> TakeFinished();

  size_t in_flight() const { return in_flight_; }
  size_t queued_batches() const;
  // Whether the next Pump can have anything to do before a known time: with no request on the
  // wire and no batch finished but untaken, and every queued batch still under its embargo
  // (Batch::not_before), the earliest embargo's end (SteadyTime::max() with none queued);
  // otherwise nullopt. The delivery thread sleeps through such a wait instead of ticking (an
  // idle or embargoed member woke 50 times a second). Timers outside the batches (token
  // refresh, the view's sweeps and export) are not covered: the caller caps the sleep.
  std::optional<SteadyTime> DormantUntil() const;
  // True while delivery to the account is held (403, or 401 that no token fixes).
  bool AccountHeld(const std::string& ad_account_id) const;
  // The customer list id resolved for a key, or empty.
  std::string ResolvedListId(const aggregate::ListKey& key) const;
  // Pinterest's view of every list this engine delivers to (delivery_engine_view.cc), and a
  // number that moves whenever it changes.
  std::vector<ListView> PinterestView() const { return view_book_.Snapshot(); }
  uint64_t view_version() const { return view_book_.version(); }

 private:
  // kClaim and kAwaitRegistry are local steps (no request): waiting for the registry's answer.
  enum class Step : uint8_t {
    kFindList,
    kCreateList,
    kFindAudience,
    kCreateAudience,
    kUpdate,
    kClaim,
    kAwaitRegistry
  };
  static std::string_view OperationName(Step step);

  struct Work {
    Step step = Step::kFindList;
    MembershipOp op = MembershipOp::kAdd;
    RecordChunk records;
    std::string bookmark;
    // kFindList/kFindAudience: a page of the account's sweep (every list or audience of the ad
    // account, page by page, once for all lists), or a look-up again by name after a create
    // whose answer was lost (recheck: always asks Pinterest).
    bool sweep = false;
    bool recheck = false;
    std::string list_id;  // kUpdate: the list id it was sent to (a 404 may be for an old one)
    // kClaim: the create it turns into once this member wins the name (kCreateList keeps
    // `records`, its first ADD chunk), and the deleted list it replaces, if any.
    Step claim_for = Step::kCreateList;
    std::string gone_list_id;
    int attempts = 0;
    int unauthorized = 0;
    bool counted_unanswered = false;  // its records count in Job::unanswered_* (since first sent)
    // kClaim: this member asked to create the name and may be about to (its claim won, or on
    // its way through the registry); counts against ClaimCapacity.
    bool claim_open = false;
    // kUpdate not full: how many of the list's turns another update took while it waited
    // (PickUpdate). Kept when the unsent records are planned again.
    int passed_over = 0;
    SteadyTime not_before{};
  };

  struct Job {
    aggregate::Batch batch;
    SteadyTime submitted_at{};
    // The list's place in the queue (Pump): its oldest change that has not had a turn yet. When
    // the list starts a request, the changes still waiting in the batch had their turn (the
    // fullest request went), so they count from then, like a change arriving then.
    SteadyTime waiting_since{};
    std::optional<SteadyTime> first_attempt;
    ListTarget target;
    bool activated = false;
    std::deque<Work> ready;
    std::deque<RecordChunk> deferred_adds;  // wait until the list exists
    int in_flight = 0;
    std::optional<FailureReason> failure;
    std::string detail;
    std::vector<aggregate::BatchRecord> rejected;
    std::vector<aggregate::PartitionId> withdrawn;  // by Withdraw: never sent again
    std::vector<uint64_t> merged_ids;               // later batches merged into this one
    // Records of requests started and not acknowledged yet, counted per request: one on the
    // wire, a retry, a 400 half (a rejected record stays). A later batch that changes one of
    // them waits for the next turn, so Pinterest sees each record's changes in order.
    // Counted per entry of batch.adds / batch.removes (by index; missing counts are 0), not in a
    // hash table keyed by record: a request carries a run of indices, so counting it in and out
    // touches a few cache lines instead of ~2,000 random slots (issue 10). Indices are stable
    // while any request refers to them: the only code that erases entries (Merge of a batch
    // that has sent nothing, Withdraw from a batch not activated, MaybeFinish) runs when no
    // count exists or none is needed any more (asserted); superseded entries stay in place
    // until the batch finishes and are never sent again, so the live entry's count (found
    // through `where`) tells whether a record is on its way.
    std::vector<uint32_t> unanswered_adds;
    std::vector<uint32_t> unanswered_removes;
    RecordIndex where;  // built when the batch first takes a later batch after starting
    bool where_built = false;
    SupersededRecords superseded;  // entries replaced by a later batch's other op
    bool relocating = false;       // its list was deleted (404): resolve by name or create again
    std::string gone_list_id;      // while relocating: the deleted list's id
    SteadyTime next_wait_log{};    // kClaim: when "waiting for another member" may be logged again
    // Looked the name up again since this member last took a claim over. Cleared whenever the
    // member stops holding the claim (another holds it, or its create window passed): the next
    // take-over must look again, since the name may have been created meanwhile.
    bool takeover_rechecked = false;
    std::vector<aggregate::BatchRecord> refused_list_full;  // ADDs not sent: the list is full
  };

  struct ListState {
    aggregate::ListKey key;
    std::string list_id;
    bool audience_ready = false;
    std::deque<std::unique_ptr<Job>> jobs;
  };

  struct AccountState {
    explicit AccountState(TokenBucket b) : bucket(b) {}
    TokenBucket bucket;
    bool held = false;      // 403, or 401 that no token fixes: send only probes
    SteadyTime probe_at{};  // while held: when one request may test whether access is back
    bool probe_in_flight = false;
    std::map<std::string, std::string> list_ids_by_name;  // seen while listing
    std::set<std::string> lists_with_audience;  // customer list ids with a CUSTOMER_LIST audience
    // When the last complete sweep of the account's lists / audiences finished: a name missing
    // from a sweep this recent is new (create it) rather than looked up again.
    std::optional<SteadyTime> lists_swept_at;
    std::optional<SteadyTime> audiences_swept_at;
    // The job whose work is paging through the account's lists / audiences; others wait for it.
    const Job* list_sweeper = nullptr;
    const Job* audience_sweeper = nullptr;
    // With the registry: creates this member may have to send soon (open claims, creates and
    // take-over look-ups not sent yet), counted at each Pump. See ClaimCapacity.
    int open_claims = 0;
  };
  enum class Lookup : uint8_t { kSend, kWait, kAnswered };

  static Work MakeWork(Step step, MembershipOp op = MembershipOp::kAdd, RecordChunk records = {},
                       std::string bookmark = {});
  AccountState& Account(const std::string& ad_account_id);
  void Activate(ListState& list, Job& job);
  void ProceedWithList(ListState& list, Job& job);
  // Planned update requests join the batch's ready work, the fullest first.
  static void AppendFullestFirst(Job& job, std::vector<Work> updates);
  // Which of the list's sendable updates takes its turn (`sendable`: indexes into job.ready):
  // a full request if there is one, else the partial one passed over most often. Counts the
  // turn against every partial one left waiting.
  size_t PickUpdate(Job& job, const std::vector<size_t>& sendable) const;
  void CreateOrSkip(Job& job);
  bool TryStartOne(ListState& list, Job& job, SteadyTime now, const std::string& token);
  void StartWork(ListState& list, Job& job, Work work, const std::string& token);
  // A list or audience look-up about to start: answered from the account's sweep (kAnswered,
  // no request), waiting for another job's sweep (kWait), or sent (kSend, maybe as the sweep).
  Lookup PrepareLookup(ListState& list, Job& job, Work& work, SteadyTime now);
  void ListResolved(ListState& list, Job& job);  // after a sweep or recheck: found or create
  // The list exists now: the batch's ADD chunks held back for its creation become updates.
  static void PromoteDeferredAdds(Job& job);
  static bool IsLookup(const Work& work) {
    return work.step == Step::kFindList || work.step == Step::kFindAudience;
  }
  static bool IsLocal(const Work& work) {
    return work.step == Step::kClaim || work.step == Step::kAwaitRegistry;
  }
  // Whether `work` carries ADD records of a create (or of the claim that precedes one).
  static bool CarriesCreateAdds(const Work& work) {
    return work.step == Step::kCreateList ||
           (work.step == Step::kClaim && work.claim_for == Step::kCreateList);
  }
  // Registry (delivery_engine_registry.cc). After the pinned id and the names seen: the
  // registry's ids, else a look-up on Pinterest (waiting first for the registry to catch up).
  void ResolveList(ListState& list, Job& job);
  // A create about to be planned: with a registry it waits for this member's claim.
  Work CreateWork(Step create, RecordChunk records, const Job& job);
  // Local steps of the head batch answered now; true if any was.
  bool AdvanceLocalSteps(ListState& list, Job& job, SteadyTime now);
  // A create about to be sent: true unless another member took the name's claim over from this
  // one (it was slower than the claim timeout); then the work waits as a claim again.
  bool StillClaimed(const ListState& list, Job& job, Work& work);
  // How many names this member may hold claims for at once in an account: as many as its share
  // of the budget lets it create (two requests each) within half the claim's create window.
  // Claiming more would let windows pass while the creates wait for the budget, and each such
  // name wait for a take-over.
  int ClaimCapacity(const AccountState& account, SteadyTime now) const;
  static bool OpensClaim(const Work& work);
  void CountOpenClaims();
  // The list and its audience are ready: tell the other members.
  void PublishIfProvisioned(const ListState& list, const Job& job);
  void AudienceResolved(ListState& list, Job& job);
  void EndSweeps(const Job& job);
  // A 404 on an update of a known list: the list was deleted; find it by name or create it
  // again, then send `work` and the rest of the batch there.
  void Relocate(ListState& list, Job& job, Work work);
  // An audience step that cannot succeed: the list is synced without an audience.
  void GiveUpAudience(ListState& list, const Job& job);
  // Merging later batches of a list (delivery_engine_merge.cc). Mergeable: `job` has sent
  // nothing yet, so `later` joins it whole. TakesLaterChanges: `job` has started, and `later`
  // may join the part it has not sent (MergeIntoStarted re-plans that part's requests).
  static bool Mergeable(const ListState& list, const Job& job);
  void Merge(Job& job, aggregate::Batch batch);
  bool TakesLaterChanges(const ListState& list, Job& job, const aggregate::Batch& later);
  void MergeIntoStarted(Job& job, aggregate::Batch later);
  // A planned update no request has carried yet (not a retry, not a half of a split one).
  static bool Unsent(const Job& job, const Work& work);
  // Pinterest acknowledged `work`: its records' changes are no longer on their way.
  static void Acknowledged(Job& job, const Work& work);
  // The counts of `op`'s entries, grown to cover every entry of the batch.
  static std::vector<uint32_t>& UnansweredCounts(Job& job, MembershipOp op);
  // True if a request carrying `record`'s entry in the batch is on its way. Requires job.where
  // (BuildWhere).
  static bool Unanswered(const Job& job, const aggregate::BatchRecord& record);
  static void BuildWhere(Job& job);
  // Drops withdrawn records from `work`; false if nothing is left for it to do.
  bool PruneWithdrawn(Job& job, Work& work) const;
  static bool IsWithdrawn(const Job& job, aggregate::PartitionId partition);
  HttpRequest BuildRequest(const ListState& list, const Job& job, const Work& work,
                           const std::string& token) const;
  void OnResponse(ListState& list, Job& job, Work work, uint64_t token_generation,
                  HttpResponse response);
  void OnSuccess(ListState& list, Job& job, Work work, const HttpResponse& response);
  void OnBadRequest(ListState& list, Job& job, Work work, const HttpResponse& response);
  void ScheduleRetry(ListState& list, Job& job, Work work, Duration at_least,
                     const std::string& why);
  void HoldAccount(const std::string& ad_account_id, AccountState& account, const std::string& why);
  void Fail(Job& job, FailureReason reason, std::string detail);
  void MaybeFinish(ListState& list);
  std::string AccountUrl(const std::string& ad_account_id) const;
  double SharedRate() const;  // requests per minute per account for this member

  // Pinterest's view of each list (delivery_engine_view.cc). After the batches had their turn:
  // the view sweep's next page where no batch waits, the view's gauges.
  void PumpView(SteadyTime now, const std::string& token, size_t max_in_flight);
  bool BatchWaits(const std::string& ad_account_id, const AccountState& account,
                  SteadyTime now) const;
  void StartViewPage(const std::string& ad_account_id, const ViewSweeper::Page& page,
                     const std::string& token);
  void OnViewPage(const std::string& ad_account_id, ViewSweeper::Phase phase,
                  uint64_t token_generation, HttpResponse response);
  void ExportView(SteadyTime now);
  // The list is at Pinterest's record cap: the batch's ADDs go to refused_list_full unsent.
  bool RefuseAddsAtCap(const ListState& list, Job& job);
  // What a successful answer says of a list or audience, into the view.
  void NoteAnswer(const ListState& list, Step step, const Work& work, const std::string& body);

  const config::Config& config_;
  const config::PinterestConfig& api_;
  const Clock& clock_;
  HttpTransport& transport_;
  AccessTokenSource& tokens_;
  PinterestStats& stats_;
  Backoff backoff_;
  std::map<aggregate::ListKey, ListState> lists_;
  std::optional<aggregate::ListKey> last_served_;  // where the next round robin starts
  std::map<std::string, AccountState> accounts_;
  size_t in_flight_ = 0;
  double budget_share_ = 1.0;
  ListRegistry* registry_ = nullptr;
  std::vector<std::pair<DeliveryOutcome, aggregate::Batch>> finished_;
  ListViewBook view_book_;
  ViewSweeper view_sweeper_;
  ListViewGauges view_gauges_;
  SteadyTime next_view_export_{};
  uint64_t exported_view_version_ = 0;
};

}  // namespace pinsync::pinterest
