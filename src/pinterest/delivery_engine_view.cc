// DeliveryEngine, part three: Pinterest's own view of each list (issue 8). What every list and
// audience page and create answer says goes into the ListViewBook; a periodic view sweep reads
// the account's pages again at the lowest priority; a list at Pinterest's record cap takes no
// more ADDs. The logic lives in ListViewBook, ViewSweeper and ListViewGauges; this file wires
// them to the engine's accounts, buckets and transport.

#include <spdlog/spdlog.h>

#include "pinsync/pinterest/api_json.h"
#include "pinsync/pinterest/delivery_engine.h"

namespace pinsync::pinterest {

namespace {
constexpr int kViewPageSize = 250;
// The view's gauges and the list keys it tracks are refreshed at most this often (and at once
// when the view changed); the age gauge moves with it.
constexpr auto kViewExportEvery = std::chrono::seconds(1);

std::string_view ViewOperation(ViewSweeper::Phase phase) {
  return phase == ViewSweeper::Phase::kLists ? "view_lists" : "view_audiences";
}
}  // namespace

void DeliveryEngine::PumpView(SteadyTime now, const std::string& token, size_t max_in_flight) {
  for (auto& [id, account] : accounts_) {
    // A complete sweep the engine made to resolve list ids read the same pages.
    if (account.lists_swept_at && account.audiences_swept_at) {
      view_sweeper_.ReadElsewhere(id,
                                  std::min(*account.lists_swept_at, *account.audiences_swept_at));
    }
    if (account.held || in_flight_ >= max_in_flight) continue;
    auto page = view_sweeper_.Due(id, now);
    if (!page) continue;
    // The lowest priority: a page goes only with a token no batch of the account is waiting for
    // (this runs after every batch had its turn in this Pump). A batch that becomes ready right
    // after finds the bucket one token shorter, a delay of at most one refill interval, and the
    // sweep spends at most 2 x ceil(items / 250) tokens per view_sweep_interval.
    if (BatchWaits(id, account, now) || !account.bucket.TryAcquire(now)) continue;
    StartViewPage(id, *page, token);
  }
  ExportView(now);
}

bool DeliveryEngine::BatchWaits(const std::string& ad_account_id, const AccountState& account,
                                SteadyTime now) const {
  // A look-up sweep under way reads the same pages: the view waits for it (and counts it).
  if (account.list_sweeper != nullptr || account.audience_sweeper != nullptr) return true;
  for (const auto& [key, list] : lists_) {
    if (key.ad_account_id != ad_account_id || list.jobs.empty()) continue;
    for (const Work& work : list.jobs.front()->ready) {
      if (work.not_before <= now) return true;
    }
  }
  return false;
}

void DeliveryEngine::StartViewPage(const std::string& ad_account_id, const ViewSweeper::Page& page,
                                   const std::string& token) {
  HttpRequest request;
  request.connect_timeout = api_.connect_timeout;
  request.total_timeout = api_.request_timeout;
  request.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  request.method = HttpMethod::kGet;
  request.url = AccountUrl(ad_account_id) +
                (page.phase == ViewSweeper::Phase::kLists ? "/customer_lists" : "/audiences") +
                "?page_size=" + std::to_string(kViewPageSize);
  if (!page.bookmark.empty()) request.url += "&bookmark=" + FormEncode(page.bookmark);
  view_sweeper_.Started(ad_account_id);
  ++in_flight_;
  const uint64_t generation = tokens_.generation();
  transport_.Start(std::move(request),
                   [this, ad_account_id, phase = page.phase, generation](HttpResponse response) {
                     OnViewPage(ad_account_id, phase, generation, std::move(response));
                   });
}

void DeliveryEngine::OnViewPage(const std::string& ad_account_id, ViewSweeper::Phase phase,
                                uint64_t token_generation, HttpResponse response) {
  --in_flight_;
  const SteadyTime now = clock_.Now();
  stats_.Request(ViewOperation(phase), StatusClassLabel(response)).Increment();
  AccountState& account = Account(ad_account_id);
  if (auto limit = ParseServerLimit(response, clock_.WallMillis())) {
    account.bucket.ObserveServerLimit(limit->remaining, limit->until_reset, now);
  }
  const ResponseClass cls = Classify(response);
  if (cls == ResponseClass::kRateLimited) {
    stats_.rate_limited.Increment();
    const Duration wait = ParseRetryAfter(response).value_or(Duration::zero());
    if (wait > Duration::zero()) account.bucket.PauseUntil(now + wait);
  }
  if (cls == ResponseClass::kUnauthorized && tokens_.uses_refresh_flow()) {
    tokens_.OnUnauthorized(token_generation);
  }
  std::string next_bookmark;
  std::string failure;
  if (cls != ResponseClass::kSuccess) {
    failure = "HTTP " + std::to_string(response.status);
  } else if (phase == ViewSweeper::Phase::kLists) {
    if (auto page = ParseCustomerListPage(response.body)) {
      for (const NamedItem& item : page->items) view_book_.RecordList(ad_account_id, item, now);
      next_bookmark = page->bookmark;
    } else {
      failure = page.error().message;
    }
  } else {
    if (auto page = ParseAudiencePage(response.body)) {
      for (const AudienceItem& item : page->items) view_book_.RecordAudience(ad_account_id, item);
      next_bookmark = page->bookmark;
    } else {
      failure = page.error().message;
    }
  }
  if (!failure.empty()) {
    // Delivery does not depend on the view: the next sweep reads it again.
    view_sweeper_.PageFailed(ad_account_id, now);
    stats_.view.Sweep(false).Increment();
    spdlog::warn(
        "pinterest: the view sweep of ad account {} failed on {} ({}); Pinterest's view of its "
        "lists is read again in pinterest.view_sweep_interval",
        ad_account_id, ViewOperation(phase), failure);
    return;
  }
  if (view_sweeper_.PageDone(ad_account_id, next_bookmark, now) == ViewSweeper::Progress::kDone) {
    stats_.view.Sweep(true).Increment();
  }
}

void DeliveryEngine::ExportView(SteadyTime now) {
  if (now < next_view_export_) return;
  next_view_export_ = now + kViewExportEvery;
  for (const auto& [key, list] : lists_) {
    const bool named = !list.jobs.empty() && list.jobs.front()->activated;
    view_book_.Track(key, named ? list.jobs.front()->target.list_name : std::string(),
                     list.list_id);
  }
  if (view_book_.version() == exported_view_version_) {
    view_gauges_.SetAge(view_book_.OldestRead(), now);
    return;
  }
  exported_view_version_ = view_book_.version();
  view_gauges_.Export(view_book_.Snapshot(), now);
}

bool DeliveryEngine::RefuseAddsAtCap(const ListState& list, Job& job) {
  const std::string& account = list.key.ad_account_id;
  if (!view_book_.Full(account, list.list_id)) {
    if (view_book_.RefusalEnded(list.key)) {
      spdlog::info(
          "pinterest: customer list {} in ad account {} is below Pinterest's record cap "
          "again; its ADDs are sent again",
          list.list_id, account);
    }
    return false;
  }
  if (job.batch.adds.empty()) return false;
  job.refused_list_full = job.batch.adds;
  if (view_book_.FirstRefusal(list.key)) {
    spdlog::warn(
        "pinterest: customer list {} in ad account {} holds about {} records, Pinterest's cap is "
        "{}: its ADDs are not sent (errored as list_full and dead-lettered), REMOVEs still are. "
        "Remove members or split the audience; see docs/pinterest.md",
        list.list_id, account, view_book_.HeldRecords(account, list.list_id).value_or(0),
        kCustomerListRecordCap);
  }
  return true;
}

void DeliveryEngine::NoteAnswer(const ListState& list, Step step, const Work& work,
                                const std::string& body) {
  const std::string& account = list.key.ad_account_id;
  const SteadyTime now = clock_.Now();
  switch (step) {
    case Step::kFindList:
      if (auto page = ParseCustomerListPage(body)) {
        for (const NamedItem& item : page->items) view_book_.RecordList(account, item, now);
      }
      return;
    case Step::kFindAudience:
      if (auto page = ParseAudiencePage(body)) {
        for (const AudienceItem& item : page->items) view_book_.RecordAudience(account, item);
      }
      return;
    case Step::kCreateList:
      if (auto created = ParseCustomerList(body)) view_book_.RecordList(account, *created, now);
      return;
    case Step::kCreateAudience:
      if (auto created = ParseAudience(body)) {
        created->audience_type = "CUSTOMER_LIST";  // the only kind pinsync creates
        if (created->customer_list_id.empty()) created->customer_list_id = list.list_id;
        view_book_.RecordAudience(account, *created);
      }
      return;
    case Step::kUpdate:
      view_book_.RecordUpdate(account, work.list_id, work.op, work.records.size());
      return;
    case Step::kClaim:
    case Step::kAwaitRegistry:
      return;  // local steps: never answered by Pinterest
  }
}

}  // namespace pinsync::pinterest
