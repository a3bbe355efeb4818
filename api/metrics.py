"""Prometheus metrics: every family of the API and the workers (docs/metrics.md); `GET /metrics` is in
api/metrics_routes.py. This module imports only prometheus_client, so the platform clients may use it.

The families live in the process-wide default registry. Each process exports what it observed itself: the API at
`GET /metrics` (HTTP latency, events ingested by the API, test-sends, and the gauges read at scrape time: queue depth
and connection health), each worker on its own port when OPENCLAW_WORKER_METRICS_PORT is set (jobs, platform
calls, rate-limit waits, events and alert deliveries the worker wrote). Prometheus sums the counters over
instances; the gauges are the same on every API replica (take max).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import prometheus_client
from prometheus_client import Counter, Gauge, Histogram

# No `*_created` series beside every counter and histogram: Prometheus does not need them, they double the output.
prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
_WAIT_BUCKETS = (0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)

HTTP_REQUEST_DURATION = Histogram(
    "openclaw_http_request_duration_seconds",
    "API request duration, by route template (never the raw URL), method and status",
    ["route", "method", "status"],
    buckets=_LATENCY_BUCKETS,
)
EVENTS_INGESTED = Counter(
    "openclaw_events_ingested_total",
    "Error events written (duplicates of a stored idempotency key are not counted)",
    ["error_type", "platform"],
)
ALERT_DELIVERIES = Counter(
    "openclaw_alert_deliveries_total",
    "Alert deliveries settled, by channel kind, outcome (sent, retrying, failed) and kind (alert or test)",
    ["channel", "outcome", "kind"],
)
PLATFORM_CALLS = Counter(
    "openclaw_platform_calls_total",
    "Platform HTTP exchanges (each attempt), by platform, operation and outcome",
    ["platform", "operation", "outcome"],
)
PLATFORM_CALL_DURATION = Histogram(
    "openclaw_platform_call_duration_seconds",
    "Platform HTTP exchange duration (each attempt), by platform and operation",
    ["platform", "operation"],
    buckets=_LATENCY_BUCKETS,
)
RATE_LIMIT_WAIT = Histogram(
    "openclaw_rate_limit_wait_seconds",
    "Time a platform call waited for its shared rate-limit token (0 when it went at once), by platform",
    ["platform"],
    buckets=_WAIT_BUCKETS,
)
JOB_DURATION = Histogram(
    "openclaw_job_duration_seconds",
    "arq job run time, by job name and outcome (success, failure, retry, cancelled)",
    ["job", "outcome"],
    buckets=_JOB_BUCKETS,
)
JOBS = Counter("openclaw_jobs_total", "arq jobs run, by job name and outcome", ["job", "outcome"])
QUEUE_DEPTH = Gauge("openclaw_queue_depth", "Jobs waiting in the arq queue (read from Redis at scrape time)", ["queue"])
CONNECTION_HEALTH = Gauge(
    "openclaw_connections", "Shop connections by stored health state, across tenants (at scrape time)", ["state"]
)

HEALTH_STATES = ("ok", "expiring", "expired", "scope_missing", "failing", "unknown")  # api/shops/health.py


def platform_call_outcome(status: int | None) -> str:
    """A bounded label for an exchange's answer."""
    if status is None:
        return "transport_error"
    if status == 429:
        return "rate_limited"
    if status < 400:
        return "ok"
    return "client_error" if status < 500 else "server_error"


def route_template(scope: Mapping[str, Any]) -> str:
    """The matched route's path template (`/v1/errors/{group_id}`); requests no route matched share one label."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"
