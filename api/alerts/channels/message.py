"""What an alert says, independent of the channel, and the digest that merges a burst into one message.

Robots allow about 20 messages a minute per webhook (WeCom, DingTalk; Feishu 100) and DingTalk throttles a robot
for 10 minutes past that, so the evaluator merges the alerts of one channel due in the same run with
`merge_messages` and sends one summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

TOP_N = 5


class AlertSeverity(StrEnum):
    critical = "critical"
    warning = "warning"
    info = "info"


SEVERITY_ORDER = {AlertSeverity.critical: 0, AlertSeverity.warning: 1, AlertSeverity.info: 2}


@dataclass(frozen=True, slots=True)
class Counted:
    """One row of a top list: an error type or a shop, with how many errors it had in the window."""

    key: str  # ErrorType code or shop id
    count: int
    label: str = ""  # what people read (the type's title, the shop's name); the key when empty

    @property
    def shown(self) -> str:
        return self.label or self.key


@dataclass(frozen=True, slots=True)
class Mentions:
    """Who the robot should @: phone numbers (WeCom, DingTalk) and user ids (WeCom userid, DingTalk userId,
    Feishu open_id). Feishu custom bots cannot mention by phone number; email ignores mentions."""

    mobiles: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()
    everyone: bool = False

    def __bool__(self) -> bool:
        return bool(self.mobiles or self.user_ids or self.everyone)


@dataclass(frozen=True, slots=True)
class AlertMessage:
    title: str  # e.g. the rule's name
    severity: AlertSeverity
    count: int  # errors in the window that crossed the threshold
    threshold: int
    window_minutes: int
    board_url: str  # the board with the rule's filters applied
    occurred_at: datetime
    scope: str = ""  # the rule's filter in words, e.g. "Shopee MY · 价格未生效"
    top_error_types: tuple[Counted, ...] = ()
    top_shops: tuple[Counted, ...] = ()
    mentions: Mentions = field(default_factory=Mentions)
    timezone: str = "Asia/Shanghai"  # the tenant's zone, for the time shown
    language: str = "zh"  # "zh" (zh-CN) or "en"
    # A digest: the alerts merged into this one (see merge_messages); empty for a single alert.
    parts: tuple[AlertMessage, ...] = ()
    # What happened in words when it is not a count over a threshold ("3 new AUTH_EXPIRED", "unhandled for 2 h").
    reason: str = ""

    def local_time(self) -> str:
        return self.occurred_at.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M:%S")


LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "critical": "严重",
        "warning": "警告",
        "info": "提示",
        "alert": "告警",
        "digest": "{n} 条告警汇总",
        "crossed": "{window} 分钟内 {count} 个错误，超过阈值 {threshold}",
        "digest_crossed": "{n} 条规则触发，共 {count} 个错误",
        "scope": "范围",
        "time": "时间",
        "types": "错误类型",
        "shops": "店铺",
        "rules": "触发的规则",
        "open": "在看板中查看",
        "more": "（内容过长，已截断，请在看板中查看全部）",
    },
    "en": {
        "critical": "Critical",
        "warning": "Warning",
        "info": "Info",
        "alert": "Alert",
        "digest": "{n} alerts",
        "crossed": "{count} errors in {window} min, over the threshold of {threshold}",
        "digest_crossed": "{n} rules fired, {count} errors in all",
        "scope": "Scope",
        "time": "Time",
        "types": "Error types",
        "shops": "Shops",
        "rules": "Rules fired",
        "open": "Open on the board",
        "more": "(too long, cut here; see the board for everything)",
    },
}


def labels(message: AlertMessage) -> dict[str, str]:
    return LABELS["en" if message.language.startswith("en") else "zh"]


def headline(message: AlertMessage) -> str:
    """`[严重] 推送失败激增` / `[Critical] Push failures`: the subject, the preview line, the card title."""
    words = labels(message)
    if message.parts:
        return f"[{words[message.severity.value]}] {words['digest'].format(n=len(message.parts))}"
    return f"[{words[message.severity.value]}] {message.title}"


def crossed(message: AlertMessage) -> str:
    words = labels(message)
    if message.parts:
        return words["digest_crossed"].format(n=len(message.parts), count=message.count)
    if message.reason:
        return message.reason
    return words["crossed"].format(window=message.window_minutes, count=message.count, threshold=message.threshold)


def part_line(part: AlertMessage) -> str:
    return f"{headline(part)}: {crossed(part)}"


def merge_messages(messages: Sequence[AlertMessage], *, board_url: str | None = None) -> AlertMessage:
    """One summary for several alerts due on one channel: the worst severity, summed counts and top lists, every
    mention once, one line per alert. One message is returned as it is."""
    if not messages:
        raise ValueError("nothing to merge")
    if len(messages) == 1:
        return messages[0]
    singles = tuple(part for m in messages for part in (m.parts or (m,)))
    first = singles[0]
    return AlertMessage(
        title=LABELS["en" if first.language.startswith("en") else "zh"]["digest"].format(n=len(singles)),
        severity=min((m.severity for m in singles), key=SEVERITY_ORDER.__getitem__),
        count=sum(m.count for m in singles),
        threshold=0,
        window_minutes=max(m.window_minutes for m in singles),
        board_url=board_url or first.board_url,
        occurred_at=max(m.occurred_at for m in singles),
        top_error_types=_sum_top([m.top_error_types for m in singles]),
        top_shops=_sum_top([m.top_shops for m in singles]),
        mentions=Mentions(
            mobiles=_unique(x for m in singles for x in m.mentions.mobiles),
            user_ids=_unique(x for m in singles for x in m.mentions.user_ids),
            everyone=any(m.mentions.everyone for m in singles),
        ),
        timezone=first.timezone,
        language=first.language,
        parts=tuple(replace(m, mentions=Mentions()) for m in singles),
    )


def _sum_top(lists: Sequence[Sequence[Counted]]) -> tuple[Counted, ...]:
    totals: Counter[str] = Counter()
    names: dict[str, str] = {}
    for rows in lists:
        for row in rows:
            totals[row.key] += row.count
            names.setdefault(row.key, row.label)
    return tuple(Counted(key, count, names[key]) for key, count in totals.most_common(TOP_N))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def fit_bytes(text: str, limit: int, marker: str) -> str:
    """`text` cut at whole lines to at most `limit` UTF-8 bytes (robots count bytes, not characters), with `marker`
    as the last line when anything was cut."""
    if len(text.encode()) <= limit:
        return text
    budget = limit - len(marker.encode()) - 1
    kept: list[str] = []
    used = 0
    for line in text.split("\n"):
        size = len(line.encode()) + 1
        if used + size > budget:
            break
        kept.append(line)
        used += size
    if not kept:  # one enormous line: cut inside it, on a character boundary
        return text.encode()[:budget].decode(errors="ignore") + "\n" + marker
    return "\n".join([*kept, marker])


def utc_now() -> datetime:
    return datetime.now(UTC)
