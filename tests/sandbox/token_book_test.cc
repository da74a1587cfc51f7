#include "pinsync/sandbox/token_book.h"

#include <gtest/gtest.h>

namespace pinsync::sandbox {
namespace {

TEST(TokenBookTest, AnyNonEmptyTokenWithoutARequiredOne) {
  TokenBook book("", false, 1);
  EXPECT_EQ(book.Admit(""), TokenVerdict::kMissing);
  EXPECT_EQ(book.Admit("anything"), TokenVerdict::kAccepted);
}

TEST(TokenBookTest, RequiredTokenRejectsOthersButAcceptsIssuedOnes) {
  TokenBook book("secret", false, 1);
  EXPECT_EQ(book.Admit("secret"), TokenVerdict::kAccepted);
  EXPECT_EQ(book.Admit("other"), TokenVerdict::kUnknown);
  auto issued = book.Refresh("refresh-1");
  ASSERT_TRUE(issued.ok());
  EXPECT_FALSE(issued->refresh_token.has_value());
  EXPECT_NE(issued->access_token, "secret");
  EXPECT_EQ(book.Admit(issued->access_token), TokenVerdict::kAccepted);
  EXPECT_EQ(book.refreshes(), 1);
}

TEST(TokenBookTest, TokensExpireAfterNRequestsUntilARefresh) {
  TokenBook book("", false, 1);
  book.SetExpireAfter(3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(book.Admit("t"), TokenVerdict::kAccepted);
  EXPECT_EQ(book.Admit("t"), TokenVerdict::kExpired);
  EXPECT_EQ(book.Admit("t"), TokenVerdict::kExpired);
  auto issued = book.Refresh("r");
  ASSERT_TRUE(issued.ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(book.Admit(issued->access_token), TokenVerdict::kAccepted);
  EXPECT_EQ(book.Admit(issued->access_token), TokenVerdict::kExpired);
  EXPECT_EQ(book.Admit("t"), TokenVerdict::kExpired);  // the old one stays expired
}

TEST(TokenBookTest, RotationSupersedesTheUsedRefreshToken) {
  TokenBook book("", true, 1);
  auto first = book.Refresh("initial");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->refresh_token.has_value());
  EXPECT_NE(*first->refresh_token, "initial");
  auto reused = book.Refresh("initial");
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.error().code, ApiErrc::kBadRequest);
  EXPECT_EQ(reused.error().message.find("initial"), std::string::npos);  // no token echoed
  auto second = book.Refresh(*first->refresh_token);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second->refresh_token, *first->refresh_token);
  EXPECT_NE(second->access_token, first->access_token);
}

TEST(TokenBookTest, EmptyRefreshTokenIsBadRequest) {
  TokenBook book("", false, 1);
  EXPECT_EQ(book.Refresh("").error().code, ApiErrc::kBadRequest);
}

TEST(TokenBookTest, ResetForgetsIssuedTokensAndUses) {
  TokenBook book("secret", false, 1);
  book.SetExpireAfter(1);
  auto issued = book.Refresh("r");
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(book.Admit("secret"), TokenVerdict::kAccepted);
  EXPECT_EQ(book.Admit("secret"), TokenVerdict::kExpired);
  book.Reset();
  EXPECT_EQ(book.Admit("secret"), TokenVerdict::kAccepted);
  EXPECT_EQ(book.Admit(issued->access_token), TokenVerdict::kUnknown);
  EXPECT_EQ(book.refreshes(), 0);
}

}  // namespace
}  // namespace pinsync::sandbox
