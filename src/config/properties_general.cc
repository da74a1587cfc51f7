// Rows for batching, identifiers, pipeline, shutdown, metrics and logging.
#include <charconv>

#include "property_table.h"
#include "property_value.h"

// Rows name only the fields they use; gcc 12 warns about the omitted designated fields even
// though each has a default (GCC PR 96868).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace pinsync::config {
namespace {

std::optional<std::string> CheckListenAddress(const PropertyValue& v) {
  const size_t colon = v.text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return "'" + v.text + "' is not host:port (e.g. 0.0.0.0:9464 or 127.0.0.1:9464)";
  }
  const std::string_view port = std::string_view(v.text).substr(colon + 1);
  int number = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (ec != std::errc() || end != port.data() + port.size() || number < 0 || number > 65535) {
    return "port '" + std::string(port) + "' is not a number in 0..65535";
  }
  return std::nullopt;
}

HashAlgorithm ParseHashAlgorithm(const std::string& text) {
  if (text == "sha1") return HashAlgorithm::kSha1;
  if (text == "md5") return HashAlgorithm::kMd5;
  return HashAlgorithm::kSha256;  // the enum check has already limited text to the three
}

const Property kGeneralRows[] = {
    {.name = "batching.max_records",
     .type = PropertyType::kInt,
     .default_text = "100000",
     .min = 1,
     .max = 10'000'000,
     .description = "A list's batch is flushed when it holds this many distinct records.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.batching.max_records = static_cast<size_t>(v.number);
         },
     .read =
         [](const Config& c, const std::string&) {
           return NumberValue(static_cast<int64_t>(c.batching.max_records));
         }},
    {.name = "batching.max_age",
     .type = PropertyType::kDuration,
     .default_text = "3h",
     .min = 10,
     .max = 7LL * 86'400'000,
     .description = "A list's batch is flushed when its oldest change is this old.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.batching.max_age = v.duration; },
     .read = [](const Config& c, const std::string&) { return DurationValue(c.batching.max_age); }},
    {.name = "identifiers.hash_algorithm",
     .type = PropertyType::kEnum,
     .default_text = "sha256",
     .allowed = "sha256|sha1|md5",
     .description = "How identifiers are hashed before they leave the normalizer.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.identifiers.hash_algorithm = ParseHashAlgorithm(v.text);
         },
     .read =
         [](const Config& c, const std::string&) {
           return TextValue(std::string(ToString(c.identifiers.hash_algorithm)));
         }},
    {.name = "pipeline.max_buffered_records",
     .type = PropertyType::kInt,
     .default_text = "2000000",
     .min = 1,
     .max = 1'000'000'000,
     .description = "Records held across all open batches, counting changes not yet merged "
                    "into them; above it the open batches merge, then, if still above, the "
                    "largest batches are flushed early.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.pipeline.max_buffered_records = static_cast<size_t>(v.number);
         },
     .read =
         [](const Config& c, const std::string&) {
           return NumberValue(static_cast<int64_t>(c.pipeline.max_buffered_records));
         }},
    {.name = "pipeline.max_in_flight_records",
     .type = PropertyType::kInt,
     .default_text = "4000000",
     .min = 1,
     .max = 1'000'000'000,
     .description = "Records handed to delivery and not yet acknowledged; above it consumption "
                    "pauses.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.pipeline.max_in_flight_records = static_cast<size_t>(v.number);
         },
     .read =
         [](const Config& c, const std::string&) {
           return NumberValue(static_cast<int64_t>(c.pipeline.max_in_flight_records));
         }},
    {.name = "pipeline.handoff_margin",
     .type = PropertyType::kDuration,
     .default_text = "5s",
     .min = 1,
     .max = 3'600'000,
     .description = "A partition that moves to this replica is not delivered from until "
                    "session.timeout.ms + pinterest.request_timeout + this margin have passed, so "
                    "its previous owner's last requests land first (docs/pinterest.md, "
                    "\"Ordering across owners\"). Covers clock rate differences and Pinterest's "
                    "own processing time.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.pipeline.handoff_margin = v.duration; },
     .read = [](const Config& c,
                const std::string&) { return DurationValue(c.pipeline.handoff_margin); }},
    {.name = "shutdown.timeout",
     .type = PropertyType::kDuration,
     .default_text = "25s",
     .min = 100,
     .max = 3'600'000,
     .description = "On SIGTERM: time allowed to flush, deliver and commit before exiting "
                    "(keep it below the pod's terminationGracePeriodSeconds).",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.shutdown.timeout = v.duration; },
     .read = [](const Config& c, const std::string&) { return DurationValue(c.shutdown.timeout); }},
    {.name = "metrics.listen",
     .type = PropertyType::kString,
     .default_text = "0.0.0.0:9464",
     .description = "host:port of the Prometheus /metrics endpoint.",
     .check = CheckListenAddress,
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.metrics.listen = v.text; },
     .read = [](const Config& c, const std::string&) { return TextValue(c.metrics.listen); }},
    {.name = "metrics.max_audience_series",
     .type = PropertyType::kInt,
     .default_text = "1000",
     .min = 1,
     .max = 100'000,
     .description = "Audiences that get their own per-audience metric series (first seen, first "
                    "served); changes of the others are summed under audience=\"_other\", so a "
                    "runaway number of audiences cannot blow up Prometheus.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.metrics.max_audience_series = static_cast<size_t>(v.number);
         },
     .read = [](const Config& c,
                const std::string&) { return NumberValue(c.metrics.max_audience_series); }},
    {.name = "logging.level",
     .type = PropertyType::kEnum,
     .default_text = "info",
     .allowed = "trace|debug|info|warn|error|critical|off",
     .description = "Least severe log level written.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.logging.level = v.text; },
     .read = [](const Config& c, const std::string&) { return TextValue(c.logging.level); }},
    {.name = "logging.format",
     .type = PropertyType::kEnum,
     .default_text = "text",
     .allowed = "text|json",
     .description = "text: one readable line per event; json: one JSON object per line (time, "
                    "level, message and structured fields), for log pipelines.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.logging.format = v.text; },
     .read = [](const Config& c, const std::string&) { return TextValue(c.logging.format); }},
};

}  // namespace

std::span<const Property> GeneralProperties() { return kGeneralRows; }

}  // namespace pinsync::config
