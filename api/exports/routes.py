from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from api.deps import ExportsRead, SessionDep
from api.errors.filters import ErrorFilter, error_filter_query
from api.exports import service
from api.problems import PROBLEM_RESPONSES, problem_answer, wants_english

router = APIRouter(prefix="/v1/exports", tags=["exports"], responses=PROBLEM_RESPONSES)

_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "UTF-8 CSV with a byte-order mark; one header row of English snake_case column names",
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "headers": {"Content-Disposition": {"schema": {"type": "string"}, "description": "the dated file name"}},
    }
}


@router.get(
    "/errors.csv",
    operation_id="exports-errors-csv",
    response_class=StreamingResponse,
    responses=_CSV_RESPONSE | problem_answer(404, "No such saved view visible to the caller (view_id)"),
)
async def export_errors_csv(
    request: Request,
    session: SessionDep,
    principal: ExportsRead,
    f: Annotated[ErrorFilter, Depends(error_filter_query)],
    view_id: uuid.UUID | None = None,
    level: Annotated[service.Level, Query(description="one row per error group, or per event")] = "group",
) -> StreamingResponse:
    """The board's rows as CSV, for spreadsheets and CI scripts: the same filters (and saved view) as the list.
    Times are RFC 3339 in the tenant's time zone; texts in the asked language (Accept-Language; zh-CN default)."""
    language = "en" if wants_english(request) else "zh-CN"
    export = await service.errors_csv(session, principal, f, view_id, level, language)
    return StreamingResponse(
        export.chunks(request.app.state.sessionmaker, request.app.state.settings.db_export_statement_timeout_ms),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )
