"""Board statistics: the daily trend, time to handle, and root causes — each one grouped query.

Days are calendar days in the tenant's time zone. Archived groups leave the trend and the root causes, as they
leave the board. The board's dimension filters (severity, type, platform, shop, strategy) narrow every figure
through the same `group_conditions` the list uses.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, String, and_, cast, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api import problems
from api.auth.models import ApiKey, User
from api.errors.actors import actor_id, is_actor
from api.errors.filters import ErrorFilter, group_conditions
from api.errors.models import ErrorEvent, ErrorGroup
from api.errors.taxonomy import SLA_PAUSED, title_of
from api.principal import Principal
from api.stats.schemas import (
    Durations,
    RootCause,
    RootCausesOut,
    SlaByErrorType,
    SlaByUser,
    SlaOut,
    Split,
    TrendDay,
    TrendOut,
)
from api.tenants.service import tenant_timezone
from api.timewindow import check_window

SEVERITIES = ["error", "warning"]
DEFAULT_SLA_WINDOW = timedelta(days=30)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def trend(
    session: AsyncSession, principal: Principal, f: ErrorFilter, days: int, split: Split, now: datetime | None = None
) -> TrendOut:
    timezone = await tenant_timezone(session, principal.tenant_id)
    first_day, start = _window_start(timezone, days, now)
    g = ErrorGroup
    e = aliased(ErrorEvent, name="event")
    tz = literal(timezone, String)
    live = [*_conditions(principal, f), g.status != "archived"]

    group_day = cast(func.timezone(tz, g.first_seen), Date)
    group_key = g.severity if split == "severity" else g.error_type
    new_groups = await session.execute(
        select(group_day, group_key, func.count()).where(*live, g.first_seen >= start).group_by(group_day, group_key)
    )
    event_day = cast(func.timezone(tz, e.occurred_at), Date)
    event_key = e.severity if split == "severity" else e.error_type
    events = await session.execute(
        select(event_day, event_key, func.count())
        .join(g, and_(g.tenant_id == e.tenant_id, g.id == e.group_id))
        .where(*live, e.tenant_id == principal.tenant_id, e.occurred_at >= start)
        .group_by(event_day, event_key)
    )
    counts: dict[str, dict[tuple[date, str], int]] = {
        "new_groups": {(day, key): n for day, key, n in new_groups},
        "events": {(day, key): n for day, key, n in events},
    }
    keys = list(SEVERITIES) if split == "severity" else sorted({k for c in counts.values() for _, k in c})
    items = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        items.append(
            TrendDay(
                day=day,
                new_groups={k: counts["new_groups"].get((day, k), 0) for k in keys},
                events={k: counts["events"].get((day, k), 0) for k in keys},
            )
        )
    return TrendOut(days=days, split=split, timezone=timezone, keys=keys, items=items)


async def sla(
    session: AsyncSession,
    principal: Principal,
    f: ErrorFilter,
    since: datetime | None,
    until: datetime | None,
    now: datetime | None = None,
) -> SlaOut:
    """Handled count, median and p90 of time to handle, by handler and by error type, in one grouped query.
    Types whose SLA clock is paused (taxonomy.SLA_PAUSED) are not counted."""
    until = until or now or datetime.now(UTC)
    since = since or until - DEFAULT_SLA_WINDOW
    try:
        check_window(since, until)
    except ValueError as exc:
        raise problems.Invalid(str(exc)) from exc
    g = ErrorGroup
    user, key = aliased(User), aliased(ApiKey)
    seconds = func.extract("epoch", g.handled_at - g.first_seen)
    level = func.grouping(g.handled_by, g.error_type)
    by_handler = (g.handled_by, user.id, user.email, user.display_name, key.name)
    rows = await session.execute(
        select(
            level,
            *by_handler,
            g.error_type,
            func.count(),
            func.percentile_cont(0.5).within_group(seconds),
            func.percentile_cont(0.9).within_group(seconds),
        )
        .outerjoin(user, and_(user.tenant_id == g.tenant_id, is_actor(g.handled_by, "user", user.id)))
        .outerjoin(key, and_(key.tenant_id == g.tenant_id, is_actor(g.handled_by, "api_key", key.id)))
        .where(
            *_conditions(principal, f),
            g.status.in_(["handled", "archived"]),
            g.handled_by.is_not(None),
            g.error_type.not_in([t.value for t in SLA_PAUSED]),  # their clock is paused: waiting is not handling
            g.handled_at >= since,
            g.handled_at < until,
        )
        .group_by(func.grouping_sets(tuple_(*by_handler), tuple_(g.error_type), tuple_()))
    )
    overall = Durations(handled=0, median_seconds=None, p90_seconds=None)
    by_user: list[SlaByUser] = []
    by_type: list[SlaByErrorType] = []
    # grouping() has a bit set for each argument left out: 1 = by handler, 2 = by error type, 3 = overall.
    for lvl, handled_by, user_id, email, display_name, key_name, error_type, n, median, p90 in rows:
        durations = {"handled": n, "median_seconds": median, "p90_seconds": p90}
        if lvl == 3:
            overall = Durations(**durations)
        elif lvl == 2:
            by_type.append(SlaByErrorType(error_type=error_type, **durations))
        else:
            by_user.append(_by_user(handled_by, user_id, email, display_name, key_name, durations))
    by_user.sort(key=lambda r: (-r.handled, r.label))
    by_type.sort(key=lambda r: (-r.handled, r.error_type))
    return SlaOut(since=since, until=until, overall=overall, by_user=by_user, by_error_type=by_type)


def _by_user(
    handled_by: str,
    user_id: uuid.UUID | None,
    email: str | None,
    display_name: str | None,
    key_name: str | None,
    durations: dict[str, Any],
) -> SlaByUser:
    kind = handled_by.partition(":")[0]
    if user_id is not None:
        return SlaByUser(
            handled_by=handled_by,
            kind="user",
            id=user_id,
            email=email,
            display_name=display_name or None,
            label=display_name or email or handled_by,
            **durations,
        )
    if kind == "api_key":
        return SlaByUser(
            handled_by=handled_by,
            kind="api_key",
            id=actor_id(handled_by, "api_key"),
            label=key_name or handled_by,
            **durations,
        )
    if kind == "user":  # the user was deleted since
        return SlaByUser(handled_by=handled_by, kind="user", id=actor_id(handled_by), label=handled_by, **durations)
    return SlaByUser(handled_by=handled_by, kind="system", id=None, label="system", **durations)


async def root_causes(
    session: AsyncSession,
    principal: Principal,
    f: ErrorFilter,
    days: int,
    language: str,
    now: datetime | None = None,
) -> RootCausesOut:
    """The share of each error type among the groups first seen in the last `days` days."""
    timezone = await tenant_timezone(session, principal.tenant_id)
    _, start = _window_start(timezone, days, now)
    g = ErrorGroup
    count = func.count().label("n")
    result = await session.execute(
        select(g.error_type, count)
        .where(*_conditions(principal, f), g.status != "archived", g.first_seen >= start)
        .group_by(g.error_type)
        .order_by(count.desc(), g.error_type)
    )
    counted = [(code, n) for code, n in result]
    total = sum(n for _, n in counted)
    items = [
        RootCause(error_type=code, title=title_of(code, language), count=n, share=round(n / total, 4))
        for code, n in counted
    ]
    return RootCausesOut(days=days, timezone=timezone, since=start, total=total, items=items)


def _conditions(principal: Principal, f: ErrorFilter) -> list[ColumnElement[bool]]:
    """The board's dimension filters; each statistic brings its own time column and window."""
    return group_conditions(principal, f.model_copy(update={"status": "all", "since": _EPOCH, "until": None}))


def _window_start(timezone: str, days: int, now: datetime | None) -> tuple[date, datetime]:
    """The first day of the window and its local midnight: today and the days - 1 before it."""
    zone = ZoneInfo(timezone)
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    first_day = today - timedelta(days=days - 1)
    return first_day, datetime.combine(first_day, time(), tzinfo=zone)
