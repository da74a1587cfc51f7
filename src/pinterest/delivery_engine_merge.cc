// DeliveryEngine, merging: later batches of a list join the batch that waits for its turn, so
// requests leave full. Per-record order against Pinterest is kept: a later batch joins a batch
// that has started only when it changes none of the records whose change that batch has sent and
// Pinterest not yet acknowledged; otherwise it waits for the next turn, and every batch after it
// joins it there.

#include <algorithm>
#include <cassert>

#include "pinsync/pinterest/api_json.h"
#include "pinsync/pinterest/batch_merge.h"
#include "pinsync/pinterest/delivery_engine.h"

namespace pinsync::pinterest {

bool DeliveryEngine::Mergeable(const ListState& list, const Job& job) {
  if (job.failure) return false;
  if (!job.activated) return true;  // queued behind the list's batch in flight, or embargoed
  // The list's head batch that has not sent anything yet (waiting for the rate budget): it is
  // planned again after the merge.
  return &job == list.jobs.front().get() && !job.first_attempt && job.in_flight == 0 &&
         job.withdrawn.empty() && job.deferred_adds.empty();
}

void DeliveryEngine::Merge(Job& job, aggregate::Batch batch) {
  // MergeLaterBatch may erase and shift entries: only a batch that never sent a request (so
  // counts no unanswered records) may take it.
  assert(job.unanswered_adds.empty() && job.unanswered_removes.empty());
  if (job.activated) {
    job.activated = false;
    job.ready.clear();
  }
  job.merged_ids.push_back(batch.id);
  job.waiting_since = std::min(job.waiting_since, batch.opened_at);
  MergeLaterBatch(job.batch, std::move(batch));
  stats_.batches_merged.Increment();
}

bool DeliveryEngine::TakesLaterChanges(const ListState& list, Job& job,
                                       const aggregate::Batch& later) {
  if (!job.activated || job.failure || !job.first_attempt || &job != list.jobs.front().get()) {
    return false;
  }
  // Only plain updates of a list that exists: no create, claim or relocation under way, no
  // records withdrawn (a partition assigned again must not lose the later batch's records), no
  // ADDs held back at the list's record cap.
  if (list.list_id.empty() || job.relocating || !job.withdrawn.empty() ||
      !job.deferred_adds.empty() || !job.refused_list_full.empty()) {
    return false;
  }
  for (const Work& work : job.ready) {
    if (work.step != Step::kUpdate && work.step != Step::kFindAudience &&
        work.step != Step::kCreateAudience) {
      return false;
    }
  }
  const SteadyTime now = clock_.Now();
  if (later.not_before > now) return false;  // embargoed: it may not start yet
  if (!later.audience_name.empty() && later.audience_name != job.batch.audience_name) return false;
  // The batch keeps taking changes while it has used less than half its retry time (retries
  // are timed from its first request) and stays within the largest batch the aggregator cuts:
  // it finishes, and its offsets settle, within bounds under a backlog that never ends.
  if (now - *job.first_attempt >= api_.retry_max_duration / 2) return false;
  if (job.batch.size() + later.size() > config_.BatchingFor(list.key.audience_id).max_records) {
    return false;
  }
  // A record whose earlier change may still be on its way to Pinterest goes to the next batch
  // (a change Pinterest acknowledged may be followed by any other).
  BuildWhere(job);
  auto unanswered = [&job](const aggregate::BatchRecord& r) { return Unanswered(job, r); };
  return std::none_of(later.adds.begin(), later.adds.end(), unanswered) &&
         std::none_of(later.removes.begin(), later.removes.end(), unanswered);
}

bool DeliveryEngine::Unsent(const Job&, const Work& work) {
  return work.step == Step::kUpdate && !work.records.empty() && !work.counted_unanswered;
}

std::vector<uint32_t>& DeliveryEngine::UnansweredCounts(Job& job, MembershipOp op) {
  const bool add = op == MembershipOp::kAdd;
  std::vector<uint32_t>& counts = add ? job.unanswered_adds : job.unanswered_removes;
  const size_t entries = add ? job.batch.adds.size() : job.batch.removes.size();
  if (counts.size() < entries) counts.resize(entries, 0);
  return counts;
}

void DeliveryEngine::BuildWhere(Job& job) {
  if (job.where_built) return;
  job.where = IndexRecords(job.batch, job.superseded);
  job.where_built = true;
}

bool DeliveryEngine::Unanswered(const Job& job, const aggregate::BatchRecord& record) {
  assert(job.where_built);
  const auto it = job.where.find(record.id);
  if (it == job.where.end()) return false;
  const auto [add, index] = it->second;
  const std::vector<uint32_t>& counts = add ? job.unanswered_adds : job.unanswered_removes;
  return index < counts.size() && counts[index] > 0;
}

void DeliveryEngine::Acknowledged(Job& job, const Work& work) {
  if (!work.counted_unanswered) return;
  std::vector<uint32_t>& counts = UnansweredCounts(job, work.op);
  for (uint32_t i : work.records) {
    if (counts[i] > 0) --counts[i];
  }
}

void DeliveryEngine::MergeIntoStarted(Job& job, aggregate::Batch later) {
  UnsentRecords unsent;
  int adds_passed_over = 0, removes_passed_over = 0;  // the turns they waited are kept
  std::deque<Work> kept;  // look-ups, audience steps, retries: as they were
  for (Work& work : job.ready) {
    if (!Unsent(job, work)) {
      kept.push_back(std::move(work));
      continue;
    }
    const bool add = work.op == MembershipOp::kAdd;
    auto& pool = add ? unsent.adds : unsent.removes;
    pool.insert(pool.end(), work.records.begin(), work.records.end());
    int& passed_over = add ? adds_passed_over : removes_passed_over;
    passed_over = std::max(passed_over, work.passed_over);
  }
  job.ready = std::move(kept);
  job.merged_ids.push_back(later.id);
  job.waiting_since = std::min(job.waiting_since, later.opened_at);
  BuildWhere(job);
  MergeIntoUnsent(job.batch, std::move(later), job.where, unsent, job.superseded);
  // The unsent records planned again into full requests, the fullest first.
  std::vector<Work> planned;
  auto plan = [&](MembershipOp op, std::vector<uint32_t>& pool) {
    std::sort(pool.begin(), pool.end());
    const auto& records = op == MembershipOp::kAdd ? job.batch.adds : job.batch.removes;
    std::vector<aggregate::BatchRecord> picked;
    picked.reserve(pool.size());
    for (uint32_t i : pool) picked.push_back(records[i]);
    for (RecordChunk& chunk : PlanChunks(picked, api_.max_records_per_request,
                                         api_.max_request_bytes, UpdateBodyOverhead())) {
      for (uint32_t& i : chunk) i = pool[i];
      planned.push_back(MakeWork(Step::kUpdate, op, std::move(chunk)));
      planned.back().passed_over =
          op == MembershipOp::kAdd ? adds_passed_over : removes_passed_over;
    }
  };
  plan(MembershipOp::kAdd, unsent.adds);
  plan(MembershipOp::kRemove, unsent.removes);
  AppendFullestFirst(job, std::move(planned));
  stats_.batches_merged.Increment();
}

}  // namespace pinsync::pinterest
