#include "pinsync/sandbox/request_decoding.h"

#include <gtest/gtest.h>

#include "sandbox/test_hashes.h"

namespace pinsync::sandbox {
namespace {

using testing::Sha256Hex;

std::string Body(const std::string& fields) { return "{" + fields + "}"; }

TEST(DecodeCreateListTest, ReadsFieldsAndDefaultsListTypeToEmail) {
  auto request = DecodeCreateList(
      Body(R"("name":"a-EMAIL","records":")" + Sha256Hex(1) + "," + Sha256Hex(2) + "\""));
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->name, "a-EMAIL");
  EXPECT_EQ(request->list_type, "EMAIL");
  EXPECT_EQ(request->records.size(), 2u);
  auto maid =
      DecodeCreateList(Body(R"("name":"a","list_type":"MAID","records":")" + Sha256Hex(1) + "\""));
  ASSERT_TRUE(maid.ok());
  EXPECT_EQ(maid->list_type, "MAID");
}

TEST(DecodeCreateListTest, RejectsWhatTheContractForbids) {
  const std::string records = R"("records":")" + Sha256Hex(1) + "\"";
  for (const std::string& body : {
           std::string("not json"),
           std::string("[]"),
           Body(records),                                         // name missing
           Body(R"("name":"a")"),                                 // records missing
           Body(R"("name":7,)" + records),                        // name not a string
           Body(R"("name":"",)" + records),                       // name empty
           Body(R"("name":"a","list_type":"PHONE",)" + records),  // not a UserListType
           Body(R"("name":"a","list_type":"email",)" + records),  // enums are case-sensitive
           Body(R"("name":"a","records":"nothex")"),
           Body(R"("name":"a","records":["x"])"),
       }) {
    auto request = DecodeCreateList(body);
    ASSERT_FALSE(request.ok()) << body;
    EXPECT_EQ(request.error().code, ApiErrc::kBadRequest) << body;
    EXPECT_FALSE(request.error().message.empty());
  }
}

TEST(DecodeUpdateListTest, ReadsOperationType) {
  auto add = DecodeUpdateList(Body(R"("operation_type":"ADD","records":")" + Sha256Hex(1) + "\""));
  ASSERT_TRUE(add.ok());
  EXPECT_EQ(add->operation, MembershipOp::kAdd);
  auto remove =
      DecodeUpdateList(Body(R"("operation_type":"REMOVE","records":")" + Sha256Hex(1) + "\""));
  ASSERT_TRUE(remove.ok());
  EXPECT_EQ(remove->operation, MembershipOp::kRemove);
  EXPECT_FALSE(
      DecodeUpdateList(Body(R"("operation_type":"DELETE","records":")" + Sha256Hex(1) + "\""))
          .ok());
  EXPECT_FALSE(DecodeUpdateList(Body(R"("records":")" + Sha256Hex(1) + "\"")).ok());
  EXPECT_FALSE(DecodeUpdateList(Body(R"("operation_type":"ADD")")).ok());
}

TEST(DecodeCreateAudienceTest, ReadsACustomerListAudience) {
  auto request = DecodeCreateAudience(
      R"({"audience_type":"CUSTOMER_LIST","name":"aud","rule":{"customer_list_id":"643"},"description":"d"})");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->audience_type, "CUSTOMER_LIST");
  EXPECT_EQ(request->customer_list_id, "643");
  EXPECT_EQ(request->description, "d");
}

TEST(DecodeCreateAudienceTest, RejectsMissingOrInvalidFields) {
  for (const char* body : {
           R"({"name":"aud","rule":{"customer_list_id":"1"}})",
           R"({"audience_type":"CUSTOMER_LIST","rule":{"customer_list_id":"1"}})",
           R"({"audience_type":"CUSTOMER_LIST","name":"aud"})",
           R"({"audience_type":"LOOKALIKE","name":"aud","rule":{"customer_list_id":"1"}})",
           R"({"audience_type":"CUSTOMER_LIST","name":"aud","rule":{}})",
           R"({"audience_type":"CUSTOMER_LIST","name":"aud","rule":{"customer_list_id":"x"}})",
           R"({"audience_type":"CUSTOMER_LIST","name":"aud","rule":"1"})",
       }) {
    auto request = DecodeCreateAudience(body);
    ASSERT_FALSE(request.ok()) << body;
    EXPECT_EQ(request.error().code, ApiErrc::kBadRequest);
  }
}

TEST(DecodeTokenRequestTest, ReadsARefreshGrant) {
  auto request =
      DecodeTokenRequest("grant_type=refresh_token&refresh_token=abc%2Bd&scope=ads%3Aread");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->refresh_token, "abc+d");
  EXPECT_EQ(request->scope, "ads:read");
  EXPECT_FALSE(DecodeTokenRequest("refresh_token=abc").ok());
  EXPECT_FALSE(DecodeTokenRequest("grant_type=password&refresh_token=abc").ok());
  EXPECT_FALSE(DecodeTokenRequest("grant_type=authorization_code&code=x").ok());
}

TEST(DecodePageQueryTest, DefaultsAndBounds) {
  auto defaults = DecodePageQuery({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->page_size, 25);
  EXPECT_FALSE(defaults->descending);
  auto custom =
      DecodePageQuery({{"page_size", "250"}, {"order", "DESCENDING"}, {"bookmark", "A1"}});
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom->page_size, 250);
  EXPECT_TRUE(custom->descending);
  EXPECT_EQ(custom->bookmark, "A1");
  for (const char* size : {"0", "251", "-1", "ten", "5x"}) {
    EXPECT_FALSE(DecodePageQuery({{"page_size", size}}).ok()) << size;
  }
  EXPECT_FALSE(DecodePageQuery({{"order", "UP"}}).ok());
}

TEST(DecodeReceivedOwnershipTest, OwnedByDefault) {
  EXPECT_FALSE(*DecodeReceivedOwnership({}));
  EXPECT_TRUE(*DecodeReceivedOwnership({{"ownership_type", "RECEIVED"}}));
  EXPECT_FALSE(DecodeReceivedOwnership({{"ownership_type", "SHARED"}}).ok());
}

TEST(HeaderDecodingTest, MediaTypesBearerAndBasic) {
  EXPECT_TRUE(IsMediaType("application/json", "application/json"));
  EXPECT_TRUE(IsMediaType("Application/JSON; charset=utf-8", "application/json"));
  EXPECT_FALSE(IsMediaType("text/plain", "application/json"));
  EXPECT_FALSE(IsMediaType("application/jsonx", "application/json"));
  EXPECT_FALSE(IsMediaType("", "application/json"));

  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("bearer  abc "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken(""), "");

  auto basic = DecodeBasicAuth("Basic YXBwOnNlY3JldA==");  // app:secret
  ASSERT_TRUE(basic.has_value());
  EXPECT_EQ(basic->user, "app");
  EXPECT_EQ(basic->password, "secret");
  EXPECT_FALSE(DecodeBasicAuth("Basic !!!").has_value());
  EXPECT_FALSE(DecodeBasicAuth("Basic YXBw").has_value());  // "app", no colon
  EXPECT_FALSE(DecodeBasicAuth("Bearer x").has_value());
}

TEST(ParseFormTest, DecodesPercentAndPlus) {
  auto form = ParseForm("a=1&b=x+y&c=%41%42&empty=&flag");
  EXPECT_EQ(form["a"], "1");
  EXPECT_EQ(form["b"], "x y");
  EXPECT_EQ(form["c"], "AB");
  EXPECT_EQ(form["empty"], "");
  EXPECT_TRUE(form.contains("flag"));
}

}  // namespace
}  // namespace pinsync::sandbox
