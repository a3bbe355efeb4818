"""Acting on error groups: handle, reopen, assign, snooze, pin a note, archive. Each writes an audit entry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.auth.models import User
from api.errors.filters import ErrorFilter, group_conditions
from api.errors.models import ErrorGroup
from api.errors.queries import get_group
from api.errors.schemas import Selection
from api.errors.views import resolve_filter
from api.principal import Principal

MAX_BULK = 50_000  # groups one filter-wide action may touch


async def _selected_ids(
    session: AsyncSession, principal: Principal, selection: Selection, *, status: str | None = None
) -> list[uuid.UUID]:
    g = ErrorGroup
    if selection.ids is not None:
        stmt = select(g.id).where(g.tenant_id == principal.tenant_id, g.id.in_(selection.ids))
    else:
        f = await resolve_filter(session, principal, selection.filter or ErrorFilter(), selection.view_id)
        stmt = select(g.id).where(*group_conditions(principal, f))
    if status is not None:
        stmt = stmt.where(g.status == status)
    ids = list((await session.execute(stmt.limit(MAX_BULK + 1))).scalars())
    if len(ids) > MAX_BULK:
        raise problems.Invalid(f"this would touch more than {MAX_BULK} groups; narrow the filter")
    return ids


async def _apply(
    session: AsyncSession,
    principal: Principal,
    ids: list[uuid.UUID],
    action: str,
    values: dict[str, Any],
    *,
    before: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> int:
    """One UPDATE for all ids, and one audit entry per group."""
    if not ids:
        return 0
    g = ErrorGroup
    result = await session.execute(
        update(g).where(g.tenant_id == principal.tenant_id, g.id.in_(ids)).values(**values).returning(g.id)
    )
    changed = list(result.scalars())
    after = {k: (v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, uuid.UUID) else v)
             for k, v in values.items()}  # fmt: skip
    await audit.record_many(
        session, principal, f"error_group.{action}", "error_group", changed, before=before, after=after, payload=payload
    )
    return len(changed)


def _handled_values(principal: Principal, resolution: str, note: str) -> dict[str, Any]:
    return {
        "status": "handled",
        "handled_at": datetime.now(UTC),
        "handled_by": principal.actor,
        "resolution": resolution,
        "handled_note": note or None,
        "snoozed_until": None,
        "snoozed_until_count": None,
    }


async def handle(
    session: AsyncSession, principal: Principal, group_id: uuid.UUID, resolution: str, note: str
) -> ErrorGroup:
    group = await get_group(session, principal, group_id)
    if group.status != "open":
        raise problems.Conflict(f"this group is already {group.status}")
    await _apply(session, principal, [group.id], "handled", _handled_values(principal, resolution, note))
    return group


async def handle_many(
    session: AsyncSession, principal: Principal, selection: Selection, resolution: str, note: str
) -> int:
    ids = await _selected_ids(session, principal, selection, status="open")
    return await _apply(session, principal, ids, "handled", _handled_values(principal, resolution, note))


async def reopen(session: AsyncSession, principal: Principal, group_id: uuid.UUID) -> ErrorGroup:
    group = await get_group(session, principal, group_id)
    if group.status == "open":
        raise problems.Conflict("this group is already open")
    await _apply(
        session, principal, [group.id], "reopened",
        {"status": "open", "handled_at": None, "handled_by": None, "resolution": None, "handled_note": None},
        before={"status": group.status, "resolution": group.resolution},
    )  # fmt: skip
    return group


async def _check_assignee(session: AsyncSession, principal: Principal, assignee_id: uuid.UUID | None) -> None:
    if assignee_id is None:
        return
    found = await session.scalar(
        select(User.id).where(User.tenant_id == principal.tenant_id, User.id == assignee_id, User.is_active)
    )
    if found is None:
        raise problems.Invalid("assignee_id is not a user of this tenant")


async def assign(
    session: AsyncSession, principal: Principal, group_id: uuid.UUID, assignee_id: uuid.UUID | None
) -> None:
    group = await get_group(session, principal, group_id)
    await _check_assignee(session, principal, assignee_id)
    await _apply(
        session, principal, [group.id], "assigned", {"assignee_id": assignee_id},
        before={"assignee_id": str(group.assignee_id) if group.assignee_id else None},
    )  # fmt: skip


async def assign_many(
    session: AsyncSession, principal: Principal, selection: Selection, assignee_id: uuid.UUID | None
) -> int:
    await _check_assignee(session, principal, assignee_id)
    ids = await _selected_ids(session, principal, selection)
    return await _apply(session, principal, ids, "assigned", {"assignee_id": assignee_id})


def _snooze_values(group_count: int | None, until: datetime | None, events: int | None) -> dict[str, Any]:
    if until is not None:
        if until <= datetime.now(UTC):
            raise problems.Invalid("until must be in the future")
        return {"snoozed_until": until, "snoozed_until_count": None}
    return {"snoozed_until": None, "snoozed_until_count": (group_count or 0) + (events or 0)}


async def snooze(
    session: AsyncSession, principal: Principal, group_id: uuid.UUID, until: datetime | None, events: int | None
) -> None:
    group = await get_group(session, principal, group_id)
    if group.status != "open":
        raise problems.Conflict(f"only open groups can be snoozed; this one is {group.status}")
    await _apply(session, principal, [group.id], "snoozed", _snooze_values(group.count, until, events))


async def snooze_many(
    session: AsyncSession, principal: Principal, selection: Selection, until: datetime | None, events: int | None
) -> int:
    ids = await _selected_ids(session, principal, selection, status="open")
    if until is not None:
        return await _apply(session, principal, ids, "snoozed", _snooze_values(None, until, None))
    # "N more events" is relative to each group's own count.
    g = ErrorGroup
    counts = dict(
        (await session.execute(select(g.id, g.count).where(g.tenant_id == principal.tenant_id, g.id.in_(ids)))).all()
    )
    affected = 0
    for group_id, count in counts.items():
        affected += await _apply(session, principal, [group_id], "snoozed", _snooze_values(count, None, events))
    return affected


async def unsnooze(session: AsyncSession, principal: Principal, group_id: uuid.UUID) -> None:
    group = await get_group(session, principal, group_id)
    await _apply(session, principal, [group.id], "unsnoozed", {"snoozed_until": None, "snoozed_until_count": None})


async def pin_note(session: AsyncSession, principal: Principal, group_id: uuid.UUID, note: str | None) -> None:
    group = await get_group(session, principal, group_id)
    await _apply(
        session, principal, [group.id], "note_pinned" if note else "note_unpinned", {"pinned_note": note or None},
        before={"pinned_note": group.pinned_note},
    )  # fmt: skip


async def archive_handled(session: AsyncSession, principal: Principal, handled_before: datetime) -> int:
    """Archive handled groups closed before a time: they leave the board and the trend."""
    g = ErrorGroup
    ids = list(
        (
            await session.execute(
                select(g.id).where(
                    g.tenant_id == principal.tenant_id, g.status == "handled", g.handled_at < handled_before
                )
            )
        ).scalars()
    )
    return await _apply(
        session, principal, ids, "archived", {"status": "archived"},
        payload={"handled_before": handled_before.isoformat()},
    )  # fmt: skip
