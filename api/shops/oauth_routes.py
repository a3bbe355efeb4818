"""Seller authorisation: the link an admin sends the seller to, and the callback the platform redirects back to."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from api.deps import AdminDep, SessionDep, SettingsDep
from api.problems import PROBLEM_RESPONSES
from api.shops import connections, oauth
from api.shops.routes import problem_answer
from api.shops.schemas import AuthorizeUrlOut

router = APIRouter(tags=["connections"], responses=PROBLEM_RESPONSES)


@router.get(
    "/v1/shops/{shop_id}/authorize-url",
    response_model=AuthorizeUrlOut,
    operation_id="connections-authorize-url",
    responses=problem_answer(404, "No such shop in this tenant, or it has no connection")
    | problem_answer(409, "The shop is archived"),
)
async def authorize_url(
    shop_id: uuid.UUID, principal: AdminDep, session: SessionDep, settings: SettingsDep
) -> AuthorizeUrlOut:
    """A link to the platform's authorisation page (the sandbox's when the connection's auth_base_url is the
    sandbox) for the shop's app credentials, with a signed `state` valid once for 10 minutes.

    The platform sends the seller back to `GET /v1/oauth/{platform}/callback`, which exchanges the code for tokens,
    stores them and redirects to the SPA's `/connections?authorized=<shop_id>`. A reused, forged or expired state
    is refused there with 400 and nothing changes."""
    box = connections.secret_box(settings.encryption_key)
    return await oauth.authorize_url(session, principal, box, settings.secret_key, settings.public_url, shop_id)


# Not in the spec: the platforms call it with parameters of their own (code, state, shop_id, spapi_oauth_code,
# selling_partner_id, mws_auth_token, ...), which the unknown-query check would refuse.
@router.get("/v1/oauth/{platform}/callback", include_in_schema=False)
async def callback(
    platform: Literal["amazon", "tiktok", "shopee", "lazada"],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> RedirectResponse:
    box = connections.secret_box(settings.encryption_key)
    params = dict(request.query_params)
    shop_id = await oauth.complete(session, box, settings.secret_key, settings.public_url, platform, params)
    return RedirectResponse(oauth.connections_screen(settings.public_url, shop_id), status_code=303)
