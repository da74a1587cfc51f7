#pragma once
// The BatchSink that delivers to the Pinterest Ads API v5: its own delivery thread runs the
// libcurl multi loop and the DeliveryEngine; Submit and DrainOutcomes are thread-safe queues.

#include <cstdint>
#include <memory>
#include <optional>

#include "pinsync/common/clock.h"
#include "pinsync/common/result.h"
#include "pinsync/config/config.h"
#include "pinsync/pinterest/batch_sink.h"
#include "pinsync/pinterest/credential_lineage.h"
#include "pinsync/pinterest/http_transport.h"
#include "pinsync/pinterest/list_registry.h"

namespace prometheus {
class Registry;
}

namespace pinsync::pinterest {

struct SinkOptions {
  // Seeds the backoff jitter; unset: random.
  std::optional<uint64_t> rng_seed;
  // Replaces the libcurl transport (tests).
  std::unique_ptr<HttpTransport> transport;
  // The fleet's list registry (must outlive the sink); null: this member creates lists alone.
  ListRegistry* registry = nullptr;
  // The group's credential lineage for the refresh-token flow (must outlive the sink); null:
  // this member refreshes alone.
  CredentialLineage* lineage = nullptr;
};

// `registry` may be null (metrics then go to a private registry). The clock must outlive the
// sink. Fails on unusable credentials or an unreadable token store, before any request.
Result<BatchSinkPtr> MakePinterestBatchSink(const config::Config& config, const Clock& clock,
                                            prometheus::Registry* registry,
                                            SinkOptions options = {});

}  // namespace pinsync::pinterest
