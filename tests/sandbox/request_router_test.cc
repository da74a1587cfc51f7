#include "pinsync/sandbox/request_router.h"

#include <gtest/gtest.h>

namespace pinsync::sandbox {
namespace {

Operation OpOf(std::string_view method, std::string_view path) {
  auto route = MatchRoute(method, path);
  EXPECT_TRUE(route.ok()) << method << " " << path;
  return route.ok() ? route->operation : Operation::kSandboxState;
}

ApiErrc ErrorOf(std::string_view method, std::string_view path) {
  auto route = MatchRoute(method, path);
  EXPECT_FALSE(route.ok()) << method << " " << path;
  return route.ok() ? ApiErrc::kInternal : route.error().code;
}

TEST(RequestRouterTest, RoutesEveryContractOperation) {
  EXPECT_EQ(OpOf("GET", "/v5/ad_accounts/1/customer_lists"), Operation::kCustomerListsList);
  EXPECT_EQ(OpOf("POST", "/v5/ad_accounts/1/customer_lists"), Operation::kCustomerListsCreate);
  EXPECT_EQ(OpOf("GET", "/v5/ad_accounts/1/customer_lists/2"), Operation::kCustomerListsGet);
  EXPECT_EQ(OpOf("PATCH", "/v5/ad_accounts/1/customer_lists/2"), Operation::kCustomerListsUpdate);
  EXPECT_EQ(OpOf("GET", "/v5/ad_accounts/1/audiences"), Operation::kAudiencesList);
  EXPECT_EQ(OpOf("POST", "/v5/ad_accounts/1/audiences"), Operation::kAudiencesCreate);
  EXPECT_EQ(OpOf("GET", "/v5/ad_accounts/1/audiences/3"), Operation::kAudiencesGet);
  EXPECT_EQ(OpOf("POST", "/v5/oauth/token"), Operation::kOauthToken);
  EXPECT_EQ(OpOf("GET", "/_sandbox/state"), Operation::kSandboxState);
  EXPECT_EQ(OpOf("POST", "/_sandbox/reset"), Operation::kSandboxReset);
  EXPECT_EQ(OpOf("GET", "/_sandbox/faults"), Operation::kSandboxFaultsGet);
  EXPECT_EQ(OpOf("POST", "/_sandbox/faults"), Operation::kSandboxFaultsSet);
  EXPECT_EQ(OpOf("POST", "/_sandbox/uploaded"), Operation::kSandboxSetUploaded);
}

TEST(RequestRouterTest, CapturesPathParameters) {
  auto route = MatchRoute("PATCH", "/v5/ad_accounts/549756359984/customer_lists/643");
  ASSERT_TRUE(route.ok());
  EXPECT_EQ(route->ad_account_id, "549756359984");
  EXPECT_EQ(route->resource_id, "643");
}

TEST(RequestRouterTest, UnknownPathsAre404) {
  EXPECT_EQ(ErrorOf("GET", "/"), ApiErrc::kNotFound);
  EXPECT_EQ(ErrorOf("GET", "/v4/ad_accounts/1/customer_lists"), ApiErrc::kNotFound);
  EXPECT_EQ(ErrorOf("GET", "/v5/ad_accounts/1/campaigns"), ApiErrc::kNotFound);
  EXPECT_EQ(ErrorOf("GET", "/v5/ad_accounts/1/customer_lists/2/extra"), ApiErrc::kNotFound);
  EXPECT_EQ(ErrorOf("GET", "/v5/ad_accounts/1/customer_lists/"), ApiErrc::kBadRequest);
  EXPECT_EQ(ErrorOf("GET", "/_sandbox/other"), ApiErrc::kNotFound);
}

TEST(RequestRouterTest, WrongMethodOnAKnownPathIs405) {
  EXPECT_EQ(ErrorOf("DELETE", "/v5/ad_accounts/1/customer_lists"), ApiErrc::kMethodNotAllowed);
  EXPECT_EQ(ErrorOf("PUT", "/v5/ad_accounts/1/customer_lists/2"), ApiErrc::kMethodNotAllowed);
  EXPECT_EQ(ErrorOf("POST", "/v5/ad_accounts/1/customer_lists/2"), ApiErrc::kMethodNotAllowed);
  EXPECT_EQ(ErrorOf("GET", "/v5/oauth/token"), ApiErrc::kMethodNotAllowed);
  EXPECT_EQ(ErrorOf("PATCH", "/v5/ad_accounts/1/audiences/2"), ApiErrc::kMethodNotAllowed);
  EXPECT_EQ(ErrorOf("GET", "/_sandbox/reset"), ApiErrc::kMethodNotAllowed);
}

TEST(RequestRouterTest, PathIdsMustBeDigitsOfAtMost18) {
  EXPECT_EQ(ErrorOf("GET", "/v5/ad_accounts/abc/customer_lists"), ApiErrc::kBadRequest);
  EXPECT_EQ(ErrorOf("GET", "/v5/ad_accounts/" + std::string(19, '1') + "/audiences"),
            ApiErrc::kBadRequest);
  EXPECT_EQ(ErrorOf("GET", "/v5/ad_accounts/1/customer_lists/x1"), ApiErrc::kBadRequest);
  EXPECT_EQ(OpOf("GET", "/v5/ad_accounts/" + std::string(18, '1') + "/audiences"),
            Operation::kAudiencesList);
}

TEST(RequestRouterTest, OperationNamesAreTheContractOperationIds) {
  EXPECT_EQ(OperationName(Operation::kCustomerListsUpdate), "customer_lists/update");
  EXPECT_EQ(OperationName(Operation::kOauthToken), "oauth/token");
  EXPECT_TRUE(IsAdAccountOperation(Operation::kAudiencesGet));
  EXPECT_FALSE(IsAdAccountOperation(Operation::kOauthToken));
  EXPECT_TRUE(IsSandboxControl(Operation::kSandboxReset));
}

}  // namespace
}  // namespace pinsync::sandbox
