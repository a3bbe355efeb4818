"""Platform notifications. No user signs in here: the platform proves itself with its own signature, checked
against the secret of the shop named in the URL."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from api.deps import SessionDep, SettingsDep
from api.hooks import service
from api.hooks.schemas import HookPlatform, HookReceipt
from api.problems import PROBLEM_RESPONSES, problem_answer
from api.shops import connections

router = APIRouter(prefix="/v1/hooks", tags=["hooks"], responses=PROBLEM_RESPONSES)

_ANSWERS = (
    problem_answer(400, "The body is not JSON, or its time is in the future")
    | problem_answer(401, "The signature does not match, or the notification is older than 24 hours (a replay)")
    | problem_answer(404, "No such shop on this platform, or it has no connection to check the signature with")
)
_BODY = {
    "requestBody": {
        "required": True,
        "description": "The platform's notification, exactly as it sent it (the signature covers these bytes)",
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }
}


@router.post(
    "/{platform}/{shop_id}",
    response_model=HookReceipt,
    operation_id="hooks-receive",
    responses=_ANSWERS,
    openapi_extra=_BODY,
)
async def receive(
    platform: HookPlatform, shop_id: uuid.UUID, request: Request, session: SessionDep, settings: SettingsDep
) -> HookReceipt:
    """Receive one notification from the shop's platform (docs/platform-notifications.md).

    Signatures: TikTok Shop and Lazada `Authorization` = hex HMAC-SHA256(app_secret, app_key + body); Shopee
    `Authorization` = hex HMAC-SHA256(partner_key, callback URL + "|" + body); Amazon (forwarded from SQS /
    EventBridge) `X-OpenClaw-Signature: t=<unix>,v1=<hex HMAC-SHA256(notification_secret, "<t>." + body)>`.
    A repeat (same notification id, or same body) answers 200 with `duplicate: true` and changes nothing."""
    base = settings.hooks_public_base_url.rstrip("/") or str(request.base_url).rstrip("/")
    callback_url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    incoming = service.Incoming(
        platform=platform,
        shop_id=shop_id,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=await request.body(),
        callback_url=callback_url,
    )
    return await service.receive(session, connections.secret_box(settings.encryption_key), incoming)
