from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import ErrorsRead, ErrorsWrite, SessionDep
from api.errors import ingest, queries, service, taxonomy, views
from api.errors.filters import ErrorFilter, SortName, error_filter_query
from api.errors.schemas import (
    ArchiveIn,
    AssignIn,
    BulkAssignIn,
    BulkHandleIn,
    BulkResult,
    BulkSnoozeIn,
    ErrorEventBatch,
    ErrorEventList,
    ErrorFacets,
    ErrorGroupDetail,
    ErrorGroupList,
    ErrorGroupOut,
    ErrorTypeList,
    ErrorTypeOut,
    HandleIn,
    IngestResult,
    PinnedNoteIn,
    SnoozeIn,
    SuccessIn,
    ViewCreate,
    ViewList,
    ViewOut,
    ViewUpdate,
)
from api.pagination import MAX_LIMIT, CursorParam
from api.principal import Principal
from api.problems import PROBLEM_RESPONSES, problem_answer, wants_english

router = APIRouter(prefix="/v1", tags=["errors"], responses=PROBLEM_RESPONSES)

FilterDep = Annotated[ErrorFilter, Depends(error_filter_query)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]

_NO_VIEW = problem_answer(404, "No such saved view visible to the caller (view_id)")
_NO_GROUP = problem_answer(404, "No such error group in this tenant")
_WRONG_STATE = problem_answer(409, "The group's status does not allow this, e.g. it is already handled")


def _language(request: Request) -> str:
    return "en" if wants_english(request) else "zh-CN"


@router.get("/error-types", response_model=ErrorTypeList, operation_id="error-types-list")
async def list_error_types(request: Request, _: ErrorsRead) -> ErrorTypeList:
    """The error taxonomy, titles and suggestions in the asked language (Accept-Language; zh-CN by default)."""
    language = _language(request)
    return ErrorTypeList(
        items=[
            ErrorTypeOut(
                code=info.code.value,
                severity=info.severity.value,
                title=info.title(language),
                suggestion=info.suggestion(language),
                doc_url_template=info.doc_url_template,
                sla_paused=info.code in taxonomy.SLA_PAUSED,
            )
            for info in taxonomy.TAXONOMY.values()
        ]
    )


# --- ingest ---------------------------------------------------------------------------------------------------------


@router.post("/error-events", response_model=IngestResult, operation_id="error-events-ingest")
async def ingest_events(body: ErrorEventBatch, principal: ErrorsWrite, session: SessionDep) -> IngestResult:
    """Record up to 1,000 events. A repeated idempotency_key is a no-op answering the first result; an unknown
    shop or strategy, or a time in the future, refuses the whole request (nothing written)."""
    return await ingest.ingest_events(session, principal, body.events)


@router.post("/push-successes", response_model=BulkResult, operation_id="push-successes-record")
async def record_success(body: SuccessIn, principal: ErrorsWrite, session: SessionDep) -> BulkResult:
    """A push of this SKU and operation succeeded: its older open groups are handled by the system."""
    resolved = await ingest.record_success(
        session, principal, body.shop_id, [body.sku], body.operation, body.occurred_at
    )
    return BulkResult(affected=len(resolved))


# --- board ----------------------------------------------------------------------------------------------------------


@router.get("/errors", response_model=ErrorGroupList, operation_id="errors-list", responses=_NO_VIEW)
async def list_errors(
    request: Request,
    principal: ErrorsRead,
    session: SessionDep,
    f: FilterDep,
    view_id: uuid.UUID | None = None,
    sort: SortName = "last_seen",
    limit: Limit = 50,
    cursor: CursorParam = None,
) -> ErrorGroupList:
    """Error groups, newest first by default; every filter repeatable; the default window is the last 7 days."""
    resolved = await views.resolve_filter(session, principal, f, view_id)
    items, next_cursor = await queries.list_groups(
        session, principal, resolved, sort=sort, limit=limit, cursor=cursor, language=_language(request)
    )
    return ErrorGroupList(items=items, next_cursor=next_cursor)


@router.get("/errors/facets", response_model=ErrorFacets, operation_id="errors-facets", responses=_NO_VIEW)
async def error_facets(
    request: Request, principal: ErrorsRead, session: SessionDep, f: FilterDep, view_id: uuid.UUID | None = None
) -> ErrorFacets:
    resolved = await views.resolve_filter(session, principal, f, view_id)
    return await queries.facets(session, principal, resolved, _language(request))


@router.post("/errors/handle", response_model=BulkResult, operation_id="errors-handle-many", responses=_NO_VIEW)
async def handle_many(body: BulkHandleIn, principal: ErrorsWrite, session: SessionDep) -> BulkResult:
    """Mark many open groups handled: listed ids, or everything matching a filter."""
    return BulkResult(affected=await service.handle_many(session, principal, body, body.resolution, body.note))


@router.put("/errors/assignee", response_model=BulkResult, operation_id="errors-assign-many", responses=_NO_VIEW)
async def assign_many(body: BulkAssignIn, principal: ErrorsWrite, session: SessionDep) -> BulkResult:
    return BulkResult(affected=await service.assign_many(session, principal, body, body.assignee_id))


@router.post("/errors/snooze", response_model=BulkResult, operation_id="errors-snooze-many", responses=_NO_VIEW)
async def snooze_many(body: BulkSnoozeIn, principal: ErrorsWrite, session: SessionDep) -> BulkResult:
    return BulkResult(affected=await service.snooze_many(session, principal, body, body.until, body.events))


@router.post("/errors/archive", response_model=BulkResult, operation_id="errors-archive")
async def archive(body: ArchiveIn, principal: ErrorsWrite, session: SessionDep) -> BulkResult:
    """Archive the groups handled before a time: they leave the board and the trend."""
    return BulkResult(affected=await service.archive_handled(session, principal, body.handled_before))


@router.get("/errors/{group_id}", response_model=ErrorGroupDetail, operation_id="errors-get", responses=_NO_GROUP)
async def get_error(
    group_id: uuid.UUID, request: Request, principal: ErrorsRead, session: SessionDep
) -> ErrorGroupDetail:
    return await queries.group_detail(session, principal, group_id, _language(request))


@router.get(
    "/errors/{group_id}/events", response_model=ErrorEventList, operation_id="errors-events", responses=_NO_GROUP
)
async def list_error_events(
    group_id: uuid.UUID, principal: ErrorsRead, session: SessionDep, limit: Limit = 50, cursor: CursorParam = None
) -> ErrorEventList:
    items, next_cursor = await queries.list_events(session, principal, group_id, limit=limit, cursor=cursor)
    return ErrorEventList(items=items, next_cursor=next_cursor)


async def _one(session: AsyncSession, principal: Principal, request: Request, group_id: uuid.UUID) -> ErrorGroupOut:
    """The group as it is after an action, for the answer."""
    return await queries.group_detail(session, principal, group_id, _language(request))


@router.post(
    "/errors/{group_id}/handle",
    response_model=ErrorGroupOut,
    operation_id="errors-handle",
    responses=_NO_GROUP | _WRONG_STATE,
)
async def handle(
    group_id: uuid.UUID, body: HandleIn, request: Request, principal: ErrorsWrite, session: SessionDep
) -> ErrorGroupOut:
    await service.handle(session, principal, group_id, body.resolution, body.note)
    return await _one(session, principal, request, group_id)


@router.post(
    "/errors/{group_id}/reopen",
    response_model=ErrorGroupOut,
    operation_id="errors-reopen",
    responses=_NO_GROUP | _WRONG_STATE,
)
async def reopen(group_id: uuid.UUID, request: Request, principal: ErrorsWrite, session: SessionDep) -> ErrorGroupOut:
    await service.reopen(session, principal, group_id)
    return await _one(session, principal, request, group_id)


@router.put(
    "/errors/{group_id}/assignee", response_model=ErrorGroupOut, operation_id="errors-assign", responses=_NO_GROUP
)
async def assign(
    group_id: uuid.UUID, body: AssignIn, request: Request, principal: ErrorsWrite, session: SessionDep
) -> ErrorGroupOut:
    await service.assign(session, principal, group_id, body.assignee_id)
    return await _one(session, principal, request, group_id)


@router.post(
    "/errors/{group_id}/snooze",
    response_model=ErrorGroupOut,
    operation_id="errors-snooze",
    responses=_NO_GROUP | _WRONG_STATE,
)
async def snooze(
    group_id: uuid.UUID, body: SnoozeIn, request: Request, principal: ErrorsWrite, session: SessionDep
) -> ErrorGroupOut:
    await service.snooze(session, principal, group_id, body.until, body.events)
    return await _one(session, principal, request, group_id)


@router.delete(
    "/errors/{group_id}/snooze", response_model=ErrorGroupOut, operation_id="errors-unsnooze", responses=_NO_GROUP
)
async def unsnooze(group_id: uuid.UUID, request: Request, principal: ErrorsWrite, session: SessionDep) -> ErrorGroupOut:
    await service.unsnooze(session, principal, group_id)
    return await _one(session, principal, request, group_id)


@router.put(
    "/errors/{group_id}/pinned-note", response_model=ErrorGroupOut, operation_id="errors-pin-note", responses=_NO_GROUP
)
async def pin_note(
    group_id: uuid.UUID, body: PinnedNoteIn, request: Request, principal: ErrorsWrite, session: SessionDep
) -> ErrorGroupOut:
    await service.pin_note(session, principal, group_id, body.note)
    return await _one(session, principal, request, group_id)


# --- saved views ----------------------------------------------------------------------------------------------------


@router.get("/views", response_model=ViewList, operation_id="views-list")
async def list_views(principal: ErrorsRead, session: SessionDep) -> ViewList:
    return ViewList(items=await views.list_views(session, principal))


@router.post("/views", response_model=ViewOut, status_code=status.HTTP_201_CREATED, operation_id="views-create")
async def create_view(body: ViewCreate, principal: ErrorsWrite, session: SessionDep) -> ViewOut:
    return await views.create_view(session, principal, body)


@router.patch("/views/{view_id}", response_model=ViewOut, operation_id="views-update", responses=_NO_VIEW)
async def update_view(view_id: uuid.UUID, body: ViewUpdate, principal: ErrorsWrite, session: SessionDep) -> ViewOut:
    return await views.update_view(session, principal, view_id, body)


@router.delete(
    "/views/{view_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="views-delete", responses=_NO_VIEW
)
async def delete_view(view_id: uuid.UUID, principal: ErrorsWrite, session: SessionDep) -> None:
    await views.delete_view(session, principal, view_id)
