// /status.json: the status page's data, for scripts and tests (RapidJSON).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "pinsync/metrics/status_page.h"

namespace pinsync::metrics {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void Number(Writer& w, std::string_view key, double value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Double(value);
}

void Integer(Writer& w, std::string_view key, int64_t value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Int64(value);
}

void Unsigned(Writer& w, std::string_view key, uint64_t value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Uint64(value);
}

void Bool(Writer& w, std::string_view key, bool value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Bool(value);
}

void List(Writer& w, const AudienceListStatus& row) {
  w.StartObject();
  String(w, "audience", row.audience);
  String(w, "list_type", row.list_type);
  String(w, "ad_account_id", row.ad_account_id);
  String(w, "list_id", row.list_id);
  String(w, "list_status", row.list_status);
  String(w, "pinterest_audience_id", row.pinterest_audience_id);
  String(w, "audience_status", row.audience_status);
  Integer(w, "audience_size", row.audience_size);
  Integer(w, "uploaded_records", row.uploaded_records);
  Bool(w, "list_full", row.list_full);
  Unsigned(w, "changes_added", row.changes_added);
  Unsigned(w, "changes_removed", row.changes_removed);
  Unsigned(w, "synced_added", row.synced_added);
  Unsigned(w, "synced_removed", row.synced_removed);
  Unsigned(w, "not_synced", row.not_synced);
  Unsigned(w, "errored", row.errored);
  w.Key("errored_by_reason");
  w.StartObject();
  for (const auto& [reason, n] : row.errored_by_reason) Unsigned(w, reason, n);
  w.EndObject();
  Unsigned(w, "pending", row.pending);
  Number(w, "oldest_pending_age_seconds", row.oldest_pending_age_seconds);
  w.Key("last_sync_unix");
  if (row.last_sync_unix) {
    w.Double(*row.last_sync_unix);
  } else {
    w.Null();
  }
  w.EndObject();
}

}  // namespace

std::string RenderStatusJson(const StatusSnapshot& s, const Readiness& readiness) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  String(w, "version", s.version);
  Number(w, "taken_unix", s.taken_unix);
  Number(w, "uptime_seconds", s.uptime_seconds);
  Bool(w, "ready", readiness.ready);
  String(w, "readiness", readiness.reason);
  Bool(w, "joined", s.joined);
  Unsigned(w, "assigned_partitions", s.assigned_partitions);
  w.Key("consumer_lag");
  if (s.consumer_lag) {
    w.Double(*s.consumer_lag);
  } else {
    w.Null();
  }
  Number(w, "requests_last_minute", s.requests_last_minute);
  String(w, "token_state", s.token_state);
  Bool(w, "credentials_accepted", s.credentials_accepted);
  Unsigned(w, "audience_series_folded", s.audience_series_folded);
  w.Key("accounts");
  w.StartArray();
  for (const AccountStatus& a : s.accounts) {
    w.StartObject();
    String(w, "ad_account_id", a.ad_account_id);
    Number(w, "budget_requests_per_minute", a.budget_requests_per_minute);
    Bool(w, "held", a.held);
    w.EndObject();
  }
  w.EndArray();
  w.Key("lists");
  w.StartArray();
  for (const AudienceListStatus& row : StalestFirst(s.lists)) List(w, row);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace pinsync::metrics
