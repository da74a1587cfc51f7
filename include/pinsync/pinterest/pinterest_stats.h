#pragma once
// Delivery metrics, moved by the delivery engine and the token source. Labels are bounded:
// operation names, status classes, and the configured ad account ids (never records or tokens).

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>
#include <string_view>

#include "pinsync/pinterest/list_view_stats.h"

namespace pinsync::pinterest {

struct PinterestStats {
  prometheus::Family<prometheus::Counter>& requests;  // {operation, status_class}
  prometheus::Counter& retries;
  prometheus::Counter& rate_limited;  // 429 answers
  prometheus::Counter& records_sent;  // records in requests sent, counting retries
  prometheus::Counter& records_added;
  prometheus::Counter& records_removed;
  prometheus::Counter& records_rejected;
  prometheus::Counter& batches_acknowledged;
  prometheus::Counter& batches_failed;
  prometheus::Histogram& batch_latency_seconds;              // submit to outcome
  prometheus::Family<prometheus::Counter>& token_refreshes;  // {result}
  prometheus::Family<prometheus::Gauge>& account_blocked;    // {ad_account_id}: 1 while held
  prometheus::Counter& batches_merged;   // batches merged into an earlier waiting one of their list
  prometheus::Counter& lookups_saved;    // list/audience lookups answered from an account sweep
  prometheus::Counter& lists_recreated;  // lists deleted on Pinterest (404) and created again
  ListViewStats view;                    // Pinterest's view of each list (list_view_stats.h)

  static PinterestStats Create(prometheus::Registry& registry);

  prometheus::Counter& Request(std::string_view operation, std::string_view status_class) {
    return requests.Add(
        {{"operation", std::string(operation)}, {"status_class", std::string(status_class)}});
  }
  prometheus::Gauge& Blocked(const std::string& ad_account_id) {
    return account_blocked.Add({{"ad_account_id", ad_account_id}});
  }
};

}  // namespace pinsync::pinterest
