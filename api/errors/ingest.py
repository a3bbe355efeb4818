"""Recording error events into error groups, exactly once per idempotency key; and recording successes.

A group's id is its fingerprint (tenant, shop, error type, platform code, SKU), so a batch knows its groups without
asking. A batch is then two statements. The first inserts the groups that are new (ON CONFLICT DO NOTHING). The
second inserts the events (ON CONFLICT (tenant_id, idempotency_key) DO NOTHING), locks the groups of the events it
actually inserted, and moves their counters. So a retried job or a repeated request never doubles an event, two
concurrent requests with one key serialise on the unique index, and two batches never wait on each other in a
cycle: events go in key order, groups in id order. Each statement takes the batch as one JSON document that
PostgreSQL parses: the work per event is the database's, not the driver's or Python's.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Text, any_, bindparam, delete, select, text, update
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


def group_id_of(tenant_id: uuid.UUID, shop_id: uuid.UUID, error_type: str, platform_code: str, sku: str) -> uuid.UUID:
    """The fingerprint: the first 128 bits of SHA-256 over (tenant, shop, error type, platform code, SKU), as a
    version-8 UUID (RFC 9562). Migration 0008 gave the groups that existed before it the same ids."""
    key = "\x1f".join((str(tenant_id), str(shop_id), error_type, platform_code, sku))
    digest = bytearray(hashlib.sha256(key.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80  # version 8
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 9562 variant
    return uuid.UUID(bytes=bytes(digest))


async def ingest_events(session: AsyncSession, principal: Principal, events: Sequence[ErrorEventIn]) -> IngestResult:
    tenant_id = principal.tenant_id
    platforms = await _validate(session, principal, events)

    unique: dict[str, ErrorEventIn] = {}
    for event in events:
        unique.setdefault(event.idempotency_key, event)  # a key repeated inside one batch: the first wins
    group_ids = {
        key: group_id_of(tenant_id, e.shop_id, e.error_type.value, e.platform_error_code, e.sku)
        for key, e in unique.items()
    }

    created_groups = await _create_groups(session, tenant_id, unique, group_ids, platforms)
    inserted, regressions = await _insert_events(session, tenant_id, unique, group_ids, platforms)
    # A new group whose every event was a duplicate (a key reused for another fingerprint) would stay empty.
    empty = created_groups - {group_id for _, group_id in inserted.values()}
    if empty:
        await session.execute(
            delete(ErrorGroup).where(ErrorGroup.tenant_id == tenant_id, ErrorGroup.id.in_(empty)),
            execution_options={"synchronize_session": False},
        )
    # Regressions are the system's doing, whoever reported the event; each carries its own counter.
    for group_id, regression_count in regressions:
        await audit.record(
            session, Principal.system(tenant_id), "error_group.regressed", "error_group", group_id,
            after={"status": "open", "regression_count": regression_count},
        )  # fmt: skip

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


def _any_text(values: Sequence[str]) -> Any:
    """`= ANY(:array)`: one statement text and one plan whatever the number of values."""
    return any_(bindparam(None, list(values), type_=ARRAY(Text)))


def _json(rows: list[dict[str, Any]]) -> str:
    # default=str: ids read from the database are the driver's UUID type, which orjson does not know.
    return orjson.dumps(rows, default=str).decode()


_CREATE_GROUPS = text("""
    INSERT INTO error_groups (tenant_id, id, shop_id, platform, error_type, severity, platform_error_code, sku,
                              operation, count, first_seen, last_seen)
    SELECT CAST(:tenant_id AS uuid), n.id, n.shop_id, n.platform, n.error_type, n.severity, n.platform_error_code,
           n.sku, n.operation, 0, n.first_seen, n.first_seen
    FROM json_to_recordset(CAST(:groups AS json)) AS n(
        id uuid, shop_id uuid, platform text, error_type text, severity text, platform_error_code text, sku text,
        operation text, first_seen timestamptz)
    ORDER BY n.id
    ON CONFLICT (tenant_id, id) DO NOTHING
    RETURNING id
""")


async def _create_groups(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    unique: dict[str, ErrorEventIn],
    group_ids: dict[str, uuid.UUID],
    platforms: dict[uuid.UUID, str],
) -> set[uuid.UUID]:
    """Insert the batch's groups that do not exist yet, each starting empty at its earliest event of the batch; an
    existing one costs an index probe. Returns the ids of those created."""
    earliest: dict[uuid.UUID, ErrorEventIn] = {}
    for key, event in unique.items():
        group_id = group_ids[key]
        if group_id not in earliest or event.occurred_at < earliest[group_id].occurred_at:
            earliest[group_id] = event
    rows = [
        {
            "id": group_id,
            "shop_id": e.shop_id,
            "platform": platforms[e.shop_id],
            "error_type": e.error_type.value,
            "severity": e.severity or taxonomy_info(e.error_type).severity.value,
            "platform_error_code": e.platform_error_code,
            "sku": e.sku,
            "operation": e.operation,
            "first_seen": e.occurred_at,
        }
        for group_id, e in earliest.items()
    ]
    result = await session.execute(_CREATE_GROUPS, {"tenant_id": str(tenant_id), "groups": _json(rows)})
    return set(result.scalars())


# Inserts the events whose key is new, in key order, and moves their groups' counters: `newest` is each group's
# latest inserted event with the group's count and earliest time in this batch; `locked` takes the groups' row
# locks in id order and keeps each one's status from before, so the statement returns the regressions besides the
# inserted events. The conditions read the group row the UPDATE holds (g), never an older snapshot of it.
_INSERT_EVENTS = text("""
    WITH inserted AS (
        INSERT INTO error_events (tenant_id, group_id, idempotency_key, occurred_at, platform, shop_id, strategy_id,
                                  task_id, trace_id, operation, sku, platform_item_id, error_type, severity,
                                  platform_error_code, platform_error_message, missing_fields, raw_excerpt)
        SELECT CAST(:tenant_id AS uuid), b.group_id, b.idempotency_key, b.occurred_at, b.platform, b.shop_id,
               b.strategy_id, b.task_id, b.trace_id, b.operation, b.sku, b.platform_item_id, b.error_type,
               coalesce(b.severity, (SELECT g.severity FROM error_groups AS g
                                     WHERE g.tenant_id = CAST(:tenant_id AS uuid) AND g.id = b.group_id)),
               b.platform_error_code, b.platform_error_message, b.missing_fields, b.raw_excerpt
        FROM json_to_recordset(CAST(:events AS json)) AS b(
            idempotency_key text, group_id uuid, occurred_at timestamptz, platform text, shop_id uuid,
            strategy_id uuid, task_id uuid, trace_id text, operation text, sku text, platform_item_id text,
            error_type text, severity text, platform_error_code text, platform_error_message text,
            missing_fields text[], raw_excerpt text)
        ORDER BY b.idempotency_key COLLATE "C"
        ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
        RETURNING id, idempotency_key, group_id, occurred_at, trace_id, platform_error_message, strategy_id,
                  operation
    ),
    newest AS (
        SELECT DISTINCT ON (group_id) group_id, id, occurred_at, trace_id, platform_error_message, strategy_id,
               operation, count(*) OVER per_group AS n, min(occurred_at) OVER per_group AS earliest
        FROM inserted
        WINDOW per_group AS (PARTITION BY group_id)
        ORDER BY group_id, occurred_at DESC, id DESC
    ),
    locked AS MATERIALIZED (
        SELECT g.id, g.status
        FROM error_groups AS g
        WHERE g.tenant_id = CAST(:tenant_id AS uuid) AND g.id IN (SELECT group_id FROM newest)
        ORDER BY g.id
        FOR NO KEY UPDATE OF g
    ),
    advanced AS (
        UPDATE error_groups AS g SET
            count = g.count + v.n,
            first_seen = least(g.first_seen, v.earliest),
            last_seen = CASE WHEN g.latest_event_id IS NULL OR v.occurred_at >= g.last_seen
                             THEN v.occurred_at ELSE g.last_seen END,
            latest_event_id = CASE WHEN g.latest_event_id IS NULL OR v.occurred_at >= g.last_seen
                                   THEN v.id ELSE g.latest_event_id END,
            latest_trace_id = CASE WHEN g.latest_event_id IS NULL OR v.occurred_at >= g.last_seen
                                   THEN v.trace_id ELSE g.latest_trace_id END,
            latest_message = CASE WHEN g.latest_event_id IS NULL OR v.occurred_at >= g.last_seen
                                  THEN v.platform_error_message ELSE g.latest_message END,
            strategy_id = CASE WHEN g.latest_event_id IS NULL OR v.occurred_at >= g.last_seen
                               THEN v.strategy_id ELSE g.strategy_id END,
            operation = CASE WHEN g.latest_event_id IS NULL OR v.occurred_at >= g.last_seen
                             THEN coalesce(v.operation, g.operation) ELSE g.operation END,
            -- A failure after the handling (or the success) that closed the group is a regression; an older one,
            -- arriving late, is not.
            status = CASE WHEN g.status IN ('handled', 'archived') AND v.occurred_at > g.handled_at
                          THEN 'open' ELSE g.status END,
            regression_count = g.regression_count
                + CASE WHEN g.status IN ('handled', 'archived') AND v.occurred_at > g.handled_at THEN 1 ELSE 0 END,
            snoozed_until = CASE WHEN g.snoozed_until_count <= g.count + v.n THEN NULL ELSE g.snoozed_until END,
            snoozed_until_count = CASE WHEN g.snoozed_until_count <= g.count + v.n
                                       THEN NULL ELSE g.snoozed_until_count END,
            updated_at = now()
        FROM (SELECT n.*, l.status AS was FROM newest AS n JOIN locked AS l ON l.id = n.group_id) AS v
        WHERE g.tenant_id = CAST(:tenant_id AS uuid) AND g.id = v.group_id
        RETURNING g.id, v.was, g.status, g.regression_count
    )
    SELECT idempotency_key, id AS event_id, group_id, NULL AS regression_count FROM inserted
    UNION ALL
    SELECT NULL, NULL, id, regression_count FROM advanced WHERE was <> 'open' AND status = 'open'
""")


async def _insert_events(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    unique: dict[str, ErrorEventIn],
    group_ids: dict[str, uuid.UUID],
    platforms: dict[uuid.UUID, str],
) -> tuple[dict[str, tuple[int, uuid.UUID]], list[tuple[uuid.UUID, int]]]:
    """Insert the events whose key is new and advance their groups. Returns {key: (event id, group id)} for the
    inserted events and (group id, regression count) for each group this batch reopened."""
    rows = [
        {
            "idempotency_key": key,
            "group_id": group_ids[key],
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
            "severity": e.severity,
            "platform_error_code": e.platform_error_code,
            "platform_error_message": e.platform_error_message,
            "missing_fields": e.missing_fields,
            "raw_excerpt": e.raw_excerpt,
        }
        for key, e in unique.items()
    ]
    result = await session.execute(_INSERT_EVENTS, {"tenant_id": str(tenant_id), "events": _json(rows)})
    inserted: dict[str, tuple[int, uuid.UUID]] = {}
    regressions: list[tuple[uuid.UUID, int]] = []
    for key, event_id, group_id, regression_count in result:
        if key is None:
            regressions.append((group_id, regression_count))
        else:
            inserted[key] = (event_id, group_id)
    return inserted, regressions


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
