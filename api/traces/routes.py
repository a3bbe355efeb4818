from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import ErrorsRead, SessionDep
from api.problems import PROBLEM_JSON, PROBLEM_RESPONSES, Problem
from api.traces import service
from api.traces.schemas import TraceFilter, TraceList, TraceOut
from api.validation import Text

router = APIRouter(prefix="/v1/traces", tags=["traces"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=TraceList, operation_id="traces-list")
async def list_traces(f: Annotated[TraceFilter, Query()], principal: ErrorsRead, session: SessionDep) -> TraceList:
    """Search the system log: platform exchanges newest first (summaries; open one for its bodies)."""
    return await service.list_traces(session, principal, f)


@router.get(
    "/{trace_id}",
    response_model=TraceOut,
    operation_id="traces-get",
    responses={404: {"model": Problem, "description": "No such trace in this tenant", "content": {PROBLEM_JSON: {}}}},
)
async def get_trace(
    trace_id: Annotated[Text, Path(max_length=64)], principal: ErrorsRead, session: SessionDep
) -> TraceOut:
    """One platform call: every attempt with its redacted request and response, and the error events citing it."""
    return await service.get_trace(session, principal, trace_id)
