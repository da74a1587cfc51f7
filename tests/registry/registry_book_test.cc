// The registry's claim rule, without Kafka: records are applied in one log order, as every
// member reads them, and each member's RegistryBook must agree on who creates.

#include "pinsync/registry/registry_book.h"

#include <gtest/gtest.h>

#include <vector>

#include "pinsync/registry/registry_record.h"

namespace pinsync::registry {
namespace {

using pinterest::ClaimStatus;
using pinterest::RegistryEntry;
using std::chrono::seconds;

constexpr auto kTimeout = seconds(150);
constexpr auto kWindow = seconds(60);
const std::string kAccount = "549755885175";
const std::string kName = "vip-EMAIL";

// One shared log, applied to every book in order, as the Kafka reader does.
struct Log {
  std::vector<RegistryRecord> records;
  void Append(const RegistryRecord& r) { records.push_back(r); }
  void FeedAll(RegistryBook& book, size_t& read, SteadyTime at) const {
    for (; read < records.size(); ++read) {
      book.Apply(records[read], static_cast<int64_t>(read), at);
    }
  }
};

RegistryRecord ListRecord(const std::string& list_id) {
  RegistryRecord r;
  r.type = RecordType::kList;
  r.ad_account_id = kAccount;
  r.list_name = kName;
  r.entry = RegistryEntry{list_id, "aud-" + list_id, true};
  return r;
}

TEST(RegistryBookTest, FirstClaimInLogOrderWinsForEveryMember) {
  RegistryBook a("a", kTimeout, kWindow), b("b", kTimeout, kWindow), c("c", kTimeout, kWindow);
  Log log;
  const SteadyTime t0{};
  // All three ask before any claim is read back: each produces its claim once.
  for (RegistryBook* book : {&a, &b, &c}) {
    auto d = book->Claim(kAccount, kName, "", t0);
    EXPECT_EQ(d.status, ClaimStatus::kPending);
    ASSERT_TRUE(d.claim_to_produce);
    EXPECT_EQ(d.claim_to_produce->basis, "new");
    EXPECT_FALSE(book->Claim(kAccount, kName, "", t0).claim_to_produce) << "produced twice";
  }
  // The broker orders them b, a, c.
  log.Append(*b.Claim(kAccount, "other", "", t0).claim_to_produce);  // another name first
  RegistryRecord claim_b, claim_a, claim_c;
  for (auto [book, out] : {std::pair{&b, &claim_b}, {&a, &claim_a}, {&c, &claim_c}}) {
    out->type = RecordType::kClaim;
    out->ad_account_id = kAccount;
    out->list_name = kName;
    out->basis = "new";
    out->member = book->member();
  }
  log.Append(claim_b);
  log.Append(claim_a);
  log.Append(claim_c);
  size_t ra = 0, rb = 0, rc = 0;
  log.FeedAll(a, ra, t0);
  log.FeedAll(b, rb, t0);
  log.FeedAll(c, rc, t0);
  EXPECT_EQ(b.Claim(kAccount, kName, "", t0).status, ClaimStatus::kWon);
  auto da = a.Claim(kAccount, kName, "", t0);
  EXPECT_EQ(da.status, ClaimStatus::kWaiting);
  EXPECT_EQ(da.winner, "b");
  EXPECT_EQ(c.Claim(kAccount, kName, "", t0).status, ClaimStatus::kWaiting);
  // b publishes: everyone is settled and finds the ids; a and c tombstone their claims.
  log.Append(ListRecord("111"));
  log.FeedAll(a, ra, t0);
  log.FeedAll(b, rb, t0);
  log.FeedAll(c, rc, t0);
  for (RegistryBook* book : {&a, &b, &c}) {
    EXPECT_EQ(book->Claim(kAccount, kName, "", t0).status, ClaimStatus::kSettled);
    ASSERT_TRUE(book->Find(kAccount, kName));
    EXPECT_EQ(book->Find(kAccount, kName)->list_id, "111");
  }
  auto settled_a = a.TakeSettledClaims();
  ASSERT_EQ(settled_a.size(), 1u);
  EXPECT_EQ(RecordKey(settled_a[0]), RecordKey(claim_a));
  EXPECT_TRUE(a.TakeSettledClaims().empty());
}

TEST(RegistryBookTest, AWinnerThatNeverPublishesIsTakenOverOnceByTheFirstTakeOverClaim) {
  RegistryBook a("a", kTimeout, kWindow), b("b", kTimeout, kWindow), c("c", kTimeout, kWindow);
  Log log;
  SteadyTime t{};
  log.Append(*a.Claim(kAccount, kName, "", t).claim_to_produce);  // a wins, then dies
  (void)b.Claim(kAccount, kName, "", t);
  (void)c.Claim(kAccount, kName, "", t);
  size_t rb = 0, rc = 0;
  log.FeedAll(b, rb, t);
  log.FeedAll(c, rc, t);
  EXPECT_EQ(b.Claim(kAccount, kName, "", t + seconds(149)).status, ClaimStatus::kWaiting);
  t += seconds(151);
  auto db = b.Claim(kAccount, kName, "", t);
  auto dc = c.Claim(kAccount, kName, "", t);
  ASSERT_TRUE(db.claim_to_produce && dc.claim_to_produce);
  EXPECT_EQ(db.claim_to_produce->basis, "after:0");
  log.Append(*dc.claim_to_produce);  // c's take-over lands first
  log.Append(*db.claim_to_produce);
  log.FeedAll(b, rb, t);
  log.FeedAll(c, rc, t);
  EXPECT_EQ(c.Claim(kAccount, kName, "", t).status, ClaimStatus::kWonTakingOver);
  EXPECT_EQ(b.Claim(kAccount, kName, "", t).status, ClaimStatus::kWaiting);
  // The first winner was only slow: once it reads the take-over, its own claim no longer counts
  // and it must not create any more (the engine asks again right before sending a create).
  size_t ra = 0;
  log.FeedAll(a, ra, t);
  auto da = a.Claim(kAccount, kName, "", t);
  EXPECT_EQ(da.status, ClaimStatus::kWaiting);
  EXPECT_EQ(da.winner, "c");
}

// A winner may create only within the create window after it produced its claim, measured
// from producing (before anyone could read it), so neither its slowness nor its own reader's
// lag lets it create once others may take over and look the name up.
TEST(RegistryBookTest, AWinnerPastItsCreateWindowStopsCreatingAndItsClaimIsTakenOver) {
  RegistryBook a("a", kTimeout, kWindow), b("b", kTimeout, kWindow);
  Log log;
  SteadyTime t{};
  log.Append(*a.Claim(kAccount, kName, "", t).claim_to_produce);
  (void)b.Claim(kAccount, kName, "", t);
  size_t ra = 0, rb = 0;
  log.FeedAll(b, rb, t);
  // a's reader lags: it reads its own claim 50 s late, and may still create for 10 s.
  log.FeedAll(a, ra, t + seconds(50));
  EXPECT_EQ(a.Claim(kAccount, kName, "", t + seconds(50)).status, ClaimStatus::kWon);
  EXPECT_EQ(a.Claim(kAccount, kName, "", t + seconds(59)).status, ClaimStatus::kWon);
  // Past the window (its create's answer was lost, say): it waits like everyone else.
  auto late = a.Claim(kAccount, kName, "", t + seconds(60));
  EXPECT_EQ(late.status, ClaimStatus::kWaiting);
  EXPECT_FALSE(late.claim_to_produce);
  EXPECT_EQ(b.Claim(kAccount, kName, "", t + seconds(149)).status, ClaimStatus::kWaiting);
  // b read the claim at t: it takes over at t + claim timeout, when whatever a sent within its
  // window (by t + 60 s) has had a request timeout and more to land.
  auto take_over = b.Claim(kAccount, kName, "", t + seconds(150));
  ASSERT_TRUE(take_over.claim_to_produce);
  EXPECT_EQ(take_over.claim_to_produce->basis, "after:0");
  log.Append(*take_over.claim_to_produce);
  log.FeedAll(a, ra, t + seconds(151));
  log.FeedAll(b, rb, t + seconds(151));
  EXPECT_EQ(b.Claim(kAccount, kName, "", t + seconds(151)).status, ClaimStatus::kWonTakingOver);
  EXPECT_EQ(a.Claim(kAccount, kName, "", t + seconds(151)).status, ClaimStatus::kWaiting);
}

TEST(RegistryBookTest, AWinnerPastItsWindowTakesOverItsOwnClaimWhenAlone) {
  RegistryBook a("a", kTimeout, kWindow);
  Log log;
  SteadyTime t{};
  log.Append(*a.Claim(kAccount, kName, "", t).claim_to_produce);
  size_t ra = 0;
  log.FeedAll(a, ra, t + seconds(1));
  EXPECT_EQ(a.Claim(kAccount, kName, "", t + seconds(61)).status, ClaimStatus::kWaiting);
  auto take_over = a.Claim(kAccount, kName, "", t + seconds(151));
  ASSERT_TRUE(take_over.claim_to_produce);
  EXPECT_EQ(take_over.claim_to_produce->basis, "after:0");
  log.Append(*take_over.claim_to_produce);
  log.FeedAll(a, ra, t + seconds(152));
  // Its own take-over: it looks the name up again before creating (kWonTakingOver), and the
  // take-over claim has a window of its own.
  EXPECT_EQ(a.Claim(kAccount, kName, "", t + seconds(152)).status, ClaimStatus::kWonTakingOver);
  EXPECT_EQ(a.Claim(kAccount, kName, "", t + seconds(152 + 60)).status, ClaimStatus::kWaiting);
}

TEST(RegistryBookTest, AClaimProducedAgainAfterAFailedWriteKeepsItsFirstWindow) {
  // The failed write may have landed after all: the window runs from the first attempt.
  RegistryBook a("a", kTimeout, kWindow);
  Log log;
  SteadyTime t{};
  auto first = a.Claim(kAccount, kName, "", t);
  ASSERT_TRUE(first.claim_to_produce);
  a.ClaimNotWritten(*first.claim_to_produce);
  auto again = a.Claim(kAccount, kName, "", t + seconds(30));
  ASSERT_TRUE(again.claim_to_produce);
  log.Append(*again.claim_to_produce);
  size_t ra = 0;
  log.FeedAll(a, ra, t + seconds(31));
  EXPECT_EQ(a.Claim(kAccount, kName, "", t + seconds(59)).status, ClaimStatus::kWon);
  EXPECT_EQ(a.Claim(kAccount, kName, "", t + seconds(61)).status, ClaimStatus::kWaiting);
}

TEST(RegistryBookTest, ADeletedListIsRecreatedOnceAndOldIdsDoNotSettleTheClaim) {
  RegistryBook a("a", kTimeout, kWindow), b("b", kTimeout, kWindow);
  Log log;
  const SteadyTime t{};
  log.Append(ListRecord("111"));
  size_t ra = 0, rb = 0;
  log.FeedAll(a, ra, t);
  log.FeedAll(b, rb, t);
  EXPECT_EQ(a.Claim(kAccount, kName, "", t).status, ClaimStatus::kSettled);
  // Both met a 404 on 111.
  auto da = a.Claim(kAccount, kName, "111", t);
  auto db = b.Claim(kAccount, kName, "111", t);
  ASSERT_TRUE(da.claim_to_produce && db.claim_to_produce);
  EXPECT_EQ(da.claim_to_produce->basis, "gone:111");
  log.Append(*db.claim_to_produce);
  log.Append(*da.claim_to_produce);
  log.FeedAll(a, ra, t);
  log.FeedAll(b, rb, t);
  EXPECT_EQ(b.Claim(kAccount, kName, "111", t).status, ClaimStatus::kWon);
  EXPECT_EQ(a.Claim(kAccount, kName, "111", t).status, ClaimStatus::kWaiting);
  log.Append(ListRecord("222"));
  log.FeedAll(a, ra, t);
  EXPECT_EQ(a.Claim(kAccount, kName, "111", t).status, ClaimStatus::kSettled);
  EXPECT_EQ(a.Find(kAccount, kName)->list_id, "222");
}

TEST(RegistryBookTest, TombstonesForgetListIdsAndCredentials) {
  RegistryBook a("a", kTimeout, kWindow);
  a.Apply(ListRecord("111"), 0, SteadyTime{});
  RegistryRecord token;
  token.type = RecordType::kToken;
  token.list_name = "app";
  token.generation = 3;
  token.sealed = "00";
  a.Apply(token, 1, SteadyTime{});
  ASSERT_TRUE(a.Find(kAccount, kName));
  ASSERT_NE(a.LatestToken("app"), nullptr);
  auto list_key = DecodeKey(RecordKey(ListRecord("111")));
  auto token_key = DecodeKey(RecordKey(token));
  ASSERT_TRUE(list_key && token_key);
  a.Forget(*list_key);
  a.Forget(*token_key);
  EXPECT_FALSE(a.Find(kAccount, kName));
  EXPECT_EQ(a.LatestToken("app"), nullptr);
  EXPECT_FALSE(DecodeKey("not a key"));
  EXPECT_FALSE(DecodeKey(R"(["what","a","b"])"));
}

TEST(RegistryBookTest, AClaimThatWasNotWrittenIsProducedAgain) {
  RegistryBook a("a", kTimeout, kWindow);
  auto d = a.Claim(kAccount, kName, "", SteadyTime{});
  ASSERT_TRUE(d.claim_to_produce);
  EXPECT_FALSE(a.Claim(kAccount, kName, "", SteadyTime{}).claim_to_produce);
  a.ClaimNotWritten(*d.claim_to_produce);
  EXPECT_TRUE(a.Claim(kAccount, kName, "", SteadyTime{}).claim_to_produce);
}

TEST(RegistryRecordTest, RoundTripsAndRejectsWhatIsNotARecord) {
  RegistryRecord claim;
  claim.type = RecordType::kClaim;
  claim.ad_account_id = kAccount;
  claim.list_name = "na\"me/with \xc3\xa9";
  claim.basis = "new";
  claim.member = "m1";
  auto decoded = DecodeRecord(EncodeRecord(claim));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->list_name, claim.list_name);
  EXPECT_EQ(decoded->member, "m1");
  auto list = DecodeRecord(EncodeRecord(ListRecord("9")));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->entry, (RegistryEntry{"9", "aud-9", true}));
  EXPECT_NE(RecordKey(claim), RecordKey(ListRecord("9")));
  for (const char* bad : {"", "[]", "{}", R"({"v":2,"type":"list"})",
                          R"({"v":1,"type":"list","ad_account_id":"1","list_name":"n"})",
                          R"({"v":1,"type":"claim","ad_account_id":"1","list_name":"n"})",
                          R"({"v":1,"type":"what","ad_account_id":"1","list_name":"n"})"}) {
    EXPECT_FALSE(DecodeRecord(bad)) << bad;
  }
}

}  // namespace
}  // namespace pinsync::registry
