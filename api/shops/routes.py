from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.deps import AdminDep, PrincipalDep, SessionDep
from api.problems import PROBLEM_RESPONSES
from api.shops import service
from api.shops.schemas import ShopCreate, ShopList, ShopOut, ShopUpdate

router = APIRouter(prefix="/v1/shops", tags=["shops"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=ShopList, operation_id="shops-list")
async def list_shops(principal: PrincipalDep, session: SessionDep) -> ShopList:
    shops = await service.list_shops(session, principal)
    return ShopList(items=[ShopOut.model_validate(s) for s in shops])


@router.post("", response_model=ShopOut, status_code=201, operation_id="shops-create")
async def create_shop(body: ShopCreate, principal: AdminDep, session: SessionDep) -> ShopOut:
    return ShopOut.model_validate(await service.create_shop(session, principal, body))


@router.get("/{shop_id}", response_model=ShopOut, operation_id="shops-get")
async def get_shop(shop_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> ShopOut:
    return ShopOut.model_validate(await service.get_shop(session, principal, shop_id))


@router.patch("/{shop_id}", response_model=ShopOut, operation_id="shops-update")
async def update_shop(shop_id: uuid.UUID, body: ShopUpdate, principal: AdminDep, session: SessionDep) -> ShopOut:
    return ShopOut.model_validate(await service.update_shop(session, principal, shop_id, body))


@router.delete("/{shop_id}", status_code=204, operation_id="shops-delete")
async def delete_shop(shop_id: uuid.UUID, principal: AdminDep, session: SessionDep) -> None:
    await service.delete_shop(session, principal, shop_id)
