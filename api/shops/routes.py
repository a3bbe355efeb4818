from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.deps import AdminDep, PrincipalDep, SessionDep
from api.problems import PROBLEM_RESPONSES
from api.shops import connections, service
from api.shops.schemas import ShopCreate, ShopList, ShopOut, ShopUpdate

router = APIRouter(prefix="/v1/shops", tags=["shops"], responses=PROBLEM_RESPONSES)


def problem_answer(status: int, description: str) -> dict[int | str, dict[str, Any]]:
    """An extra problem+json answer a route gives, for the spec."""
    return {status: PROBLEM_RESPONSES[422] | {"description": description}}


_NOT_FOUND = problem_answer(404, "No such shop in this tenant")
_CONFLICT = problem_answer(409, "Another shop of this tenant has that name")


@router.get("", response_model=ShopList, operation_id="shops-list")
async def list_shops(
    principal: PrincipalDep,
    session: SessionDep,
    include_archived: Annotated[bool, Query(description="also list shops archived by a delete")] = False,
) -> ShopList:
    """The tenant's shops, each with its connection's health (`connection`, null when not connected)."""
    shops = await service.list_shops(session, principal, include_archived=include_archived)
    return ShopList(items=await connections.with_connections(session, principal, shops))


@router.post("", response_model=ShopOut, status_code=201, operation_id="shops-create", responses=_CONFLICT)
async def create_shop(body: ShopCreate, principal: AdminDep, session: SessionDep) -> ShopOut:
    return ShopOut.model_validate(await service.create_shop(session, principal, body))


@router.get("/{shop_id}", response_model=ShopOut, operation_id="shops-get", responses=_NOT_FOUND)
async def get_shop(shop_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> ShopOut:
    shop = await service.get_shop(session, principal, shop_id)
    return (await connections.with_connections(session, principal, [shop]))[0]


@router.patch("/{shop_id}", response_model=ShopOut, operation_id="shops-update", responses=_NOT_FOUND | _CONFLICT)
async def update_shop(shop_id: uuid.UUID, body: ShopUpdate, principal: AdminDep, session: SessionDep) -> ShopOut:
    return ShopOut.model_validate(await service.update_shop(session, principal, shop_id, body))


@router.delete(
    "/{shop_id}",
    response_model=ShopOut,
    operation_id="shops-delete",
    responses={
        200: {"description": "The shop had history (errors, events, tasks or traces): it is archived, not deleted"},
        204: {"description": "The shop had no history and is deleted"},
        **_NOT_FOUND,
    },
)
async def delete_shop(shop_id: uuid.UUID, principal: AdminDep, session: SessionDep) -> ShopOut | Response:
    """Delete a shop, or archive it when anything on the board or in the task log points at it.

    An archived shop (200, `archived_at` set) keeps its error groups, events, tasks and traces, leaves
    `GET /v1/shops` unless `include_archived=true`, and refuses new connections and bindings (409).
    A shop without history is deleted for real (204)."""
    archived = await service.delete_shop(session, principal, shop_id)
    if archived is None:
        return Response(status_code=204)
    return ShopOut.model_validate(archived)
