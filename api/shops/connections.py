"""A shop's connection: its platform credentials, tokens, granted scopes and health.

Secrets are Fernet-encrypted at rest (api/shops/secrets.py) and leave this module only through `read_secrets`,
for the workers. What the API answers and what the audit log keeps is the connection without them: the names of
the credentials, whether tokens are held, expiry times, scopes and health.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.config import get_settings
from api.principal import Principal
from api.shops import health_sync
from api.shops import service as shops
from api.shops.models import Connection, Shop
from api.shops.schemas import ConnectionOut, ConnectionPut, ConnectionSummary, ShopOut
from api.shops.secrets import SecretBox

# The credential names each platform's API needs to sign a call; others (TikTok shop_id, warehouse_id, ...) are kept.
REQUIRED_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "amazon": ("client_id", "client_secret", "seller_id"),
    "tiktok": ("app_key", "app_secret", "shop_cipher"),
    "shopee": ("partner_id", "partner_key", "shop_id"),
    "lazada": ("app_key", "app_secret"),
}

# unknown: not tried since it was set; expiring: the refresh token nears its end; expired: refused, the seller must
# authorise again; scope_missing: the app lacks a permission a push needs; failing: calls fail for other reasons.
HEALTH_STATES = ("unknown", "ok", "expiring", "expired", "scope_missing", "failing")


@dataclass(frozen=True)
class ConnectionSecrets:
    """Everything a platform client needs to call on a shop's behalf. Never log it: the secrets stay out of repr."""

    shop_id: uuid.UUID
    platform: str
    market: str
    currency: str
    base_url: str | None
    auth_base_url: str | None
    credentials: dict[str, str] = field(repr=False)
    access_token: str | None = field(repr=False)
    refresh_token: str | None = field(repr=False)
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    scopes: tuple[str, ...]
    health: str


@lru_cache(maxsize=4)
def secret_box(keys: str) -> SecretBox:
    return SecretBox(keys)


def _default_box() -> SecretBox:
    return secret_box(get_settings().encryption_key)


def _tenant_filter(session: AsyncSession) -> list[Any]:
    """The session's tenant, when it names one: the explicit wall in front of row-level security."""
    tenant_id = session.info.get("tenant_id")
    return [Connection.tenant_id == tenant_id] if tenant_id else []


# --- for the workers -------------------------------------------------------------------------------------------


async def read_secrets(
    session: AsyncSession, shop_id: uuid.UUID, *, box: SecretBox | None = None
) -> ConnectionSecrets | None:
    """The shop's connection with its secrets decrypted; None when it has none or is archived (no more pushes).

    `box` defaults to the keys of OPENCLAW_ENCRYPTION_KEY; pass the one of the settings the API ran with when
    they differ (tests)."""
    row = (
        await session.execute(
            select(Connection, Shop)
            .join(Shop, (Shop.tenant_id == Connection.tenant_id) & (Shop.id == Connection.shop_id))
            .where(Connection.shop_id == shop_id, Shop.archived_at.is_(None), *_tenant_filter(session))
        )
    ).one_or_none()
    if row is None:
        return None
    connection, shop = row
    box = box or _default_box()
    return ConnectionSecrets(
        shop_id=shop.id,
        platform=shop.platform,
        market=shop.market,
        currency=shops.currency_of(shop),
        base_url=connection.base_url,
        auth_base_url=connection.auth_base_url,
        credentials={str(k): str(v) for k, v in box.decrypt_json(connection.credentials_encrypted).items()},
        access_token=_decrypt(box, connection.access_token_encrypted),
        refresh_token=_decrypt(box, connection.refresh_token_encrypted),
        access_expires_at=connection.access_expires_at,
        refresh_expires_at=connection.refresh_expires_at,
        scopes=tuple(connection.scopes or ()),
        health=connection.health,
    )


async def store_tokens(
    session: AsyncSession,
    shop_id: uuid.UUID,
    *,
    access_token: str,
    refresh_token: str | None,
    access_expires_at: datetime | None,
    refresh_expires_at: datetime | None,
    scopes: Sequence[str] | None,
    grant_expires_at: datetime | None = None,
    box: SecretBox | None = None,
) -> None:
    """Keep the tokens a refresh returned. A refresh that returns no new refresh token (or no expiry or scopes for
    it) keeps the stored ones: some platforms hand out one refresh token for the grant's whole life. Tokens the
    platform just issued prove the connection works: its health is observed "ok" in the same transaction, so a
    reader never sees the new expiry beside the old health."""
    box = box or _default_box()
    values: dict[str, Any] = {
        "access_token_encrypted": box.encrypt(access_token),
        "access_expires_at": access_expires_at,
    }
    if refresh_token is not None:
        values["refresh_token_encrypted"] = box.encrypt(refresh_token)
    if refresh_expires_at is not None:
        values["refresh_expires_at"] = refresh_expires_at
    if scopes is not None:
        values["scopes"] = list(scopes)
    if grant_expires_at is not None:
        values["grant_expires_at"] = grant_expires_at
    await _update(session, shop_id, values)
    await set_health(session, shop_id, "ok")


async def set_health(session: AsyncSession, shop_id: uuid.UUID, health: str, error: str | None = None) -> None:
    """Record what the last call or refresh found. "ok" also stamps last_success_at and clears the error.

    The state stored is that observation combined with what the row says (api/shops/health.py): a refresh that
    worked on a grant ending tomorrow leaves the connection `expiring`. Entering a state raises its event once."""
    if health not in HEALTH_STATES:
        raise ValueError(f"health must be one of {', '.join(HEALTH_STATES)}, not {health!r}")
    now = datetime.now(UTC)
    values: dict[str, Any] = {"last_checked_at": now, "last_error": None if health == "ok" else error}
    if health == "ok":
        values["last_success_at"] = now
    await _update(session, shop_id, values)
    row = (
        await session.execute(
            select(Connection, Shop)
            .join(Shop, (Shop.tenant_id == Connection.tenant_id) & (Shop.id == Connection.shop_id))
            .where(Connection.shop_id == shop_id, *_tenant_filter(session))
            .execution_options(populate_existing=True)
        )
    ).one()
    await health_sync.observe(session, row[1], row[0], health, now)


SUCCESS_STAMPED_EVERY = timedelta(minutes=1)


async def note_success(session: AsyncSession, shop_id: uuid.UUID) -> None:
    """A platform call went through: the connection's last success is now. Stamped at most once a minute (a busy
    shop's pushes would otherwise write its connection row every batch); a connection not yet tried (`unknown`) or
    `failing` is observed ok. The row's updated_at stays (the workers' authorisation events are keyed on it)."""
    now = datetime.now(UTC)
    stamped = await session.execute(
        update(Connection)
        .where(
            Connection.shop_id == shop_id,
            *_tenant_filter(session),
            or_(Connection.last_success_at.is_(None), Connection.last_success_at < now - SUCCESS_STAMPED_EVERY),
        )
        .values(last_success_at=now, last_checked_at=now, updated_at=Connection.updated_at)
        .returning(Connection.health)
        .execution_options(synchronize_session=False)
    )
    health = stamped.scalar_one_or_none()
    if health in ("unknown", "failing"):
        await set_health(session, shop_id, "ok")


async def _update(session: AsyncSession, shop_id: uuid.UUID, values: dict[str, Any]) -> None:
    statement = (
        update(Connection)
        .where(Connection.shop_id == shop_id, *_tenant_filter(session))
        .values(**values)
        .returning(Connection.id)
        .execution_options(synchronize_session=False)
    )
    if (await session.execute(statement)).first() is None:
        raise problems.NotFound("this shop has no connection")


def _decrypt(box: SecretBox, token: bytes | None) -> str | None:
    return box.decrypt(token) if token is not None else None


# --- for the API -----------------------------------------------------------------------------------------------


def missing_credentials(platform: str, credentials: dict[str, str]) -> list[str]:
    return [name for name in REQUIRED_CREDENTIALS[platform] if not credentials.get(name)]


async def put_connection(
    session: AsyncSession, principal: Principal, box: SecretBox, shop_id: uuid.UUID, body: ConnectionPut
) -> Connection:
    """Set (or replace) the shop's connection. Its health starts again at "unknown": nothing has tried it yet."""
    shop = await shops.get_active_shop(session, principal, shop_id)
    _check_against_shop(shop, body)
    before = await _find(session, principal, shop_id)
    before_snapshot = snapshot(before, box) if before else None
    values: dict[str, Any] = {
        "base_url": body.base_url,
        "auth_base_url": body.auth_base_url,
        "credentials_encrypted": box.encrypt_json(body.credentials),
        "access_token_encrypted": box.encrypt(body.access_token) if body.access_token else None,
        "refresh_token_encrypted": box.encrypt(body.refresh_token) if body.refresh_token else None,
        "access_expires_at": body.access_expires_at,
        "refresh_expires_at": body.refresh_expires_at,
        "grant_expires_at": body.grant_expires_at,
        "scopes": body.scopes,
        "health": "unknown",
        "last_checked_at": None,
        "last_error": None,
        "updated_at": datetime.now(UTC),
    }
    # One statement, so two admins setting it at once cannot both insert.
    statement = (
        insert(Connection)
        .values(tenant_id=principal.tenant_id, shop_id=shop_id, **values)
        .on_conflict_do_update(index_elements=[Connection.tenant_id, Connection.shop_id], set_=values)
        .returning(Connection)
        .execution_options(populate_existing=True)
    )
    connection = (await session.execute(statement)).scalar_one()
    await audit.record(
        session, principal, "connection.put", "shop", shop_id, before=before_snapshot, after=snapshot(connection, box)
    )
    return connection


async def get_connection(session: AsyncSession, principal: Principal, shop_id: uuid.UUID) -> Connection:
    await shops.get_shop(session, principal, shop_id)
    connection = await _find(session, principal, shop_id)
    if connection is None:
        raise problems.NotFound("this shop has no connection yet")
    return connection


async def connection_out(
    session: AsyncSession, principal: Principal, box: SecretBox, shop_id: uuid.UUID
) -> ConnectionOut:
    """The shop's connection as the API answers it, with its health as of now."""
    shop = await shops.get_shop(session, principal, shop_id)
    connection = await _find(session, principal, shop_id)
    if connection is None:
        raise problems.NotFound("this shop has no connection yet")
    return describe(connection, box, shop.platform)


async def _find(session: AsyncSession, principal: Principal, shop_id: uuid.UUID) -> Connection | None:
    statement = select(Connection).where(Connection.tenant_id == principal.tenant_id, Connection.shop_id == shop_id)
    return (await session.execute(statement)).scalar_one_or_none()


def _check_against_shop(shop: Shop, body: ConnectionPut) -> None:
    """The sandbox's listing of a shop carries its platform and market: refuse one meant for another shop."""
    params = []
    for name in ("platform", "market"):
        sent = getattr(body, name)
        if sent is not None and sent != getattr(shop, name):
            params.append(_param(name, f"this shop is {getattr(shop, name)}, not {sent}"))
    params += [
        _param(f"credentials.{name}", f"{shop.platform} needs the credential {name}")
        for name in missing_credentials(shop.platform, body.credentials)
    ]
    if params:
        raise problems.Invalid("; ".join(f"{p['name']}: {p['reason']}" for p in params), invalid_params=params)


def _param(name: str, reason: str) -> dict[str, str]:
    return {"name": name, "reason": reason, "type": "value_error"}


def snapshot(connection: Connection, box: SecretBox) -> dict[str, Any]:
    """The connection without any secret: what the audit log keeps (and, with its state, what the API answers)."""
    return {
        "base_url": connection.base_url,
        "auth_base_url": connection.auth_base_url,
        # Names are not secret, but they live inside the encrypted document.
        "credential_names": sorted(box.decrypt_json(connection.credentials_encrypted)),
        "has_access_token": connection.access_token_encrypted is not None,
        "has_refresh_token": connection.refresh_token_encrypted is not None,
        "access_expires_at": _iso(connection.access_expires_at),
        "refresh_expires_at": _iso(connection.refresh_expires_at),
        "grant_expires_at": _iso(connection.grant_expires_at),
        "scopes": list(connection.scopes or ()),
    }


def describe(connection: Connection, box: SecretBox, platform: str) -> ConnectionOut:
    now = datetime.now(UTC)
    computed = health_sync.current(connection, platform, now)
    return ConnectionOut.model_validate(
        {
            **snapshot(connection, box),
            "shop_id": connection.shop_id,
            "health": computed.state,
            "missing_scopes": list(computed.missing_scopes),
            "last_success_at": connection.last_success_at,
            "last_checked_at": connection.last_checked_at,
            "last_error": connection.last_error,
            "updated_at": connection.updated_at,
        }
    )


def summary(connection: Connection | None, platform: str, now: datetime | None = None) -> ConnectionSummary | None:
    """What the shop list shows of a connection: its health, when its tokens end, what it lacks, its last success."""
    if connection is None:
        return None
    computed = health_sync.current(connection, platform, now)
    return ConnectionSummary(
        health=computed.state,
        access_expires_at=connection.access_expires_at,
        refresh_expires_at=connection.refresh_expires_at,
        authorization_expires_at=computed.ends_at,
        missing_scopes=list(computed.missing_scopes),
        last_success_at=connection.last_success_at,
    )


async def with_connections(session: AsyncSession, principal: Principal, found: Sequence[Shop]) -> list[ShopOut]:
    """Shops as the API answers them, each with its connection's health summary (one query for all)."""
    statement = select(Connection).where(
        Connection.tenant_id == principal.tenant_id, Connection.shop_id.in_([s.id for s in found])
    )
    by_shop = {c.shop_id: c for c in (await session.execute(statement)).scalars()} if found else {}
    now = datetime.now(UTC)
    return [
        ShopOut.model_validate(s).model_copy(update={"connection": summary(by_shop.get(s.id), s.platform, now)})
        for s in found
    ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
