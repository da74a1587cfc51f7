#!/usr/bin/env python3
"""Writes pinsync-dashboard.json (and the Helm chart's copy) from the panel list below.

Edit panels here, run `python3 deploy/grafana/generate_dashboard.py`, commit both JSON files.
tests/deploy checks the JSON parses and that every metric it queries is exported by the code.
"""
import json
import pathlib

SEL = 'namespace=~"$namespace", instance=~"$instance"'


def sel(extra=""):
    return "{" + SEL + (", " + extra if extra else "") + "}"


PANELS = []  # (row title, [panel dicts])


def ts(title, exprs, unit="short", description="", stack=False, width=12):
    """A time series panel; exprs is a list of (expr, legend)."""
    return {
        "type": "timeseries",
        "title": title,
        "description": description,
        "w": width,
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "custom": {"stacking": {"mode": "normal" if stack else "none"}, "fillOpacity": 10},
            },
            "overrides": [],
        },
        "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
                    "tooltip": {"mode": "multi"}},
        "targets": [{"expr": e, "legendFormat": l} for e, l in exprs],
    }


def stat(title, expr, unit="short", description="", legend="", thresholds=None):
    steps = thresholds or [{"color": "green", "value": None}]
    return {
        "type": "stat",
        "title": title,
        "description": description,
        "w": 4,
        "h": 4,
        "fieldConfig": {"defaults": {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}},
                        "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "value", "textMode": "auto"},
        "targets": [{"expr": expr, "legendFormat": legend, "instant": True}],
    }


RED_ABOVE_0 = [{"color": "green", "value": None}, {"color": "red", "value": 1}]

PANELS.append(("Overview", [
    stat("Replicas up", f"count(pinsync_build_info{sel()})", description="Processes exporting metrics."),
    stat("Version", f"count by (version) (pinsync_build_info{sel()})", legend="{{version}}",
         description="Build versions running (the value is the replica count per version)."),
    stat("Consumer lag", f"sum(pinsync_kafka_consumer_lag_messages{sel()})",
         description="Messages behind the high watermarks, all assigned partitions."),
    stat("Events / s", f"sum(rate(pinsync_kafka_messages_consumed_total{sel()}[5m]))", unit="ops"),
    stat("Blocked ad accounts", f"count(pinsync_pinterest_account_blocked{sel()} > 0) or vector(0)",
         thresholds=RED_ABOVE_0, description="Accounts held after a 403: see the runbook."),
    stat("Restarts (1h)", f"sum(changes(pinsync_process_start_time_seconds{sel()}[1h]))",
         thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 2}]),
]))

PANELS.append(("Kafka", [
    ts("Messages consumed / s", [(f"sum by (instance) (rate(pinsync_kafka_messages_consumed_total{sel()}[$__rate_interval]))", "{{instance}}")],
       unit="ops", stack=True, description="Throughput in, per replica."),
    ts("Consumer lag (messages)", [(f"sum by (instance) (pinsync_kafka_consumer_lag_messages{sel()})", "{{instance}}")],
       description="Distance to the high watermark; steady growth means pinsync falls behind."),
    ts("Assigned partitions", [(f"sum by (instance) (pinsync_kafka_assigned_partitions{sel()})", "{{instance}}")],
       stack=True, description="Partitions per replica; replicas beyond the partition count stay idle."),
    ts("Offset commits / s", [(f"sum by (outcome) (rate(pinsync_kafka_commits_total{sel()}[$__rate_interval]))", "{{outcome}}")],
       unit="ops", description="Commits happen only for acknowledged offsets."),
    ts("Rebalances and partition changes", [
        (f"sum(increase(pinsync_kafka_rebalances_total{sel()}[$__rate_interval]))", "rebalances"),
        (f"sum by (change) (increase(pinsync_kafka_partition_changes_total{sel()}[$__rate_interval]))", "{{change}}"),
    ]),
    ts("Consumer transient errors / s", [(f"sum by (instance) (rate(pinsync_kafka_transient_errors_total{sel()}[$__rate_interval]))", "{{instance}}")],
       unit="ops", description="Errors librdkafka recovers from (broker down, fetch errors)."),
]))

PANELS.append(("Pipeline", [
    ts("Buffered and in-flight records", [
        (f"sum by (instance) (pinsync_aggregator_buffered_records{sel()})", "buffered {{instance}}"),
        (f"sum by (instance) (pinsync_connector_in_flight_records{sel()})", "in flight {{instance}}"),
    ], description="Buffered: in open batches. In flight: handed to Pinterest, not yet acknowledged. "
                   "Bounded by pipeline.max_buffered_records and max_in_flight_records."),
    ts("Messages by outcome / s", [(f"sum by (result) (rate(pinsync_connector_messages_total{sel()}[$__rate_interval]))", "{{result}}")],
       unit="ops", stack=True),
    ts("Batches flushed by trigger", [(f"sum by (trigger) (increase(pinsync_aggregator_batches_flushed_total{sel()}[$__rate_interval]))", "{{trigger}}")],
       stack=True, description="size_or_age: batching.max_records or max_age reached; backpressure: "
                               "pipeline.max_buffered_records reached; shutdown: final flush."),
    ts("Records per batch", [
        (f"histogram_quantile({q}, sum by (le) (rate(pinsync_connector_batch_records_bucket{sel()}[$__rate_interval])))", f"p{int(q * 100)}")
        for q in (0.5, 0.9, 0.99)
    ]),
    ts("Flush-to-acknowledgement latency", [
        (f"histogram_quantile({q}, sum by (le) (rate(pinsync_connector_ack_latency_seconds_bucket{sel()}[$__rate_interval])))", f"p{int(q * 100)}")
        for q in (0.5, 0.95, 0.99)
    ], unit="s", description="How long a flushed batch waits for Pinterest; committed offsets follow."),
    ts("Commit frontier: held offsets and commits", [
        (f"sum by (instance) (pinsync_connector_held_offsets{sel()})", "held {{instance}}"),
        (f"sum by (outcome) (increase(pinsync_kafka_commits_total{sel()}[$__rate_interval]))", "commits {{outcome}}"),
    ], description="Holds keep the committed offset behind unacknowledged records."),
    ts("Paused partitions (backpressure)", [(f"sum by (instance) (pinsync_connector_paused_partitions{sel()})", "{{instance}}")],
       description="Partitions paused while in-flight records are at their bound."),
]))

PANELS.append(("Decoding and identifiers", [
    ts("Events decoded and rejected / s", [
        (f"sum(rate(pinsync_events_decoded_total{sel()}[$__rate_interval]))", "decoded"),
        (f"sum by (reason) (rate(pinsync_events_rejected_total{sel()}[$__rate_interval]))", "rejected: {{reason}}"),
    ], unit="ops", description="Rejected events go to the dead-letter topic with their reason."),
    ts("Identifiers / s", [
        (f"sum by (list_type) (rate(pinsync_identifiers_hashed_total{sel()}[$__rate_interval]))", "hashed {{list_type}}"),
        (f"sum by (reason) (rate(pinsync_identifiers_invalid_total{sel()}[$__rate_interval]))", "invalid: {{reason}}"),
        (f"sum(rate(pinsync_identifiers_duplicate_total{sel()}[$__rate_interval]))", "duplicate"),
    ], unit="ops"),
]))

PANELS.append(("Pinterest delivery", [
    ts("Requests / s by status", [(f"sum by (status_class) (rate(pinsync_pinterest_requests_total{sel()}[$__rate_interval]))", "{{status_class}}")],
       unit="reqps", stack=True, description="2xx, 429, 4xx, 5xx and transport errors."),
    ts("Requests / s by operation", [(f"sum by (operation) (rate(pinsync_pinterest_requests_total{sel()}[$__rate_interval]))", "{{operation}}")],
       unit="reqps", stack=True),
    ts("Rate limited (429) and retries / s", [
        (f"sum(rate(pinsync_pinterest_rate_limited_total{sel()}[$__rate_interval]))", "429"),
        (f"sum(rate(pinsync_pinterest_retries_total{sel()}[$__rate_interval]))", "retries"),
    ], unit="reqps", description="Retries include 429s, 5xx, timeouts and connection errors."),
    ts("Records / s", [
        (f"sum(rate(pinsync_pinterest_records_added_total{sel()}[$__rate_interval]))", "added"),
        (f"sum(rate(pinsync_pinterest_records_removed_total{sel()}[$__rate_interval]))", "removed"),
        (f"sum(rate(pinsync_pinterest_records_rejected_total{sel()}[$__rate_interval]))", "rejected"),
        (f"sum(rate(pinsync_pinterest_records_sent_total{sel()}[$__rate_interval]))", "sent (with retries)"),
    ], unit="ops"),
    ts("Batches / s", [
        (f"sum(rate(pinsync_pinterest_batches_acknowledged_total{sel()}[$__rate_interval]))", "acknowledged"),
        (f"sum(rate(pinsync_pinterest_batches_failed_total{sel()}[$__rate_interval]))", "failed"),
    ], unit="ops", description="A failed batch's records are dead-lettered."),
    ts("Batch delivery latency", [
        (f"histogram_quantile({q}, sum by (le) (rate(pinsync_pinterest_batch_latency_seconds_bucket{sel()}[$__rate_interval])))", f"p{int(q * 100)}")
        for q in (0.5, 0.95, 0.99)
    ], unit="s", description="From submission to Pinterest until its outcome, retries included."),
    ts("Token refreshes", [(f"sum by (result) (increase(pinsync_pinterest_token_refreshes_total{sel()}[$__rate_interval]))", "{{result}}")],
       description="ok, retry (transient failure), rejected (credentials no longer valid)."),
    ts("Blocked ad accounts", [(f"max by (ad_account_id) (pinsync_pinterest_account_blocked{sel()})", "{{ad_account_id}}")],
       description="1 while delivery to the account is held (403, or 401 with a static token)."),
]))

PANELS.append(("Dead letters", [
    ts("Dead letters by reason / s", [(f"sum by (reason) (rate(pinsync_connector_dead_letters_total{sel()}[$__rate_interval]))", "{{reason}}")],
       unit="ops", stack=True, description="Decoder reasons (docs/events.md) and Pinterest rejections."),
    ts("Dead-letter copies by stage / s", [(f"sum by (stage) (rate(pinsync_kafka_dead_letters_total{sel()}[$__rate_interval]))", "{{stage}}")],
       unit="ops", description="produced, acknowledged by the cluster, failed (retried)."),
    ts("Events rejected by the decoder / s", [(f"sum by (reason) (rate(pinsync_events_rejected_total{sel()}[$__rate_interval]))", "{{reason}}")],
       unit="ops", stack=True),
    ts("Records rejected by Pinterest / s", [(f"sum(rate(pinsync_connector_records_rejected_total{sel()}[$__rate_interval]))", "rejected")],
       unit="ops", description="Isolated by splitting a 400; each is dead-lettered."),
]))


def table(title, exprs, description="", width=24, height=8):
    """A table of instant queries, one column per query, joined on their labels."""
    return {
        "type": "table",
        "title": title,
        "description": description,
        "w": width,
        "h": height,
        "fieldConfig": {"defaults": {"custom": {"align": "auto"}}, "overrides": []},
        "options": {"showHeader": True, "sortBy": [{"displayName": "Oldest pending", "desc": True}]},
        "transformations": [
            {"id": "merge", "options": {}},
            {"id": "organize", "options": {"excludeByName": {"Time": True},
                                           "renameByName": {f"Value #{chr(ord('A') + i)}": name
                                                            for i, (_, name) in enumerate(exprs)}}},
        ],
        "targets": [{"expr": e, "instant": True, "format": "table"} for e, _ in exprs],
    }


# Per audience: one series per audience and list type, filtered by the audience variable.
AUD = 'audience=~"$audience"'
AUD_ADDS = AUD + ', op="add"'
AUD_REMOVES = AUD + ', op="remove"'
BY_AUD = "by (audience, list_type)"

PANELS.append(("Audiences", [
    table("Audiences: status and figures", [
        (f"max {BY_AUD} (pinsync_audience_oldest_pending_age_seconds{sel(AUD)})", "Oldest pending"),
        (f"sum {BY_AUD} (pinsync_audience_records_pending{sel(AUD)})", "Pending"),
        (f"sum {BY_AUD} (pinsync_audience_records_synced_total{sel(AUD)})", "Synced"),
        (f"sum {BY_AUD} (pinsync_audience_records_errored_total{sel(AUD)})", "Errored"),
        (f"max {BY_AUD} (pinsync_pinterest_audience_size{sel(AUD)})", "Pinterest size"),
        (f"max {BY_AUD} (pinsync_pinterest_list_uploaded_records{sel(AUD)}) / 3e8", "Cap used"),
        (f"time() - max {BY_AUD} (pinsync_audience_last_sync_timestamp_seconds{sel(AUD)})", "Since last sync"),
    ], description="One row per audience and list type (process counters since start, summed over replicas); "
                   "sorted by the oldest pending change. The status page (GET / on the metrics port) has the same table."),
    ts("Freshness: oldest pending change", [
        (f"max {BY_AUD} (pinsync_audience_oldest_pending_age_seconds{sel(AUD)})", "{{audience}} {{list_type}}"),
    ], unit="s", description="Age of the oldest change not yet acknowledged by Pinterest (0 when none). "
                              "Saw-tooth up to batching.max_age is normal; PinsyncAudienceStale fires past "
                              "max_age + margin (pinsync:audience_freshness_threshold_seconds)."),
    ts("Pending records", [
        (f"sum {BY_AUD} (pinsync_audience_records_pending{sel(AUD)})", "{{audience}} {{list_type}}"),
    ], description="Buffered in open batches plus in flight to Pinterest."),
    ts("Changes consumed / s (entered, exited)", [
        (f"sum by (audience, op) (rate(pinsync_audience_changes_total{sel(AUD)}[$__rate_interval]))", "{{audience}} {{op}}"),
    ], unit="ops", description="op=add: entered the audience; op=remove: exited."),
    ts("Synced vs Pinterest size", [
        (f"sum {BY_AUD} (pinsync_audience_records_synced_total{sel(AUD_ADDS)})"
         f" - sum {BY_AUD} (pinsync_audience_records_synced_total{sel(AUD_REMOVES)})",
         "synced net {{audience}} {{list_type}}"),
        (f"max {BY_AUD} (pinsync_pinterest_list_uploaded_records{sel(AUD)})", "uploaded {{audience}} {{list_type}}"),
        (f"max {BY_AUD} (pinsync_pinterest_audience_size{sel(AUD)})", "Pinterest size {{audience}} {{list_type}}"),
    ], description="Synced net: adds minus removes Pinterest acknowledged since the process started. Uploaded: "
                   "the list's num_uploaded_user_records. Pinterest size: the audience's matched users (Pinterest "
                   "counts only records it matches to accounts, so it is below uploaded)."),
    ts("Errored and not synced / s by reason", [
        (f"sum by (audience, reason) (rate(pinsync_audience_records_errored_total{sel(AUD)}[$__rate_interval]))", "errored {{audience}} {{reason}}"),
        (f"sum by (audience, reason) (rate(pinsync_audience_records_not_synced_total{sel(AUD)}[$__rate_interval]))", "not synced {{audience}} {{reason}}"),
    ], unit="ops", description="Errored: rejected, retry_exhausted, list_full (runbook: PinsyncAudienceRecordsErrored). "
                               "Not synced: the change had no usable identifier."),
    ts("List and audience status on Pinterest", [
        (f"max by (audience, list_type, status) (pinsync_pinterest_list_status{sel(AUD)}) == 1", "list {{audience}} {{list_type}} {{status}}"),
        (f"max by (audience, list_type, status) (pinsync_pinterest_audience_status{sel(AUD)}) == 1", "audience {{audience}} {{list_type}} {{status}}"),
    ], description="The current status from Pinterest's own view (READY, TOO_SMALL, PROCESSING, ...)."),
    ts("Customer list cap used", [
        (f"max {BY_AUD} (pinsync_pinterest_list_uploaded_records{sel(AUD)}) / 3e8", "{{audience}} {{list_type}}"),
    ], unit="percentunit", description="Share of Pinterest's 300,000,000-record cap; PinsyncCustomerListNearCap fires past 90 %."),
    stat("Audiences folded into _other", f"max(pinsync_audience_series_folded{sel()})",
         thresholds=RED_ABOVE_0, description="Audiences beyond metrics.max_audience_series, summed under audience=\"_other\"."),
    stat("Pinterest view age", f"max(pinsync_pinterest_view_age_seconds{sel()})", unit="s",
         description="Age of the oldest list read by the Pinterest view sweep (pinterest.view_sweep_interval)."),
]))


def build():
    panels = []
    next_id = 1
    y = 0
    for row_title, row_panels in PANELS:
        panels.append({"type": "row", "title": row_title, "id": next_id, "collapsed": False,
                       "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
        next_id += 1
        y += 1
        x = 0
        row_height = 0
        for p in row_panels:
            w = p.pop("w")
            h = p.pop("h", 8)
            if x + w > 24:
                x = 0
                y += row_height
                row_height = 0
            p["id"] = next_id
            next_id += 1
            p["gridPos"] = {"h": h, "w": w, "x": x, "y": y}
            p["datasource"] = {"type": "prometheus", "uid": "${datasource}"}
            for t in p["targets"]:
                t["datasource"] = {"type": "prometheus", "uid": "${datasource}"}
                t["refId"] = chr(ord("A") + p["targets"].index(t))
            panels.append(p)
            x += w
            row_height = max(row_height, h)
        y += row_height
    return {
        "title": "pinsync",
        "uid": "pinsync",
        "description": "pinsync: Kafka audience-membership events to Pinterest customer lists. "
                       "Alerts and runbook: docs/operations.md.",
        "tags": ["pinsync", "kafka", "pinterest"],
        "timezone": "",
        "editable": True,
        "graphTooltip": 1,
        "schemaVersion": 38,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
             "current": {}, "hide": 0},
            {"name": "namespace", "label": "Namespace", "type": "query",
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "query": {"query": "label_values(pinsync_build_info, namespace)", "refId": "namespace"},
             "definition": "label_values(pinsync_build_info, namespace)",
             "includeAll": True, "multi": True, "allValue": ".*", "current": {}, "refresh": 2, "hide": 0},
            {"name": "instance", "label": "Instance", "type": "query",
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "query": {"query": 'label_values(pinsync_build_info{namespace=~"$namespace"}, instance)',
                       "refId": "instance"},
             "definition": 'label_values(pinsync_build_info{namespace=~"$namespace"}, instance)',
             "includeAll": True, "multi": True, "allValue": ".*", "current": {}, "refresh": 2, "hide": 0},
            {"name": "audience", "label": "Audience", "type": "query",
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "query": {"query": "label_values(pinsync_audience_changes_total, audience)", "refId": "audience"},
             "definition": "label_values(pinsync_audience_changes_total, audience)",
             "includeAll": True, "multi": True, "allValue": ".*", "current": {}, "refresh": 2, "hide": 0,
             "sort": 1},
        ]},
        "annotations": {"list": [
            {"name": "Restarts", "enable": True, "iconColor": "orange",
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "expr": f"changes(pinsync_process_start_time_seconds{sel()}[2m]) > 0",
             "titleFormat": "pinsync restarted", "textFormat": "{{instance}}"},
        ]},
        "panels": panels,
    }


def main():
    root = pathlib.Path(__file__).resolve().parents[2]
    text = json.dumps(build(), indent=2) + "\n"
    for path in (root / "deploy/grafana/pinsync-dashboard.json",
                 root / "deploy/helm/pinsync/files/pinsync-dashboard.json"):
        path.write_text(text)
        print(f"wrote {path.relative_to(root)}")


if __name__ == "__main__":
    main()
