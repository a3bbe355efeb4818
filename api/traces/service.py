"""Traces, the system log: writing recorded platform exchanges (redacted again) and reading them back."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from api import problems
from api.errors.models import ErrorEvent
from api.pagination import decode_cursor, encode_cursor, invalid_cursor
from api.principal import Principal
from api.shops.models import Shop
from api.strategies.models import Strategy
from api.traces.models import Trace
from api.traces.redaction import redact_headers, redact_text, redact_url, scrub
from api.traces.schemas import (
    TraceAttemptOut,
    TraceEventOut,
    TraceFilter,
    TraceList,
    TraceOut,
    TraceSummary,
    TraceVerdictOut,
)
from api.traces.verdict import verdict_of

if TYPE_CHECKING:
    from api.traces.records import TraceExchange

DEFAULT_WINDOW = timedelta(hours=24)

# The list never loads bodies or headers: they can be large, and the list shows summaries.
_SUMMARY_COLUMNS = (
    Trace.id,
    Trace.trace_id,
    Trace.attempt,
    Trace.started_at,
    Trace.duration_ms,
    Trace.platform,
    Trace.operation,
    Trace.outcome,
    Trace.method,
    Trace.url,
    Trace.response_status,
    Trace.transport_error,
    Trace.task_id,
    Trace.strategy_id,
    Trace.shop_id,
)


# The list reads a 2xx answer's body only to tell the platform's verdict; a body longer than this cap (a large
# read-back, never a refusal) is not worth carrying and reads as "ok", which its status already says.
_VERDICT_BODY_LIMIT = 64 * 1024
_NAMED = {"shop_name", "strategy_name", "verdict"}
_Out = TypeVar("_Out", bound=BaseModel)


def readable(principal: Principal) -> Select[Trace]:
    return select(Trace).where(Trace.tenant_id == principal.tenant_id)


# -----------------------------------------------------------------------------------------------------------
# Writing


def outcome_of(status: int | None, transport_error: str | None) -> str:
    if transport_error is not None or status is None:
        return "transport_error"
    return "ok" if 200 <= status < 300 else "error"


def _shop_uuid(shop_id: str) -> uuid.UUID | None:
    # Workers pass our shop ids; anything else (a test double's "shop-1") is stored without a shop.
    try:
        return uuid.UUID(shop_id)
    except ValueError:
        return None


def _redacted_headers(headers: Mapping[str, str], secrets: Sequence[str]) -> dict[str, str]:
    return {name: scrub(value, secrets) for name, value in redact_headers(headers).items()}


def _row(
    tenant_id: uuid.UUID,
    exchange: TraceExchange,
    task_id: uuid.UUID | None,
    strategy_id: uuid.UUID | None,
    secrets: Sequence[str],
) -> dict[str, Any]:
    transport_error = exchange.transport_error
    return {
        "tenant_id": tenant_id,
        "trace_id": exchange.trace_id,
        "attempt": exchange.attempt,
        "task_id": task_id,
        "strategy_id": strategy_id,
        "shop_id": _shop_uuid(exchange.shop_id),
        "platform": str(exchange.platform),
        "operation": str(exchange.operation),
        "outcome": outcome_of(exchange.response_status, transport_error),
        "method": exchange.method.upper(),
        "url": scrub(redact_url(exchange.url), secrets),
        "request_headers": _redacted_headers(exchange.request_headers, secrets),
        "request_body": redact_text(exchange.request_body, secrets),
        "response_status": exchange.response_status,
        "response_headers": _redacted_headers(exchange.response_headers, secrets),
        "response_body": redact_text(exchange.response_body, secrets),
        "transport_error": scrub(transport_error, secrets) if transport_error is not None else None,
        "duration_ms": max(0, exchange.duration_ms),
        "started_at": exchange.started_at,
    }


async def record_exchanges(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    exchanges: Sequence[TraceExchange],
    *,
    task_id: uuid.UUID | None = None,
    strategy_id: uuid.UUID | None = None,
    secrets: Iterable[str] = (),
) -> None:
    """Store a batch of exchanges in one INSERT, redacting them again so that no secret is ever stored, even
    when the caller forgot. `secrets` are known secret values (the connection's tokens and app keys) to scrub
    from free text. Writing the same (trace_id, attempt) twice is a no-op, so a retried flush stores it once."""
    if not exchanges:
        return
    known = [s for s in secrets if s]
    rows = [_row(tenant_id, e, task_id, strategy_id, known) for e in exchanges]
    statement = insert(Trace).on_conflict_do_nothing(index_elements=["tenant_id", "trace_id", "attempt"])
    await session.execute(statement, rows)


# -----------------------------------------------------------------------------------------------------------
# Reading


def _out(model: type[_Out], trace: Trace, shop: str | None, strategy: str | None, response_body: str) -> _Out:
    verdict = verdict_of(trace.platform, trace.response_status, trace.transport_error, response_body)
    fields = {name: getattr(trace, name) for name in model.model_fields if name not in _NAMED}
    return model.model_validate(
        {
            **fields,
            "shop_name": shop,
            "strategy_name": strategy,
            "verdict": TraceVerdictOut.model_validate(verdict, from_attributes=True),
        }
    )


def _with_names(statement: Select[Trace]) -> Select[Trace, str | None, str | None]:
    return (
        statement.add_columns(Shop.name, Strategy.name)
        .outerjoin(Shop, and_(Shop.tenant_id == Trace.tenant_id, Shop.id == Trace.shop_id))
        .outerjoin(Strategy, and_(Strategy.tenant_id == Trace.tenant_id, Strategy.id == Trace.strategy_id))
    )


async def get_trace(session: AsyncSession, principal: Principal, trace_id: str) -> TraceOut:
    attempts = (
        await session.execute(
            _with_names(readable(principal).where(Trace.trace_id == trace_id)).order_by(Trace.attempt)
        )
    ).all()
    if not attempts:
        raise problems.NotFound("trace not found")
    # Error events belong to the errors domain; scoped to the tenant here the same way.
    events = (
        (
            await session.execute(
                select(ErrorEvent)
                .where(ErrorEvent.tenant_id == principal.tenant_id, ErrorEvent.trace_id == trace_id)
                .order_by(ErrorEvent.occurred_at, ErrorEvent.id)
            )
        )
        .scalars()
        .all()
    )
    return TraceOut(
        trace_id=trace_id,
        attempts=[
            _out(TraceAttemptOut, trace, shop, strategy, trace.response_body) for trace, shop, strategy in attempts
        ],
        events=[TraceEventOut.model_validate(event) for event in events],
    )


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    value = decode_cursor(cursor)
    try:
        started_at, row_id = value
        when = datetime.fromisoformat(started_at)
    except (TypeError, ValueError) as exc:
        raise invalid_cursor() from exc
    if when.tzinfo is None or not isinstance(row_id, int) or isinstance(row_id, bool):
        raise invalid_cursor()
    return when, row_id


async def list_traces(
    session: AsyncSession, principal: Principal, f: TraceFilter, *, now: datetime | None = None
) -> TraceList:
    """Attempts newest first, keyset-paginated on (started_at, id): rows written after the first page never
    shift or repeat the later pages."""
    until = f.until or now or datetime.now(UTC)
    since = f.since or until - DEFAULT_WINDOW
    statement = readable(principal).where(Trace.started_at >= since, Trace.started_at < until)
    for column, value in (
        (Trace.task_id, f.task_id),
        (Trace.shop_id, f.shop_id),
        (Trace.platform, f.platform),
        (Trace.operation, f.operation),
        (Trace.outcome, f.outcome),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if f.cursor:
        after_started_at, after_id = _decode_cursor(f.cursor)
        # The plain `<=` bound lets the (tenant_id, started_at) index start at the cursor instead of filtering
        # every newer row of the window; the OR breaks ties between equal timestamps by id.
        statement = statement.where(
            Trace.started_at <= after_started_at,
            or_(Trace.started_at < after_started_at, and_(Trace.started_at == after_started_at, Trace.id < after_id)),
        )
    verdict_body = case((Trace.outcome == "ok", func.left(Trace.response_body, _VERDICT_BODY_LIMIT)), else_="")
    paged = (
        _with_names(statement)
        .add_columns(verdict_body)
        .options(load_only(*_SUMMARY_COLUMNS, raiseload=True))
        .order_by(Trace.started_at.desc(), Trace.id.desc())
        .limit(f.limit + 1)
    )
    rows = (await session.execute(paged)).all()
    page = rows[: f.limit]
    items = [_out(TraceSummary, trace, shop, strategy, body) for trace, shop, strategy, body in page]
    next_cursor = encode_cursor([page[-1][0].started_at.isoformat(), page[-1][0].id]) if len(rows) > f.limit else None
    return TraceList(items=items, next_cursor=next_cursor)
