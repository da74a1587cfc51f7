// libFuzzer target for everything the sandbox parses from a client: JSON bodies, form bodies,
// records, paths, headers and fault specs. Besides not crashing, decoded records must round-trip
// to the exact hex that was sent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pinsync/sandbox/api_json.h"
#include "pinsync/sandbox/records.h"
#include "pinsync/sandbox/request_decoding.h"
#include "pinsync/sandbox/request_router.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pinsync::sandbox;
  const std::string input(reinterpret_cast<const char*>(data), size);

  if (auto records = ParseRecords(input); records.ok()) {
    std::string joined;
    for (const auto& id : *records) joined += (joined.empty() ? "" : ",") + id.Hex();
    std::string_view expected = input;
    if (!expected.empty() && expected.back() == ',') expected.remove_suffix(1);
    if (joined != expected) __builtin_trap();
  }
  (void)DecodeCreateList(input);
  (void)DecodeUpdateList(input);
  (void)DecodeCreateAudience(input);
  (void)DecodeTokenRequest(input);
  (void)DecodeFaultSpec(input);
  if (auto uploaded = DecodeSetUploaded(input);
      uploaded && uploaded->num_uploaded_user_records < 0) {
    std::abort();
  }
  (void)MatchRoute("GET", input);
  (void)MatchRoute("PATCH", input);
  (void)BearerToken(input);
  (void)DecodeBasicAuth(input);
  (void)IsMediaType(input, "application/json");
  return 0;
}
