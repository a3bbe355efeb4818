"""A shop's connection: set by admins, read by everyone in the tenant; never with its secrets."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.deps import AdminDep, PrincipalDep, SessionDep, SettingsDep
from api.problems import PROBLEM_RESPONSES
from api.shops import connections
from api.shops.routes import problem_answer
from api.shops.schemas import ConnectionOut, ConnectionPut

router = APIRouter(prefix="/v1/shops", tags=["connections"], responses=PROBLEM_RESPONSES)

_NOT_FOUND = problem_answer(404, "No such shop in this tenant, or it has no connection")
_ARCHIVED = problem_answer(409, "The shop is archived and takes no new connection")


@router.put(
    "/{shop_id}/connection",
    response_model=ConnectionOut,
    operation_id="connections-put",
    responses=_NOT_FOUND | _ARCHIVED,
)
async def put_connection(
    shop_id: uuid.UUID, body: ConnectionPut, principal: AdminDep, session: SessionDep, settings: SettingsDep
) -> ConnectionOut:
    """Set or replace the shop's credentials and tokens (an entry of the sandbox's `GET /_sandbox/shops` fits as is).

    Secrets are stored encrypted and never answered; the health starts again at `unknown`. Audited without secrets."""
    box = connections.secret_box(settings.encryption_key)
    await connections.put_connection(session, principal, box, shop_id, body)
    return await connections.connection_out(session, principal, box, shop_id)


@router.get("/{shop_id}/connection", response_model=ConnectionOut, operation_id="connections-get", responses=_NOT_FOUND)
async def get_connection(
    shop_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, settings: SettingsDep
) -> ConnectionOut:
    """The shop's connection: which credentials it holds (by name), token expiry, scopes and health.

    `health` is computed as of now (api/shops/health.py): `expiring` when the authorisation ends within 3 days (or
    a quarter of a short-lived token's life), `expired` once it has ended or the platform refused it,
    `scope_missing` when the grant lacks a scope `missing_scopes` names, `failing` when calls fail otherwise."""
    box = connections.secret_box(settings.encryption_key)
    return await connections.connection_out(session, principal, box, shop_id)
