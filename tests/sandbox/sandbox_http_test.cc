// The sandbox over loopback: each operation, each rejection, pagination, state endpoints.
#include <algorithm>
#include <set>

#include "sandbox/sandbox_fixture.h"

namespace pinsync::sandbox {
namespace {

using testing::JoinRecords;
using testing::Sha256Hex;
using testing::Sha256Hexes;

class SandboxHttpTest : public testing::SandboxFixture {};

TEST_F(SandboxHttpTest, BaseUrlPointsAtV5OnTheEphemeralPort) {
  EXPECT_GT(server_->port(), 0);
  EXPECT_EQ(server_->base_url(), "http://127.0.0.1:" + std::to_string(server_->port()) + "/v5");
}

TEST_F(SandboxHttpTest, CreateGetAndUpdateACustomerList) {
  auto created =
      PostJson(ListsPath(), CreateListBody("shoppers-EMAIL", JoinRecords(Sha256Hexes(0, 3))));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  auto list = Json(created->body);
  const std::string id = list["id"].GetString();
  EXPECT_STREQ(list["name"].GetString(), "shoppers-EMAIL");
  EXPECT_STREQ(list["ad_account_id"].GetString(), "123");
  EXPECT_STREQ(list["type"].GetString(), "customerlist");
  EXPECT_EQ(list["num_batches"].GetInt(), 1);
  EXPECT_EQ(list["num_uploaded_user_records"].GetInt(), 3);

  auto added = PatchJson(ListsPath() + "/" + id, UpdateBody("ADD", JoinRecords(Sha256Hexes(2, 3))));
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 200) << added->body;
  EXPECT_EQ(Json(added->body)["num_batches"].GetInt(), 2);
  EXPECT_EQ(Json(added->body)["num_uploaded_user_records"].GetInt(), 6);

  auto removed = PatchJson(ListsPath() + "/" + id,
                           UpdateBody("REMOVE", Sha256Hex(0) + "," + Sha256Hex(77) + ","));
  ASSERT_TRUE(removed);
  ASSERT_EQ(removed->status, 200) << removed->body;
  EXPECT_EQ(Json(removed->body)["num_removed_user_records"].GetInt(), 2);

  auto fetched = Get(ListsPath() + "/" + id);
  ASSERT_TRUE(fetched);
  ASSERT_EQ(fetched->status, 200);
  EXPECT_EQ(Json(fetched->body)["num_batches"].GetInt(), 3);

  const auto lists = server_->Lists();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].id, id);
  EXPECT_EQ(lists[0].list_type, "EMAIL");
  EXPECT_EQ(lists[0].members, Sha256Hexes(1, 4));  // 1..4, sorted
}

TEST_F(SandboxHttpTest, SandboxUploadedSetsTheUploadedCounterOfAList) {
  auto created =
      PostJson(ListsPath(), CreateListBody("full-EMAIL", JoinRecords(Sha256Hexes(0, 2))));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  const std::string id = Json(created->body)["id"].GetString();
  auto set = client_->Post("/_sandbox/uploaded",
                           R"({"ad_account_id":"123","customer_list_id":")" + id +
                               R"(","num_uploaded_user_records":300000000})",
                           "application/json");
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 200) << set->body;
  EXPECT_EQ(Json(set->body)["num_uploaded_user_records"].GetInt64(), 300'000'000);
  auto fetched = Get(ListsPath() + "/" + id);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(Json(fetched->body)["num_uploaded_user_records"].GetInt64(), 300'000'000);
  auto bad = client_->Post("/_sandbox/uploaded", R"({"ad_account_id":"123"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto missing = client_->Post("/_sandbox/uploaded",
                               R"({"ad_account_id":"123","customer_list_id":"42",)"
                               R"("num_uploaded_user_records":1})",
                               "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(SandboxHttpTest, PaginatesCustomerListsWithBookmarks) {
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i)
    created.insert(CreateList("list-" + std::to_string(i), {Sha256Hex(i)}));
  std::set<std::string> seen;
  std::string bookmark;
  int pages = 0;
  for (; pages < 10; ++pages) {
    std::string path = ListsPath() + "?page_size=2&order=ASCENDING";
    if (!bookmark.empty()) path += "&bookmark=" + bookmark;
    auto res = Get(path);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    auto page = Json(res->body);
    EXPECT_LE(page["items"].Size(), 2u);
    for (const auto& item : page["items"].GetArray()) {
      EXPECT_TRUE(seen.insert(item["id"].GetString()).second);
    }
    if (page["bookmark"].IsNull()) break;
    bookmark = page["bookmark"].GetString();
  }
  EXPECT_EQ(pages, 2);  // pages of 2, 2, 1
  EXPECT_EQ(seen, created);
}

TEST_F(SandboxHttpTest, DefaultPageSizeIs25) {
  for (int i = 0; i < 26; ++i) CreateList("l", {Sha256Hex(i)});
  auto res = Get(ListsPath());
  ASSERT_TRUE(res);
  auto page = Json(res->body);
  EXPECT_EQ(page["items"].Size(), 25u);
  EXPECT_TRUE(page["bookmark"].IsString());
}

TEST_F(SandboxHttpTest, CreateListAndGetAudiences) {
  const std::string list_id = CreateList("l", Sha256Hexes(0, 120));
  auto created =
      PostJson(AudiencesPath(),
               R"({"audience_type":"CUSTOMER_LIST","name":"aud","rule":{"customer_list_id":")" +
                   list_id + R"("}})");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  auto audience = Json(created->body);
  const std::string id = audience["id"].GetString();
  EXPECT_STREQ(audience["rule"]["customer_list_id"].GetString(), list_id.c_str());
  EXPECT_STREQ(audience["audience_type"].GetString(), "CUSTOMER_LIST");
  EXPECT_STREQ(audience["status"].GetString(), "READY");

  auto fetched = Get(AudiencesPath() + "/" + id);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->status, 200);
  auto listed = Get(AudiencesPath() + "?ownership_type=OWNED");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200);
  EXPECT_EQ(Json(listed->body)["items"].Size(), 1u);
  auto received = Get(AudiencesPath() + "?ownership_type=RECEIVED");
  ASSERT_TRUE(received);
  EXPECT_EQ(Json(received->body)["items"].Size(), 0u);
  ASSERT_EQ(server_->Audiences().size(), 1u);
  EXPECT_EQ(server_->Audiences()[0].customer_list_id, list_id);
}

TEST_F(SandboxHttpTest, AudienceForAListOfAnotherAccountIsRejected) {
  const std::string list_id = CreateList("l", {Sha256Hex(1)}, "111");
  ExpectError(
      PostJson(AudiencesPath("222"),
               R"({"audience_type":"CUSTOMER_LIST","name":"a","rule":{"customer_list_id":")" +
                   list_id + R"("}})"),
      400);
}

TEST_F(SandboxHttpTest, RejectsBadBodiesFieldsEnumsAndRecordsWith400) {
  ExpectError(PostJson(ListsPath(), "{not json"), 400);
  ExpectError(PostJson(ListsPath(), R"({"records":")" + Sha256Hex(1) + "\"}"), 400);
  ExpectError(PostJson(ListsPath(), CreateListBody("l", Sha256Hex(1), "PHONE")), 400);
  auto bad_record = PostJson(ListsPath(), CreateListBody("l", Sha256Hex(1) + ",Alice@Example.com"));
  ExpectError(bad_record, 400);
  ASSERT_TRUE(bad_record);
  EXPECT_NE(bad_record->body.find("element 2"), std::string::npos);
  EXPECT_EQ(bad_record->body.find("Alice"), std::string::npos);
  const std::string id = CreateList("l", {Sha256Hex(1)});
  ExpectError(PatchJson(ListsPath() + "/" + id, UpdateBody("UPSERT", Sha256Hex(2))), 400);
  ExpectError(PatchJson(ListsPath() + "/" + id, UpdateBody("ADD", Sha256Hex(2) + ",,")), 400);
  ExpectError(Get(ListsPath() + "?page_size=0"), 400);
  ExpectError(Get(ListsPath() + "?page_size=251"), 400);
  ExpectError(Get(ListsPath() + "?order=SIDEWAYS"), 400);
  ExpectError(Get(ListsPath() + "?bookmark=forged"), 400);
  ExpectError(Get("/v5/ad_accounts/12ab/customer_lists"), 400);
  // Nothing rejected changed the state.
  ASSERT_EQ(server_->Lists().size(), 1u);
  EXPECT_EQ(server_->Lists()[0].num_batches, 1);
}

TEST_F(SandboxHttpTest, MissingTokenIs401) {
  ExpectError(client_->Get(ListsPath().c_str()), 401);
  ExpectError(client_->Get(ListsPath().c_str(), {{"Authorization", "Bearer "}}), 401);
  ExpectError(client_->Get(ListsPath().c_str(), {{"Authorization", "Basic YTpi"}}), 401);
}

TEST_F(SandboxHttpTest, UnknownListAudienceAndRouteAre404) {
  ExpectError(Get(ListsPath() + "/999"), 404);
  ExpectError(PatchJson(ListsPath() + "/999", UpdateBody("ADD", Sha256Hex(1))), 404);
  ExpectError(Get(AudiencesPath() + "/999"), 404);
  ExpectError(Get("/v5/ad_accounts/123/campaigns"), 404);
  ExpectError(Get("/nothing"), 404);
}

TEST_F(SandboxHttpTest, WrongMethodIs405) {
  ExpectError(client_->Delete((ListsPath() + "/1").c_str(), Auth()), 405);
  ExpectError(client_->Put(ListsPath().c_str(), Auth(), "{}", "application/json"), 405);
  ExpectError(Get("/v5/oauth/token"), 405);
  auto put = client_->Put((ListsPath() + "/1").c_str(), Auth(), "{}", "application/json");
  ExpectError(put, 405);
  ASSERT_TRUE(put);
  EXPECT_EQ(put->get_header_value("Allow"), "GET, PATCH");
}

TEST_F(SandboxHttpTest, WrongContentTypeIs415) {
  ExpectError(
      client_->Post(ListsPath().c_str(), Auth(), CreateListBody("l", Sha256Hex(1)), "text/plain"),
      415);
  const std::string id = CreateList("l", {Sha256Hex(1)});
  ExpectError(client_->Patch((ListsPath() + "/" + id).c_str(), Auth(),
                             UpdateBody("ADD", Sha256Hex(2)), "application/x-www-form-urlencoded"),
              415);
  httplib::Headers basic = {{"Authorization", "Basic YXBwOnNlY3JldA=="}};
  ExpectError(client_->Post("/v5/oauth/token", basic, R"({"grant_type":"refresh_token"})",
                            "application/json"),
              415);
  // A charset parameter is fine.
  auto ok = client_->Post(ListsPath().c_str(), Auth(), CreateListBody("l", Sha256Hex(1)),
                          "application/json; charset=utf-8");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(SandboxHttpTest, OauthRefreshNeedsBasicAuthAndIssuesAUsableToken) {
  ExpectError(client_->Post("/v5/oauth/token", "grant_type=refresh_token&refresh_token=r",
                            "application/x-www-form-urlencoded"),
              401);
  ExpectError(RefreshToken(""), 400);
  auto res = RefreshToken("r");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto doc = Json(res->body);
  EXPECT_STREQ(doc["token_type"].GetString(), "bearer");
  EXPECT_STREQ(doc["response_type"].GetString(), "refresh_token");
  EXPECT_GT(doc["expires_in"].GetInt64(), 0);
  EXPECT_FALSE(doc.HasMember("refresh_token"));
  auto used = Get(ListsPath(), doc["access_token"].GetString());
  ASSERT_TRUE(used);
  EXPECT_EQ(used->status, 200);
  EXPECT_EQ(server_->TokenRefreshes(), 1);
}

TEST_F(SandboxHttpTest, StateEndpointReportsMembersAndCountersAndResetClears) {
  const std::string id = CreateList("l", {Sha256Hex(9), Sha256Hex(3)});
  ExpectError(Get(ListsPath() + "/999"), 404);
  auto state = client_->Get("/_sandbox/state");
  ASSERT_TRUE(state);
  ASSERT_EQ(state->status, 200);
  auto doc = Json(state->body);
  const auto& list = doc["ad_accounts"]["123"]["customer_lists"][0];
  EXPECT_STREQ(list["id"].GetString(), id.c_str());
  ASSERT_EQ(list["members"].Size(), 2u);
  EXPECT_STREQ(list["members"][0].GetString(), Sha256Hex(3).c_str());
  EXPECT_STREQ(list["members"][1].GetString(), Sha256Hex(9).c_str());
  EXPECT_EQ(doc["requests"]["by_operation"]["customer_lists/create"].GetInt(), 1);
  EXPECT_EQ(doc["requests"]["by_status"]["404"].GetInt(), 1);
  EXPECT_EQ(server_->StateJson(), server_->StateJson());

  auto reset = client_->Post("/_sandbox/reset", "", "application/json");
  ASSERT_TRUE(reset);
  EXPECT_EQ(reset->status, 200);
  EXPECT_TRUE(server_->Lists().empty());
  EXPECT_EQ(server_->Requests().by_operation.count("customer_lists/create"), 0u);
}

TEST_F(SandboxHttpTest, LargePatchesAreApplied) {
  const std::string id = CreateList("big", {Sha256Hex(0)});
  for (int batch = 0; batch < 5; ++batch) {
    auto res = PatchJson(ListsPath() + "/" + id,
                         UpdateBody("ADD", JoinRecords(Sha256Hexes(1 + batch * 1900, 1900))));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
  }
  const auto lists = server_->Lists();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].member_count, 1u + 5 * 1900);
  EXPECT_EQ(lists[0].num_batches, 6);
}

class SandboxRequiredTokenTest : public testing::SandboxFixture {
 protected:
  void SetUp() override {
    SandboxOptions options;
    options.required_token = "the-token";
    StartSandbox(options);
  }
};

TEST_F(SandboxRequiredTokenTest, OnlyTheConfiguredOrIssuedTokensAreAccepted) {
  ExpectError(Get(ListsPath(), "other"), 401);
  auto ok = Get(ListsPath(), "the-token");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto refreshed = RefreshToken("r");
  ASSERT_TRUE(refreshed);
  ASSERT_EQ(refreshed->status, 200);
  auto issued = Get(ListsPath(), Json(refreshed->body)["access_token"].GetString());
  ASSERT_TRUE(issued);
  EXPECT_EQ(issued->status, 200);
}

TEST(SandboxStartTest, ReportsAPortThatCannotBeBound) {
  auto first = SandboxServer::Start({});
  ASSERT_TRUE(first.ok());
  SandboxOptions options;
  options.port = (*first)->port();
  auto second = SandboxServer::Start(options);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find(std::to_string(options.port)), std::string::npos);
}

}  // namespace
}  // namespace pinsync::sandbox
