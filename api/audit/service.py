"""The one way to write an audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEntry
from api.principal import Principal


async def record(
    session: AsyncSession,
    principal: Principal,
    action: str,
    object_type: str,
    object_id: object,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    await record_many(
        session, principal, action, object_type, [object_id],
        before=before, after=after, payload=payload, request_id=request_id,
    )  # fmt: skip


async def record_many(
    session: AsyncSession,
    principal: Principal,
    action: str,
    object_type: str,
    object_ids: Iterable[object],
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    """The same change applied to many objects (a bulk action): one entry per object."""
    session.add_all(
        AuditEntry(
            tenant_id=principal.tenant_id,
            actor_kind=principal.kind,
            actor_id=str(principal.id) if principal.id else None,
            actor_label=principal.label,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=before,
            after=after,
            payload=payload,
            request_id=request_id,
        )
        for object_id in object_ids
    )
