#include "pinsync/pinterest/list_view_book.h"

#include <algorithm>

namespace pinsync::pinterest {

void ListViewBook::Track(const aggregate::ListKey& key, const std::string& list_name,
                         const std::string& list_id) {
  Tracked& tracked = tracked_[key];
  if (!list_name.empty() && tracked.list_name != list_name) {
    tracked.list_name = list_name;
    ++version_;
  }
  if (tracked.list_id != list_id) {
    tracked.list_id = list_id;
    ++version_;
  }
}

void ListViewBook::RecordList(const std::string& ad_account_id, const NamedItem& list,
                              SteadyTime now) {
  if (list.id.empty()) return;
  ListFacts& facts = lists_[{ad_account_id, list.id}];
  facts.status = list.status;
  facts.uploaded = list.num_uploaded_user_records;
  facts.removed = list.num_removed_user_records;
  facts.added_since_read = 0;
  facts.removed_since_read = 0;
  facts.read_at = now;
  ++version_;  // read_at moved at least
}

void ListViewBook::RecordAudience(const std::string& ad_account_id, const AudienceItem& audience) {
  if (audience.audience_type != "CUSTOMER_LIST" || audience.customer_list_id.empty()) return;
  AudienceFacts& facts = audiences_[{ad_account_id, audience.customer_list_id}];
  facts.id = audience.id;
  facts.status = audience.status;
  facts.size = audience.size;
  ++version_;
}

void ListViewBook::RecordUpdate(const std::string& ad_account_id, const std::string& list_id,
                                MembershipOp op, size_t records) {
  auto it = lists_.find({ad_account_id, list_id});
  if (it == lists_.end()) return;  // never read: nothing to adjust
  const bool was_full = Full(ad_account_id, list_id);
  (op == MembershipOp::kAdd ? it->second.added_since_read : it->second.removed_since_read) +=
      static_cast<int64_t>(records);
  if (Full(ad_account_id, list_id) != was_full) ++version_;  // only `full` shows in the view
}

std::optional<int64_t> ListViewBook::HeldRecords(const std::string& ad_account_id,
                                                 const std::string& list_id) const {
  auto it = lists_.find({ad_account_id, list_id});
  if (it == lists_.end() || it->second.uploaded < 0) return std::nullopt;
  const ListFacts& f = it->second;
  const int64_t removed = std::max<int64_t>(0, f.removed) + f.removed_since_read;
  return std::max<int64_t>(0, f.uploaded + f.added_since_read - removed);
}

bool ListViewBook::Full(const std::string& ad_account_id, const std::string& list_id) const {
  if (list_id.empty()) return false;
  auto held = HeldRecords(ad_account_id, list_id);
  return held && *held >= kCustomerListRecordCap;
}

bool ListViewBook::FirstRefusal(const aggregate::ListKey& key) {
  return refusing_.insert(key).second;
}

bool ListViewBook::RefusalEnded(const aggregate::ListKey& key) { return refusing_.erase(key) > 0; }

std::vector<ListView> ListViewBook::Snapshot() const {
  std::vector<ListView> out;
  out.reserve(tracked_.size());
  for (const auto& [key, tracked] : tracked_) {
    ListView view;
    view.key = key;
    view.list_name = tracked.list_name;
    view.list_id = tracked.list_id;
    if (!tracked.list_id.empty()) {
      const ListRef ref{key.ad_account_id, tracked.list_id};
      if (auto list = lists_.find(ref); list != lists_.end()) {
        view.list_status = list->second.status;
        view.num_uploaded_user_records = list->second.uploaded;
        view.num_removed_user_records = list->second.removed;
        view.read_at = list->second.read_at;
        view.full = Full(key.ad_account_id, tracked.list_id);
      }
      if (auto audience = audiences_.find(ref); audience != audiences_.end()) {
        view.audience_id = audience->second.id;
        view.audience_status = audience->second.status;
        view.audience_size = audience->second.size;
      }
    }
    out.push_back(std::move(view));
  }
  return out;
}

std::optional<SteadyTime> ListViewBook::OldestRead() const {
  std::optional<SteadyTime> oldest;
  for (const auto& [key, tracked] : tracked_) {
    if (tracked.list_id.empty()) continue;
    auto list = lists_.find({key.ad_account_id, tracked.list_id});
    if (list == lists_.end()) continue;
    if (!oldest || list->second.read_at < *oldest) oldest = list->second.read_at;
  }
  return oldest;
}

}  // namespace pinsync::pinterest
