"""Receiving a platform notification: find the shop, check the platform's signature with the shop's stored
secret, refuse replays, store it once, and act on it through the error board's own paths.

The platform calls with no principal. The shop in the URL names the tenant (a SECURITY DEFINER look-up, migration
0015); from then on the request's session is the tenant's, under row-level security like any other request.

Effects, all set-based and idempotent on the stored notification:
- authorisation cancelled or expired: the connection's health becomes "expired" and one AUTH_EXPIRED event is
  recorded for the shop (api/tasks/actions.shop_lost_authorisation, the push path's own way);
- authorisation about to expire: health "expiring" (unless it is already expired);
- a listing refused (banned, audit failed, QC rejected): LISTING_REJECTED for each SKU bound to it, with the
  platform's code and words verbatim;
- a listing cleared: its open LISTING_REJECTED groups are resolved, as a catalog sync that sees it healthy does.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.db import use_tenant
from api.errors import ingest
from api.errors.schemas import ErrorEventIn
from api.hooks import notices, verify
from api.hooks.models import PlatformNotification
from api.hooks.notices import Notice
from api.hooks.schemas import HookReceipt
from api.principal import Principal
from api.shops import connections, health_sync
from api.shops.models import Connection, Shop, Sku, SkuBinding
from api.shops.secrets import SecretBox
from api.tasks import actions

# A notification older than this is refused as a replay: every platform's retries end within it (TikTok's last
# retry comes about 15 h after the first try, Lazada's after 6 h).
MAX_AGE = timedelta(hours=24)
MAX_AHEAD = timedelta(minutes=5)
MESSAGE_LIMIT = 10_000
RAW_LIMIT = 20_000

# The credential holding the shop's own id on the platform, which the notification names.
SHOP_CREDENTIAL = {"tiktok": "shop_id", "shopee": "shop_id", "lazada": "seller_id", "amazon": "seller_id"}


@dataclass(frozen=True, slots=True)
class Incoming:
    platform: str
    shop_id: uuid.UUID
    headers: Mapping[str, str]
    body: bytes
    callback_url: str


async def find_shop(session: AsyncSession, shop_id: uuid.UUID) -> tuple[uuid.UUID, str] | None:
    row = (await session.execute(text("SELECT tenant_id, platform FROM hooks_find_shop(:id)"), {"id": shop_id})).first()
    return (row[0], row[1]) if row else None


async def receive(
    session: AsyncSession, box: SecretBox, incoming: Incoming, now: datetime | None = None
) -> HookReceipt:
    now = now or datetime.now(UTC)
    found = await find_shop(session, incoming.shop_id)
    if found is None or found[1] != incoming.platform:
        raise problems.NotFound(f"no {incoming.platform} shop {incoming.shop_id}")
    tenant_id = found[0]
    await use_tenant(session, tenant_id)
    secrets = await connections.read_secrets(session, incoming.shop_id, box=box)
    if secrets is None:
        raise problems.NotFound("this shop has no connection to check the notification's signature with")
    try:
        signed = verify.verify(
            incoming.platform, secrets.credentials, incoming.headers, incoming.body, incoming.callback_url
        )
    except verify.SignatureError as exc:
        raise problems.BadSignature(str(exc)) from None
    try:
        document = orjson.loads(incoming.body)
    except orjson.JSONDecodeError:
        raise problems.BadRequest("the body is not JSON") from None
    try:
        notice = notices.read(incoming.platform, document)
    except notices.NoticeError as exc:
        raise problems.Invalid(f"not a {incoming.platform} notification: {exc}") from None
    sent_at = _check_time(notice, signed, now)
    _check_shop(incoming.platform, notice, secrets.credentials)

    raw = incoming.body.decode("utf-8", errors="replace").replace("\x00", "")
    stored = await _store(session, tenant_id, incoming, notice, sent_at, raw)
    if stored is None:
        return await _duplicate(session, tenant_id, incoming, notice)
    outcome, summary = await _apply(session, tenant_id, incoming.shop_id, stored, notice, sent_at, raw)
    await session.execute(
        update(PlatformNotification)
        .where(PlatformNotification.tenant_id == tenant_id, PlatformNotification.id == stored)
        .values(outcome=outcome, summary=summary)
    )
    return HookReceipt(id=stored, duplicate=False, kind=notice.kind, effect=notice.effect, outcome=outcome, **summary)


def _check_time(notice: Notice, signed: verify.Verified, now: datetime) -> datetime:
    """The time the platform signed (Amazon's forwarder) or stamped the notification with; a replay is refused."""
    moment = datetime.fromtimestamp(signed.signed_at, UTC) if signed.signed_at is not None else notice.sent_at
    if moment is None:
        raise problems.Invalid("the notification carries no timestamp")
    if moment < now - MAX_AGE:
        raise problems.StaleNotification(
            f"the notification is from {moment.isoformat()}, more than {MAX_AGE} ago: refused as a replay"
        )
    if moment > now + MAX_AHEAD:
        raise problems.NotificationFromTheFuture(f"the notification is from {moment.isoformat()}, in the future")
    return moment


def _check_shop(platform: str, notice: Notice, credentials: Mapping[str, str]) -> None:
    """An app's secret signs the notifications of all its shops: one about another shop is not this shop's."""
    ours = credentials.get(SHOP_CREDENTIAL[platform], "")
    named = [notice.platform_shop_id, *notice.extra.get("shop_ids", [])]
    theirs = [n for n in named if n]
    if ours and theirs and ours not in theirs:
        raise problems.Invalid(f"the notification is about {platform} shop {theirs[0]}, this shop is {ours}")


def _dedupe_key(notice: Notice, body: bytes) -> str:
    if notice.notification_id:
        return f"id:{notice.notification_id}"[:200]
    return f"sha256:{hashlib.sha256(body).hexdigest()}"


async def _store(
    session: AsyncSession, tenant_id: uuid.UUID, incoming: Incoming, notice: Notice, sent_at: datetime, raw: str
) -> uuid.UUID | None:
    """The notification's row, or None when its dedupe key was stored before (a duplicate)."""
    values = {
        "tenant_id": tenant_id,
        "shop_id": incoming.shop_id,
        "platform": incoming.platform,
        "dedupe_key": _dedupe_key(notice, incoming.body),
        "notification_id": notice.notification_id[:200] if notice.notification_id else None,
        "kind": notice.kind[:64],
        "effect": notice.effect,
        "outcome": "received",
        "sent_at": sent_at,
        "raw_body": raw,
    }
    statement = (
        insert(PlatformNotification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["tenant_id", "shop_id", "dedupe_key"])
        .returning(PlatformNotification.id)
    )
    stored: uuid.UUID | None = (await session.execute(statement)).scalar_one_or_none()
    return stored


async def _duplicate(session: AsyncSession, tenant_id: uuid.UUID, incoming: Incoming, notice: Notice) -> HookReceipt:
    first = (
        await session.execute(
            select(PlatformNotification).where(
                PlatformNotification.tenant_id == tenant_id,
                PlatformNotification.shop_id == incoming.shop_id,
                PlatformNotification.dedupe_key == _dedupe_key(notice, incoming.body),
            )
        )
    ).scalar_one()
    return HookReceipt(id=first.id, duplicate=True, kind=first.kind, effect=first.effect, outcome=first.outcome)


async def _apply(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    shop_id: uuid.UUID,
    stored: uuid.UUID,
    notice: Notice,
    sent_at: datetime,
    raw: str,
) -> tuple[str, dict[str, Any]]:
    health = await session.scalar(
        select(Connection.health).where(Connection.tenant_id == tenant_id, Connection.shop_id == shop_id)
    )
    if notice.effect in (notices.AUTH_EXPIRED, notices.AUTH_EXPIRING) and health == "expired":
        return "ignored", {"health": health}  # said already; a new connection starts again at "unknown"
    if notice.effect == notices.AUTH_EXPIRED:
        shop = await session.get(Shop, (tenant_id, shop_id))
        assert shop is not None  # found by the look-up, in this transaction
        failure = actions.Failure("AUTH_EXPIRED", notice.code[:200], _clean(notice.message)[:MESSAGE_LIMIT])
        await actions.shop_lost_authorisation(session, shop, failure, None)
        return "applied", {"health": "expired"}
    if notice.effect == notices.AUTH_EXPIRING:
        state = await _authorisation_ends(session, tenant_id, shop_id, notice, sent_at)
        return "applied", {"health": state}
    if notice.effect not in (notices.LISTING_REJECTED, notices.LISTING_CLEARED):
        return "ignored", {}
    bound = await _bound_skus(session, tenant_id, shop_id, notice.item_ids, notice.seller_skus)
    if not bound:
        return "unbound", {}
    skus = sorted(bound)
    system = Principal.system(tenant_id)
    if notice.effect == notices.LISTING_CLEARED:
        resolved = await ingest.record_success(
            session, system, shop_id, skus, "listing", sent_at, error_types=["LISTING_REJECTED"]
        )
        return "applied", {"skus": skus, "resolved": len(resolved)}
    events = [
        ErrorEventIn(
            idempotency_key=f"hook:{stored}:{sku}"[:200],
            occurred_at=sent_at,
            shop_id=shop_id,
            error_type="LISTING_REJECTED",
            operation="listing",
            sku=sku,
            platform_item_id=bound[sku][:64] or None,
            platform_error_code=notice.code[:200],
            platform_error_message=_clean(notice.message)[:MESSAGE_LIMIT],
            raw_excerpt=raw[:RAW_LIMIT],
        )
        for sku in skus
    ]
    result = await ingest.ingest_events(session, system, events)
    return "applied", {"skus": skus, "events": result.created}


async def _bound_skus(
    session: AsyncSession, tenant_id: uuid.UUID, shop_id: uuid.UUID, item_ids: Sequence[str], seller_skus: Sequence[str]
) -> dict[str, str]:
    """The shop's SKUs bound to these platform item ids or seller SKUs: {sku code: platform item id}."""
    matches = []
    if item_ids:
        matches.append(SkuBinding.platform_item_id.in_(list(item_ids)))
    if seller_skus:
        matches.append(SkuBinding.platform_sku.in_(list(seller_skus)))
    if not matches:
        return {}
    rows = await session.execute(
        select(Sku.code, SkuBinding.platform_item_id)
        .join(Sku, (Sku.tenant_id == SkuBinding.tenant_id) & (Sku.id == SkuBinding.sku_id))
        .where(SkuBinding.tenant_id == tenant_id, SkuBinding.shop_id == shop_id, or_(*matches))
    )
    return {code: item_id or "" for code, item_id in rows}


def _clean(value: str) -> str:
    return value.replace("\x00", "")


# Where a warning gives no usable end (none, or one already past as in the docs' sample), the grant is taken to end
# inside the expiring window: the platform says it ends soon.
UNDATED_EXPIRY = timedelta(days=2)


async def _authorisation_ends(
    session: AsyncSession, tenant_id: uuid.UUID, shop_id: uuid.UUID, notice: Notice, now: datetime
) -> str:
    """The platform says the authorisation ends soon: that end is the grant's (the earlier of it and one already
    known), and the health follows from it as from any end (api/shops/health.py): entering `expiring` raises
    its one AUTH_EXPIRED event."""
    ends = notice.expires_at if notice.expires_at and notice.expires_at > now else now + UNDATED_EXPIRY
    connection = await session.scalar(
        select(Connection)
        .where(Connection.tenant_id == tenant_id, Connection.shop_id == shop_id)
        .execution_options(populate_existing=True)
    )
    shop = await session.get(Shop, (tenant_id, shop_id))
    assert connection is not None and shop is not None  # found by the look-up, in this transaction
    if connection.grant_expires_at is None or ends < connection.grant_expires_at:
        connection.grant_expires_at = ends
        await session.flush()
    return (await health_sync.observe(session, shop, connection, connection.health)).state
