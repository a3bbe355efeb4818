"""The platform client of a stored connection, and the conversions between push actions and the clients' types.

Jobs open a client with `open_client(ctx, tenant_id, shop, task)`: credentials and tokens come from the connection
(decrypted by the shops service), new tokens are stored in their own transaction *before* they are used (Shopee's
refresh tokens work once), rate limits and the refresh lock are shared by every worker through Redis, and every
exchange is recorded as a trace of the task.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from api.db import tenant_session
from api.platforms import Platform
from api.shops import connections as connections_service
from api.shops.models import Shop, SkuBinding
from api.tasks.actions import Claimed, Failure, PushResult, ReadBack
from api.tasks.models import Task
from workers.platforms.base import (
    ClientDeps,
    Connection,
    ItemResult,
    ListingDraft,
    ListingImage,
    ListingRef,
    ListingStatus,
    PlatformClient,
    PlatformError,
    PriceUpdate,
    StockUpdate,
    TokenSet,
    get_client,
)
from workers.platforms.rules import RulesSource, publish_checked
from workers.trace_recorder import DatabaseTraceRecorder


class NoConnection(Exception):
    """The shop has no stored connection: nothing can be sent."""


async def open_client(
    ctx: dict[str, Any], tenant_id: uuid.UUID, shop: Shop, task: Task | None
) -> tuple[PlatformClient, DatabaseTraceRecorder]:
    factory = ctx["sessionmaker"]
    async with tenant_session(factory, tenant_id) as session:
        stored = await connections_service.read_secrets(session, shop.id)
    if stored is None:
        raise NoConnection(f"shop {shop.name} has no connection")
    connection = Connection(
        platform=Platform(shop.platform),
        shop_id=str(shop.id),
        market=shop.market,
        credentials=dict(stored.credentials),
        access_token=stored.access_token,
        refresh_token=stored.refresh_token,
        access_expires_at=stored.access_expires_at,
        base_url=stored.base_url,
        auth_base_url=stored.auth_base_url,
    )

    async def on_tokens(tokens: TokenSet) -> None:
        async with tenant_session(factory, tenant_id) as session:
            await connections_service.store_tokens(
                session, shop.id, access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                access_expires_at=tokens.access_expires_at, refresh_expires_at=tokens.refresh_expires_at,
                scopes=list(tokens.scopes) or None,
            )  # fmt: skip

    async def token_source() -> TokenSet | None:
        async with tenant_session(factory, tenant_id) as session:
            now = await connections_service.read_secrets(session, shop.id)
        if now is None or not now.access_token or now.access_expires_at is None:
            return None
        return TokenSet(now.access_token, now.refresh_token, now.access_expires_at, now.refresh_expires_at)

    recorder = DatabaseTraceRecorder(
        factory,
        tenant_id,
        task_id=task.id if task else None,
        strategy_id=task.strategy_id if task else None,
        secrets=connection.secrets(),
    )
    deps = ClientDeps(
        http=ctx["http"],
        recorder=recorder,
        limiter=ctx["limiter"],
        refresh_lock=ctx["refresh_lock"],
        on_tokens=on_tokens,
        token_source=token_source,
    )
    return get_client(connection, deps), recorder


def listing_ref(binding: SkuBinding) -> ListingRef:
    return ListingRef(
        sku=binding.platform_sku,
        item_id=binding.platform_item_id,
        variant_id=binding.platform_variant_id,
        extra={k: str(v) for k, v in (binding.extra or {}).items()},
    )


def failure(error: PlatformError) -> Failure:
    return Failure(
        error_type=error.error_type.value,
        code=error.platform_code,
        message=error.platform_message,
        severity=error.severity.value,
        missing_fields=tuple(error.missing_fields),
        raw=dict(error.raw),
    )


UNBOUND = Failure("SKU_MAPPING_FAILED", "NO_BINDING", "the SKU lost its binding before it was sent")


async def push(
    client: PlatformClient, operation: str, items: Sequence[Claimed], read_rules: RulesSource | None = None
) -> list[PushResult]:
    """Send one claimed group of actions through the client; one result per action, by our SKU. A new listing is
    checked against its category's rules (`read_rules`, the client's own by default) before it is sent."""
    bound = [c for c in items if c.binding is not None]
    results = [PushResult(c.action.sku, False, [UNBOUND]) for c in items if c.binding is None]
    ours = {c.binding.platform_sku: c.action.sku for c in bound if c.binding is not None}
    answers: list[ItemResult] = []
    if operation == "price":
        answers = await client.update_prices([_price(c) for c in bound])
    elif operation == "stock":
        answers = await client.update_stock([StockUpdate(_ref(c), int(c.action.value["quantity"])) for c in bound])
    else:
        answers = [await publish_checked(client, _draft(c), read_rules) for c in bound]
    for answer in answers:
        results.append(
            PushResult(
                sku=ours.get(answer.sku, answer.sku),
                ok=answer.ok,
                failures=[failure(e) for e in answer.errors],
                trace_id=answer.trace_id,
                platform_ids=dict(answer.platform_ids),
            )
        )
    return results


async def read_back(client: PlatformClient, items: Sequence[Claimed]) -> list[ReadBack]:
    bound = [c for c in items if c.binding is not None]
    ours = {c.binding.platform_sku: c.action.sku for c in bound if c.binding is not None}
    statuses: list[ListingStatus] = await client.get_listing_status([_ref(c) for c in bound]) if bound else []
    return [
        ReadBack(
            sku=ours.get(s.sku, s.sku),
            found=s.found,
            price=s.price,
            sale_price=s.sale_price,
            quantity=s.quantity,
            status=s.status,
            failures=[failure(e) for e in s.errors],
            trace_id=s.trace_id,
        )
        for s in statuses
    ]


def _ref(claimed: Claimed) -> ListingRef:
    assert claimed.binding is not None
    return listing_ref(claimed.binding)


def _price(claimed: Claimed) -> PriceUpdate:
    value = claimed.action.value
    sale = value.get("sale_price")
    return PriceUpdate(
        _ref(claimed), Decimal(str(value["price"])), value["currency"], None if sale is None else Decimal(str(sale))
    )


def _draft(claimed: Claimed) -> ListingDraft:
    value = claimed.action.value
    images = [ListingImage(i["url"], i.get("width"), i.get("height")) for i in value.get("images") or []]
    return ListingDraft(
        ref=_ref(claimed),
        title=value.get("title", ""),
        category_id=str(value.get("category_id", "")),
        price=Decimal(str(value["price"])),
        currency=value["currency"],
        quantity=int(value["quantity"]),
        description=value.get("description", ""),
        brand=value.get("brand"),
        images=images,
        attributes=value.get("attributes") or {},
    )
