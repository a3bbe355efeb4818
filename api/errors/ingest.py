"""Recording error events into error groups, exactly once per idempotency key; and recording successes.

A group's id is its fingerprint (tenant, shop, error type, platform code, SKU), so a batch knows its groups without
asking, and one statement writes it: it inserts the events (ON CONFLICT (tenant_id, idempotency_key) DO NOTHING),
then inserts or advances the groups of the events it actually inserted (ON CONFLICT DO UPDATE). So a retried job or
a repeated request never doubles an event, two concurrent requests with one key serialise on the unique index, and
two batches never wait on each other in a cycle: events go in key order, groups in id order. The statement takes
the batch as one JSON document that PostgreSQL parses: the work per event is the database's, not Python's.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Text, any_, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from api import metrics, problems
from api.audit import service as audit
from api.errors.models import ErrorEvent, ErrorGroup
from api.errors.schemas import ErrorEventIn, IngestedEvent, IngestResult
from api.errors.taxonomy import info as taxonomy_info
from api.principal import Principal
from api.shops.models import Shop
from api.strategies.models import Strategy
from api.traces.redaction import redact_text

# The width of the short text columns (error codes, missing field names): a redacted value is clipped to it.
_SHORT_TEXT = 200

# Clocks drift; an event from further ahead than this is a caller's bug, refused with 422.
MAX_CLOCK_SKEW = timedelta(minutes=5)


def group_id_of(tenant_id: uuid.UUID, shop_id: uuid.UUID, error_type: str, platform_code: str, sku: str) -> uuid.UUID:
    """The fingerprint: the first 128 bits of SHA-256 over (tenant, shop, error type, platform code, SKU), as a
    version-8 UUID (RFC 9562). Migration 0008 gave the groups that existed before it the same ids."""
    return uuid.UUID(_group_id_hex(f"{tenant_id}\x1f{shop_id}", error_type, platform_code, sku))


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}  # RFC 9562: the bits 10xx


def _group_id_hex(tenant_and_shop: str, error_type: str, platform_code: str, sku: str) -> str:
    """group_id_of as 32 hex digits, without the UUID objects (a few microseconds per event, 500 events a batch)."""
    digest = hashlib.sha256(f"{tenant_and_shop}\x1f{error_type}\x1f{platform_code}\x1f{sku}".encode()).hexdigest()
    return f"{digest[:12]}8{digest[13:16]}{_VARIANT[digest[16]]}{digest[17:32]}"


async def ingest_events(session: AsyncSession, principal: Principal, events: Sequence[ErrorEventIn]) -> IngestResult:
    tenant_id = principal.tenant_id
    platforms = await _validate(session, principal, events)

    unique: dict[str, ErrorEventIn] = {}
    for event in events:
        unique.setdefault(event.idempotency_key, event)  # a key repeated inside one batch: the first wins
    inserted, regressions = await _record(session, tenant_id, unique, platforms)
    for key in inserted:  # what was written, not the duplicates (counted at write time, before the commit)
        metrics.EVENTS_INGESTED.labels(unique[key].error_type.value, platforms[unique[key].shop_id]).inc()
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


# One statement per batch. `inserted`: the events whose key is new, in key order. `batch_groups`: per group, its
# latest inserted event, the count and earliest time of this batch, and the most severe severity (what a new group
# starts with). `advanced`: the groups, inserted or locked and moved in id order (ON CONFLICT DO UPDATE), where
# `g` is the stored row and `excluded` this batch's summary of it. The events' foreign-key checks run at the end of
# the statement, when the new groups exist.
_RECORD = text("""
    WITH inserted AS (
        INSERT INTO error_events (tenant_id, group_id, idempotency_key, occurred_at, platform, shop_id, strategy_id,
                                  task_id, trace_id, operation, sku, platform_item_id, error_type, severity,
                                  platform_error_code, platform_error_message, missing_fields, raw_excerpt)
        SELECT CAST(:tenant_id AS uuid), b.group_id, b.idempotency_key, b.occurred_at, b.platform, b.shop_id,
               b.strategy_id, b.task_id, b.trace_id, b.operation, b.sku, b.platform_item_id, b.error_type,
               b.severity, b.platform_error_code, b.platform_error_message, b.missing_fields, b.raw_excerpt
        FROM jsonb_to_recordset(CAST(:events AS jsonb)) AS b(
            idempotency_key text, group_id uuid, occurred_at timestamptz, platform text, shop_id uuid,
            strategy_id uuid, task_id uuid, trace_id text, operation text, sku text, platform_item_id text,
            error_type text, severity text, platform_error_code text, platform_error_message text,
            missing_fields text[], raw_excerpt text)
        ORDER BY b.idempotency_key COLLATE "C"
        ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
        RETURNING id, idempotency_key, group_id, occurred_at, platform, shop_id, strategy_id, trace_id, operation,
                  sku, error_type, severity, platform_error_code, platform_error_message
    ),
    batch_groups AS (
        SELECT DISTINCT ON (group_id) *,
               count(*) OVER per_group AS n,
               min(occurred_at) OVER per_group AS earliest,
               min(severity) OVER per_group AS group_severity,  -- 'error' before 'warning'
               max(operation) OVER per_group AS any_operation
        FROM inserted
        WINDOW per_group AS (PARTITION BY group_id)
        ORDER BY group_id, occurred_at DESC, id DESC
    ),
    advanced AS (
        INSERT INTO error_groups AS g (
            tenant_id, id, shop_id, platform, error_type, severity, platform_error_code, sku, operation, strategy_id,
            count, first_seen, last_seen, latest_event_id, latest_trace_id, latest_message)
        SELECT CAST(:tenant_id AS uuid), group_id, shop_id, platform, error_type, group_severity, platform_error_code,
               sku, coalesce(operation, any_operation), strategy_id, n, earliest, occurred_at, id, trace_id,
               platform_error_message
        FROM batch_groups
        ORDER BY group_id
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            count = g.count + excluded.count,
            first_seen = least(g.first_seen, excluded.first_seen),
            last_seen = greatest(g.last_seen, excluded.last_seen),
            latest_event_id = CASE WHEN excluded.last_seen >= g.last_seen
                                   THEN excluded.latest_event_id ELSE g.latest_event_id END,
            latest_trace_id = CASE WHEN excluded.last_seen >= g.last_seen
                                   THEN excluded.latest_trace_id ELSE g.latest_trace_id END,
            latest_message = CASE WHEN excluded.last_seen >= g.last_seen
                                  THEN excluded.latest_message ELSE g.latest_message END,
            strategy_id = CASE WHEN excluded.last_seen >= g.last_seen THEN excluded.strategy_id ELSE g.strategy_id END,
            operation = CASE WHEN excluded.last_seen >= g.last_seen
                             THEN coalesce(excluded.operation, g.operation) ELSE g.operation END,
            -- A failure after the handling (or the success) that closed the group is a regression; an older one,
            -- arriving late, is not.
            status = CASE WHEN g.status <> 'open' AND excluded.last_seen > g.handled_at THEN 'open' ELSE g.status END,
            regression_count = g.regression_count
                + CASE WHEN g.status <> 'open' AND excluded.last_seen > g.handled_at THEN 1 ELSE 0 END,
            regressed_at = CASE WHEN g.status <> 'open' AND excluded.last_seen > g.handled_at
                                THEN now() ELSE g.regressed_at END,
            snoozed_until = CASE WHEN g.snoozed_until_count <= g.count + excluded.count
                                 THEN NULL ELSE g.snoozed_until END,
            snoozed_until_count = CASE WHEN g.snoozed_until_count <= g.count + excluded.count
                                       THEN NULL ELSE g.snoozed_until_count END,
            updated_at = now()
        RETURNING id, regression_count, regressed_at = now() AS regressed
    )
    SELECT idempotency_key, id AS event_id, group_id, NULL AS regression_count FROM inserted
    UNION ALL
    SELECT NULL, NULL, id, regression_count FROM advanced WHERE regressed
""")


async def _record(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    unique: dict[str, ErrorEventIn],
    platforms: dict[uuid.UUID, str],
) -> tuple[dict[str, tuple[int, uuid.UUID]], list[tuple[uuid.UUID, int]]]:
    """Insert the events whose key is new and advance (or create) their groups. Returns {key: (event id, group
    id)} for the inserted events and (group id, regression count) for each group this batch reopened."""
    scopes = {shop_id: f"{tenant_id}\x1f{shop_id}" for shop_id in platforms}
    codes = {key: redact_text(e.platform_error_code)[:_SHORT_TEXT] for key, e in unique.items()}
    rows = [
        {
            "idempotency_key": key,
            # The fingerprint takes the code as stored: a redacted secret does not split its group.
            "group_id": _group_id_hex(scopes[e.shop_id], e.error_type.value, codes[key], e.sku),
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
            "severity": e.severity or taxonomy_info(e.error_type).severity.value,
            # Secrets an ERP or a worker sent along are redacted before anything is written (the board, the
            # events list and the export read these columns).
            "platform_error_code": codes[key],
            "platform_error_message": redact_text(e.platform_error_message),
            "missing_fields": [redact_text(name)[:_SHORT_TEXT] for name in e.missing_fields],
            "raw_excerpt": redact_text(e.raw_excerpt),
        }
        for key, e in unique.items()
    ]
    # default=str: ids read from the database are the driver's UUID type, which orjson does not know.
    events = orjson.dumps(rows, default=str).decode()
    result = await session.execute(_RECORD, {"tenant_id": str(tenant_id), "events": events})
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
    session: AsyncSession,
    principal: Principal,
    shop_id: uuid.UUID,
    skus: Sequence[str],
    operation: str,
    occurred_at: datetime,
    *,
    error_types: Sequence[str] | None = None,
) -> list[uuid.UUID]:
    """A later push of these SKUs and operation succeeded (or a catalog sync saw their listings healthy): their open
    groups (of `error_types`, when given) are handled by the system, in one statement.

    Only groups whose last failure is older than the success are resolved (a stale success resolves nothing)."""
    g = ErrorGroup
    only_types = [] if error_types is None else [g.error_type.in_(list(error_types))]
    result = await session.execute(
        update(g)
        .where(
            g.tenant_id == principal.tenant_id,
            g.shop_id == shop_id,
            g.sku.in_(list(skus)),
            g.operation == operation,
            g.status == "open",
            g.last_seen <= occurred_at,
            *only_types,
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
