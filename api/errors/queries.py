"""Board reads: the group list with keyset pagination, facets in one grouped scan, a group's detail and events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, FromClause, Row, Select, and_, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.util import ClauseAdapter

from api import problems
from api.audit.models import AuditEntry
from api.errors import taxonomy
from api.errors.actors import actor_id, shop_names, user_names
from api.errors.filters import (
    FACET_COLUMNS,
    ErrorFilter,
    SortName,
    all_of,
    common_conditions,
    facet_conditions,
    group_conditions,
)
from api.errors.models import ErrorEvent, ErrorGroup
from api.errors.schemas import (
    ActivityOut,
    ErrorEventOut,
    ErrorFacets,
    ErrorGroupDetail,
    ErrorGroupOut,
    FacetCount,
    LatestEventOut,
)
from api.pagination import decode_cursor, encode_cursor, invalid_cursor
from api.platforms import PLATFORM_LABELS
from api.principal import Principal
from api.shops.models import Shop
from api.strategies.models import Strategy

_SORT_COLUMNS = {"last_seen": ErrorGroup.last_seen, "count": ErrorGroup.count, "first_seen": ErrorGroup.first_seen}


def _group_select(principal: Principal, groups: FromClause = ErrorGroup.__table__) -> Select[Any]:
    """Groups (the table, or a page of it) with their shop, strategy and latest event, as plain rows: the group's
    columns by name, then the joined ones. Plain rows, not ORM objects: a page is read, never changed."""
    g, e = groups.c, ErrorEvent
    return (
        select(
            *g,
            Shop.name.label("shop_name"),
            Shop.market,
            Strategy.name.label("strategy_name"),
            e.occurred_at.label("latest_occurred_at"),
            e.task_id.label("latest_task_id"),
            e.platform_item_id.label("latest_item_id"),
            e.missing_fields.label("latest_missing_fields"),
            e.raw_excerpt.label("latest_raw_excerpt"),
        )
        .select_from(groups)
        .join(Shop, and_(Shop.tenant_id == g.tenant_id, Shop.id == g.shop_id))
        .outerjoin(Strategy, and_(Strategy.tenant_id == g.tenant_id, Strategy.id == g.strategy_id))
        .outerjoin(e, and_(e.tenant_id == g.tenant_id, e.id == g.latest_event_id))
        .where(g.tenant_id == principal.tenant_id)
    )


async def list_groups(
    session: AsyncSession,
    principal: Principal,
    f: ErrorFilter,
    *,
    sort: SortName,
    limit: int,
    cursor: str | None,
    language: str,
) -> tuple[list[ErrorGroupOut], str | None]:
    column = _SORT_COLUMNS[sort]
    stmt = select(ErrorGroup.__table__).where(*group_conditions(principal, f))
    if cursor:
        try:
            cursor_sort, raw_value, raw_id = decode_cursor(cursor)
            value = datetime.fromisoformat(raw_value) if sort != "count" else int(raw_value)
            last_id = uuid.UUID(raw_id)
        except (TypeError, ValueError) as exc:
            raise invalid_cursor() from exc
        if cursor_sort != sort:
            raise invalid_cursor()
        stmt = stmt.where(tuple_(column, ErrorGroup.id) < tuple_(value, last_id))
    # Pick the page from error_groups alone, then join shop, strategy and latest event to those rows only: the
    # planner walks a board index in order and stops after limit + 1 groups, instead of joining every match first.
    picked = stmt.order_by(column.desc(), ErrorGroup.id.desc()).limit(limit + 1).subquery("page")
    rows = (
        await session.execute(_group_select(principal, picked).order_by(picked.c[sort].desc(), picked.c.id.desc()))
    ).all()
    page = rows[:limit]
    items = await _to_out(session, principal, page, language)
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        value_out = getattr(last, sort)
        next_cursor = encode_cursor([sort, value_out.isoformat() if sort != "count" else value_out, str(last.id)])
    return items, next_cursor


async def _to_out(
    session: AsyncSession, principal: Principal, rows: Sequence[Row[Any]], language: str
) -> list[ErrorGroupOut]:
    user_ids = {r.assignee_id for r in rows if r.assignee_id} | {uid for r in rows if (uid := actor_id(r.handled_by))}
    names = await user_names(session, principal.tenant_id, user_ids)
    return [_group_out(row, names, language) for row in rows]


def _group_out(
    row: Row[Any],
    names: dict[uuid.UUID, str],
    language: str,
    model: type[Any] = ErrorGroupOut,
    activity: list[ActivityOut] | None = None,
) -> Any:
    g = row  # the group's columns, by name
    info = taxonomy.info(g.error_type)
    now = datetime.now(g.last_seen.tzinfo)
    handled_by_user = actor_id(g.handled_by)
    extra: dict[str, Any] = {}
    if model is ErrorGroupDetail:
        extra = {
            "missing_fields": row.latest_missing_fields or [],
            "raw_excerpt": row.latest_raw_excerpt or "",
            "activity": activity or [],
        }
    return model(
        id=g.id,
        status=g.status,
        snoozed=(g.status == "open" and g.snoozed_until is not None and g.snoozed_until > now)
        or g.snoozed_until_count is not None,
        snoozed_until=g.snoozed_until,
        snoozed_until_count=g.snoozed_until_count,
        severity=g.severity,
        error_type=g.error_type,
        title=info.title(language),
        suggestion=info.suggestion(language),
        doc_url=taxonomy.doc_url(g.error_type, g.platform),
        platform=g.platform,
        shop_id=g.shop_id,
        shop_name=row.shop_name,
        market=row.market,
        strategy_id=g.strategy_id,
        strategy_name=row.strategy_name,
        sku=g.sku,
        operation=g.operation,
        platform_error_code=g.platform_error_code,
        count=g.count,
        first_seen=g.first_seen,
        last_seen=g.last_seen,
        regression_count=g.regression_count,
        regressed_at=g.regressed_at,
        latest_event=LatestEventOut(
            id=g.latest_event_id,
            occurred_at=row.latest_occurred_at or g.last_seen,
            trace_id=g.latest_trace_id,
            platform_error_message=g.latest_message,
            task_id=row.latest_task_id,
            platform_item_id=row.latest_item_id,
            missing_fields=row.latest_missing_fields or [],
        ),
        assignee_id=g.assignee_id,
        assignee_name=names.get(g.assignee_id) if g.assignee_id else None,
        handled_at=g.handled_at,
        handled_by=g.handled_by,
        handled_by_name=names.get(handled_by_user) if handled_by_user else ("system" if g.handled_by else None),
        resolution=g.resolution,
        handled_note=g.handled_note,
        pinned_note=g.pinned_note,
        **extra,
    )


# --- facets --------------------------------------------------------------------------------------------------------


async def facets(session: AsyncSession, principal: Principal, f: ErrorFilter, language: str) -> ErrorFacets:
    """Counts per value of each dimension, in one scan. Each dimension's counts apply every filter but its own
    (so a menu shows what choosing another value would give); `total` applies them all and equals the list's total."""
    # First count the matching groups per combination of the five dimensions (one cheap hash over the window),
    # then roll those few hundred combinations up per dimension. A dimension's own filter is an IN on the
    # combination's columns, so it applies to the combinations as it would to the groups.
    combos = (
        select(*FACET_COLUMNS.values(), func.count().label("n"))
        .where(*common_conditions(principal, f))
        .group_by(*FACET_COLUMNS.values())
        .subquery("combos")
    )
    on_combos = ClauseAdapter(combos)
    restricted = {name: on_combos.traverse(c) for name, c in facet_conditions(f).items()}
    names = list(FACET_COLUMNS)
    columns = [combos.c[name] for name in names]

    def counting(excluded: str | None) -> Any:
        only = all_of([c for name, c in restricted.items() if name != excluded])
        return func.coalesce(func.sum(combos.c.n).filter(only), 0).cast(BigInteger)

    stmt = select(
        func.grouping(*columns).label("grouping"),
        *columns,
        counting(None).label("n_all"),
        *(counting(name).label(f"n_{name}") for name in names),
    ).group_by(func.grouping_sets(*(tuple_(c) for c in columns)))
    rows = (await session.execute(stmt)).all()
    labels = await _labels(session, principal, language)
    result: dict[str, list[FacetCount]] = {name: [] for name in names}
    total = 0
    everything = 2 ** len(columns) - 1
    for index, name in enumerate(names):
        own_set = everything ^ (1 << (len(columns) - 1 - index))  # grouping() has a 0 bit for the grouped column
        for row in rows:
            if row.grouping != own_set:
                continue
            if name == "severity":
                total += row.n_all
            count = getattr(row, f"n_{name}")
            if count:
                value = getattr(row, name)
                key = str(value) if value is not None else ""
                result[name].append(FacetCount(value=key, label=labels.get((name, key), key), count=count))
        result[name].sort(key=lambda fc: (-fc.count, fc.label))
    return ErrorFacets(total=total, **result)


async def _labels(session: AsyncSession, principal: Principal, language: str) -> dict[tuple[str, str], str]:
    english = language.startswith("en")
    labels: dict[tuple[str, str], str] = {
        ("severity", "error"): "Errors" if english else "错误",
        ("severity", "warning"): "Warnings" if english else "警告",
        **{("platform", platform): label for platform, label in PLATFORM_LABELS.items()},
        ("strategy_id", ""): "No strategy (ERP push)" if english else "无策略（ERP 推送）",
    }
    for code, info in taxonomy.TAXONOMY.items():
        labels[("error_type", code.value)] = info.title(language)
    shops = await shop_names(session, principal.tenant_id)
    labels.update({("shop_id", str(i)): name for i, name in shops.items()})
    strategies = await session.execute(
        select(Strategy.id, Strategy.name).where(Strategy.tenant_id == principal.tenant_id)
    )
    labels.update({("strategy_id", str(i)): name for i, name in strategies})
    return labels


# --- one group -----------------------------------------------------------------------------------------------------

ACTIVITY_EVENTS = 20


async def get_group(session: AsyncSession, principal: Principal, group_id: uuid.UUID) -> ErrorGroup:
    group = (
        await session.execute(
            select(ErrorGroup).where(ErrorGroup.tenant_id == principal.tenant_id, ErrorGroup.id == group_id)
        )
    ).scalar_one_or_none()
    if group is None:
        raise problems.NotFound("error group not found")
    return group


async def group_detail(
    session: AsyncSession, principal: Principal, group_id: uuid.UUID, language: str
) -> ErrorGroupDetail:
    row = (await session.execute(_group_select(principal).where(ErrorGroup.id == group_id))).first()
    if row is None:
        raise problems.NotFound("error group not found")
    audit = (
        await session.execute(
            select(AuditEntry)
            .where(
                AuditEntry.tenant_id == principal.tenant_id,
                AuditEntry.object_type == "error_group",
                AuditEntry.object_id == str(group_id),
            )
            .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
            .limit(200)
        )
    ).scalars()
    events = (
        await session.execute(
            select(ErrorEvent.occurred_at, ErrorEvent.trace_id, ErrorEvent.id, ErrorEvent.platform_error_message)
            .where(ErrorEvent.tenant_id == principal.tenant_id, ErrorEvent.group_id == group_id)
            .order_by(ErrorEvent.occurred_at.desc(), ErrorEvent.id.desc())
            .limit(ACTIVITY_EVENTS)
        )
    ).all()
    activity = [
        ActivityOut(
            at=entry.occurred_at,
            kind=entry.action.removeprefix("error_group."),
            actor=entry.actor_label or entry.actor_kind,
            detail={**(entry.after or {}), **({"before": entry.before} if entry.before else {})},
        )
        for entry in audit
    ] + [
        ActivityOut(at=at, kind="occurrence", detail={"event_id": event_id, "trace_id": trace_id, "message": message})
        for at, trace_id, event_id, message in events
    ]
    activity.sort(key=lambda a: a.at, reverse=True)
    names = await user_names(
        session, principal.tenant_id, (i for i in (row.assignee_id, actor_id(row.handled_by)) if i)
    )
    detail: ErrorGroupDetail = _group_out(row, names, language, ErrorGroupDetail, activity)
    return detail


async def list_events(
    session: AsyncSession, principal: Principal, group_id: uuid.UUID, *, limit: int, cursor: str | None
) -> tuple[list[ErrorEventOut], str | None]:
    await get_group(session, principal, group_id)
    e = ErrorEvent
    stmt = select(e).where(e.tenant_id == principal.tenant_id, e.group_id == group_id)
    if cursor:
        try:
            raw_at, last_id = decode_cursor(cursor)
            position = (datetime.fromisoformat(raw_at), int(last_id))
        except (TypeError, ValueError) as exc:
            raise invalid_cursor() from exc
        stmt = stmt.where(tuple_(e.occurred_at, e.id) < tuple_(*position))
    rows = list((await session.execute(stmt.order_by(e.occurred_at.desc(), e.id.desc()).limit(limit + 1))).scalars())
    page = rows[:limit]
    next_cursor = encode_cursor([page[-1].occurred_at.isoformat(), page[-1].id]) if len(rows) > limit else None
    return [ErrorEventOut.model_validate(r) for r in page], next_cursor
