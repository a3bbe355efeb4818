"""Recording error events into error groups, exactly once per idempotency key; and recording successes.

A batch is written in a few set-based statements: the batch's groups are locked (created if new) in fingerprint
order, the events are inserted with ON CONFLICT DO NOTHING on (tenant_id, idempotency_key), and only the events
actually inserted move their groups' counters. So a retried job or a repeated request never doubles an event, and
two concurrent requests with the same key serialise on the unique index.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Text, any_, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.errors.models import ErrorEvent, ErrorGroup
from api.errors.schemas import ErrorEventIn, IngestedEvent, IngestResult
from api.errors.taxonomy import info as taxonomy_info
from api.principal import Principal
from api.shops.models import Shop
from api.strategies.models import Strategy

# Clocks drift; an event from further ahead than this is a caller's bug, refused with 422.
MAX_CLOCK_SKEW = timedelta(minutes=5)


def fingerprint(tenant_id: uuid.UUID, shop_id: uuid.UUID, error_type: str, platform_code: str, sku: str) -> str:
    key = "\x1f".join((str(tenant_id), str(shop_id), error_type, platform_code, sku))
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass
class _Batch:
    """The new events of one fingerprint in this request."""

    events: list[ErrorEventIn] = field(default_factory=list)
    platform: str = ""


async def ingest_events(session: AsyncSession, principal: Principal, events: Sequence[ErrorEventIn]) -> IngestResult:
    tenant_id = principal.tenant_id
    # Prepared statements switch to a generic plan after five runs; for batch-sized arrays that plan guesses
    # their length and can scan a tenant's groups per row. Plan each batch for its real arrays instead.
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    platforms = await _validate(session, principal, events)

    unique: dict[str, ErrorEventIn] = {}
    for event in events:
        unique.setdefault(event.idempotency_key, event)  # a key repeated inside one batch: the first wins
    by_fingerprint: dict[str, _Batch] = {}
    fingerprints: dict[str, str] = {}
    for key, event in unique.items():
        fp = fingerprint(tenant_id, event.shop_id, event.error_type.value, event.platform_error_code, event.sku)
        fingerprints[key] = fp
        batch = by_fingerprint.setdefault(fp, _Batch(platform=platforms[event.shop_id]))
        batch.events.append(event)

    groups = await _lock_groups(session, tenant_id, by_fingerprint)
    inserted = await _insert_events(session, tenant_id, unique, fingerprints, groups, platforms)
    await _advance_groups(session, principal, groups, {k: unique[k] for k in inserted}, fingerprints, inserted)

    firsts = await _first_results(session, tenant_id, [k for k in unique if k not in inserted])
    items = []
    for event in events:
        key = event.idempotency_key
        event_id, group_id = inserted[key] if key in inserted else firsts[key]
        # A duplicate: the key was stored before, or it repeats an earlier event of this same batch.
        duplicate = key not in inserted or event is not unique[key]
        items.append(IngestedEvent(idempotency_key=key, event_id=event_id, group_id=group_id, duplicate=duplicate))
    return IngestResult(items=items, created=len(inserted), duplicates=len(events) - len(inserted))


async def _validate(
    session: AsyncSession, principal: Principal, events: Sequence[ErrorEventIn]
) -> dict[uuid.UUID, str]:
    """Refuse the whole batch (nothing written) for an unknown shop or strategy or a time in the future."""
    latest_allowed = datetime.now(UTC) + MAX_CLOCK_SKEW
    future = [e.idempotency_key for e in events if e.occurred_at > latest_allowed]
    if future:
        raise problems.Invalid(f"occurred_at is in the future for {len(future)} event(s), e.g. {future[0]!r}")
    shop_ids = {e.shop_id for e in events}
    rows = await session.execute(
        select(Shop.id, Shop.platform).where(Shop.tenant_id == principal.tenant_id, Shop.id.in_(shop_ids))
    )
    platforms = {shop_id: platform for shop_id, platform in rows}
    unknown_shops = shop_ids - platforms.keys()
    if unknown_shops:
        raise problems.Invalid(f"unknown shop_id: {', '.join(sorted(map(str, unknown_shops)))}")
    strategy_ids = {e.strategy_id for e in events if e.strategy_id}
    if strategy_ids:
        known = set(
            (
                await session.execute(
                    select(Strategy.id).where(Strategy.tenant_id == principal.tenant_id, Strategy.id.in_(strategy_ids))
                )
            ).scalars()
        )
        unknown = strategy_ids - known
        if unknown:
            raise problems.Invalid(f"unknown strategy_id: {', '.join(sorted(map(str, unknown)))}")
    return platforms


Group = dict[str, Any]  # an error_groups row as plain values

# Batches are written with one statement each, binding one array per column and unnesting them: one round trip,
# one cached plan, whatever the batch size.
_SQL_TYPES = {
    "tenant_id": "uuid", "id": "uuid", "group_id": "uuid", "shop_id": "uuid", "strategy_id": "uuid",
    "task_id": "uuid", "occurred_at": "timestamptz", "first_seen": "timestamptz", "last_seen": "timestamptz",
    "snoozed_until": "timestamptz", "count": "bigint", "latest_event_id": "bigint", "snoozed_until_count": "bigint",
    "regression_count": "integer", "missing_fields": "text",  # each a text[] literal, cast back per row
}  # fmt: skip
_NEW_GROUP_COLUMNS = (
    "tenant_id", "fingerprint", "shop_id", "platform", "error_type", "severity", "platform_error_code", "sku",
    "operation", "count", "first_seen", "last_seen",
)  # fmt: skip


def _unnest(columns: Sequence[str]) -> str:
    """SELECT <columns> FROM unnest(:col AS type[], ...). A list-valued column travels as one text[] literal per row
    (unnest would flatten an array of arrays) and is cast back to text[]."""
    arrays = ", ".join(f"CAST(:{c} AS {_SQL_TYPES.get(c, 'text')}[])" for c in columns)
    selected = ", ".join(f"CAST(u.{c} AS text[]) AS {c}" if c in _LIST_COLUMNS else f"u.{c}" for c in columns)
    return f"SELECT {selected} FROM unnest({arrays}) AS u({', '.join(columns)})"


def _any_text(values: Sequence[str]) -> Any:
    """`= ANY(:array)`: one statement text and one plan whatever the number of values (an IN list of 500 binds is
    a new statement to prepare and plan for every batch size)."""
    return any_(bindparam(None, list(values), type_=ARRAY(Text)))


_LIST_COLUMNS = frozenset({"missing_fields"})


def _text_array_literal(values: Sequence[str]) -> str:
    """A PostgreSQL text[] literal: every element double-quoted, backslashes and quotes escaped."""
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


def _as_arrays(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    return {c: [row[c] for row in rows] for c in columns}


async def _lock_groups(session: AsyncSession, tenant_id: uuid.UUID, batches: dict[str, _Batch]) -> dict[str, Group]:
    """The batch's groups, created when new, locked FOR UPDATE in fingerprint order (no deadlocks between batches).

    All inserts happen before any lock is taken, and both in fingerprint order, so two batches never wait on each
    other in a cycle. Most groups already exist: a plain read first keeps the insert to the new ones."""
    ordered = sorted(batches)
    table = ErrorGroup.__table__
    existing = set(
        (
            await session.execute(
                select(table.c.fingerprint).where(
                    table.c.tenant_id == tenant_id, table.c.fingerprint == _any_text(ordered)
                )
            )
        ).scalars()
    )
    new_rows = []
    for fp in (fp for fp in ordered if fp not in existing):
        first = min(batches[fp].events, key=lambda e: e.occurred_at)
        new_rows.append(
            {
                "tenant_id": tenant_id,
                "fingerprint": fp,
                "shop_id": first.shop_id,
                "platform": batches[fp].platform,
                "error_type": first.error_type.value,
                "severity": first.severity or taxonomy_info(first.error_type).severity.value,
                "platform_error_code": first.platform_error_code,
                "sku": first.sku,
                "operation": first.operation,
                "count": 0,
                "first_seen": first.occurred_at,
                "last_seen": first.occurred_at,
            }
        )
    if new_rows:
        await session.execute(
            text(
                f"INSERT INTO error_groups ({', '.join(_NEW_GROUP_COLUMNS)}) {_unnest(_NEW_GROUP_COLUMNS)} "
                "ON CONFLICT (tenant_id, fingerprint) DO NOTHING"
            ),
            _as_arrays(_NEW_GROUP_COLUMNS, new_rows),
        )
    rows = await session.execute(
        select(table)
        .where(table.c.tenant_id == tenant_id, table.c.fingerprint == _any_text(ordered))
        .order_by(table.c.fingerprint)
        .with_for_update()
    )
    # Plain rows, not ORM objects: the new values are written in one bulk UPDATE, not by the unit of work.
    return {row["fingerprint"]: dict(row) for row in rows.mappings()}


_EVENT_COLUMNS = (
    "tenant_id", "group_id", "idempotency_key", "occurred_at", "platform", "shop_id", "strategy_id", "task_id",
    "trace_id", "operation", "sku", "platform_item_id", "error_type", "severity", "platform_error_code",
    "platform_error_message", "missing_fields", "raw_excerpt",
)  # fmt: skip


async def _insert_events(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    unique: dict[str, ErrorEventIn],
    fingerprints: dict[str, str],
    groups: dict[str, Group],
    platforms: dict[uuid.UUID, str],
) -> dict[str, tuple[int, uuid.UUID]]:
    """Insert the events whose key is new; returns {key: (event id, group id)} for those only."""
    rows: list[dict[str, Any]] = []
    for key, e in unique.items():
        group = groups[fingerprints[key]]
        rows.append(
            {
                "tenant_id": tenant_id,
                "group_id": group["id"],
                "idempotency_key": key,
                "occurred_at": e.occurred_at,
                "platform": platforms[e.shop_id],
                "shop_id": e.shop_id,
                "strategy_id": e.strategy_id,
                "task_id": e.task_id,
                "trace_id": e.trace_id,
                "operation": e.operation,
                "sku": e.sku,
                "platform_item_id": e.platform_item_id,
                "error_type": e.error_type.value,
                "severity": e.severity or group["severity"],
                "platform_error_code": e.platform_error_code,
                "platform_error_message": e.platform_error_message,
                "missing_fields": e.missing_fields,
                "raw_excerpt": e.raw_excerpt,
            }
        )
    for row in rows:
        row["missing_fields"] = _text_array_literal(row["missing_fields"])
    result = await session.execute(
        text(
            f"INSERT INTO error_events ({', '.join(_EVENT_COLUMNS)}) {_unnest(_EVENT_COLUMNS)} "
            "ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING idempotency_key, id, group_id"
        ),
        _as_arrays(_EVENT_COLUMNS, rows),
    )
    return {key: (event_id, group_id) for key, event_id, group_id in result}


_ADVANCED_COLUMNS = (
    "tenant_id", "id", "count", "first_seen", "last_seen", "latest_event_id", "latest_trace_id", "latest_message",
    "strategy_id", "operation", "status", "regression_count", "snoozed_until", "snoozed_until_count",
)  # fmt: skip


async def _advance_groups(
    session: AsyncSession,
    principal: Principal,
    groups: dict[str, Group],
    new_events: dict[str, ErrorEventIn],
    fingerprints: dict[str, str],
    inserted: dict[str, tuple[int, uuid.UUID]],
) -> None:
    """Move counters, first/last seen and the latest event; reopen handled groups as regressions; end snoozes."""
    per_group: dict[str, list[tuple[str, ErrorEventIn]]] = {}
    for key, event in new_events.items():
        per_group.setdefault(fingerprints[key], []).append((key, event))
    regressions: list[Group] = []
    for fp, items in per_group.items():
        group = groups[fp]
        latest_key, latest = max(items, key=lambda item: (item[1].occurred_at, inserted[item[0]][0]))
        newest_at = latest.occurred_at
        group["count"] += len(items)
        group["first_seen"] = min(group["first_seen"], *(e.occurred_at for _, e in items))
        if group["latest_event_id"] is None or newest_at >= group["last_seen"]:
            group["last_seen"] = newest_at
            group["latest_event_id"] = inserted[latest_key][0]
            group["latest_trace_id"] = latest.trace_id
            group["latest_message"] = latest.platform_error_message
            group["strategy_id"] = latest.strategy_id
            group["operation"] = latest.operation or group["operation"]
        # A failure after the handling (or the success) that closed the group is a regression; an older one,
        # arriving late, is not.
        if group["status"] in ("handled", "archived") and group["handled_at"] and newest_at > group["handled_at"]:
            group["status"] = "open"
            group["regression_count"] += 1
            regressions.append(group)
        if group["snoozed_until_count"] is not None and group["count"] >= group["snoozed_until_count"]:
            group["snoozed_until_count"] = None
            group["snoozed_until"] = None
    changed = _ADVANCED_COLUMNS
    assignments = ", ".join(f"{c} = v.{c}" for c in changed if c not in ("tenant_id", "id"))
    await session.execute(
        text(
            f"UPDATE error_groups AS g SET {assignments}, updated_at = now() "
            f"FROM ({_unnest(changed)}) AS v WHERE g.tenant_id = v.tenant_id AND g.id = v.id "
            # The same ids again as an array: the planner then reaches the rows through the primary key whatever
            # its statistics say (a join on unnest() alone can turn into a scan of the tenant's groups).
            "AND g.id = ANY(CAST(:id AS uuid[]))"
        ),
        _as_arrays(changed, [groups[fp] for fp in per_group]),
    )
    # Regressions are the system's doing, whoever reported the event; each carries its own counter.
    for group in regressions:
        await audit.record(
            session, Principal.system(principal.tenant_id), "error_group.regressed", "error_group", group["id"],
            after={"status": "open", "regression_count": group["regression_count"]},
        )  # fmt: skip


async def _first_results(
    session: AsyncSession, tenant_id: uuid.UUID, keys: list[str]
) -> dict[str, tuple[int, uuid.UUID]]:
    if not keys:
        return {}
    rows = await session.execute(
        select(ErrorEvent.idempotency_key, ErrorEvent.id, ErrorEvent.group_id).where(
            ErrorEvent.tenant_id == tenant_id, ErrorEvent.idempotency_key == _any_text(keys)
        )
    )
    return {key: (event_id, group_id) for key, event_id, group_id in rows}


async def record_success(
    session: AsyncSession, principal: Principal, shop_id: uuid.UUID, sku: str, operation: str, occurred_at: datetime
) -> list[uuid.UUID]:
    """A later push of the same SKU and operation succeeded: its open groups are handled by the system.

    Only groups whose last failure is older than the success are resolved (a stale success resolves nothing)."""
    g = ErrorGroup
    result = await session.execute(
        update(g)
        .where(
            g.tenant_id == principal.tenant_id,
            g.shop_id == shop_id,
            g.sku == sku,
            g.operation == operation,
            g.status == "open",
            g.last_seen <= occurred_at,
        )
        .values(
            status="handled",
            handled_at=occurred_at,
            handled_by="system",
            resolution="auto_resolved",
            handled_note=None,
            snoozed_until=None,
            snoozed_until_count=None,
        )
        .returning(g.id)
    )
    resolved = list(result.scalars())
    await audit.record_many(
        session, principal, "error_group.auto_resolved", "error_group", resolved,
        after={"status": "handled", "resolution": "auto_resolved", "succeeded_at": occurred_at.isoformat()},
    )  # fmt: skip
    return resolved
