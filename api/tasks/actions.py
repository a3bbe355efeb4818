"""The life of a push action, by conditional updates committed before and after each platform call:

    pending -> sending -> applied | failed | awaiting_confirmation -> applied | failed
                  \\-> pending (the shop's authorisation is gone: the action waits instead of failing)

`claim` moves a batch's pending actions to sending (only one job can win each action); the job then calls the
platform outside any transaction and `settle_push` writes what the platform said. An action that is still
`sending` when its heartbeat goes stale may have reached the platform: it is never simply sent again; the
read-back decides (`settle_readbacks`), and it is re-sent only when the value is still missing after the
confirmation deadline. Platform types stay in workers/: jobs hand results over as the plain records below.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import and_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import platforms, queue
from api.errors import ingest, taxonomy
from api.errors.schemas import ErrorEventIn
from api.principal import Principal
from api.shops.models import Connection, Shop, Sku, SkuBinding
from api.tasks.models import PushAction, Task
from api.tasks.outcomes import Outcome, record_applied, record_outcomes, record_wait_over
from api.tasks.planning import PUSH_JOB, WITHOUT_SNAPSHOT, finish_if_done

CONFIRM_JOB = "confirm_batch"
FAILURE_OF_OPERATION = {"price": "PRICE_NOT_EFFECTIVE", "stock": "INVENTORY_SYNC_FAILED", "listing": "LISTING_REJECTED"}
AUTH_TYPES = frozenset({"AUTH_EXPIRED"})
# How long past its deadline a push whose read-backs the platform keeps garbling is still read again.
UNREAD_GRACE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Failure:
    """A platform error of one item, in the taxonomy's terms (from a client's PlatformError)."""

    error_type: str
    code: str
    message: str
    severity: str | None = None
    missing_fields: Sequence[str] = ()
    raw: Any = None


@dataclass(frozen=True, slots=True)
class PushResult:
    sku: str
    ok: bool
    failures: Sequence[Failure] = ()
    trace_id: str | None = None
    platform_ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReadBack:
    sku: str
    found: bool
    price: Decimal | None = None
    sale_price: Decimal | None = None
    quantity: int | None = None
    status: str | None = None
    failures: Sequence[Failure] = ()
    trace_id: str | None = None


@dataclass(frozen=True, slots=True)
class Claimed:
    """An action a job now holds, with what the platform call needs."""

    action: PushAction
    binding: SkuBinding | None


@dataclass(frozen=True, slots=True)
class Batch:
    task: Task
    shop: Shop
    items: list[Claimed]


def confirm_deadline(platform: str, override_seconds: float | None) -> timedelta:
    if override_seconds is not None:
        return timedelta(seconds=override_seconds)
    return platforms.CONFIRM_DEADLINE.get(platform, timedelta(minutes=30))


async def _with_bindings(session: AsyncSession, actions: list[PushAction]) -> list[Claimed]:
    if not actions:
        return []
    a = actions[0]
    rows = await session.execute(
        select(SkuBinding, Sku.code)
        .join(Sku, and_(Sku.tenant_id == SkuBinding.tenant_id, Sku.id == SkuBinding.sku_id))
        .where(
            SkuBinding.tenant_id == a.tenant_id,
            SkuBinding.shop_id == a.shop_id,
            Sku.code.in_([x.sku for x in actions]),
        )
    )
    bindings = {code: binding for binding, code in rows}
    return [Claimed(x, bindings.get(x.sku)) for x in actions]


async def _batch_of(session: AsyncSession, actions: list[PushAction]) -> Batch | None:
    if not actions:
        return None
    first = actions[0]
    task = await session.get(Task, (first.tenant_id, first.task_id), options=WITHOUT_SNAPSHOT)
    shop = await session.get(Shop, (first.tenant_id, first.shop_id))
    if task is None or shop is None:
        return None
    return Batch(task, shop, await _with_bindings(session, actions))


async def shop_can_push(session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> bool:
    """False while the batch's shop has no usable authorisation: its actions wait (pending) instead of failing."""
    row = (
        await session.execute(
            select(Connection.health, Shop.archived_at)
            .select_from(PushAction)
            .join(Shop, and_(Shop.tenant_id == PushAction.tenant_id, Shop.id == PushAction.shop_id))
            .outerjoin(Connection, and_(Connection.tenant_id == Shop.tenant_id, Connection.shop_id == Shop.id))
            .where(PushAction.tenant_id == tenant_id, PushAction.batch_id == batch_id)
            .limit(1)
        )
    ).first()
    return row is not None and row.archived_at is None and row.health not in (None, "expired")


async def pending_of(session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> Batch | None:
    """The batch's actions still to send, with their task, shop and bindings (nothing is claimed yet)."""
    rows = await session.execute(
        select(PushAction).where(
            PushAction.tenant_id == tenant_id, PushAction.batch_id == batch_id, PushAction.status == "pending"
        )
    )
    return await _batch_of(session, sorted(rows.scalars(), key=lambda x: x.sku))


async def claim(
    session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID, action_ids: Sequence[uuid.UUID]
) -> Batch | None:
    """pending -> sending for these actions of the batch; only the job whose update wins an action sends it."""
    now = datetime.now(UTC)
    a = PushAction
    claimed = (
        await session.execute(
            update(a)
            .where(a.tenant_id == tenant_id, a.batch_id == batch_id, a.id.in_(list(action_ids)), a.status == "pending")
            .values(status="sending", attempts=a.attempts + 1, sent_at=now, heartbeat_at=now)
            .returning(a)
        )
    ).scalars()
    return await _batch_of(session, sorted(claimed, key=lambda x: x.sku))


async def heartbeat(session: AsyncSession, tenant_id: uuid.UUID, action_ids: Sequence[uuid.UUID]) -> None:
    await session.execute(
        update(PushAction)
        .where(PushAction.tenant_id == tenant_id, PushAction.id.in_(list(action_ids)))
        .values(heartbeat_at=datetime.now(UTC))
    )


async def shop_of_batch(session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> uuid.UUID | None:
    return await session.scalar(
        select(PushAction.shop_id).where(PushAction.tenant_id == tenant_id, PushAction.batch_id == batch_id).limit(1)
    )


async def next_pending_batch(session: AsyncSession, tenant_id: uuid.UUID, shop_id: uuid.UUID) -> uuid.UUID | None:
    """The shop's batch whose pending actions have waited longest (any task)."""
    a = PushAction
    return await session.scalar(
        select(a.batch_id)
        .where(a.tenant_id == tenant_id, a.status == "pending", a.shop_id == shop_id, a.batch_id.is_not(None))
        .order_by(a.heartbeat_at)
        .limit(1)
    )


async def push_later(session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> None:
    """A new job for the batch (a job that drained its shop long enough hands over to it)."""
    await queue.enqueue(
        session, PUSH_JOB, f"push:{batch_id}:later:{uuid.uuid4().hex}", tenant_id=tenant_id, batch_id=str(batch_id)
    )


async def _load(session: AsyncSession, tenant_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PushAction]:
    rows = await session.execute(
        select(PushAction).where(PushAction.tenant_id == tenant_id, PushAction.id.in_(list(ids))).with_for_update()
    )
    return {a.id: a for a in rows.scalars()}


async def settle_push(
    session: AsyncSession,
    batch: Batch,
    results: Sequence[PushResult],
    *,
    deadline: timedelta,
) -> dict[str, int]:
    """Write what the platform answered for a claimed batch, in one transaction with the outcomes' events.
    The read-back of what was accepted is the job's to start (`confirm_later`), once per run of the job."""
    tenant_id, now = batch.task.tenant_id, datetime.now(UTC)
    by_sku = {r.sku: r for r in results}
    current = await _load(session, tenant_id, [c.action.id for c in batch.items])
    outcomes: list[Outcome] = []
    accepted, waiting = [], []
    for claimed in batch.items:
        action = current.get(claimed.action.id)
        if action is None or action.status != "sending":
            continue  # settled by someone else (a reconciler's read-back): never twice
        result = by_sku.get(action.sku)
        if result is None:
            result = PushResult(
                action.sku, False, [Failure("UNKNOWN_PLATFORM_ERROR", "NO_RESULT", "no answer for this item")]
            )
        action.last_trace_id = result.trace_id or action.last_trace_id
        action.heartbeat_at = now
        if result.ok:
            action.status = "awaiting_confirmation"
            action.confirm_deadline = (action.sent_at or now) + deadline
            accepted.append(action)
            if result.platform_ids and claimed.binding is not None:
                await _store_platform_ids(session, claimed.binding, result.platform_ids)
            continue
        if any(f.error_type in AUTH_TYPES for f in result.failures):
            action.status = "pending"  # waits for a working authorisation instead of failing one by one
            waiting.append((action, result))
            continue
        first = result.failures[0] if result.failures else Failure("UNKNOWN_PLATFORM_ERROR", "", "refused")
        action.status, action.finished_at = "failed", now
        action.error_type, action.error_message = first.error_type, first.message[:2000]
        outcomes += [
            _outcome(action, "failed", f, result.trace_id, claimed.binding)
            for f in merged_failures(result.failures or [first])
        ]
    await record_outcomes(session, batch.task, outcomes)
    if waiting:
        await shop_lost_authorisation(session, batch.shop, waiting[0][1].failures[0], waiting[0][1].trace_id)
    await session.flush()
    await finish_if_done(session, batch.task)
    return {"accepted": len(accepted), "failed": len(outcomes), "waiting": len(waiting)}


def merged_failures(failures: Sequence[Failure]) -> list[Failure]:
    """One failure per (type, code): a platform that lists two missing attributes under one code (Amazon's 90220)
    is one event naming both, not two events of which the second would be dropped as a repeat."""
    merged: dict[tuple[str, str], Failure] = {}
    for f in failures:
        key = (f.error_type, f.code)
        seen = merged.get(key)
        if seen is None:
            merged[key] = f
            continue
        message = seen.message if f.message in seen.message else f"{seen.message}; {f.message}"
        fields = [*seen.missing_fields, *(m for m in f.missing_fields if m not in seen.missing_fields)]
        raw = [*(seen.raw if isinstance(seen.raw, list) else [seen.raw]), f.raw]
        merged[key] = replace(seen, message=message, missing_fields=tuple(fields), raw=raw)
    return list(merged.values())


def _outcome(
    action: PushAction, kind: str, failure: Failure, trace_id: str | None, binding: SkuBinding | None
) -> Outcome:
    return Outcome(
        action=action,
        kind=kind,
        error_type=failure.error_type,
        code=failure.code,
        message=failure.message,
        trace_id=trace_id,
        missing_fields=tuple(failure.missing_fields),
        raw=failure.raw,
        severity=failure.severity,
        platform_item_id=binding.platform_item_id if binding else None,
        extra_key=f"{failure.error_type}:{failure.code}"[:80],
    )


async def _store_platform_ids(session: AsyncSession, binding: SkuBinding, ids: dict[str, str]) -> None:
    values = {
        "platform_item_id": ids.get("item_id") or binding.platform_item_id,
        "platform_variant_id": ids.get("variant_id") or binding.platform_variant_id,
    }
    await session.execute(
        update(SkuBinding)
        .where(SkuBinding.tenant_id == binding.tenant_id, SkuBinding.id == binding.id)
        .values(**values)
    )


async def shop_lost_authorisation(session: AsyncSession, shop: Shop, failure: Failure, trace_id: str | None) -> None:
    """The shop's tokens are refused: its connection is marked expired and one AUTH_EXPIRED event is recorded for
    the shop (once per connection state: a new connection or token pair can raise it again)."""
    connection = (
        await session.execute(
            select(Connection)
            .where(Connection.tenant_id == shop.tenant_id, Connection.shop_id == shop.id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    version = connection.updated_at.isoformat() if connection is not None else "none"
    if connection is not None:
        connection.health, connection.last_error = "expired", f"{failure.code}: {failure.message}"[:2000]
        connection.last_checked_at = datetime.now(UTC)
    event = ErrorEventIn(
        idempotency_key=f"shop:{shop.id}:auth:{version}",
        occurred_at=datetime.now(UTC),
        shop_id=shop.id,
        error_type=failure.error_type,
        operation="auth",
        trace_id=trace_id,
        platform_error_code=failure.code[:200],
        platform_error_message=failure.message[:10_000],
    )
    await ingest.ingest_events(session, Principal.system(shop.tenant_id), [event])


# --- confirmation --------------------------------------------------------------------------------------------------


def chain_of(action: PushAction) -> str:
    """Names one chain of read-backs of a batch: a run of the push job (by an action it claimed, at that attempt),
    or a reconciler's restart. Round ids are unique per chain, so a new chain never collides with an old one's ids
    (arq keeps finished jobs' ids for an hour and refuses them)."""
    return f"{action.id}.{action.attempts}"


async def confirm_later(
    session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID, chain: str, *, check_after_seconds: float
) -> None:
    """Read the batch's accepted actions back after `check_after_seconds`."""
    await queue.enqueue(
        session, CONFIRM_JOB, f"confirm:{batch_id}:{chain}:0",
        tenant_id=tenant_id, batch_id=str(batch_id), chain=chain, _defer_by=check_after_seconds,
    )  # fmt: skip


async def to_confirm(session: AsyncSession, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> Batch | None:
    """The batch's actions whose outcome a read-back decides: accepted ones, and uncertain sends."""
    rows = await session.execute(
        select(PushAction).where(
            PushAction.tenant_id == tenant_id,
            PushAction.batch_id == batch_id,
            PushAction.status.in_(("awaiting_confirmation", "sending")),
        )
    )
    return await _batch_of(session, sorted(rows.scalars(), key=lambda x: x.sku))


def visible(action: PushAction, seen: ReadBack) -> bool:
    """Whether the platform's read-back shows the action's value."""
    if not seen.found:
        return False
    value = action.value
    if action.operation == "price":
        return seen.price is not None and seen.price == Decimal(str(value["price"]))
    if action.operation == "stock":
        return seen.quantity is not None and seen.quantity == int(value["quantity"])
    return True  # a listing: found is published (its review state is the catalog sync's business)


async def settle_readbacks(
    session: AsyncSession,
    batch: Batch,
    seen: Sequence[ReadBack],
    *,
    deadline: timedelta,
    check_after_seconds: float,
    round_no: int,
    chain: str = "",
    read_at: datetime | None = None,
) -> dict[str, int]:
    """Applied when visible; a PLATFORM_STATE_DELAYED warning while not yet visible before the deadline (never a
    failure); after it, PRICE_NOT_EFFECTIVE / INVENTORY_SYNC_FAILED with both times. A read-back that failed for
    a transient reason (busy, down, unreadable) decides nothing: it is read again. An uncertain send (still
    `sending`) whose value is missing after the deadline goes back to pending, to be sent again."""
    tenant_id, now = batch.task.tenant_id, datetime.now(UTC)
    # The deadline is judged at the time of the read, not of this settle: reading a batch item by item can take
    # longer than is left before the deadline.
    seen_at = read_at or now
    by_sku = {s.sku: s for s in seen}
    current = await _load(session, tenant_id, [c.action.id for c in batch.items])
    outcomes: list[Outcome] = []
    applied, waiting, resend, gave_up = [], [], [], []
    for claimed in batch.items:
        action = current.get(claimed.action.id)
        if action is None or action.status not in ("awaiting_confirmation", "sending"):
            continue
        readback = by_sku.get(action.sku, ReadBack(action.sku, found=False))
        action.heartbeat_at = now
        action.last_trace_id = readback.trace_id or action.last_trace_id
        sent_at = action.sent_at or now
        due = action.confirm_deadline or sent_at + deadline
        unread = bool(readback.failures) and taxonomy.TRANSIENT.issuperset(f.error_type for f in readback.failures)
        if visible(action, readback):
            action.status, action.finished_at = "applied", now
            applied.append(action)
        elif readback.failures and not readback.found and action.status == "awaiting_confirmation" and not unread:
            failure = readback.failures[0]
            action.status, action.finished_at = "failed", now
            action.error_type, action.error_message = failure.error_type, failure.message[:2000]
            gave_up.append(action)
            outcomes.append(_outcome(action, "readback", failure, readback.trace_id, claimed.binding))
        elif seen_at < due or (unread and seen_at < due + max(due - sent_at, UNREAD_GRACE)):
            # Only a read that worked can show a value missing: an unreadable one is read again (for the deadline
            # again, at least UNREAD_GRACE) before the push is judged (a stale re-send could undo a sale's stock).
            waiting.append(action)
            if action.status == "awaiting_confirmation":
                outcomes.append(_delayed(action, readback, sent_at, due, claimed.binding))
        elif action.status == "sending":
            action.status = "pending"  # it never reached the platform, or the platform lost it: send again
            resend.append(action)
        else:
            error_type = FAILURE_OF_OPERATION[action.operation]
            message = (
                f"accepted by the platform at {sent_at.isoformat()}, still not visible in its read-back at "
                f"{seen_at.isoformat()} (deadline {due.isoformat()})"
            )
            action.status, action.finished_at = "failed", now
            action.error_type, action.error_message = error_type, message
            gave_up.append(action)
            outcomes.append(
                Outcome(action, "deadline", error_type, "NOT_CONFIRMED", message, readback.trace_id,
                        raw=_readback_raw(readback), platform_item_id=_item(claimed.binding))
            )  # fmt: skip
    await record_wait_over(session, batch.task, gave_up, now)
    await record_outcomes(session, batch.task, outcomes)
    await record_applied(session, batch.task, applied, now)
    await _remember_platform_view(session, tenant_id, batch.items, by_sku, seen_at)
    if waiting:
        first = waiting[0]
        chain = chain or str(first.attempts)
        await queue.enqueue(
            session, CONFIRM_JOB, f"confirm:{first.batch_id}:{chain}:{round_no + 1}",
            tenant_id=tenant_id, batch_id=str(first.batch_id), round_no=round_no + 1, chain=chain,
            _defer_by=check_after_seconds,
        )  # fmt: skip
    if resend:
        await queue.enqueue(
            session, PUSH_JOB, f"push:{resend[0].batch_id}:resend:{chain_of(resend[0])}",
            tenant_id=tenant_id, batch_id=str(resend[0].batch_id),
        )  # fmt: skip
    await session.flush()
    await finish_if_done(session, batch.task)
    return {
        "applied": len(applied),
        "waiting": len(waiting),
        "failed": len(outcomes) - len(waiting),
        "resend": len(resend),
    }


# Rows another transaction holds are skipped, not waited for: this is a view of the platform, and the holder
# writes a view as fresh; waiting could deadlock two settles of one shop's price and stock batches.
_REMEMBER_PLATFORM_VIEW = text("""
    WITH r AS (
        SELECT * FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(id uuid, status text, price numeric, quantity int)
    ), free AS (
        SELECT b.id FROM sku_bindings b JOIN r ON r.id = b.id
        WHERE b.tenant_id = CAST(:tenant_id AS uuid) AND (b.platform_seen_at IS NULL OR b.platform_seen_at < :seen_at)
        FOR UPDATE OF b SKIP LOCKED
    )
    UPDATE sku_bindings AS b
    SET platform_status = COALESCE(r.status, b.platform_status),
        platform_price = COALESCE(r.price, b.platform_price),
        platform_quantity = COALESCE(r.quantity, b.platform_quantity),
        platform_seen_at = :seen_at
    FROM r JOIN free ON free.id = r.id
    WHERE b.tenant_id = CAST(:tenant_id AS uuid) AND b.id = r.id
""")


async def _remember_platform_view(
    session: AsyncSession, tenant_id: uuid.UUID, items: Sequence[Claimed], by_sku: dict[str, ReadBack], at: datetime
) -> None:
    """What the read-back saw of each listing stays on its binding (the SKU page shows each shop's platform value);
    a field the platform did not return keeps what was known. One statement per batch."""
    rows = [
        {"id": str(c.binding.id), "status": (r.status or "")[:64] or None,
         "price": None if r.price is None else str(r.price), "quantity": r.quantity}
        for c in items
        if c.binding is not None and (r := by_sku.get(c.action.sku)) is not None and r.found and not r.failures
    ]  # fmt: skip
    if rows:
        params = {"tenant_id": str(tenant_id), "seen_at": at, "rows": orjson.dumps(rows).decode()}
        await session.execute(_REMEMBER_PLATFORM_VIEW, params)


def _item(binding: SkuBinding | None) -> str | None:
    return binding.platform_item_id if binding else None


def _readback_raw(readback: ReadBack) -> dict[str, Any]:
    return {
        "found": readback.found, "status": readback.status,
        "price": None if readback.price is None else str(readback.price),
        "sale_price": None if readback.sale_price is None else str(readback.sale_price),
        "quantity": readback.quantity,
    }  # fmt: skip


def _delayed(
    action: PushAction, readback: ReadBack, sent_at: datetime, due: datetime, binding: SkuBinding | None
) -> Outcome:
    """One warning per accepted send (its key names the attempt): 'waiting for the platform to confirm'."""
    return Outcome(
        action, "delayed", "PLATFORM_STATE_DELAYED", "AWAITING_CONFIRMATION",
        f"pushed at {sent_at.isoformat()}; waiting for the platform to confirm (deadline {due.isoformat()})",
        readback.trace_id, raw=_readback_raw(readback), platform_item_id=_item(binding),
    )  # fmt: skip
