#include "pinsync/sandbox/sandbox_state.h"

#include <algorithm>
#include <charconv>

namespace pinsync::sandbox {
namespace {

// Ids look like Pinterest's: 13-digit numeric strings, increasing with creation time.
constexpr uint64_t kFirstId = 5'497'558'138'881;
constexpr size_t kReadyThreshold = 100;  // Pinterest: a list needs 100 matched users

std::string StatusFor(size_t members) { return members >= kReadyThreshold ? "READY" : "TOO_SMALL"; }

// Bookmarks are opaque to clients: the order and the id of the next item.
std::string MakeBookmark(bool descending, uint64_t next_id) {
  return (descending ? "D" : "A") + std::to_string(next_id);
}

Result<std::optional<uint64_t>, ApiError> ParseBookmark(const PageQuery& query) {
  if (query.bookmark.empty()) return std::optional<uint64_t>{};
  const char expected = query.descending ? 'D' : 'A';
  if (query.bookmark.front() == expected) {
    auto id = ParseResourceId(query.bookmark.substr(1));
    if (id) return std::optional<uint64_t>(*id);
  }
  return Failed(MakeApiError(ApiErrc::kBadRequest,
                             "query parameter 'bookmark' is not one this server issued for "
                             "this order; pass the bookmark of the previous page unchanged"));
}

// One page of a map ordered by id, from the bookmark on, in the requested order.
template <class Map, class Snap>
Result<Page<std::invoke_result_t<Snap, uint64_t, const typename Map::mapped_type&>>, ApiError>
PageOf(const Map& items, const PageQuery& query, Snap snap) {
  using T = std::invoke_result_t<Snap, uint64_t, const typename Map::mapped_type&>;
  auto start = ParseBookmark(query);
  if (!start.ok()) return Failed(start.error());
  Page<T> page;
  const size_t limit = static_cast<size_t>(std::max(1, query.page_size));
  auto fill = [&](auto begin, auto end) {
    for (auto it = begin; it != end; ++it) {
      if (page.items.size() == limit) {
        page.bookmark = MakeBookmark(query.descending, it->first);
        return;
      }
      page.items.push_back(snap(it->first, it->second));
    }
  };
  if (query.descending) {
    auto begin = start->has_value() ? std::make_reverse_iterator(items.upper_bound(**start))
                                    : items.rbegin();
    fill(begin, items.rend());
  } else {
    fill(start->has_value() ? items.lower_bound(**start) : items.begin(), items.end());
  }
  return page;
}

ApiError ListNotFound(const std::string& ad_account_id, const std::string& list_id) {
  return MakeApiError(ApiErrc::kNotFound, "customer list " + list_id +
                                              " does not exist in ad account " + ad_account_id +
                                              "; create it first or check the id");
}

}  // namespace

std::optional<uint64_t> ParseResourceId(const std::string& id) {
  if (id.empty() || id.size() > 18) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  if (!std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return value;
}

SandboxState::SandboxState(const Clock& clock, bool track_membership_changes)
    : clock_(clock), track_changes_(track_membership_changes), next_id_(kFirstId) {}

int64_t SandboxState::NowSeconds() const { return clock_.WallMillis() / 1000; }

Result<ListSnapshot, ApiError> SandboxState::CreateList(const std::string& ad_account_id,
                                                        const std::string& name,
                                                        const std::string& list_type,
                                                        const std::vector<HashedId>& records) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  CustomerList& list = accounts_[ad_account_id].lists[id];
  list.name = name;
  list.list_type = list_type;
  list.members.reserve(records.size());
  for (const auto& record : records) {
    if (list.members.insert(record).second && track_changes_) ++list.membership_changes[record];
  }
  list.num_batches = 1;
  list.num_uploaded = static_cast<int64_t>(records.size());
  list.created_time = list.updated_time = NowSeconds();
  return SnapshotLocked(ad_account_id, id, list);
}

Result<ListSnapshot, ApiError> SandboxState::SetUploadedRecords(const std::string& ad_account_id,
                                                                const std::string& list_id,
                                                                int64_t uploaded) {
  const auto id = ParseResourceId(list_id);
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(ad_account_id);
  if (!id || account == accounts_.end()) return Failed(ListNotFound(ad_account_id, list_id));
  auto it = account->second.lists.find(*id);
  if (it == account->second.lists.end()) return Failed(ListNotFound(ad_account_id, list_id));
  it->second.num_uploaded = uploaded;
  return SnapshotLocked(ad_account_id, *id, it->second);
}

Result<ListSnapshot, ApiError> SandboxState::UpdateList(const std::string& ad_account_id,
                                                        const std::string& list_id, MembershipOp op,
                                                        const std::vector<HashedId>& records) {
  const auto id = ParseResourceId(list_id);
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(ad_account_id);
  CustomerList* list = nullptr;
  if (id && account != accounts_.end()) {
    auto it = account->second.lists.find(*id);
    if (it != account->second.lists.end()) list = &it->second;
  }
  if (list == nullptr) return Failed(ListNotFound(ad_account_id, list_id));
  switch (op) {
    case MembershipOp::kAdd:
      for (const auto& record : records) {
        if (list->members.insert(record).second && track_changes_) {
          ++list->membership_changes[record];
        }
      }
      list->num_uploaded += static_cast<int64_t>(records.size());
      break;
    case MembershipOp::kRemove:
      for (const auto& record : records) {
        if (list->members.erase(record) > 0 && track_changes_) ++list->membership_changes[record];
      }
      list->num_removed += static_cast<int64_t>(records.size());
      break;
  }
  list->num_batches += 1;
  list->updated_time = NowSeconds();
  return SnapshotLocked(ad_account_id, *id, *list);
}

Result<ListSnapshot, ApiError> SandboxState::GetList(const std::string& ad_account_id,
                                                     const std::string& list_id) const {
  const auto id = ParseResourceId(list_id);
  std::lock_guard lock(mutex_);
  const auto* list = id ? FindListLocked(ad_account_id, *id) : nullptr;
  if (list == nullptr) return Failed(ListNotFound(ad_account_id, list_id));
  return SnapshotLocked(ad_account_id, *id, *list);
}

Result<Page<ListSnapshot>, ApiError> SandboxState::ListLists(const std::string& ad_account_id,
                                                             const PageQuery& query) const {
  std::lock_guard lock(mutex_);
  static const std::map<uint64_t, CustomerList> kNone;
  auto account = accounts_.find(ad_account_id);
  const auto& lists = account == accounts_.end() ? kNone : account->second.lists;
  return PageOf(lists, query, [&](uint64_t id, const CustomerList& list) {
    return SnapshotLocked(ad_account_id, id, list);
  });
}

Result<AudienceSnapshot, ApiError> SandboxState::CreateAudience(
    const std::string& ad_account_id, const std::string& name, const std::string& audience_type,
    const std::string& customer_list_id, std::optional<std::string> description) {
  if (audience_type != "CUSTOMER_LIST") {
    return Failed(MakeApiError(ApiErrc::kBadRequest,
                               "field 'audience_type': the sandbox implements only CUSTOMER_LIST "
                               "audiences (the type pinsync creates)"));
  }
  const auto list_id = ParseResourceId(customer_list_id);
  std::lock_guard lock(mutex_);
  if (!list_id || FindListLocked(ad_account_id, *list_id) == nullptr) {
    return Failed(
        MakeApiError(ApiErrc::kBadRequest, "field 'rule.customer_list_id': customer list " +
                                               customer_list_id + " does not exist in ad account " +
                                               ad_account_id + "; create the list first"));
  }
  const uint64_t id = next_id_++;
  Audience& audience = accounts_[ad_account_id].audiences[id];
  audience.name = name;
  audience.audience_type = audience_type;
  audience.customer_list_id = *list_id;
  audience.description = std::move(description);
  audience.created_time = audience.updated_time = NowSeconds();
  return SnapshotLocked(ad_account_id, id, audience);
}

Result<AudienceSnapshot, ApiError> SandboxState::GetAudience(const std::string& ad_account_id,
                                                             const std::string& audience_id) const {
  const auto id = ParseResourceId(audience_id);
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(ad_account_id);
  if (id && account != accounts_.end()) {
    auto it = account->second.audiences.find(*id);
    if (it != account->second.audiences.end()) {
      return SnapshotLocked(ad_account_id, *id, it->second);
    }
  }
  return Failed(MakeApiError(ApiErrc::kNotFound, "audience " + audience_id +
                                                     " does not exist in ad account " +
                                                     ad_account_id + "; check the id"));
}

Result<Page<AudienceSnapshot>, ApiError> SandboxState::ListAudiences(
    const std::string& ad_account_id, const PageQuery& query) const {
  std::lock_guard lock(mutex_);
  static const std::map<uint64_t, Audience> kNone;
  auto account = accounts_.find(ad_account_id);
  const auto& audiences = account == accounts_.end() ? kNone : account->second.audiences;
  return PageOf(audiences, query, [&](uint64_t id, const Audience& audience) {
    return SnapshotLocked(ad_account_id, id, audience);
  });
}

std::vector<ListSnapshot> SandboxState::Lists() const {
  std::vector<ListSnapshot> out;
  std::vector<std::vector<HashedId>> members;
  {
    // Only copy the binary members under the lock; hex and sort after it, so a test reading a
    // list of millions does not stall the server's writers for long.
    std::lock_guard lock(mutex_);
    for (const auto& [account_id, account] : accounts_) {
      for (const auto& [id, list] : account.lists) {
        out.push_back(SnapshotLocked(account_id, id, list));
        members.emplace_back(list.members.begin(), list.members.end());
      }
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    auto& hexes = out[i].members;
    hexes.reserve(members[i].size());
    for (const auto& member : members[i]) hexes.push_back(member.Hex());
    std::sort(hexes.begin(), hexes.end());
  }
  return out;
}

std::map<std::pair<std::string, std::string>, uint32_t> SandboxState::MembershipChanges() const {
  std::vector<std::pair<std::string, std::vector<std::pair<HashedId, uint32_t>>>> copied;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [account_id, account] : accounts_) {
      for (const auto& [id, list] : account.lists) {
        copied.emplace_back(
            list.name, std::vector<std::pair<HashedId, uint32_t>>(list.membership_changes.begin(),
                                                                  list.membership_changes.end()));
      }
    }
  }
  std::map<std::pair<std::string, std::string>, uint32_t> out;
  for (const auto& [name, changes] : copied) {
    for (const auto& [record, count] : changes) out[{name, record.Hex()}] += count;
  }
  return out;
}

std::vector<AudienceSnapshot> SandboxState::Audiences() const {
  std::lock_guard lock(mutex_);
  std::vector<AudienceSnapshot> out;
  for (const auto& [account_id, account] : accounts_) {
    for (const auto& [id, audience] : account.audiences) {
      out.push_back(SnapshotLocked(account_id, id, audience));
    }
  }
  return out;
}

bool SandboxState::DeleteList(const std::string& ad_account_id, const std::string& list_id) {
  const auto id = ParseResourceId(list_id);
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(ad_account_id);
  if (!id || account == accounts_.end() || account->second.lists.erase(*id) == 0) return false;
  std::erase_if(account->second.audiences,
                [&](const auto& entry) { return entry.second.customer_list_id == *id; });
  return true;
}

void SandboxState::Reset() {
  std::lock_guard lock(mutex_);
  accounts_.clear();
  next_id_ = kFirstId;
}

const SandboxState::CustomerList* SandboxState::FindListLocked(const std::string& ad_account_id,
                                                               uint64_t id) const {
  auto account = accounts_.find(ad_account_id);
  if (account == accounts_.end()) return nullptr;
  auto it = account->second.lists.find(id);
  return it == account->second.lists.end() ? nullptr : &it->second;
}

ListSnapshot SandboxState::SnapshotLocked(const std::string& ad_account_id, uint64_t id,
                                          const CustomerList& list) const {
  ListSnapshot s;
  s.ad_account_id = ad_account_id;
  s.id = std::to_string(id);
  s.name = list.name;
  s.list_type = list.list_type;
  s.status = StatusFor(list.members.size());
  s.num_batches = list.num_batches;
  s.num_uploaded_user_records = list.num_uploaded;
  s.num_removed_user_records = list.num_removed;
  s.created_time = list.created_time;
  s.updated_time = list.updated_time;
  s.member_count = list.members.size();
  return s;
}

AudienceSnapshot SandboxState::SnapshotLocked(const std::string& ad_account_id, uint64_t id,
                                              const Audience& audience) const {
  AudienceSnapshot s;
  s.ad_account_id = ad_account_id;
  s.id = std::to_string(id);
  s.name = audience.name;
  s.audience_type = audience.audience_type;
  s.customer_list_id = std::to_string(audience.customer_list_id);
  s.description = audience.description;
  const auto* list = FindListLocked(ad_account_id, audience.customer_list_id);
  const size_t members = list == nullptr ? 0 : list->members.size();
  s.status = StatusFor(members);
  s.size = static_cast<int64_t>(members);
  s.created_timestamp = audience.created_time;
  s.updated_timestamp = audience.updated_time;
  return s;
}

}  // namespace pinsync::sandbox
