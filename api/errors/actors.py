"""Who acted on a group and the tenant's names for people and shops, read one way by the board, the CSV exports, the
statistics and the alerts. `handled_by` is "user:<id>", "api_key:<id>" or "system"."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, String, cast, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import User
from api.shops.models import Shop


def actor_id(actor: str | None, kind: str = "user") -> uuid.UUID | None:
    """The id in "<kind>:<id>"; None for another kind, system, or a malformed value."""
    prefix = f"{kind}:"
    if actor and actor.startswith(prefix):
        try:
            return uuid.UUID(actor.removeprefix(prefix))
        except ValueError:
            return None
    return None


def is_actor(handled_by: Any, kind: str, id_column: Any) -> ColumnElement[bool]:
    """SQL: handled_by names this row (a users or api_keys id) as its actor."""
    matches: ColumnElement[bool] = literal(f"{kind}:") + cast(id_column, String) == handled_by
    return matches


async def user_names(session: AsyncSession, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Display names (the email where none is set) of these users."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(User.id, User.display_name, User.email).where(User.tenant_id == tenant_id, User.id.in_(wanted))
    )
    return {user_id: name or email for user_id, name, email in rows}


async def shop_names(
    session: AsyncSession, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID] | None = None
) -> dict[uuid.UUID, str]:
    """Names of these shops (all the tenant's when ids is None)."""
    statement = select(Shop.id, Shop.name).where(Shop.tenant_id == tenant_id)
    if ids is not None:
        wanted = set(ids)
        if not wanted:
            return {}
        statement = statement.where(Shop.id.in_(wanted))
    return {shop_id: name for shop_id, name in await session.execute(statement)}
