// Rows for pinterest.*: where batches are delivered, how fast, and with which credentials.
#include "property_table.h"
#include "property_value.h"

// Rows name only the fields they use; gcc 12 warns about the omitted designated fields even
// though each has a default (GCC PR 96868).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace pinsync::config {
namespace {

std::optional<std::string> CheckBaseUrl(const PropertyValue& v) {
  if (v.text.rfind("https://", 0) == 0 || v.text.rfind("http://", 0) == 0) return std::nullopt;
  return "'" + v.text + "' is not an http:// or https:// URL";
}

std::optional<std::string> CheckTemplate(const PropertyValue& v) {
  if (v.text.empty()) return "the template is empty";
  return std::nullopt;
}

const Property kPinterestRows[] = {
    {.name = "pinterest.api_base_url",
     .type = PropertyType::kString,
     .default_text = "https://api.pinterest.com/v5",
     .description = "Base URL of the Pinterest API v5 (point it at `pinsync sandbox` for tests).",
     .check = CheckBaseUrl,
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.api_base_url = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.pinterest.api_base_url); }},
    {.name = "pinterest.ad_account_id",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Ad account that owns the customer lists and audiences (digits, at most 18).",
     .required = true,
     .check = CheckAdAccountId,
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.ad_account_id = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.pinterest.ad_account_id); }},
    {.name = "pinterest.max_records_per_request",
     .type = PropertyType::kInt,
     .default_text = "1900",
     .min = 1,
     .max = 100'000,
     .description = "Records per customer-list ADD/REMOVE request; a batch is split into requests.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.pinterest.max_records_per_request = static_cast<size_t>(v.number);
         },
     .read =
         [](const Config& c, const std::string&) {
           return NumberValue(static_cast<int64_t>(c.pinterest.max_records_per_request));
         }},
    {.name = "pinterest.max_request_bytes",
     .type = PropertyType::kSize,
     .default_text = "1MiB",
     .min = 1024,
     .max = 64LL << 20,
     .description = "Cap on one request body; a request is cut earlier if it would exceed it.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.pinterest.max_request_bytes = static_cast<size_t>(v.number);
         },
     .read =
         [](const Config& c, const std::string&) {
           return NumberValue(static_cast<int64_t>(c.pinterest.max_request_bytes));
         }},
    {.name = "pinterest.requests_per_minute",
     .type = PropertyType::kInt,
     .default_text = "400",
     .min = 1,
     .max = 100'000,
     .description = "Requests per minute per ad account for the whole consumer group, below "
                    "Pinterest's limit; each replica takes its assigned partitions' share.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.pinterest.requests_per_minute = static_cast<int>(v.number);
         },
     .read = [](const Config& c,
                const std::string&) { return NumberValue(c.pinterest.requests_per_minute); }},
    {.name = "pinterest.retry_max_duration",
     .type = PropertyType::kDuration,
     .default_text = "13h",
     .min = 1000,
     .max = 7LL * 86'400'000,
     .description = "How long a batch is retried before it is given up as failed.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.retry_max_duration = v.duration; },
     .read = [](const Config& c,
                const std::string&) { return DurationValue(c.pinterest.retry_max_duration); }},
    {.name = "pinterest.retry_initial_backoff",
     .type = PropertyType::kDuration,
     .default_text = "1s",
     .min = 10,
     .max = 3'600'000,
     .description = "First retry delay; doubles (with jitter) up to retry_max_backoff. "
                    "Must not exceed retry_max_backoff.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.retry_initial_backoff = v.duration; },
     .read = [](const Config& c,
                const std::string&) { return DurationValue(c.pinterest.retry_initial_backoff); }},
    {.name = "pinterest.retry_max_backoff",
     .type = PropertyType::kDuration,
     .default_text = "5m",
     .min = 10,
     .max = 86'400'000,
     .description = "Longest delay between two retries.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.retry_max_backoff = v.duration; },
     .read = [](const Config& c,
                const std::string&) { return DurationValue(c.pinterest.retry_max_backoff); }},
    {.name = "pinterest.connect_timeout",
     .type = PropertyType::kDuration,
     .default_text = "10s",
     .min = 100,
     .max = 600'000,
     .description = "TCP+TLS connect timeout for one request.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.connect_timeout = v.duration; },
     .read = [](const Config& c,
                const std::string&) { return DurationValue(c.pinterest.connect_timeout); }},
    {.name = "pinterest.request_timeout",
     .type = PropertyType::kDuration,
     .default_text = "1m",
     .min = 100,
     .max = 3'600'000,
     .description = "Whole-request timeout; a timed-out request is retried.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.request_timeout = v.duration; },
     .read = [](const Config& c,
                const std::string&) { return DurationValue(c.pinterest.request_timeout); }},
    {.name = "pinterest.view_sweep_interval",
     .type = PropertyType::kDuration,
     .default_text = "10m",
     .min = 60'000,
     .max = 86'400'000,
     .description = "How often each ad account's lists and audiences are read again (by the page, "
                    "inside requests_per_minute) for Pinterest's own view: list status, uploaded "
                    "and removed records, audience size (metrics and the status page).",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.view_sweep_interval = v.duration; },
     .read = [](const Config& c,
                const std::string&) { return DurationValue(c.pinterest.view_sweep_interval); }},
    {.name = "pinterest.max_concurrent_requests",
     .type = PropertyType::kInt,
     .default_text = "8",
     .min = 1,
     .max = 1024,
     .description = "Requests in flight at once, across all lists.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.pinterest.max_concurrent_requests = static_cast<int>(v.number);
         },
     .read = [](const Config& c,
                const std::string&) { return NumberValue(c.pinterest.max_concurrent_requests); }},
    {.name = "pinterest.ca_bundle",
     .type = PropertyType::kPath,
     .default_text = "",
     .description = "PEM file of CA certificates to trust. Empty: the system's CA store. "
                    "TLS verification is always on.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.ca_bundle = v.text; },
     .read = [](const Config& c, const std::string&) { return TextValue(c.pinterest.ca_bundle); }},
    {.name = "pinterest.list_name_template",
     .type = PropertyType::kString,
     .default_text = "{audience_name}-{list_type}",
     .description = "Name of the customer list created per audience and list type; "
                    "placeholders {audience_name}, {audience_id}, {list_type} (EMAIL or MAID).",
     .check = CheckTemplate,
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.list_name_template = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.pinterest.list_name_template); }},
    {.name = "pinterest.audience_name_template",
     .type = PropertyType::kString,
     .default_text = "{audience_name}-{list_type}",
     .description = "Name of the CUSTOMER_LIST audience created per list; same placeholders.",
     .check = CheckTemplate,
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.audience_name_template = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.pinterest.audience_name_template); }},
    {.name = "pinterest.access_token",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "OAuth access token (secret). Either this, or app_id + app_secret + "
                    "refresh_token, is required.",
     .secret = true,
     .env_var = "PINTEREST_ACCESS_TOKEN",
     .file_key = "pinterest.access_token_file",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.access_token = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.pinterest.access_token); }},
    {.name = "pinterest.access_token_file",
     .type = PropertyType::kPath,
     .default_text = "",
     .description = "File holding the access token (trailing newline ignored); "
                    "PINTEREST_ACCESS_TOKEN takes precedence.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.access_token_file = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.pinterest.access_token_file); }},
    {.name = "pinterest.app_id",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "App id for the refresh-token flow; falls back to PINTEREST_APP_ID.",
     .env_var = "PINTEREST_APP_ID",
     .check = CheckDigits,
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.app_id = v.text; },
     .read = [](const Config& c, const std::string&) { return TextValue(c.pinterest.app_id); }},
    {.name = "pinterest.app_secret",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "App secret for the refresh-token flow (secret).",
     .secret = true,
     .env_var = "PINTEREST_APP_SECRET",
     .file_key = "pinterest.app_secret_file",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.app_secret = v.text; },
     .read = [](const Config& c, const std::string&) { return TextValue(c.pinterest.app_secret); }},
    {.name = "pinterest.app_secret_file",
     .type = PropertyType::kPath,
     .default_text = "",
     .description = "File holding the app secret; PINTEREST_APP_SECRET takes precedence.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.app_secret_file = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.pinterest.app_secret_file); }},
    {.name = "pinterest.refresh_token",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Refresh token for the refresh-token flow (secret).",
     .secret = true,
     .env_var = "PINTEREST_REFRESH_TOKEN",
     .file_key = "pinterest.refresh_token_file",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.refresh_token = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.pinterest.refresh_token); }},
    {.name = "pinterest.refresh_token_file",
     .type = PropertyType::kPath,
     .default_text = "",
     .description = "File holding the refresh token; PINTEREST_REFRESH_TOKEN takes precedence.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.refresh_token_file = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.pinterest.refresh_token_file); }},
    {.name = "pinterest.token_store",
     .type = PropertyType::kPath,
     .default_text = "",
     .description = "File where a rotated refresh token is persisted (refresh-token flow). "
                    "Empty: rotated tokens live in memory only.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pinterest.token_store = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.pinterest.token_store); }},
};

}  // namespace

std::span<const Property> PinterestProperties() { return kPinterestRows; }

}  // namespace pinsync::config
