// Pinterest's view through the real sink against the in-process sandbox: after a sync the view
// (BatchSink::PinterestView and the gauges) says what the sandbox's state says, and a list the
// sandbox reports at the 300 million-record cap takes no more ADDs while REMOVEs still land.

#include <prometheus/registry.h>

#include <map>

#include "pinterest/sink_fixture.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers
using std::chrono::milliseconds;

class SinkViewTest : public SinkFixture {
 protected:
  void SetUp() override { StartSandbox(); }

  config::Config ViewConfig() const {
    config::Config config = Config();
    // Far below the property's 1 min floor: the engine takes the struct as it is.
    config.pinterest.view_sweep_interval = milliseconds(200);
    return config;
  }

  // Waits (bounded) until `done(view)` holds; returns the last view read.
  static std::vector<ListView> WaitForView(const BatchSink& sink,
                                           const std::function<bool(const ListView&)>& done,
                                           size_t lists) {
    std::vector<ListView> view;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      view = sink.PinterestView();
      if (view.size() == lists && std::all_of(view.begin(), view.end(), done)) return view;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return view;
  }

  double GaugeValue(const std::string& name, const std::map<std::string, std::string>& labels) {
    for (const auto& family : registry_.Collect()) {
      if (family.name != name) continue;
      for (const auto& metric : family.metric) {
        std::map<std::string, std::string> have;
        for (const auto& label : metric.label) have[label.name] = label.value;
        if (have == labels) return metric.gauge.value;
      }
    }
    return -1;
  }
};

TEST_F(SinkViewTest, AfterASyncTheViewEqualsTheSandboxsState) {
  BatchSink& sink = NewSink(ViewConfig());
  sink.Submit(MakeBatch(1, "111", "big", ListType::kEmail, Records(0, 150)));
  sink.Submit(MakeBatch(2, "111", "small", ListType::kEmail, Records(1000, 30)));
  ASSERT_EQ(Settled(Drain(sink, 2)), 2u);
  sink.Submit(MakeBatch(3, "111", "big", ListType::kEmail, Records(200, 10), Records(0, 40)));
  ASSERT_EQ(Settled(Drain(sink, 1)), 1u);

  const auto lists = sandbox_->Lists();
  const auto* big = FindList(lists, "111", "big-EMAIL");
  const auto* small = FindList(lists, "111", "small-EMAIL");
  ASSERT_NE(big, nullptr);
  ASSERT_NE(small, nullptr);
  ASSERT_EQ(big->member_count, 120u);
  std::map<std::string, sandbox::AudienceSnapshot> audience_of;  // by customer list id
  for (const auto& a : sandbox_->Audiences()) audience_of[a.customer_list_id] = a;
  ASSERT_EQ(audience_of.size(), 2u);
  auto matches = [&](const ListView& v) {
    const auto* list = v.list_id == big->id ? big : v.list_id == small->id ? small : nullptr;
    // Names and ids join the view at its once-a-second export: wait for them too (a slow
    // sanitizer build reads the counters first).
    return list != nullptr && v.read_at && !v.list_name.empty() &&
           v.num_uploaded_user_records == list->num_uploaded_user_records &&
           v.num_removed_user_records == list->num_removed_user_records &&
           v.audience_size == audience_of[list->id].size;
  };
  const auto view = WaitForView(sink, matches, 2);
  ASSERT_EQ(view.size(), 2u);
  for (const ListView& v : view) {
    const bool is_big = v.key.audience_id == "big";
    const auto* list = is_big ? big : small;
    const auto& audience = audience_of[list->id];
    SCOPED_TRACE(v.key.audience_id);
    EXPECT_EQ(v.list_id, list->id);
    EXPECT_EQ(v.list_name, list->name);
    EXPECT_EQ(v.list_status, is_big ? "READY" : "TOO_SMALL");
    EXPECT_EQ(v.list_status, list->status);
    EXPECT_EQ(v.num_uploaded_user_records, list->num_uploaded_user_records);
    EXPECT_EQ(v.num_removed_user_records, list->num_removed_user_records);
    EXPECT_EQ(v.audience_id, audience.id);
    EXPECT_EQ(v.audience_status, audience.status);
    EXPECT_EQ(v.audience_size, audience.size);
    EXPECT_EQ(v.audience_size, static_cast<int64_t>(list->member_count));
    EXPECT_FALSE(v.full);
  }
  EXPECT_EQ(big->num_uploaded_user_records, 160);
  EXPECT_EQ(big->num_removed_user_records, 40);

  // The gauges say the same (exported at most a second after the view changed).
  const std::map<std::string, std::string> big_labels{{"audience", "big"}, {"list_type", "EMAIL"}};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (GaugeValue("pinsync_pinterest_audience_size", big_labels) != 120 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(GaugeValue("pinsync_pinterest_audience_size", big_labels), 120);
  EXPECT_EQ(GaugeValue("pinsync_pinterest_list_uploaded_records", big_labels), 160);
  EXPECT_EQ(GaugeValue("pinsync_pinterest_list_removed_records", big_labels), 40);
  EXPECT_EQ(GaugeValue("pinsync_pinterest_list_status",
                       {{"audience", "small"}, {"list_type", "EMAIL"}, {"status", "TOO_SMALL"}}),
            1);
  EXPECT_EQ(GaugeValue("pinsync_pinterest_audience_status",
                       {{"audience", "big"}, {"list_type", "EMAIL"}, {"status", "READY"}}),
            1);
}

TEST_F(SinkViewTest, AListTheSandboxReportsFullTakesRemovesButNoAdds) {
  BatchSink& sink = NewSink(ViewConfig());
  sink.Submit(MakeBatch(1, "111", "huge", ListType::kEmail, Records(0, 20)));
  ASSERT_EQ(Settled(Drain(sink, 1)), 1u);
  const auto before = sandbox_->Lists();
  const auto* list = FindList(before, "111", "huge-EMAIL");
  ASSERT_NE(list, nullptr);
  const std::string list_id = list->id;
  ASSERT_TRUE(sandbox_->SetUploadedRecords("111", list_id, kCustomerListRecordCap).ok());
  auto view = WaitForView(
      sink, [](const ListView& v) { return v.full; }, 1);
  ASSERT_EQ(view.size(), 1u);
  ASSERT_TRUE(view[0].full);

  sink.Submit(MakeBatch(2, "111", "huge", ListType::kEmail, Records(500, 7), Records(0, 5)));
  auto out = Drain(sink, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_EQ(out[0].first.reason, "list_full");
  EXPECT_EQ(Hexes(out[0].first.refused_list_full), Hexes(Records(500, 7)));
  const auto after = sandbox_->Lists();
  const auto* huge = FindList(after, "111", "huge-EMAIL");
  ASSERT_NE(huge, nullptr);
  EXPECT_EQ(huge->member_count, 15u) << "the 5 removes landed, no add did";
  EXPECT_EQ(huge->num_uploaded_user_records, kCustomerListRecordCap);
  EXPECT_EQ(huge->num_removed_user_records, 5);
}

}  // namespace
}  // namespace pinsync::pinterest
