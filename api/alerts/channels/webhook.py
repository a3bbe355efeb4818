"""Generic webhook: the alert as JSON, signed so the receiver can tell it is ours and refuse replays.

The scheme, for receivers:

- `X-OpenClaw-Timestamp`: the send time in Unix seconds (a decimal string), fresh for every request.
- `X-OpenClaw-Signature`: `sha256=` + lowercase hex of HMAC-SHA256(key = the channel's secret (UTF-8),
  message = `<timestamp>.<raw body bytes>`), present when the channel has a secret.

A receiver recomputes the HMAC over the timestamp header, a dot and the body exactly as received (before parsing
JSON), compares in constant time, and refuses a timestamp more than 5 minutes from its own clock; within that window
it may also remember the signatures it saw to refuse an exact replay. The body is UTF-8 JSON:
`{"type": "openclaw.alert", "title", "severity", "count", "threshold", "window_minutes", "scope", "occurred_at",
"board_url", "top_error_types": [{"key", "label", "count"}], "top_shops": [...], "mentions": {"mobiles",
"user_ids", "everyone"}, "parts": [...the same fields, for a digest]}`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import httpx

from api.alerts.channels.message import AlertMessage, Counted
from api.alerts.channels.transport import SendResult, json_bytes, judge, post, transport_failure
from api.alerts.outbound import CheckedTarget

TIMESTAMP_HEADER = "X-OpenClaw-Timestamp"
SIGNATURE_HEADER = "X-OpenClaw-Signature"


def signature(secret: str, timestamp_s: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp_s).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _rows(rows: tuple[Counted, ...]) -> list[dict[str, Any]]:
    return [{"key": r.key, "label": r.label or r.key, "count": r.count} for r in rows]


def _fields(message: AlertMessage) -> dict[str, Any]:
    return {
        "title": message.title,
        "severity": message.severity.value,
        "count": message.count,
        "threshold": message.threshold,
        "window_minutes": message.window_minutes,
        "scope": message.scope,
        "reason": message.reason,  # what happened in words when it is not a count over a threshold
        "occurred_at": message.occurred_at.isoformat(),
        "board_url": message.board_url,
        "top_error_types": _rows(message.top_error_types),
        "top_shops": _rows(message.top_shops),
    }


def render(message: AlertMessage) -> dict[str, Any]:
    mentions = message.mentions
    return {
        "type": "openclaw.alert",
        **_fields(message),
        "mentions": {
            "mobiles": list(mentions.mobiles),
            "user_ids": list(mentions.user_ids),
            "everyone": mentions.everyone,
        },
        "parts": [_fields(part) for part in message.parts],
    }


def signed_headers(secret: str | None, body: bytes, timestamp_s: int | None = None) -> dict[str, str]:
    timestamp_s = timestamp_s if timestamp_s is not None else int(time.time())
    headers = {TIMESTAMP_HEADER: str(timestamp_s)}
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, timestamp_s, body)
    return headers


async def send(
    client: httpx.AsyncClient, target: CheckedTarget, message: AlertMessage, *, secret: str | None = None
) -> SendResult:
    body = json_bytes(render(message))
    try:
        response = await post(client, target, body, headers=signed_headers(secret, body))
    except httpx.HTTPError as exc:
        return transport_failure(exc)
    return judge(response, (), frozenset())
