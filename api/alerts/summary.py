"""What a delivery row keeps of its message (JSON), and the message again from it: enough to send it again and to
show it in the deliveries history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.alerts.channels.message import AlertMessage, AlertSeverity, Counted, Mentions


def message_summary(message: AlertMessage) -> dict[str, Any]:
    return {
        "title": message.title,
        "severity": message.severity.value,
        "count": message.count,
        "threshold": message.threshold,
        "window_minutes": message.window_minutes,
        "board_url": message.board_url,
        "occurred_at": message.occurred_at.isoformat(),
        "scope": message.scope,
        "reason": message.reason,
        "top_error_types": [[c.key, c.count, c.label] for c in message.top_error_types],
        "top_shops": [[c.key, c.count, c.label] for c in message.top_shops],
        "mentions": {"mobiles": list(message.mentions.mobiles), "user_ids": list(message.mentions.user_ids)},
        "timezone": message.timezone,
        "language": message.language,
    }


def summary_message(summary: dict[str, Any]) -> AlertMessage:
    mentions = summary.get("mentions") or {}
    return AlertMessage(
        title=summary["title"],
        severity=AlertSeverity(summary["severity"]),
        count=summary["count"],
        threshold=summary["threshold"],
        window_minutes=summary["window_minutes"],
        board_url=summary["board_url"],
        occurred_at=datetime.fromisoformat(summary["occurred_at"]),
        scope=summary.get("scope", ""),
        reason=summary.get("reason", ""),
        top_error_types=tuple(Counted(k, n, label) for k, n, label in summary.get("top_error_types", [])),
        top_shops=tuple(Counted(k, n, label) for k, n, label in summary.get("top_shops", [])),
        mentions=Mentions(tuple(mentions.get("mobiles", ())), tuple(mentions.get("user_ids", ()))),
        timezone=summary.get("timezone", "Asia/Shanghai"),
        language=summary.get("language", "zh"),
    )
