// Pinterest's view of each list on its own: the parsers' new fields, the book that joins pages
// to lists (and its cap), the view sweep's schedule, and the gauges' folding.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "pinsync/pinterest/api_json.h"
#include "pinsync/pinterest/list_view_book.h"
#include "pinsync/pinterest/list_view_stats.h"
#include "pinsync/pinterest/view_sweeper.h"

namespace pinsync::pinterest {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const aggregate::ListKey kVip{"111", "vip", ListType::kEmail};

NamedItem ListItem(const std::string& id, const std::string& status, int64_t uploaded,
                   int64_t removed) {
  NamedItem item;
  item.id = id;
  item.name = "n" + id;
  item.status = status;
  item.num_uploaded_user_records = uploaded;
  item.num_removed_user_records = removed;
  return item;
}

AudienceItem CustomerListAudience(const std::string& id, const std::string& list_id,
                                  const std::string& status, int64_t size) {
  AudienceItem a;
  a.id = id;
  a.audience_type = "CUSTOMER_LIST";
  a.customer_list_id = list_id;
  a.status = status;
  a.size = size;
  return a;
}

TEST(ListViewParseTest, PagesCarryStatusCountersAndSize) {
  auto lists = ParseCustomerListPage(
      R"({"items":[{"id":"7","name":"vip-EMAIL","status":"READY","num_uploaded_user_records":150,)"
      R"("num_removed_user_records":2.0},{"id":"8","name":"x","num_uploaded_user_records":null,)"
      R"("num_removed_user_records":-4}],"bookmark":"b"})");
  ASSERT_TRUE(lists) << lists.error().message;
  ASSERT_EQ(lists->items.size(), 2u);
  EXPECT_EQ(lists->items[0].status, "READY");
  EXPECT_EQ(lists->items[0].num_uploaded_user_records, 150);
  EXPECT_EQ(lists->items[0].num_removed_user_records, 2);
  EXPECT_EQ(lists->items[1].status, "");
  EXPECT_EQ(lists->items[1].num_uploaded_user_records, -1) << "null: not known";
  EXPECT_EQ(lists->items[1].num_removed_user_records, -1) << "negative: not believed";

  auto audiences = ParseAudiencePage(
      R"({"items":[{"id":"9","audience_type":"CUSTOMER_LIST","rule":{"customer_list_id":"7"},)"
      R"("status":"TOO_SMALL","size":42},{"id":"10","audience_type":"VISITOR","size":null}],)"
      R"("bookmark":null})");
  ASSERT_TRUE(audiences) << audiences.error().message;
  ASSERT_EQ(audiences->items.size(), 2u);
  EXPECT_EQ(audiences->items[0].status, "TOO_SMALL");
  EXPECT_EQ(audiences->items[0].size, 42);
  EXPECT_EQ(audiences->items[1].size, -1);

  auto created = ParseCustomerList(
      R"({"id":"7","name":"vip-EMAIL","status":"TOO_SMALL","num_uploaded_user_records":3})");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->num_uploaded_user_records, 3);
  EXPECT_EQ(created->num_removed_user_records, -1);
  EXPECT_FALSE(ParseCustomerList(R"({"name":"no id"})"));
  auto audience = ParseAudience(R"({"id":"9","status":"READY","size":100})");
  ASSERT_TRUE(audience);
  EXPECT_EQ(audience->size, 100);
  EXPECT_FALSE(ParseAudience("[]"));
}

TEST(ListViewBookTest, JoinsListAndAudiencePagesToTheTrackedList) {
  ListViewBook book;
  const SteadyTime t0(seconds(100));
  book.Track(kVip, "vip-EMAIL", "");
  auto view = book.Snapshot();
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0].list_id, "");
  EXPECT_EQ(view[0].num_uploaded_user_records, -1);
  EXPECT_FALSE(view[0].read_at);

  const uint64_t before = book.version();
  book.RecordList("111", ListItem("7", "TOO_SMALL", 50, 1), t0);
  book.RecordList("111", ListItem("8", "READY", 999, 0), t0);  // another list of the account
  book.RecordAudience("111", CustomerListAudience("70", "7", "TOO_SMALL", 49));
  EXPECT_GT(book.version(), before);
  book.Track(kVip, "", "7");  // resolved; an empty name keeps the known one
  view = book.Snapshot();
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0].key, kVip);
  EXPECT_EQ(view[0].list_name, "vip-EMAIL");
  EXPECT_EQ(view[0].list_id, "7");
  EXPECT_EQ(view[0].list_status, "TOO_SMALL");
  EXPECT_EQ(view[0].num_uploaded_user_records, 50);
  EXPECT_EQ(view[0].num_removed_user_records, 1);
  EXPECT_EQ(view[0].audience_id, "70");
  EXPECT_EQ(view[0].audience_status, "TOO_SMALL");
  EXPECT_EQ(view[0].audience_size, 49);
  EXPECT_EQ(view[0].read_at, t0);
  EXPECT_FALSE(view[0].full);
  EXPECT_EQ(book.OldestRead(), t0);

  // The same list in another ad account is another list.
  book.RecordList("222", ListItem("7", "READY", 1, 0), t0 + seconds(5));
  EXPECT_EQ(book.Snapshot()[0].list_status, "TOO_SMALL");
  // Non-CUSTOMER_LIST audiences are not a list's audience.
  AudienceItem visitor = CustomerListAudience("71", "7", "READY", 5);
  visitor.audience_type = "VISITOR";
  book.RecordAudience("111", visitor);
  EXPECT_EQ(book.Snapshot()[0].audience_id, "70");
}

TEST(ListViewBookTest, TheCapCountsUploadedLessRemovedPlusWhatWasAcknowledgedSince) {
  ListViewBook book;
  const SteadyTime t0(seconds(1));
  EXPECT_FALSE(book.Full("111", "7")) << "never read: not full";
  book.RecordList("111", ListItem("7", "READY", kCustomerListRecordCap - 10, 0), t0);
  EXPECT_EQ(book.HeldRecords("111", "7"), kCustomerListRecordCap - 10);
  EXPECT_FALSE(book.Full("111", "7"));
  book.RecordUpdate("111", "7", MembershipOp::kAdd, 10);
  EXPECT_TRUE(book.Full("111", "7")) << "acknowledged ADDs count before the next read";
  book.RecordUpdate("111", "7", MembershipOp::kRemove, 1);
  EXPECT_FALSE(book.Full("111", "7")) << "removes free room";
  // The next read reports everything itself.
  book.RecordList("111", ListItem("7", "READY", kCustomerListRecordCap + 5, 5), t0 + seconds(9));
  EXPECT_TRUE(book.Full("111", "7"));
  EXPECT_FALSE(book.Full("111", "")) << "no list id: not full";

  EXPECT_TRUE(book.FirstRefusal(kVip));
  EXPECT_FALSE(book.FirstRefusal(kVip)) << "one warning per list";
  EXPECT_TRUE(book.RefusalEnded(kVip));
  EXPECT_FALSE(book.RefusalEnded(kVip));
  EXPECT_TRUE(book.FirstRefusal(kVip)) << "full again after room was made: warned again";
}

TEST(ViewSweeperTest, ReadsListsThenAudiencesEveryIntervalOnePageAtATime) {
  ViewSweeper sweeper(minutes(10));
  const SteadyTime t0(seconds(1000));
  EXPECT_FALSE(sweeper.Due("111", t0)) << "the first sweep is due an interval after first sight";
  EXPECT_FALSE(sweeper.Due("111", t0 + minutes(9)));
  auto page = sweeper.Due("111", t0 + minutes(10));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->phase, ViewSweeper::Phase::kLists);
  EXPECT_EQ(page->bookmark, "");
  sweeper.Started("111");
  EXPECT_FALSE(sweeper.Due("111", t0 + minutes(10))) << "one page at a time";
  EXPECT_EQ(sweeper.PageDone("111", "b1", t0 + minutes(10)), ViewSweeper::Progress::kMore);
  page = sweeper.Due("111", t0 + minutes(10));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->bookmark, "b1");
  sweeper.Started("111");
  EXPECT_EQ(sweeper.PageDone("111", "", t0 + minutes(10)), ViewSweeper::Progress::kMore);
  page = sweeper.Due("111", t0 + minutes(10));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->phase, ViewSweeper::Phase::kAudiences);
  EXPECT_EQ(page->bookmark, "");
  sweeper.Started("111");
  EXPECT_EQ(sweeper.PageDone("111", "", t0 + minutes(11)), ViewSweeper::Progress::kDone);
  EXPECT_FALSE(sweeper.Due("111", t0 + minutes(20)));
  EXPECT_TRUE(sweeper.Due("111", t0 + minutes(21)));
}

TEST(ViewSweeperTest, AFailedPageEndsTheSweepAndAnotherReadPostponesTheNext) {
  ViewSweeper sweeper(minutes(10));
  const SteadyTime t0(seconds(1000));
  (void)sweeper.Due("111", t0);
  ASSERT_TRUE(sweeper.Due("111", t0 + minutes(10)));
  sweeper.Started("111");
  sweeper.PageFailed("111", t0 + minutes(10));
  EXPECT_FALSE(sweeper.Due("111", t0 + minutes(19)));
  // The engine's look-up sweep read everything at +15 min: the next view sweep is at +25.
  sweeper.ReadElsewhere("111", t0 + minutes(15));
  EXPECT_FALSE(sweeper.Due("111", t0 + minutes(24)));
  auto page = sweeper.Due("111", t0 + minutes(25));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->phase, ViewSweeper::Phase::kLists);
}

double Value(prometheus::Family<prometheus::Gauge>& family,
             const std::map<std::string, std::string>& labels) {
  return family.Add(labels).Value();
}

size_t SeriesOf(prometheus::Family<prometheus::Gauge>& family) {
  size_t n = 0;
  for (const auto& f : family.Collect()) n += f.metric.size();
  return n;
}

TEST(ListViewGaugesTest, ExportsTheViewPerAudienceFirstSeenFirstServedAndDropsOldStatuses) {
  prometheus::Registry registry;
  ListViewStats stats = ListViewStats::Create(registry);
  ListViewGauges gauges(stats, 2);
  const SteadyTime t0(seconds(100));
  auto view_of = [&](const std::string& audience, const std::string& status, int64_t size) {
    ListView v;
    v.key = {"111", audience, ListType::kEmail};
    v.list_id = "1";
    v.list_status = status;
    v.num_uploaded_user_records = size + 1;
    v.num_removed_user_records = 1;
    v.audience_status = status;
    v.audience_size = size;
    v.read_at = t0;
    return v;
  };
  gauges.Export(
      {view_of("a", "TOO_SMALL", 50), view_of("b", "READY", 500), view_of("c", "READY", 900)},
      t0 + seconds(30));
  const std::map<std::string, std::string> a{{"audience", "a"}, {"list_type", "EMAIL"}};
  EXPECT_EQ(Value(stats.list_uploaded, a), 51);
  EXPECT_EQ(Value(stats.list_removed, a), 1);
  EXPECT_EQ(Value(stats.audience_size, a), 50);
  EXPECT_EQ(Value(stats.list_full, a), 0);
  EXPECT_EQ(SeriesOf(stats.audience_size), 2u) << "c is beyond the cap of 2 audiences";
  EXPECT_EQ(SeriesOf(stats.list_status), 2u);
  EXPECT_EQ(stats.view_age_seconds.Value(), 30);

  // a became READY: its TOO_SMALL series is gone; c is still not exported, even when b leaves.
  gauges.Export({view_of("a", "READY", 150), view_of("c", "READY", 900)}, t0 + seconds(40));
  EXPECT_EQ(SeriesOf(stats.list_status), 2u) << "a READY, b READY";
  auto status_a = a;
  status_a["status"] = "READY";
  EXPECT_EQ(Value(stats.list_status, status_a), 1);
  EXPECT_EQ(Value(stats.audience_status, status_a), 1);
  EXPECT_EQ(SeriesOf(stats.list_status), 2u);
  EXPECT_EQ(SeriesOf(stats.audience_size), 2u);
  for (const auto& family : stats.list_status.Collect()) {
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        EXPECT_NE(label.value, "TOO_SMALL") << "the old status's series is removed";
        EXPECT_NE(label.value, "c");
      }
    }
  }
}

}  // namespace
}  // namespace pinsync::pinterest
