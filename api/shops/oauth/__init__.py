"""Seller authorisation (OAuth): an admin asks for a link, the seller authorises on the platform, the platform's
redirect lands on our callback, which spends the link's single-use state, exchanges the code for tokens, stores
them and marks the connection healthy (which resolves its open authorisation groups)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.db import use_tenant
from api.principal import Principal
from api.shops import connections, health_sync
from api.shops import service as shops
from api.shops.models import Connection, OAuthState, Shop
from api.shops.oauth import flows, state
from api.shops.schemas import AuthorizeUrlOut
from api.shops.secrets import SecretBox

EXCHANGE_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


def callback_url(public_url: str, platform: str) -> str:
    return f"{public_url.rstrip('/')}/v1/oauth/{platform}/callback"


def connections_screen(public_url: str, shop_id: uuid.UUID) -> str:
    return f"{public_url.rstrip('/')}/connections?authorized={shop_id}"


async def _app(session: AsyncSession, shop: Shop, box: SecretBox) -> flows.App:
    secrets = await connections.read_secrets(session, shop.id, box=box)
    if secrets is None:
        raise problems.NotFound("this shop has no connection yet: set its app credentials first")
    return flows.App(shop.platform, shop.market, secrets.credentials, secrets.base_url, secrets.auth_base_url)


async def authorize_url(
    session: AsyncSession,
    principal: Principal,
    box: SecretBox,
    secret_key: str,
    public_url: str,
    shop_id: uuid.UUID,
    now: datetime | None = None,
) -> AuthorizeUrlOut:
    now = now or datetime.now(UTC)
    shop = await shops.get_active_shop(session, principal, shop_id)
    app = await _app(session, shop, box)
    expires_at = now + state.STATE_LIFETIME
    row = OAuthState(
        tenant_id=principal.tenant_id, shop_id=shop.id, created_by=principal.label[:200], expires_at=expires_at
    )
    session.add(row)
    await session.flush()
    signed = state.sign(secret_key, state.StateClaims(principal.tenant_id, shop.id, row.id, expires_at))
    url = flows.authorize_url(app, signed, callback_url(public_url, shop.platform), now)
    await audit.record(
        session, principal, "connection.authorize_link", "shop", shop.id, after={"expires_at": expires_at.isoformat()}
    )
    return AuthorizeUrlOut(url=url, expires_at=expires_at)


async def complete(
    session: AsyncSession,
    box: SecretBox,
    secret_key: str,
    public_url: str,
    platform: str,
    params: Mapping[str, str],
    *,
    http: httpx.AsyncClient | None = None,
) -> uuid.UUID:
    """The callback: refused (400, nothing changed) unless its state is ours, unexpired and unspent and names a
    shop of this platform; otherwise the code's tokens are stored. Returns the shop id."""
    claims = state.verify(secret_key, params.get("state", ""))
    await use_tenant(session, claims.tenant_id)
    spent = (
        await session.execute(
            update(OAuthState)
            .where(
                OAuthState.tenant_id == claims.tenant_id,
                OAuthState.id == claims.nonce,
                OAuthState.shop_id == claims.shop_id,
                OAuthState.used_at.is_(None),
                OAuthState.expires_at > datetime.now(UTC),
            )
            .values(used_at=datetime.now(UTC))
            .returning(OAuthState.id)
        )
    ).first()
    if spent is None:
        raise state.StateRefused("this authorisation link was already used or withdrawn: ask for a new one")
    system = Principal.system(claims.tenant_id)
    shop = await shops.get_active_shop(session, system, claims.shop_id)
    if shop.platform != platform:
        raise state.StateRefused(f"this authorisation link is for {shop.platform}, not {platform}")
    app = await _app(session, shop, box)
    redirect_uri = callback_url(public_url, platform)
    if http is None:
        async with httpx.AsyncClient(timeout=EXCHANGE_TIMEOUT) as client:
            tokens = await flows.exchange(client, app, params, redirect_uri)
    else:
        tokens = await flows.exchange(http, app, params, redirect_uri)
    await connections.store_tokens(
        session, shop.id, access_token=tokens.access_token, refresh_token=tokens.refresh_token,
        access_expires_at=tokens.access_expires_at, refresh_expires_at=tokens.refresh_expires_at,
        scopes=tokens.scopes, grant_expires_at=tokens.grant_expires_at, box=box,
    )  # fmt: skip
    connection = (
        await session.execute(
            select(Connection)
            .where(Connection.tenant_id == shop.tenant_id, Connection.shop_id == shop.id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    # A fresh grant: whatever was observed before (a refused refresh) is over.
    connection.last_error, connection.last_success_at = None, datetime.now(UTC)
    await session.flush()
    computed = await health_sync.observe(session, shop, connection, "ok")
    await audit.record(
        session, system, "connection.authorized", "shop", shop.id,
        after={"health": computed.state, **connections.snapshot(connection, box)},
    )  # fmt: skip
    return shop.id
