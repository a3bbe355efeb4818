"""Saved views: named board filters, private or shared, one of them the tenant's default."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.errors.filters import ErrorFilter, with_search_hits
from api.errors.models import SavedView
from api.errors.schemas import ViewCreate, ViewOut, ViewUpdate
from api.principal import Principal


def _visible(principal: Principal) -> Any:
    v = SavedView
    return select(v).where(v.tenant_id == principal.tenant_id, or_(v.shared, v.owner_id == principal.id))


def _out(principal: Principal, view: SavedView) -> ViewOut:
    out = ViewOut.model_validate(view)
    out.mine = view.owner_id == principal.id
    return out


def _require_user(principal: Principal) -> uuid.UUID:
    if principal.kind != "user" or principal.id is None:
        raise problems.Forbidden("saved views belong to users; API keys pass filters directly")
    return principal.id


async def list_views(session: AsyncSession, principal: Principal) -> list[ViewOut]:
    rows = await session.execute(_visible(principal).order_by(SavedView.is_default.desc(), SavedView.name))
    return [_out(principal, v) for v in rows.scalars()]


async def get_view(session: AsyncSession, principal: Principal, view_id: uuid.UUID) -> SavedView:
    view: SavedView | None = (
        await session.execute(_visible(principal).where(SavedView.id == view_id))
    ).scalar_one_or_none()
    if view is None:
        raise problems.NotFound("saved view not found")
    return view


async def resolve_filter(
    session: AsyncSession, principal: Principal, f: ErrorFilter, view_id: uuid.UUID | None
) -> ErrorFilter:
    """The filter to apply: `f`'s explicitly given fields over the saved view's filters, its search run."""
    if view_id is not None:
        view = await get_view(session, principal, view_id)
        try:
            f = f.merged_over(view.filters)
        except ValidationError as exc:  # e.g. the request's since is after the view's until: no window is left
            raise _unusable_with_view(exc) from exc
    return await with_search_hits(session, principal, f)


def _unusable_with_view(exc: ValidationError) -> problems.Invalid:
    params = [
        {
            "name": ".".join(str(part) for part in error["loc"]) or "view_id",
            "reason": f"with the saved view's filters: {error['msg']}",
            "type": error["type"],
        }
        for error in exc.errors(include_url=False, include_context=False)
    ]
    return problems.Invalid("; ".join(p["reason"] for p in params), invalid_params=params)


async def _clear_default(session: AsyncSession, principal: Principal) -> None:
    await session.execute(
        update(SavedView)
        .where(SavedView.tenant_id == principal.tenant_id, SavedView.is_default)
        .values(is_default=False)
    )


def _stored_filters(f: ErrorFilter) -> dict[str, Any]:
    # Only what the user chose is stored, so a view without a time window keeps "the last 7 days" relative.
    return f.model_dump(mode="json", exclude_unset=True)


async def create_view(session: AsyncSession, principal: Principal, body: ViewCreate) -> ViewOut:
    owner_id = _require_user(principal)
    if body.is_default:
        await _clear_default(session, principal)
    view = SavedView(
        tenant_id=principal.tenant_id,
        owner_id=owner_id,
        name=body.name,
        filters=_stored_filters(body.filters),
        shared=body.shared or body.is_default,
        is_default=body.is_default,
    )
    session.add(view)
    await session.flush()
    await audit.record(session, principal, "view.create", "saved_view", view.id, after={"name": view.name})
    return _out(principal, view)


async def update_view(session: AsyncSession, principal: Principal, view_id: uuid.UUID, body: ViewUpdate) -> ViewOut:
    view = await get_view(session, principal, view_id)
    if view.owner_id != principal.id and not principal.is_admin:
        raise problems.Forbidden("only the view's owner or an admin can change it")
    before = {"name": view.name, "filters": view.filters, "shared": view.shared, "is_default": view.is_default}
    if body.name is not None:
        view.name = body.name
    if body.filters is not None:
        view.filters = _stored_filters(body.filters)
    if body.shared is not None:
        view.shared = body.shared
    if body.is_default is not None:
        if body.is_default and not view.is_default:
            await _clear_default(session, principal)
        view.is_default = body.is_default
    view.shared = view.shared or view.is_default
    await session.flush()
    await audit.record(
        session, principal, "view.update", "saved_view", view.id, before=before,
        after={"name": view.name, "filters": view.filters, "shared": view.shared, "is_default": view.is_default},
    )  # fmt: skip
    return _out(principal, view)


async def delete_view(session: AsyncSession, principal: Principal, view_id: uuid.UUID) -> None:
    view = await get_view(session, principal, view_id)
    if view.owner_id != principal.id and not principal.is_admin:
        raise problems.Forbidden("only the view's owner or an admin can delete it")
    await audit.record(session, principal, "view.delete", "saved_view", view.id, before={"name": view.name})
    await session.delete(view)
