// libFuzzer target: registry records come from a topic any client with WRITE may write to, so
// every value must decode or fail cleanly, and what decodes must survive a round trip.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pinsync/registry/registry_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pinsync::registry;
  auto record = DecodeRecord(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!record) return 0;
  auto again = DecodeRecord(EncodeRecord(*record));
  if (!again || again->type != record->type || again->list_name != record->list_name ||
      again->ad_account_id != record->ad_account_id || again->basis != record->basis ||
      again->member != record->member || !(again->entry == record->entry)) {
    std::abort();
  }
  (void)RecordKey(*record);
  return 0;
}
