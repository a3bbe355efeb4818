from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.audit import queries
from api.audit.schemas import ActorKind, AuditLogPage
from api.deps import AdminDep, SessionDep
from api.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1", tags=["audit"], responses=PROBLEM_RESPONSES)


@router.get("/audit-log", response_model=AuditLogPage, operation_id="audit-log-list")
async def list_audit_log(
    session: SessionDep,
    principal: AdminDep,
    action: Annotated[list[str] | None, Query(max_length=64, description="e.g. shop.update; repeatable")] = None,
    object_type: Annotated[str | None, Query(max_length=32)] = None,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    actor_kind: ActorKind | None = None,
    since: Annotated[datetime | None, Query(description="RFC 3339; entries at or after")] = None,
    until: Annotated[datetime | None, Query(description="RFC 3339; entries before")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> AuditLogPage:
    """Who (user, API key or system) changed what, newest first. Admins only."""
    f = queries.AuditFilter(action or [], object_type, object_id, actor_kind, since, until)
    return await queries.list_entries(session, principal, f, limit, cursor)
