"""The seller's catalog: SKUs and their bindings to platform-native ids per shop.

Writes are bulk upserts, one set-based statement per request (a batch is at most 5,000 rows), fed as one JSON
document that PostgreSQL unpacks, in key order so that two overlapping batches never wait on each other in a cycle.
A request that names an unknown SKU, or one SKU twice, is refused as a whole with the rows named.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, exists, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.pagination import decode_cursor, encode_cursor, invalid_cursor
from api.principal import Principal
from api.shops import service as shops
from api.shops.models import Shop, Sku, SkuBinding
from api.shops.schemas import BindingIn, BindingOut, SkuIn, SkuList, SkuOut, UpsertResult

_UPSERT_SKUS = text("""
    INSERT INTO skus (tenant_id, code, title, listing_draft)
    SELECT CAST(:tenant_id AS uuid), r.sku, r.title, r.listing_draft
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(sku text, title text, listing_draft jsonb)
    ORDER BY r.sku
    ON CONFLICT (tenant_id, code) DO UPDATE
        SET title = EXCLUDED.title, listing_draft = COALESCE(EXCLUDED.listing_draft, skus.listing_draft),
            updated_at = now()
    RETURNING (xmax = 0) AS created
""")

# A binding set here is the user's: bound_by = 'user', which a catalog sync leaves alone.
_UPSERT_BINDINGS = text("""
    INSERT INTO sku_bindings
        (tenant_id, sku_id, shop_id, platform_sku, platform_item_id, platform_variant_id, extra, bound_by)
    SELECT s.tenant_id, s.id, CAST(:shop_id AS uuid), r.platform_sku, r.platform_item_id, r.platform_variant_id,
           COALESCE(r.extra, '{}'::jsonb), 'user'
    FROM jsonb_to_recordset(CAST(:rows AS jsonb))
         AS r(sku text, platform_sku text, platform_item_id text, platform_variant_id text, extra jsonb)
    JOIN skus s ON s.tenant_id = CAST(:tenant_id AS uuid) AND s.code = r.sku
    ORDER BY s.id
    ON CONFLICT (tenant_id, shop_id, sku_id) DO UPDATE SET
        platform_sku = EXCLUDED.platform_sku,
        platform_item_id = EXCLUDED.platform_item_id,
        platform_variant_id = EXCLUDED.platform_variant_id,
        extra = EXCLUDED.extra,
        bound_by = 'user',
        updated_at = now()
    RETURNING (xmax = 0) AS created
""")


def _param(name: str, reason: str) -> dict[str, str]:
    return {"name": name, "reason": reason, "type": "value_error"}


def _refuse(summary: str, params: list[dict[str, str]]) -> problems.Invalid:
    shown = "; ".join(f"{p['name']}: {p['reason']}" for p in params[:20])
    more = f" (and {len(params) - 20} more)" if len(params) > 20 else ""
    return problems.Invalid(f"{summary}: {shown}{more}", invalid_params=params)


def _check_no_repeats(codes: Sequence[str]) -> None:
    first: dict[str, int] = {}
    params = []
    for index, code in enumerate(codes):
        if code in first:
            params.append(_param(f"items.{index}.sku", f"repeats items.{first[code]}.sku ({code!r})"))
        else:
            first[code] = index
    if params:
        raise _refuse("each SKU may appear once per request", params)


async def _counted(session: AsyncSession, statement: Any, params: dict[str, Any]) -> UpsertResult:
    created_flags = list((await session.execute(statement, params)).scalars())
    created = sum(1 for flag in created_flags if flag)
    return UpsertResult(created=created, updated=len(created_flags) - created)


async def upsert_skus(session: AsyncSession, principal: Principal, items: Sequence[SkuIn]) -> UpsertResult:
    _check_no_repeats([item.sku for item in items])
    rows = orjson.dumps([item.model_dump(exclude_none=True) for item in items]).decode()
    result = await _counted(session, _UPSERT_SKUS, {"tenant_id": str(principal.tenant_id), "rows": rows})
    await audit.record(session, principal, "skus.upsert", "catalog", "skus", payload=result.model_dump())
    return result


async def upsert_bindings(
    session: AsyncSession, principal: Principal, shop_id: uuid.UUID, items: Sequence[BindingIn]
) -> UpsertResult:
    shop = await shops.get_active_shop(session, principal, shop_id)
    codes = [item.sku for item in items]
    _check_no_repeats(codes)
    existing = select(Sku.code).where(Sku.tenant_id == principal.tenant_id, Sku.code.in_(codes))
    known = set((await session.execute(existing)).scalars())
    unknown = [
        _param(f"items.{index}.sku", f"no SKU {code!r}: create it with POST /v1/skus")
        for index, code in enumerate(codes)
        if code not in known
    ]
    if unknown:
        raise _refuse("bindings must name existing SKUs; nothing was written", unknown)
    rows = orjson.dumps([item.model_dump() for item in items]).decode()
    params = {"tenant_id": str(principal.tenant_id), "shop_id": str(shop.id), "rows": rows}
    result = await _counted(session, _UPSERT_BINDINGS, params)
    await audit.record(session, principal, "bindings.upsert", "shop", shop.id, payload=result.model_dump())
    return result


# --- reading -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkuFilter:
    q: str | None = None  # part of the code or the title, any case
    shop_id: uuid.UUID | None = None  # bindings of this shop only (else of every shop not archived)
    unbound: bool | None = None  # True: SKUs without such a binding; False: with one; None: all


def _escape_like(fragment: str) -> str:
    """The fragment matched literally by LIKE (with ESCAPE '\\'): its % and _ are not wildcards."""
    return fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _bindings_in_view(tenant_id: uuid.UUID, shop_id: uuid.UUID | None) -> ColumnElement[bool]:
    if shop_id is not None:
        return SkuBinding.shop_id == shop_id
    active = select(Shop.id).where(Shop.tenant_id == tenant_id, Shop.archived_at.is_(None))
    return SkuBinding.shop_id.in_(active)


async def list_skus(
    session: AsyncSession, principal: Principal, f: SkuFilter, limit: int, cursor: str | None
) -> SkuList:
    tenant_id = principal.tenant_id
    if f.shop_id is not None:
        await shops.get_shop(session, principal, f.shop_id)  # another tenant's shop is a 404, not an empty list
    in_view = _bindings_in_view(tenant_id, f.shop_id)
    statement = select(Sku).where(Sku.tenant_id == tenant_id)
    if f.q:
        pattern = f"%{_escape_like(f.q)}%"
        statement = statement.where(or_(Sku.code.ilike(pattern, escape="\\"), Sku.title.ilike(pattern, escape="\\")))
    if f.unbound is not None:
        bound = exists().where(SkuBinding.tenant_id == tenant_id, SkuBinding.sku_id == Sku.id, in_view)
        statement = statement.where(~bound if f.unbound else bound)
    if cursor:
        statement = statement.where(Sku.code > _position(cursor))
    page = list((await session.execute(statement.order_by(Sku.code).limit(limit + 1))).scalars())
    more = len(page) > limit
    page = page[:limit]

    bindings: dict[uuid.UUID, list[BindingOut]] = defaultdict(list)
    if page:
        rows = await session.execute(
            select(SkuBinding, Shop.name, Shop.platform)
            .join(Shop, (Shop.tenant_id == SkuBinding.tenant_id) & (Shop.id == SkuBinding.shop_id))
            .where(SkuBinding.tenant_id == tenant_id, SkuBinding.sku_id.in_([s.id for s in page]), in_view)
            .order_by(Shop.platform, Shop.name)
        )
        for binding, shop_name, platform in rows:
            bindings[binding.sku_id].append(
                BindingOut(
                    shop_id=binding.shop_id,
                    shop_name=shop_name,
                    platform=platform,
                    platform_sku=binding.platform_sku,
                    platform_item_id=binding.platform_item_id,
                    platform_variant_id=binding.platform_variant_id,
                    bound_by=binding.bound_by,
                )
            )
    items = [
        SkuOut(
            sku=sku.code,
            title=sku.title,
            base_prices=sku.base_prices or {},
            available_quantity=sku.available_quantity,
            has_listing_draft=sku.listing_draft is not None,
            bindings=bindings.get(sku.id, []),
        )
        for sku in page
    ]
    return SkuList(items=items, next_cursor=encode_cursor([page[-1].code]) if more else None)


def _position(cursor: str) -> str:
    value = decode_cursor(cursor)
    if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], str) and "\x00" not in value[0]):
        raise invalid_cursor()
    return value[0]


# --- for the planner ---------------------------------------------------------------------------------------------


def _tenant_of(session: AsyncSession) -> uuid.UUID | None:
    """The tenant the session is scoped to: an explicit filter in front of row-level security."""
    tenant_id: uuid.UUID | None = session.info.get("tenant_id")
    return tenant_id


def _sku_scope(skus: Sequence[str] | None, prefix: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if skus is not None:
        conditions.append(Sku.code.in_(list(skus)))
    if prefix:
        conditions.append(Sku.code.like(f"{_escape_like(prefix)}%", escape="\\"))
    return conditions


async def bindings_for(
    session: AsyncSession, shop_ids: Sequence[uuid.UUID], skus: list[str] | None, prefix: str | None
) -> dict[tuple[uuid.UUID, str], SkuBinding]:
    """The bindings of these shops, keyed by (shop id, SKU code): of the listed SKUs, or those whose code starts
    with `prefix`, or (both None) all of them. A SKU × shop missing from the answer is unbound there."""
    if not shop_ids or skus == []:
        return {}
    statement = (
        select(SkuBinding, Sku.code)
        .join(Sku, (Sku.tenant_id == SkuBinding.tenant_id) & (Sku.id == SkuBinding.sku_id))
        .where(SkuBinding.shop_id.in_(list(shop_ids)), *_sku_scope(skus, prefix))
    )
    tenant_id = _tenant_of(session)
    if tenant_id is not None:
        statement = statement.where(SkuBinding.tenant_id == tenant_id)
    return {(binding.shop_id, code): binding for binding, code in await session.execute(statement)}


async def skus_matching(session: AsyncSession, skus: Sequence[str] | None, prefix: str | None) -> list[Sku]:
    """The tenant's SKUs by code (those listed, or starting with `prefix`, or all when both are None), by code."""
    if skus is not None and not skus:
        return []
    statement = select(Sku).where(*_sku_scope(skus, prefix)).order_by(Sku.code)
    tenant_id = _tenant_of(session)
    if tenant_id is not None:
        statement = statement.where(Sku.tenant_id == tenant_id)
    return list((await session.execute(statement)).scalars())
