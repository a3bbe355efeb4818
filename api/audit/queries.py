"""Reading the audit log: newest first, keyset-paginated on (occurred_at, id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit.models import AuditEntry
from api.audit.schemas import Actor, ActorKind, AuditEntryOut, AuditLogPage
from api.pagination import decode_cursor, encode_cursor, invalid_cursor
from api.principal import Principal
from api.timewindow import check_window


@dataclass(frozen=True)
class AuditFilter:
    action: list[str]
    object_type: str | None = None
    object_id: str | None = None
    actor_kind: ActorKind | None = None
    since: datetime | None = None
    until: datetime | None = None


async def list_entries(
    session: AsyncSession, principal: Principal, f: AuditFilter, limit: int, cursor: str | None
) -> AuditLogPage:
    try:
        check_window(f.since, f.until)
    except ValueError as exc:
        raise problems.Invalid(str(exc)) from exc
    a = AuditEntry
    statement = select(a).where(a.tenant_id == principal.tenant_id)
    if f.action:
        statement = statement.where(a.action.in_(f.action))
    if f.object_type:
        statement = statement.where(a.object_type == f.object_type)
    if f.object_id:
        statement = statement.where(a.object_id == f.object_id)
    if f.actor_kind:
        statement = statement.where(a.actor_kind == f.actor_kind)
    if f.since:
        statement = statement.where(a.occurred_at >= f.since)
    if f.until:
        statement = statement.where(a.occurred_at < f.until)
    if cursor:
        after_at, after_id = _position(cursor)
        statement = statement.where(tuple_(a.occurred_at, a.id) < tuple_(after_at, after_id))
    statement = statement.order_by(a.occurred_at.desc(), a.id.desc()).limit(limit + 1)
    entries = list((await session.execute(statement)).scalars())
    more = len(entries) > limit
    entries = entries[:limit]
    next_cursor = encode_cursor([entries[-1].occurred_at.isoformat(), entries[-1].id]) if more else None
    return AuditLogPage(items=[_out(e) for e in entries], next_cursor=next_cursor)


def _position(cursor: str) -> tuple[datetime, int]:
    value = decode_cursor(cursor)
    try:
        occurred_at, entry_id = value
        position = datetime.fromisoformat(occurred_at), int(entry_id)
    except (TypeError, ValueError) as exc:
        raise invalid_cursor() from exc
    if position[0].tzinfo is None:
        raise invalid_cursor()
    return position


def _out(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        id=entry.id,
        occurred_at=entry.occurred_at,
        actor=Actor(kind=entry.actor_kind, id=entry.actor_id, label=entry.actor_label),
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        before=entry.before,
        after=entry.after,
        payload=entry.payload,
        request_id=entry.request_id,
    )
