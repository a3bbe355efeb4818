"""Alert rules: CRUD with their channels checked (official robot hosts, no private or metadata addresses) and
encrypted, the deliveries list, and the test-send an admin runs from the rule's page."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.alerts.models import AlertDelivery, AlertRule
from api.alerts.outbound import ChannelKind, Resolver, TargetRefused, check_target, invalid_target
from api.alerts.schemas import (
    AlertFilters,
    AlertRuleIn,
    AlertRuleOut,
    AlertRulePatch,
    ChannelIn,
    ChannelOut,
    DeliveryOut,
    QuietHours,
)
from api.audit import service as audit
from api.config import Settings, get_settings
from api.principal import Principal
from api.shops.models import Shop
from api.shops.secrets import SecretBox


def secret_box() -> SecretBox:
    return SecretBox(get_settings().encryption_key)


def target_hint(channel: ChannelIn) -> str:
    """Enough to recognise a target without its key: the host and the last four characters of the URL."""
    if channel.kind is ChannelKind.email:
        return ", ".join(channel.to)
    url = channel.url or ""
    try:
        host = httpx.URL(url).host
    except httpx.InvalidURL:
        host = ""
    return f"{host} …{url[-4:]}" if len(url) > 8 else host


def public_channels(channels: Sequence[ChannelIn]) -> list[dict[str, Any]]:
    return [
        ChannelOut(
            kind=c.kind, target_hint=target_hint(c), has_secret=bool(c.secret), to=list(c.to), mentions=c.mentions
        ).model_dump(mode="json")
        for c in channels
    ]


def stored_channels(rule: AlertRule, box: SecretBox | None = None) -> list[ChannelIn]:
    """The rule's channels with their URLs and secrets (for sending only: never answered)."""
    listed: list[dict[str, Any]] = (box or secret_box()).decrypt_json(rule.channels_encrypted)["channels"]
    return [ChannelIn.model_validate(c) for c in listed]


async def check_channels(
    channels: Sequence[ChannelIn], *, english: bool, allow_private: bool, resolver: Resolver | None = None
) -> None:
    """422 naming `channels[i].url` (or `.to`) for a target the outbound rules refuse, before anything is stored."""
    for index, channel in enumerate(channels):
        target = ",".join(channel.to) if channel.kind is ChannelKind.email else channel.url or ""
        field = "to" if channel.kind is ChannelKind.email else "url"
        try:
            await check_target(channel.kind, target, allow_private, resolver=resolver)
        except TargetRefused as exc:
            raise invalid_target(exc, english=english, name=f"channels[{index}].{field}") from exc


def to_out(rule: AlertRule) -> AlertRuleOut:
    return AlertRuleOut.model_validate(
        {
            "id": rule.id,
            "name": rule.name,
            "condition": rule.condition,
            "filters": rule.filters,
            "channels": rule.channels_public,
            "cooldown_minutes": rule.cooldown_minutes,
            "quiet_hours": rule.quiet_hours,
            "digest_hour": rule.digest_hour,
            "is_active": rule.is_active,
            "last_fired_at": rule.last_fired_at,
            "created_at": rule.created_at,
            "updated_at": rule.updated_at,
        }
    )


def _snapshot(rule: AlertRule) -> dict[str, Any]:
    """What the audit log keeps: everything but the channels' URLs and secrets."""
    return to_out(rule).model_dump(mode="json", exclude={"last_fired_at", "created_at", "updated_at"})


def _set_channels(rule: AlertRule, channels: Sequence[ChannelIn], box: SecretBox) -> None:
    rule.channels_encrypted = box.encrypt_json(
        {"channels": [c.model_dump(mode="json", exclude_none=True) for c in channels]}
    )
    rule.channels_public = public_channels(channels)


def _set_quiet(rule: AlertRule, quiet: QuietHours | None) -> None:
    rule.quiet_hours = quiet.model_dump() if quiet else None


async def _store(session: AsyncSession, rule: AlertRule) -> None:
    try:
        async with session.begin_nested():
            session.add(rule)
            await session.flush()
    except IntegrityError as exc:
        raise problems.Conflict(f"an alert rule named {rule.name!r} already exists") from exc
    await session.refresh(rule)


async def list_rules(session: AsyncSession, principal: Principal) -> list[AlertRuleOut]:
    rules = await session.scalars(
        select(AlertRule).where(AlertRule.tenant_id == principal.tenant_id).order_by(AlertRule.name)
    )
    return [to_out(r) for r in rules]


async def get_rule(session: AsyncSession, principal: Principal, rule_id: uuid.UUID) -> AlertRule:
    rule = await session.get(AlertRule, (principal.tenant_id, rule_id))
    if rule is None:
        raise problems.NotFound("no such alert rule")
    return rule


async def create_rule(
    session: AsyncSession, principal: Principal, body: AlertRuleIn, *, english: bool, settings: Settings
) -> AlertRuleOut:
    """The API's settings say whether private targets are allowed and hold the key the channels are sealed with."""
    await check_channels(body.channels, english=english, allow_private=settings.allow_private_webhooks)
    await _check_shops(session, principal, body.filters)
    now = datetime.now(UTC)
    rule = AlertRule(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        name=body.name,
        condition=body.condition.model_dump(mode="json"),
        filters=body.filters.model_dump(mode="json"),
        cooldown_minutes=body.cooldown_minutes,
        digest_hour=body.digest_hour,
        is_active=body.is_active,
        checked_until=now,  # an "any" rule looks at events from its creation on, not at the whole history
    )
    _set_channels(rule, body.channels, SecretBox(settings.encryption_key))
    _set_quiet(rule, body.quiet_hours)
    await _store(session, rule)
    await audit.record(session, principal, "alert_rule.create", "alert_rule", rule.id, after=_snapshot(rule))
    return to_out(rule)


async def update_rule(
    session: AsyncSession,
    principal: Principal,
    rule_id: uuid.UUID,
    body: AlertRulePatch,
    *,
    english: bool,
    settings: Settings,
) -> AlertRuleOut:
    rule = await get_rule(session, principal, rule_id)
    before = _snapshot(rule)
    given = body.model_fields_set
    if body.channels is not None:
        await check_channels(body.channels, english=english, allow_private=settings.allow_private_webhooks)
        _set_channels(rule, body.channels, SecretBox(settings.encryption_key))
    if body.filters is not None:
        await _check_shops(session, principal, body.filters)
        rule.filters = body.filters.model_dump(mode="json")
    if body.condition is not None:
        if body.condition.kind == "any" and rule.condition.get("kind") != "any":
            rule.checked_until = datetime.now(UTC)
        rule.condition = body.condition.model_dump(mode="json")
    for name in ("name", "cooldown_minutes", "is_active"):
        if getattr(body, name) is not None:
            setattr(rule, name, getattr(body, name))
    if "quiet_hours" in given:  # null clears them
        _set_quiet(rule, body.quiet_hours)
    if "digest_hour" in given:
        rule.digest_hour = body.digest_hour
    await _store(session, rule)
    await audit.record(
        session, principal, "alert_rule.update", "alert_rule", rule.id, before=before, after=_snapshot(rule)
    )
    return to_out(rule)


async def delete_rule(session: AsyncSession, principal: Principal, rule_id: uuid.UUID) -> None:
    """Its deliveries go with it (the audit log keeps the rule as it was)."""
    rule = await get_rule(session, principal, rule_id)
    await audit.record(session, principal, "alert_rule.delete", "alert_rule", rule.id, before=_snapshot(rule))
    await session.delete(rule)
    await session.flush()


async def _check_shops(session: AsyncSession, principal: Principal, filters: AlertFilters) -> None:
    if not filters.shop_id:
        return
    known = set(
        await session.scalars(
            select(Shop.id).where(Shop.tenant_id == principal.tenant_id, Shop.id.in_(filters.shop_id))
        )
    )
    for index, shop_id in enumerate(filters.shop_id):
        if shop_id not in known:
            reason = f"no shop {shop_id} in this tenant"
            raise problems.Invalid(
                reason, invalid_params=[{"name": f"filters.shop_id[{index}]", "reason": reason, "type": "value_error"}]
            )


def board_url(rule: AlertRule, since: datetime | None, public_url: str, timezone: str) -> str:
    """The board with the rule's filters applied and, where the rule has a window, from the day it starts (the
    board's `since` is a day of the tenant's zone)."""
    params: list[tuple[str, str]] = []
    for name in ("error_type", "platform", "shop_id", "strategy_id"):
        params += [(name, str(v)) for v in rule.filters.get(name) or []]
    if rule.condition["kind"] == "any":
        params += [("error_type", t) for t in rule.condition["error_types"] if ("error_type", t) not in params]
    severities = rule.filters.get("severity") or []
    if len(severities) == 1:
        params.append(("severity", severities[0]))
    if since is not None:
        params.append(("since", since.astimezone(ZoneInfo(timezone)).date().isoformat()))
    base = public_url.rstrip("/")
    return f"{base}/?{urlencode(params)}" if params else f"{base}/"


# --- deliveries ----------------------------------------------------------------------------------------------


async def list_deliveries(
    session: AsyncSession,
    principal: Principal,
    *,
    rule_id: uuid.UUID | None,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[DeliveryOut]:
    """Newest first; `after` is the (created_at, id) of the last row of the previous page."""
    d = AlertDelivery
    statement = (
        select(d, AlertRule.name)
        .join(AlertRule, (AlertRule.tenant_id == d.tenant_id) & (AlertRule.id == d.rule_id))
        .where(d.tenant_id == principal.tenant_id)
        .order_by(d.created_at.desc(), d.id.desc())
        .limit(limit)
    )
    if rule_id is not None:
        statement = statement.where(d.rule_id == rule_id)
    if status is not None:
        statement = statement.where(d.status == status)
    if after is not None:
        statement = statement.where(tuple_(d.created_at, d.id) < tuple_(*after))
    rows = (await session.execute(statement)).all()
    return [DeliveryOut.model_validate({**_columns(delivery), "rule_name": name}) for delivery, name in rows]


def _columns(delivery: AlertDelivery) -> dict[str, Any]:
    return {c.key: getattr(delivery, c.key) for c in AlertDelivery.__table__.columns}
