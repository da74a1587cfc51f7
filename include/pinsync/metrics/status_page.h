#pragma once
// The status page (GET /) and /status.json, rendered from a StatusSnapshot: one self-contained
// HTML page (inline style and script, no external assets, refreshes itself) and the same data
// as JSON. Pure functions, unit-tested without a server.

#include <string>
#include <string_view>
#include <vector>

#include "pinsync/metrics/readiness.h"
#include "pinsync/metrics/status_snapshot.h"

namespace pinsync::metrics {

// Seconds between the page's own refreshes (<meta http-equiv=refresh>).
inline constexpr int kStatusPageRefreshSeconds = 5;

// &, <, >, " and ' as entities: every text and attribute value on the page goes through it.
std::string HtmlEscape(std::string_view text);

// The rows in the page's default order: stalest first (oldest pending change, then the oldest
// last sync, never-synced lists before synced ones), then by audience and list type.
std::vector<AudienceListStatus> StalestFirst(std::vector<AudienceListStatus> lists);

std::string RenderStatusPage(const StatusSnapshot& snapshot, const Readiness& readiness);
std::string RenderStatusJson(const StatusSnapshot& snapshot, const Readiness& readiness);

}  // namespace pinsync::metrics
