"""Alert rules and their deliveries: the tenant admins' business."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from api.alerts import deliver, service
from api.alerts.channels.transport import outbound_client
from api.alerts.schemas import (
    AlertRuleIn,
    AlertRuleList,
    AlertRuleOut,
    AlertRulePatch,
    DeliveryList,
    DeliveryStatus,
    TestSendOut,
    TestSendResult,
)
from api.deps import AdminDep, SessionDep, SettingsDep
from api.pagination import MAX_LIMIT, CursorParam, decode_cursor, encode_cursor, invalid_cursor
from api.problems import PROBLEM_JSON, PROBLEM_RESPONSES, Problem, wants_english
from api.tenants.service import tenant_timezone

router = APIRouter(
    prefix="/v1",
    tags=["alerts"],
    responses={
        **PROBLEM_RESPONSES,
        404: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "No such alert rule in this tenant"},
    },
)
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "The name is taken"}
}


@router.get("/alert-rules", response_model=AlertRuleList, operation_id="alert-rules-list")
async def list_rules(principal: AdminDep, session: SessionDep) -> AlertRuleList:
    """The tenant's alert rules by name. Channel URLs and secrets are never returned: `target_hint` and
    `has_secret` say which target and whether a secret is set."""
    return AlertRuleList(items=await service.list_rules(session, principal))


@router.post(
    "/alert-rules", response_model=AlertRuleOut, status_code=201, operation_id="alert-rules-create", responses=_CONFLICT
)
async def create_rule(
    body: Annotated[AlertRuleIn, Body()],
    principal: AdminDep,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> AlertRuleOut:
    """A channel whose target is refused (a robot URL off its official host, a private, loopback or cloud metadata
    address after DNS) is a 422 naming `channels[i].url`. The rule is evaluated every minute from now on."""
    return await service.create_rule(session, principal, body, english=wants_english(request), settings=settings)


@router.get("/alert-rules/{rule_id}", response_model=AlertRuleOut, operation_id="alert-rules-get")
async def get_rule(rule_id: uuid.UUID, principal: AdminDep, session: SessionDep) -> AlertRuleOut:
    return service.to_out(await service.get_rule(session, principal, rule_id))


@router.patch(
    "/alert-rules/{rule_id}", response_model=AlertRuleOut, operation_id="alert-rules-update", responses=_CONFLICT
)
async def update_rule(
    rule_id: uuid.UUID,
    body: Annotated[AlertRulePatch, Body()],
    principal: AdminDep,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> AlertRuleOut:
    """Change the given fields; `channels` replaces the whole list (send URLs and secrets again). Audited without
    URLs or secrets."""
    return await service.update_rule(
        session, principal, rule_id, body, english=wants_english(request), settings=settings
    )


@router.delete("/alert-rules/{rule_id}", status_code=204, operation_id="alert-rules-delete")
async def delete_rule(rule_id: uuid.UUID, principal: AdminDep, session: SessionDep) -> None:
    await service.delete_rule(session, principal, rule_id)


@router.post("/alert-rules/{rule_id}/test", response_model=TestSendOut, operation_id="alert-rules-test")
async def test_rule(
    rule_id: uuid.UUID, principal: AdminDep, session: SessionDep, settings: SettingsDep, request: Request
) -> TestSendOut:
    """Send a test message to each channel of the rule now and answer what each channel answered (WeCom and
    DingTalk answer 200 with an `errcode`: a non-zero one is `ok: false` with the code). Recorded as deliveries
    of kind `test`."""
    rule = await service.get_rule(session, principal, rule_id)
    zone = await tenant_timezone(session, principal.tenant_id)
    language = "en" if wants_english(request) else "zh"
    async with outbound_client() as client:
        sent = await deliver.test_send(
            session, rule, language=language, timezone=zone, client=client, settings=settings
        )
    return TestSendOut(
        results=[
            TestSendResult(
                channel_index=index,
                channel_kind=channel.kind,
                ok=result.ok,
                status=result.status,
                code=result.code,
                body=result.body,
                error=result.error,
            )
            for index, channel, result in sent
        ]
    )


@router.get("/alert-deliveries", response_model=DeliveryList, operation_id="alert-deliveries-list")
async def list_deliveries(
    principal: AdminDep,
    session: SessionDep,
    rule_id: uuid.UUID | None = None,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: CursorParam = None,
) -> DeliveryList:
    """What each rule sent, newest first: the channel, what the message said, the status, attempts and the
    channel's answer."""
    after = _after(cursor) if cursor else None
    items = await service.list_deliveries(
        session, principal, rule_id=rule_id, status=status, after=after, limit=limit + 1
    )
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor([items[-1].created_at.isoformat(), str(items[-1].id)]) if more else None
    return DeliveryList(items=items, next_cursor=next_cursor)


def _after(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created_at, row_id = decode_cursor(cursor)
        when, key = datetime.fromisoformat(created_at), uuid.UUID(row_id)
    except (TypeError, ValueError, AttributeError) as exc:
        raise invalid_cursor() from exc
    if when.tzinfo is None:
        raise invalid_cursor()
    return when, key
