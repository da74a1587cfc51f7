#include "pinsync/pinterest/api_json.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace pinsync::pinterest {
namespace {

rapidjson::Document Parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  EXPECT_FALSE(d.HasParseError()) << s;
  return d;
}

TEST(ApiJsonTest, RequestBodiesUseTheContractFieldNames) {
  auto create = Parse(CreateListBody("VIP \"shoppers\"-EMAIL", ListType::kMaid, "aa,bb"));
  EXPECT_STREQ(create["name"].GetString(), "VIP \"shoppers\"-EMAIL");
  EXPECT_STREQ(create["list_type"].GetString(), "MAID");
  EXPECT_STREQ(create["records"].GetString(), "aa,bb");
  auto update = Parse(UpdateListBody(MembershipOp::kRemove, "cc"));
  EXPECT_STREQ(update["operation_type"].GetString(), "REMOVE");
  EXPECT_STREQ(update["records"].GetString(), "cc");
  EXPECT_STREQ(Parse(UpdateListBody(MembershipOp::kAdd, ""))["operation_type"].GetString(), "ADD");
  auto audience = Parse(CreateAudienceBody("VIP-EMAIL", "643"));
  EXPECT_STREQ(audience["audience_type"].GetString(), "CUSTOMER_LIST");
  EXPECT_STREQ(audience["name"].GetString(), "VIP-EMAIL");
  EXPECT_STREQ(audience["rule"]["customer_list_id"].GetString(), "643");
}

TEST(ApiJsonTest, OverheadsMatchBodies) {
  EXPECT_EQ(UpdateBodyOverhead() + 5, UpdateListBody(MembershipOp::kRemove, "abcde").size());
  EXPECT_EQ(CreateBodyOverhead("n") + 3, CreateListBody("n", ListType::kEmail, "abc").size());
}

TEST(ApiJsonTest, RecordsAreAppendedAsIsAndEscapedOnlyWhenTheyMustBe) {
  // Hex records skip the writer; the body is exactly what the writer would have produced.
  EXPECT_EQ(UpdateListBody(MembershipOp::kAdd, "ab,cd"),
            R"({"operation_type":"ADD","records":"ab,cd"})");
  EXPECT_EQ(CreateListBody("VIP \"x\"", ListType::kEmail, "ab"),
            R"({"name":"VIP \"x\"","list_type":"EMAIL","records":"ab"})");
  // Anything else still comes out as valid JSON with the same value.
  const std::string odd = "a\"b\\c\n";
  EXPECT_STREQ(Parse(UpdateListBody(MembershipOp::kRemove, odd))["records"].GetString(),
               odd.c_str());
  EXPECT_STREQ(Parse(CreateListBody("n", ListType::kMaid, odd))["records"].GetString(),
               odd.c_str());
}

TEST(ApiJsonTest, RefreshFormIsEncoded) {
  EXPECT_EQ(RefreshTokenForm("pinr.a+b/c="),
            "grant_type=refresh_token&refresh_token=pinr.a%2Bb%2Fc%3D&continuous_refresh=true");
}

TEST(ApiJsonTest, ParsesCustomerListPages) {
  auto page = ParseCustomerListPage(
      R"({"items":[{"id":"1","name":"a","type":"customerlist"},{"id":"2","name":"b"}],"bookmark":"xyz"})");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[1].id, "2");
  EXPECT_EQ(page->items[1].name, "b");
  EXPECT_EQ(page->bookmark, "xyz");
  auto last = ParseCustomerListPage(R"({"items":[],"bookmark":null})");
  ASSERT_TRUE(last);
  EXPECT_TRUE(last->bookmark.empty());
  EXPECT_FALSE(ParseCustomerListPage("<html>"));
  EXPECT_FALSE(ParseCustomerListPage(R"({"bookmark":"x"})"));
}

TEST(ApiJsonTest, ParsesAudiencePages) {
  auto page = ParseAudiencePage(
      R"({"items":[{"id":"9","audience_type":"CUSTOMER_LIST","rule":{"customer_list_id":"643"}},{"id":"10","audience_type":"VISITOR","rule":{}}]})");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].customer_list_id, "643");
  EXPECT_EQ(page->items[1].audience_type, "VISITOR");
  EXPECT_TRUE(page->items[1].customer_list_id.empty());
}

TEST(ApiJsonTest, ParsesIdsAndTokenGrants) {
  EXPECT_EQ(*ParseCreatedId(R"({"id":"643","name":"x"})"), "643");
  EXPECT_FALSE(ParseCreatedId(R"({"name":"x"})"));
  auto grant = ParseTokenGrant(
      R"({"access_token":"pina.x","expires_in":2592000,"refresh_token":"pinr.y","token_type":"bearer","scope":"ads:write"})");
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->access_token, "pina.x");
  EXPECT_EQ(grant->expires_in_seconds, 2592000);
  EXPECT_EQ(grant->refresh_token, "pinr.y");
  EXPECT_FALSE(ParseTokenGrant(R"({"expires_in":1})"));
}

TEST(ApiJsonTest, ErrorExcerptsNeverCarryHashesOrTokens) {
  const std::string hash(64, 'a');
  std::string excerpt =
      SafeErrorExcerpt(R"({"code":400,"message":"record )" + hash + R"( is invalid"})");
  EXPECT_EQ(excerpt.find(hash.substr(0, 16)), std::string::npos);
  EXPECT_NE(excerpt.find("code 400"), std::string::npos);
  EXPECT_NE(excerpt.find("is invalid"), std::string::npos);
  EXPECT_LE(SafeErrorExcerpt(std::string(5000, 'x') + " y").size(), 200u);
  EXPECT_EQ(SafeErrorExcerpt("pina.AbCdEfGhIjKlMnOpQrStUv").find("AbCdEfGh"), std::string::npos);
}

TEST(ApiJsonTest, Base64) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("app:secret"), "YXBwOnNlY3JldA==");
}

}  // namespace
}  // namespace pinsync::pinterest
