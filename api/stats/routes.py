from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.deps import ErrorsRead, SessionDep
from api.errors.filters import ErrorFilter, PlatformName, SeverityName
from api.errors.taxonomy import ErrorType
from api.problems import PROBLEM_RESPONSES, wants_english
from api.stats import service
from api.stats.schemas import RootCausesOut, SlaOut, Split, TrendOut
from api.validation import UtcDateTime

router = APIRouter(prefix="/v1/stats", tags=["stats"], responses=PROBLEM_RESPONSES)


def dimensions_query(
    severity: Annotated[list[SeverityName] | None, Query()] = None,
    error_type: Annotated[list[ErrorType] | None, Query()] = None,
    platform: Annotated[list[PlatformName] | None, Query()] = None,
    shop_id: Annotated[list[uuid.UUID] | None, Query()] = None,
    strategy_id: Annotated[list[uuid.UUID] | None, Query()] = None,
) -> ErrorFilter:
    """The board's dimension filters (repeat a parameter for several values); statistics bring their own window."""
    return ErrorFilter.model_validate({k: v for k, v in locals().items() if v is not None})


Dimensions = Annotated[ErrorFilter, Depends(dimensions_query)]


@router.get("/trend", response_model=TrendOut, operation_id="stats-trend")
async def stats_trend(
    session: SessionDep,
    principal: ErrorsRead,
    f: Dimensions,
    days: Annotated[int, Query(ge=1, le=90)] = 7,
    split: Split = "severity",
) -> TrendOut:
    """New error groups (by first_seen) and events (by occurred_at) per day in the tenant's time zone, today
    included, days without errors included, archived groups left out."""
    return await service.trend(session, principal, f, days, split)


@router.get("/sla", response_model=SlaOut, operation_id="stats-sla")
async def stats_sla(
    session: SessionDep,
    principal: ErrorsRead,
    f: Dimensions,
    since: Annotated[UtcDateTime | None, Query(description="handled at or after; default 30 days before until")] = None,
    until: Annotated[UtcDateTime | None, Query(description="handled before; default now")] = None,
) -> SlaOut:
    """How many groups were handled in the window and how long handling took (handled_at - first_seen):
    median and 90th percentile, by who handled them and by error type."""
    return await service.sla(session, principal, f, since, until)


@router.get("/root-causes", response_model=RootCausesOut, operation_id="stats-root-causes")
async def stats_root_causes(
    request: Request,
    session: SessionDep,
    principal: ErrorsRead,
    f: Dimensions,
    days: Annotated[int, Query(ge=1, le=90)] = 30,
) -> RootCausesOut:
    """The share of each error type among the groups first seen in the last `days` days (tenant's days)."""
    language = "en" if wants_english(request) else "zh-CN"
    return await service.root_causes(session, principal, f, days, language)
