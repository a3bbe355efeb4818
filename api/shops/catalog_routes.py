"""The catalog: SKUs (the seller's own codes) and their bindings to each shop's platform ids."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CatalogWrite, ErrorsRead, PrincipalDep, SessionDep
from api.pagination import CursorParam
from api.problems import PROBLEM_RESPONSES
from api.shops import catalog, catalog_sync, price_trace
from api.shops.routes import problem_answer
from api.shops.schemas import BindingsUpsert, SkuList, SkusUpsert, SkuTrace, UpsertResult
from api.tasks.schemas import TaskStarted

router = APIRouter(prefix="/v1", tags=["catalog"], responses=PROBLEM_RESPONSES)

_NOT_FOUND = problem_answer(404, "No such shop in this tenant")
_ARCHIVED = problem_answer(409, "The shop is archived and takes no new bindings")


@router.post(
    "/shops/{shop_id}/catalog-sync",
    response_model=TaskStarted,
    status_code=202,
    operation_id="catalog-sync",
    responses=_NOT_FOUND | problem_answer(409, "The shop is archived or has no connection yet"),
)
async def sync_catalog(shop_id: uuid.UUID, principal: CatalogWrite, session: SessionDep) -> TaskStarted:
    """Read the shop's listings from the platform: a task whose worker binds every listing by its seller SKU (never
    over a binding a user set), reports seller SKUs found on two listings, and puts the listings the platform
    rejected, banned or suppressed on the board as LISTING_REJECTED with the platform's reason. A sync already
    queued or running for the shop is answered instead of starting another. Its counts are the task's `summary`."""
    task = await catalog_sync.start_sync(session, principal, shop_id)
    return TaskStarted(task_id=task.id)


@router.post("/skus", response_model=UpsertResult, operation_id="skus-upsert")
async def upsert_skus(body: SkusUpsert, principal: CatalogWrite, session: SessionDep) -> UpsertResult:
    """Create or update up to 5,000 SKUs by code in one request. A code listed twice is a 422 naming the rows."""
    return await catalog.upsert_skus(session, principal, body.items)


@router.post(
    "/shops/{shop_id}/bindings",
    response_model=UpsertResult,
    operation_id="bindings-upsert",
    responses=_NOT_FOUND | _ARCHIVED,
)
async def upsert_bindings(
    shop_id: uuid.UUID, body: BindingsUpsert, principal: CatalogWrite, session: SessionDep
) -> UpsertResult:
    """Bind up to 5,000 SKUs to their platform ids in this shop; a binding is replaced as a whole.

    A row naming a SKU that does not exist, or a SKU listed twice, refuses the whole request (422 naming the rows).
    Bindings set here are marked `bound_by: user`, which a catalog sync never overwrites."""
    return await catalog.upsert_bindings(session, principal, shop_id, body.items)


@router.get("/skus", response_model=SkuList, operation_id="skus-list", responses=_NOT_FOUND)
async def list_skus(
    principal: PrincipalDep,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$", description="part of code or title")] = None,
    shop_id: Annotated[uuid.UUID | None, Query(description="only this shop's bindings")] = None,
    unbound: Annotated[
        bool | None,
        Query(description="true: SKUs with no binding in that shop (or in any active shop without shop_id)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: CursorParam = None,
) -> SkuList:
    """The SKUs by code, each with its bindings (of `shop_id`, or of every shop not archived)."""
    return await catalog.list_skus(session, principal, catalog.SkuFilter(q, shop_id, unbound), limit, cursor)


@router.get(
    "/skus/trace", response_model=SkuTrace, operation_id="skus-trace", responses=problem_answer(404, "No such SKU")
)
async def trace_sku(
    principal: ErrorsRead,
    session: SessionDep,
    sku: Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^\x00]*$", description="the SKU code")],
) -> SkuTrace:
    """One SKU in every shop: the platform's current price and stock (last read-back or sync), the values asked for
    and applied with the task (ERP request or strategy run) that set each, the open groups, and the spread of the
    shops' prices in the tenant's reporting currency, flagged past the tenant's `price_spread_pct`."""
    return await price_trace.trace_sku(session, principal, sku)
