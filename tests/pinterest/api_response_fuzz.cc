// libFuzzer target: everything pinsync reads from Pinterest's answers (JSON bodies, rate-limit
// headers) must parse or fail cleanly, and error excerpts must stay short and free of long
// token- or hash-like runs whatever the body holds.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "pinsync/pinterest/api_json.h"
#include "pinsync/pinterest/retry_policy.h"

namespace {

bool IsRunChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
         c == '_';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pinsync::pinterest;
  const std::string body(reinterpret_cast<const char*>(data), size);
  // Pinterest's view of a list or audience: counts are -1 (absent) or non-negative.
  auto valid_list = [](const NamedItem& l) {
    return l.num_uploaded_user_records >= -1 && l.num_removed_user_records >= -1;
  };
  if (auto page = ParseCustomerListPage(body)) {
    for (const auto& item : page->items) {
      if (!valid_list(item)) std::abort();
    }
  }
  if (auto page = ParseAudiencePage(body)) {
    for (const auto& item : page->items) {
      if (item.size < -1) std::abort();
    }
  }
  if (auto list = ParseCustomerList(body); list && (!valid_list(*list) || list->id.empty())) {
    std::abort();
  }
  if (auto audience = ParseAudience(body); audience && audience->size < -1) std::abort();
  (void)ParseCreatedId(body);
  (void)ParseTokenGrant(body);

  const std::string excerpt = SafeErrorExcerpt(body);
  if (excerpt.size() > 200) std::abort();
  size_t run = 0;
  for (char c : excerpt) {
    run = IsRunChar(c) ? run + 1 : 0;
    if (run >= 16) std::abort();
  }

  HttpResponse response;
  response.status = 429;
  const size_t half = size / 2;
  response.headers["retry-after"] = body.substr(0, half);
  response.headers["x-ratelimit-remaining"] = body.substr(0, half);
  response.headers["x-ratelimit-reset"] = body.substr(half);
  if (auto wait = ParseRetryAfter(response); wait && wait->count() < 0) std::abort();
  if (auto limit = ParseServerLimit(response, 1'800'000'000'000);
      limit && (limit->remaining < 0 || limit->until_reset.count() < 0)) {
    std::abort();
  }
  return 0;
}
