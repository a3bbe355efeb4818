from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import StringConstraints

from api.audit import queries
from api.audit.schemas import ActorKind, AuditLogPage
from api.deps import AdminDep, SessionDep
from api.pagination import MAX_LIMIT, CursorParam
from api.problems import PROBLEM_RESPONSES
from api.validation import Text, UtcDateTime

router = APIRouter(prefix="/v1", tags=["audit"], responses=PROBLEM_RESPONSES)

# Audit actions are dotted names (shop.update, error_group.auto_resolved): a filter that is not one can never match,
# so it is a 422 (a typo), not an empty page.
AuditAction = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=100)]


@router.get("/audit-log", response_model=AuditLogPage, operation_id="audit-log-list")
async def list_audit_log(
    session: SessionDep,
    principal: AdminDep,
    action: Annotated[
        list[AuditAction] | None, Query(max_length=64, description="e.g. shop.update; repeatable")
    ] = None,
    object_type: Annotated[Text | None, Query(max_length=32)] = None,
    object_id: Annotated[Text | None, Query(max_length=64)] = None,
    actor_kind: ActorKind | None = None,
    since: Annotated[UtcDateTime | None, Query(description="RFC 3339; entries at or after")] = None,
    until: Annotated[UtcDateTime | None, Query(description="RFC 3339; entries before")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: CursorParam = None,
) -> AuditLogPage:
    """Who (user, API key or system) changed what, newest first. Admins only."""
    f = queries.AuditFilter(action or [], object_type, object_id, actor_kind, since, until)
    return await queries.list_entries(session, principal, f, limit, cursor)
