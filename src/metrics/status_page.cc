#include "pinsync/metrics/status_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <tuple>

namespace pinsync::metrics {
namespace {

std::string UtcTime(double unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &tm);
  return text;
}

std::string Age(double seconds) {
  if (seconds < 0) seconds = 0;
  const auto s = static_cast<int64_t>(std::llround(seconds));
  if (s < 120) return fmt::format("{} s", s);
  if (s < 7200) return fmt::format("{} min", s / 60);
  if (s < 172800) return fmt::format("{} h {} min", s / 3600, (s % 3600) / 60);
  return fmt::format("{} d {} h", s / 86400, (s % 86400) / 3600);
}

std::string OrDash(const std::string& text) { return text.empty() ? "\u2014" : text; }
std::string Count(int64_t n) { return n < 0 ? "\u2014" : std::to_string(n); }

// The staleness a row sorts by: seconds since its oldest pending change; -1 with nothing pending
// (then the last sync decides, see StalestFirst).
double Staleness(const AudienceListStatus& row) {
  return row.pending > 0 ? row.oldest_pending_age_seconds : -1;
}

constexpr std::string_view kStyle = R"(
body{font:13px/1.35 system-ui,sans-serif;margin:1.2em;color:#1d2330}
h1{font-size:1.35em;margin:0 0 .2em} h2{font-size:1.05em;margin:1.2em 0 .4em}
.ready{color:#176b2c} .not-ready{color:#a3231b}
table{border-collapse:collapse} th,td{padding:.25em .5em;border-bottom:1px solid #dde1e8;text-align:left}
th{background:#f1f3f7;cursor:pointer;vertical-align:bottom} td{white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.stale td.oldest-age{color:#a3231b;font-weight:600} .muted{color:#6b7280}
dl{display:grid;grid-template-columns:max-content auto;gap:.15em 1em;margin:0} dt{color:#6b7280} dd{margin:0}
)";

// Sorts the audience table by a clicked column (numbers by data-sort, else text); clicking again
// reverses. Inline so the page needs nothing else.
constexpr std::string_view kScript = R"(
document.querySelectorAll('#audiences th').forEach(function(th, col) {
  th.addEventListener('click', function() {
    var body = document.querySelector('#audiences tbody');
    var rows = Array.prototype.slice.call(body.rows);
    var desc = th.dataset.dir !== 'desc';
    th.dataset.dir = desc ? 'desc' : 'asc';
    rows.sort(function(a, b) {
      var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
      var c = (x !== undefined && y !== undefined) ? (parseFloat(x) - parseFloat(y))
              : a.cells[col].textContent.localeCompare(b.cells[col].textContent);
      return desc ? -c : c;
    });
    rows.forEach(function(r) { body.appendChild(r); });
  });
});
)";

void Cell(std::string& out, std::string_view cls, const std::string& text) {
  out += fmt::format("<td class=\"{}\">{}</td>", cls, HtmlEscape(text));
}
void NumberCell(std::string& out, std::string_view cls, double sort, const std::string& text) {
  out += fmt::format("<td class=\"num {}\" data-sort=\"{}\">{}</td>", cls, sort, HtmlEscape(text));
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<AudienceListStatus> StalestFirst(std::vector<AudienceListStatus> lists) {
  std::stable_sort(lists.begin(), lists.end(), [](const auto& a, const auto& b) {
    const double sa = Staleness(a), sb = Staleness(b);
    if (sa != sb) return sa > sb;
    if (a.last_sync_unix.has_value() != b.last_sync_unix.has_value()) {
      return !a.last_sync_unix.has_value();  // never synced first
    }
    if (a.last_sync_unix && *a.last_sync_unix != *b.last_sync_unix) {
      return *a.last_sync_unix < *b.last_sync_unix;
    }
    return std::tie(a.audience, a.list_type) < std::tie(b.audience, b.list_type);
  });
  return lists;
}

std::string RenderStatusPage(const StatusSnapshot& s, const Readiness& readiness) {
  std::string out;
  out.reserve(4096 + s.lists.size() * 600);
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += fmt::format("<meta http-equiv=\"refresh\" content=\"{}\">", kStatusPageRefreshSeconds);
  out += "<title>pinsync status</title><style>";
  out += kStyle;
  out += "</style></head><body>\n";
  out += fmt::format("<h1>pinsync {}</h1>", HtmlEscape(s.version));
  out += fmt::format("<p id=\"readiness\" class=\"{}\">{}</p>\n",
                     readiness.ready ? "ready" : "not-ready",
                     HtmlEscape(readiness.ready ? "Ready" : "Not ready: " + readiness.reason));

  out += "<h2>Process</h2><dl id=\"process\">";
  auto item = [&out](std::string_view id, std::string_view label, const std::string& value) {
    out += fmt::format("<dt>{}</dt><dd id=\"{}\">{}</dd>", label, id, HtmlEscape(value));
  };
  item("version", "Version", s.version);
  item("uptime", "Uptime", Age(s.uptime_seconds));
  item("partitions", "Assigned partitions",
       s.joined ? std::to_string(s.assigned_partitions) : "not in the group yet");
  item("lag", "Consumer lag (messages)",
       s.consumer_lag ? fmt::format("{:.0f}", *s.consumer_lag) : "\u2014");
  item("token", "Pinterest token", s.token_state);
  item("requests", "Requests to Pinterest, last minute",
       fmt::format("{:.0f}", s.requests_last_minute));
  item("folded", "Audiences summed under _other", std::to_string(s.audience_series_folded));
  item("taken", "As of", UtcTime(s.taken_unix));
  out += "</dl>\n";

  out +=
      "<h2>Budget per ad account</h2><table id=\"accounts\"><thead><tr><th>Ad account</th>"
      "<th>Budget (requests/min, this member)</th><th>Requests last minute (all accounts)</th>"
      "<th>Delivery</th></tr></thead><tbody>";
  for (const AccountStatus& a : s.accounts) {
    out += fmt::format("<tr data-account=\"{}\">", HtmlEscape(a.ad_account_id));
    Cell(out, "account", a.ad_account_id);
    NumberCell(out, "budget", a.budget_requests_per_minute,
               fmt::format("{:.0f}", a.budget_requests_per_minute));
    NumberCell(out, "used", s.requests_last_minute, fmt::format("{:.0f}", s.requests_last_minute));
    Cell(out, "held", a.held ? "held (403 / 401)" : "flowing");
    out += "</tr>";
  }
  out += "</tbody></table>\n";

  out +=
      "<h2>Audiences</h2><p class=\"muted\">Stalest first; click a column to sort.</p>"
      "<table id=\"audiences\"><thead><tr><th>Audience</th><th>List type</th>"
      "<th>Pinterest list</th><th>Pinterest audience</th><th>List status</th>"
      "<th>Audience status</th><th>Size on Pinterest</th><th>Pending</th>"
      "<th>Oldest pending</th><th>Synced (add / remove)</th><th>Not synced</th>"
      "<th>Errored</th><th>Last sync</th></tr></thead><tbody>\n";
  for (const AudienceListStatus& row : StalestFirst(s.lists)) {
    const bool stale = row.pending > 0 && row.oldest_pending_age_seconds > 0;
    out += fmt::format("<tr class=\"audience-row{}\" data-audience=\"{}\" data-list-type=\"{}\">",
                       stale ? " stale" : "", HtmlEscape(row.audience), HtmlEscape(row.list_type));
    Cell(out, "audience", row.audience);
    Cell(out, "list-type", row.list_type);
    Cell(out, "list-id", OrDash(row.list_id));
    Cell(out, "pinterest-audience-id", OrDash(row.pinterest_audience_id));
    Cell(out, "list-status", OrDash(row.list_full ? row.list_status + " (full)" : row.list_status));
    Cell(out, "audience-status", OrDash(row.audience_status));
    NumberCell(out, "size", static_cast<double>(row.audience_size), Count(row.audience_size));
    NumberCell(out, "pending", static_cast<double>(row.pending), std::to_string(row.pending));
    NumberCell(out, "oldest-age", row.oldest_pending_age_seconds,
               row.pending > 0 ? Age(row.oldest_pending_age_seconds) : "\u2014");
    NumberCell(out, "synced", static_cast<double>(row.synced_added + row.synced_removed),
               fmt::format("{} / {}", row.synced_added, row.synced_removed));
    NumberCell(out, "not-synced", static_cast<double>(row.not_synced),
               std::to_string(row.not_synced));
    std::string errored = std::to_string(row.errored);
    if (!row.errored_by_reason.empty()) {
      std::string reasons;
      for (const auto& [reason, n] : row.errored_by_reason) {
        reasons += fmt::format("{}{}: {}", reasons.empty() ? "" : ", ", reason, n);
      }
      errored += " (" + reasons + ")";
    }
    NumberCell(out, "errored", static_cast<double>(row.errored), errored);
    NumberCell(out, "last-sync", row.last_sync_unix.value_or(0),
               row.last_sync_unix ? UtcTime(*row.last_sync_unix) : "never");
    out += "</tr>\n";
  }
  out += "</tbody></table>\n<script>";
  out += kScript;
  out += "</script></body></html>\n";
  return out;
}

}  // namespace pinsync::metrics
