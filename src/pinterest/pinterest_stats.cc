#include "pinsync/pinterest/pinterest_stats.h"

namespace pinsync::pinterest {

PinterestStats PinterestStats::Create(prometheus::Registry& registry) {
  auto counter = [&registry](const char* name, const char* help) -> prometheus::Counter& {
    return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
  };
  return PinterestStats{
      prometheus::BuildCounter()
          .Name("pinsync_pinterest_requests_total")
          .Help("Requests to the Pinterest API by operation and status class")
          .Register(registry),
      counter("pinsync_pinterest_retries_total",
              "Requests scheduled again after a retryable error"),
      counter("pinsync_pinterest_rate_limited_total", "429 answers from Pinterest"),
      counter("pinsync_pinterest_records_sent_total",
              "Records carried by requests sent to Pinterest, retries included"),
      counter("pinsync_pinterest_records_added_total", "Records Pinterest accepted in ADD updates"),
      counter("pinsync_pinterest_records_removed_total",
              "Records Pinterest accepted in REMOVE updates"),
      counter("pinsync_pinterest_records_rejected_total",
              "Records Pinterest refused with a 400 after isolating them"),
      counter("pinsync_pinterest_batches_acknowledged_total", "Batches Pinterest acknowledged"),
      counter("pinsync_pinterest_batches_failed_total", "Batches given up on"),
      prometheus::BuildHistogram()
          .Name("pinsync_pinterest_batch_latency_seconds")
          .Help("Time from a batch's submission to its outcome")
          .Register(registry)
          .Add({}, prometheus::Histogram::BucketBoundaries{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
                                                           60, 300, 900, 3600, 14400, 46800}),
      prometheus::BuildCounter()
          .Name("pinsync_pinterest_token_refreshes_total")
          .Help("Access token refreshes by result (ok, retry, rejected)")
          .Register(registry),
      prometheus::BuildGauge()
          .Name("pinsync_pinterest_account_blocked")
          .Help("1 while delivery to an ad account is held (403, or 401 with a static token)")
          .Register(registry),
      counter("pinsync_pinterest_batches_merged_total",
              "Batches merged into an earlier batch of their list that had not started yet"),
      counter("pinsync_pinterest_lookups_saved_total",
              "List and audience lookups answered from the ad account's paged sweep instead of a "
              "request"),
      counter("pinsync_pinterest_lists_recreated_total",
              "Customer lists found deleted on Pinterest (404) and created again"),
      ListViewStats::Create(registry),
  };
}

}  // namespace pinsync::pinterest
