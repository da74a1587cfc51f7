#include "pinsync/pinterest/list_naming.h"

#include <gtest/gtest.h>

namespace pinsync::pinterest {
namespace {

TEST(NameTemplateTest, DefaultTemplateGivesMparticleNames) {
  config::Config config;
  auto email = ResolveListTarget(config, {"123", "vip", ListType::kEmail}, "VIP shoppers");
  EXPECT_EQ(email.list_name, "VIP shoppers-EMAIL");
  EXPECT_EQ(email.audience_name, "VIP shoppers-EMAIL");
  EXPECT_TRUE(email.existing_list_id.empty());
  auto maid = ResolveListTarget(config, {"123", "vip", ListType::kMaid}, "VIP shoppers");
  EXPECT_EQ(maid.list_name, "VIP shoppers-MAID");
}

TEST(NameTemplateTest, AllPlaceholdersAndLiteralText) {
  EXPECT_EQ(ExpandNameTemplate("pinsync/{audience_id}/{list_type} ({audience_name})", "VIP",
                               "vip-1", ListType::kMaid),
            "pinsync/vip-1/MAID (VIP)");
  EXPECT_EQ(ExpandNameTemplate("{unknown}-{audience_id}-{", "n", "id", ListType::kEmail),
            "{unknown}-id-{");
  EXPECT_EQ(ExpandNameTemplate("{audience_name}{audience_name}", "ab", "x", ListType::kEmail),
            "abab");
}

TEST(NameTemplateTest, ConfiguredTemplatesAndMissingAudienceName) {
  config::Config config;
  config.pinterest.list_name_template = "{audience_id}:{list_type}";
  config.pinterest.audience_name_template = "Audience {audience_name}";
  auto t = ResolveListTarget(config, {"1", "churn", ListType::kEmail}, "");
  EXPECT_EQ(t.list_name, "churn:EMAIL");
  EXPECT_EQ(t.audience_name, "Audience churn");  // audience_name defaults to the id
}

TEST(NameTemplateTest, PerAudienceOverrides) {
  config::Config config;
  config::AudienceOverride o;
  o.email_list_name = "Loyal (email)";
  o.maid_customer_list_id = "5497558859876";
  config.audiences["loyal"] = o;
  auto email = ResolveListTarget(config, {"1", "loyal", ListType::kEmail}, "Loyal");
  EXPECT_EQ(email.list_name, "Loyal (email)");
  EXPECT_TRUE(email.existing_list_id.empty());
  auto maid = ResolveListTarget(config, {"1", "loyal", ListType::kMaid}, "Loyal");
  EXPECT_EQ(maid.list_name, "Loyal-MAID");
  EXPECT_EQ(maid.existing_list_id, "5497558859876");
  // Other audiences are untouched.
  EXPECT_EQ(ResolveListTarget(config, {"1", "other", ListType::kEmail}, "Other").list_name,
            "Other-EMAIL");
}

}  // namespace
}  // namespace pinsync::pinterest
