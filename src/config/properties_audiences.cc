// Rows for audiences.<audience_id>.*: per-audience overrides of the global settings.
// Reading gives the effective value (the override, or the global value it inherits).
#include "property_table.h"
#include "property_value.h"

// Rows name only the fields they use; gcc 12 warns about the omitted designated fields even
// though each has a default (GCC PR 96868).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace pinsync::config {
namespace {

const AudienceOverride* Find(const Config& c, const std::string& id) {
  auto it = c.audiences.find(id);
  return it == c.audiences.end() ? nullptr : &it->second;
}

std::string FieldOf(const Config& c, const std::string& id, std::string AudienceOverride::*field) {
  const AudienceOverride* a = Find(c, id);
  return a == nullptr ? std::string() : a->*field;
}

const Property kAudienceRows[] = {
    {.name = "audiences.<audience_id>.ad_account_id",
     .type = PropertyType::kString,
     .default_text = "pinterest.ad_account_id",
     .description = "Ad account for this audience's lists.",
     .check = CheckAdAccountId,
     .apply = [](Config& c, const std::string& id,
                 const PropertyValue& v) { c.audiences[id].ad_account_id = v.text; },
     .read = [](const Config& c, const std::string& id) { return TextValue(c.AdAccountFor(id)); }},
    {.name = "audiences.<audience_id>.batching.max_records",
     .type = PropertyType::kInt,
     .default_text = "batching.max_records",
     .min = 1,
     .max = 10'000'000,
     .description = "batching.max_records for this audience.",
     .apply =
         [](Config& c, const std::string& id, const PropertyValue& v) {
           c.audiences[id].max_records = static_cast<size_t>(v.number);
         },
     .read =
         [](const Config& c, const std::string& id) {
           return NumberValue(static_cast<int64_t>(c.BatchingFor(id).max_records));
         }},
    {.name = "audiences.<audience_id>.batching.max_age",
     .type = PropertyType::kDuration,
     .default_text = "batching.max_age",
     .min = 10,
     .max = 7LL * 86'400'000,
     .description = "batching.max_age for this audience.",
     .apply = [](Config& c, const std::string& id,
                 const PropertyValue& v) { c.audiences[id].max_age = v.duration; },
     .read = [](const Config& c,
                const std::string& id) { return DurationValue(c.BatchingFor(id).max_age); }},
    {.name = "audiences.<audience_id>.email_list_name",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Name of the EMAIL customer list, instead of pinterest.list_name_template.",
     .apply = [](Config& c, const std::string& id,
                 const PropertyValue& v) { c.audiences[id].email_list_name = v.text; },
     .read =
         [](const Config& c, const std::string& id) {
           return TextValue(FieldOf(c, id, &AudienceOverride::email_list_name));
         }},
    {.name = "audiences.<audience_id>.maid_list_name",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Name of the MAID customer list, instead of pinterest.list_name_template.",
     .apply = [](Config& c, const std::string& id,
                 const PropertyValue& v) { c.audiences[id].maid_list_name = v.text; },
     .read =
         [](const Config& c, const std::string& id) {
           return TextValue(FieldOf(c, id, &AudienceOverride::maid_list_name));
         }},
    {.name = "audiences.<audience_id>.email_customer_list_id",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Existing EMAIL customer list to sync into (digits) instead of finding or "
                    "creating one by name.",
     .check = CheckDigits,
     .apply = [](Config& c, const std::string& id,
                 const PropertyValue& v) { c.audiences[id].email_customer_list_id = v.text; },
     .read =
         [](const Config& c, const std::string& id) {
           return TextValue(FieldOf(c, id, &AudienceOverride::email_customer_list_id));
         }},
    {.name = "audiences.<audience_id>.maid_customer_list_id",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Existing MAID customer list to sync into (digits).",
     .check = CheckDigits,
     .apply = [](Config& c, const std::string& id,
                 const PropertyValue& v) { c.audiences[id].maid_customer_list_id = v.text; },
     .read =
         [](const Config& c, const std::string& id) {
           return TextValue(FieldOf(c, id, &AudienceOverride::maid_customer_list_id));
         }},
};

}  // namespace

std::span<const Property> AudienceProperties() { return kAudienceRows; }

}  // namespace pinsync::config
