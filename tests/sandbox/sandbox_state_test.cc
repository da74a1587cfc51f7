#include "pinsync/sandbox/sandbox_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "pinsync/sandbox/records.h"
#include "sandbox/test_hashes.h"

namespace pinsync::sandbox {
namespace {

using testing::Sha256Hex;
using testing::Sha256Hexes;

std::vector<HashedId> Ids(const std::vector<std::string>& hexes) {
  std::vector<HashedId> out;
  for (const auto& h : hexes) out.push_back(*ParseHexHash(h));
  return out;
}

class SandboxStateTest : public ::testing::Test {
 protected:
  ManualClock clock_;
  SandboxState state_{clock_};
};

TEST_F(SandboxStateTest, CreateCountsTheFirstBatchAndStoresMembers) {
  auto list = state_.CreateList("123", "shoppers-EMAIL", "EMAIL", Ids(Sha256Hexes(0, 3)));
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->ad_account_id, "123");
  EXPECT_EQ(list->name, "shoppers-EMAIL");
  EXPECT_EQ(list->num_batches, 1);
  EXPECT_EQ(list->num_uploaded_user_records, 3);
  EXPECT_EQ(list->num_removed_user_records, 0);
  EXPECT_EQ(list->member_count, 3u);
  EXPECT_EQ(list->status, "TOO_SMALL");
  EXPECT_EQ(list->created_time, clock_.WallMillis() / 1000);
  EXPECT_FALSE(list->id.empty());
  EXPECT_TRUE(std::all_of(list->id.begin(), list->id.end(), ::isdigit));
}

TEST_F(SandboxStateTest, AddAndRemoveMoveMembersAndCountersAsPinterestDocuments) {
  auto list = state_.CreateList("1", "l", "EMAIL", Ids(Sha256Hexes(0, 2)));
  ASSERT_TRUE(list.ok());
  clock_.Advance(std::chrono::seconds(10));
  // Re-adding a member still counts as uploaded.
  auto added = state_.UpdateList("1", list->id, MembershipOp::kAdd, Ids(Sha256Hexes(1, 3)));
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->num_batches, 2);
  EXPECT_EQ(added->num_uploaded_user_records, 5);
  EXPECT_EQ(added->member_count, 4u);
  EXPECT_EQ(added->updated_time, added->created_time + 10);
  // Removing an absent member still counts as removed.
  auto removed =
      state_.UpdateList("1", list->id, MembershipOp::kRemove, Ids({Sha256Hex(0), Sha256Hex(99)}));
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->num_batches, 3);
  EXPECT_EQ(removed->num_removed_user_records, 2);
  EXPECT_EQ(removed->member_count, 3u);

  const auto lists = state_.Lists();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].members, (std::vector<std::string>{Sha256Hex(1), Sha256Hex(2), Sha256Hex(3)}));
}

TEST_F(SandboxStateTest, ListIsReadyFromOneHundredMembers) {
  auto list = state_.CreateList("1", "l", "EMAIL", Ids(Sha256Hexes(0, 99)));
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->status, "TOO_SMALL");
  auto more = state_.UpdateList("1", list->id, MembershipOp::kAdd, Ids({Sha256Hex(500)}));
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->status, "READY");
}

TEST_F(SandboxStateTest, SetUploadedRecordsMakesAListLookFullWithoutItsMembers) {
  auto list = state_.CreateList("1", "l", "EMAIL", Ids(Sha256Hexes(0, 3)));
  ASSERT_TRUE(list.ok());
  auto full = state_.SetUploadedRecords("1", list->id, 300'000'000);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->num_uploaded_user_records, 300'000'000);
  EXPECT_EQ(full->member_count, 3u);
  EXPECT_EQ(full->status, "TOO_SMALL") << "status follows the members, not the counter";
  auto more = state_.UpdateList("1", list->id, MembershipOp::kAdd, Ids({Sha256Hex(9)}));
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->num_uploaded_user_records, 300'000'001) << "later ADDs count on";
  EXPECT_EQ(state_.SetUploadedRecords("2", list->id, 1).error().code, ApiErrc::kNotFound);
  EXPECT_EQ(state_.SetUploadedRecords("1", "999", 1).error().code, ApiErrc::kNotFound);
}

TEST_F(SandboxStateTest, ListsAreScopedToTheirAdAccount) {
  auto list = state_.CreateList("1", "l", "EMAIL", Ids({Sha256Hex(1)}));
  ASSERT_TRUE(list.ok());
  auto elsewhere = state_.GetList("2", list->id);
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, ApiErrc::kNotFound);
  auto update = state_.UpdateList("2", list->id, MembershipOp::kAdd, Ids({Sha256Hex(2)}));
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code, ApiErrc::kNotFound);
  EXPECT_FALSE(state_.GetList("1", "999").ok());
  EXPECT_TRUE(state_.GetList("1", list->id).ok());
}

TEST_F(SandboxStateTest, PaginationVisitsEveryListOnceInBothOrders) {
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) {
    auto list = state_.CreateList("1", "l" + std::to_string(i), "EMAIL", Ids({Sha256Hex(i)}));
    ASSERT_TRUE(list.ok());
    created.push_back(list->id);
  }
  for (bool descending : {false, true}) {
    PageQuery query;
    query.page_size = 3;
    query.descending = descending;
    std::vector<std::string> seen;
    for (int page = 0; page < 10; ++page) {
      auto result = state_.ListLists("1", query);
      ASSERT_TRUE(result.ok());
      EXPECT_LE(result->items.size(), 3u);
      for (const auto& item : result->items) seen.push_back(item.id);
      if (!result->bookmark) break;
      query.bookmark = *result->bookmark;
    }
    auto expected = created;
    if (descending) std::reverse(expected.begin(), expected.end());
    EXPECT_EQ(seen, expected) << "descending=" << descending;
  }
}

TEST_F(SandboxStateTest, ExactlyFullLastPageHasNoBookmark) {
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(state_.CreateList("1", "l", "EMAIL", Ids({Sha256Hex(i)})).ok());
  PageQuery query;
  query.page_size = 4;
  auto page = state_.ListLists("1", query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 4u);
  EXPECT_FALSE(page->bookmark.has_value());
}

TEST_F(SandboxStateTest, ForeignOrMismatchedBookmarkIsBadRequest) {
  ASSERT_TRUE(state_.CreateList("1", "l", "EMAIL", Ids({Sha256Hex(1)})).ok());
  PageQuery query;
  query.bookmark = "garbage";
  auto page = state_.ListLists("1", query);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ApiErrc::kBadRequest);
  query.bookmark = "D5497558138881";  // a descending bookmark on an ascending query
  EXPECT_FALSE(state_.ListLists("1", query).ok());
}

TEST_F(SandboxStateTest, EmptyAccountListsNothing) {
  auto page = state_.ListLists("42", PageQuery{});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  EXPECT_FALSE(page->bookmark.has_value());
}

TEST_F(SandboxStateTest, CustomerListAudienceNeedsAListInTheSameAccount) {
  auto list = state_.CreateList("1", "l", "EMAIL", Ids(Sha256Hexes(0, 150)));
  ASSERT_TRUE(list.ok());
  auto audience = state_.CreateAudience("1", "aud", "CUSTOMER_LIST", list->id, "desc");
  ASSERT_TRUE(audience.ok());
  EXPECT_EQ(audience->customer_list_id, list->id);
  EXPECT_EQ(audience->status, "READY");
  EXPECT_EQ(audience->size, 150);
  EXPECT_NE(audience->id, list->id);
  EXPECT_TRUE(state_.GetAudience("1", audience->id).ok());
  EXPECT_EQ(state_.GetAudience("2", audience->id).error().code, ApiErrc::kNotFound);

  auto other_account = state_.CreateAudience("2", "aud", "CUSTOMER_LIST", list->id, {});
  ASSERT_FALSE(other_account.ok());
  EXPECT_EQ(other_account.error().code, ApiErrc::kBadRequest);
  EXPECT_FALSE(state_.CreateAudience("1", "aud", "VISITOR", list->id, {}).ok());

  auto page = state_.ListAudiences("1", PageQuery{});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, audience->id);
  EXPECT_EQ(state_.Audiences().size(), 1u);
}

TEST_F(SandboxStateTest, ResetClearsEverything) {
  auto list = state_.CreateList("1", "l", "EMAIL", Ids({Sha256Hex(1)}));
  ASSERT_TRUE(list.ok());
  ASSERT_TRUE(state_.CreateAudience("1", "a", "CUSTOMER_LIST", list->id, {}).ok());
  state_.Reset();
  EXPECT_TRUE(state_.Lists().empty());
  EXPECT_TRUE(state_.Audiences().empty());
}

TEST(ParseResourceIdTest, AcceptsOnlyDigitStringsUpTo18) {
  EXPECT_EQ(ParseResourceId("123"), 123u);
  EXPECT_EQ(ParseResourceId(std::string(18, '9')), 999999999999999999u);
  EXPECT_FALSE(ParseResourceId(std::string(19, '1')));
  EXPECT_FALSE(ParseResourceId(""));
  EXPECT_FALSE(ParseResourceId("12a"));
  EXPECT_FALSE(ParseResourceId("-1"));
}

}  // namespace
}  // namespace pinsync::sandbox
