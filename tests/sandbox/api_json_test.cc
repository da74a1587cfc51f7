#include "pinsync/sandbox/api_json.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace pinsync::sandbox {
namespace {

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

TEST(ApiJsonTest, ErrorCarriesTheHttpStatusAsCode) {
  auto doc = Parse(ErrorJson(MakeApiError(ApiErrc::kTooManyRequests, "slow down")));
  EXPECT_EQ(doc["code"].GetInt(), 429);
  EXPECT_STREQ(doc["message"].GetString(), "slow down");
}

TEST(ApiJsonTest, CustomerListHasTheContractFields) {
  ListSnapshot list;
  list.ad_account_id = "1";
  list.id = "2";
  list.name = "n";
  list.status = "READY";
  list.num_batches = 3;
  auto doc = Parse(CustomerListJson(list));
  EXPECT_STREQ(doc["type"].GetString(), "customerlist");
  EXPECT_EQ(doc["num_batches"].GetInt(), 3);
  EXPECT_FALSE(doc.HasMember("members"));
}

TEST(ApiJsonTest, PageBookmarkIsNullOnTheLastPage) {
  Page<ListSnapshot> page;
  page.items.resize(2);
  EXPECT_TRUE(Parse(CustomerListPageJson(page))["bookmark"].IsNull());
  page.bookmark = "A7";
  auto doc = Parse(CustomerListPageJson(page));
  EXPECT_STREQ(doc["bookmark"].GetString(), "A7");
  EXPECT_EQ(doc["items"].Size(), 2u);
}

TEST(ApiJsonTest, TokenResponseIncludesRotatedRefreshTokenOnlyWhenIssued) {
  TokenGrant grant{{"access", std::nullopt}, "ads:read", 100, 200};
  auto plain = Parse(TokenResponseJson(grant));
  EXPECT_STREQ(plain["token_type"].GetString(), "bearer");
  EXPECT_STREQ(plain["response_type"].GetString(), "refresh_token");
  EXPECT_FALSE(plain.HasMember("refresh_token"));
  grant.tokens.refresh_token = "next";
  auto rotated = Parse(TokenResponseJson(grant));
  EXPECT_STREQ(rotated["refresh_token"].GetString(), "next");
  EXPECT_EQ(rotated["refresh_token_expires_in"].GetInt(), 200);
}

TEST(ApiJsonTest, StateGroupsByAccountWithSortedMembers) {
  ListSnapshot list;
  list.ad_account_id = "9";
  list.id = "5";
  list.members = {"aa", "bb"};
  RequestCounts counts;
  counts.total = 2;
  counts.by_status["200"] = 2;
  auto doc = Parse(StateJson({list}, {}, counts, 1));
  const auto& lists = doc["ad_accounts"]["9"]["customer_lists"];
  ASSERT_EQ(lists.Size(), 1u);
  EXPECT_EQ(lists[0]["members"].Size(), 2u);
  EXPECT_EQ(doc["requests"]["by_status"]["200"].GetInt(), 2);
  EXPECT_EQ(doc["oauth"]["refreshes"].GetInt(), 1);
}

TEST(ApiJsonTest, FaultSpecRoundTrips) {
  FaultSpec spec;
  spec.rate_limit_per_minute = 400;
  spec.error_rate = 0.25;
  spec.latency_ms = 3;
  spec.drop_rate = 0.5;
  spec.expire_token_after = 10;
  spec.forbid_account = "77";
  spec.seed = 99;
  auto decoded = DecodeFaultSpec(FaultSpecJson(spec));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, spec);
}

TEST(ApiJsonTest, FaultSpecRejectsUnknownFieldsAndBadValues) {
  EXPECT_TRUE(DecodeFaultSpec("{}").ok());
  EXPECT_FALSE(DecodeFaultSpec("[]").ok());
  EXPECT_FALSE(DecodeFaultSpec(R"({"eror_rate":0.1})").ok());
  EXPECT_FALSE(DecodeFaultSpec(R"({"error_rate":1.5})").ok());
  EXPECT_FALSE(DecodeFaultSpec(R"({"latency_ms":-1})").ok());
  EXPECT_FALSE(DecodeFaultSpec(R"({"forbid_account":5})").ok());
}

}  // namespace
}  // namespace pinsync::sandbox
