"""Amazon SP-API's wire format: headers, the LWA refresh form, listing paths and Listings Items bodies. Pure, so
the exact wire format is tested alone. SP-API has required no AWS SigV4 since 2023-10: nothing is signed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from workers.platforms.amazon.codes import Market
from workers.platforms.base import ListingDraft, ListingRef

LISTINGS_ITEM_PATH = "/listings/2021-08-01/items/{seller_id}/{sku}"
DEFAULT_PRODUCT_TYPE = "PRODUCT"  # accepted for offer-only partial updates of any product type
FULFILLMENT_CHANNEL = "DEFAULT"  # merchant-fulfilled stock; FBA quantities cannot be set by the seller
EXTRA_IMAGE_SLOTS = 8  # other_product_image_locator_1..8
USER_AGENT = "OpenClaw/0.1 (Language=Python; Platform=httpx)"


def sp_api_headers(access_token: str, at: datetime, *, json_body: bool = False) -> dict[str, str]:
    """Headers of every SP-API call: the LWA token, the request time and a descriptive user agent; no signature."""
    headers = {
        "x-amz-access-token": access_token,
        "x-amz-date": at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "user-agent": USER_AGENT,
        "accept": "application/json",
    }
    if json_body:
        headers["content-type"] = "application/json"
    return headers


def lwa_refresh_form(refresh_token: str, client_id: str, client_secret: str) -> str:
    return urlencode(
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        }
    )


def listing_path(seller_id: str, sku: str) -> str:
    # Everything is escaped, '/' included: a SKU like "A/B" must stay one path segment.
    return LISTINGS_ITEM_PATH.format(seller_id=quote(seller_id, safe=""), sku=quote(sku, safe=""))


def _schedule(amount: Decimal) -> list[dict[str, Any]]:
    return [{"schedule": [{"value_with_tax": _number(amount)}]}]


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def purchasable_offer(market: Market, price: Decimal, currency: str, sale_price: Decimal | None) -> dict[str, Any]:
    offer: dict[str, Any] = {"marketplace_id": market.marketplace_id, "currency": currency}
    offer["our_price"] = _schedule(price)
    if sale_price is not None:
        offer["discounted_price"] = _schedule(sale_price)
    return offer


def listing_attributes(draft: ListingDraft, market: Market) -> dict[str, Any]:
    """Attributes of a putListingsItem body; the draft's own attributes override ours."""
    mp = market.marketplace_id

    def text(value: str) -> list[dict[str, Any]]:
        return [{"value": value, "language_tag": market.language_tag, "marketplace_id": mp}]

    attributes: dict[str, Any] = {
        "item_name": text(draft.title),
        "purchasable_offer": [purchasable_offer(market, draft.price, draft.currency, None)],
        "fulfillment_availability": [{"fulfillment_channel_code": FULFILLMENT_CHANNEL, "quantity": draft.quantity}],
    }
    if draft.brand:
        attributes["brand"] = text(draft.brand)
    if draft.description:
        attributes["product_description"] = text(draft.description)
    if draft.images:
        attributes["main_product_image_locator"] = [{"media_location": draft.images[0].url, "marketplace_id": mp}]
    for slot, image in enumerate(draft.images[1 : 1 + EXTRA_IMAGE_SLOTS], start=1):
        attributes[f"other_product_image_locator_{slot}"] = [{"media_location": image.url, "marketplace_id": mp}]
    attributes.update(draft.attributes)
    return attributes


def product_type(ref: ListingRef) -> str:
    return ref.extra.get("product_type") or DEFAULT_PRODUCT_TYPE
