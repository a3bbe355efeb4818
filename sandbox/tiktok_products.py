"""The TikTok emulator's product endpoints, after the gateway let a call through: Update Price, Update Inventory,
Create Product, Get Product and Inventory Search (API 202309), with each endpoint's own validation and codes.

A TikTok product is the set of scenario SKUs sharing one `item_id` (product_id); each SKU's `variant_id` is its
TikTok sku_id. Nothing here mutates a listing: accepted items go through `queue_change`, so the ledger, the
journal and the confirmation delay see every one of them.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from starlette.responses import Response

from api.platforms import TIKTOK_PRICE_RANGES
from sandbox.scenario import CategorySpec
from sandbox.state import Listing, SandboxState, ShopState
from sandbox.tiktok_bodies import (
    Call,
    check_failed,
    envelope,
    error,
    item_error,
    product_body,
    sku_body,
)
from sandbox.tiktok_search import STATUS_BY_AUDIT, audit_of

PRICE_RANGES = TIKTOK_PRICE_RANGES  # the platform facts table
# SKUs per product: 300 in BR/EU/JP/MX/UK/US, 100 elsewhere (Create Product; 12052050 on updates).
SKU_CAPS = {"US": 300, "UK": 300}
SKU_CAP_DEFAULT = 100
MAX_QUANTITY = 99_999
PRODUCT_IDS_MAX, SKU_IDS_MAX = 100, 600  # Inventory Search
MIN_IMAGE_PX = 300  # main images: [300x300, 4000x4000] px
CATEGORY_VERSIONS = {"US": "v2"}  # v1 elsewhere
DEFAULT_WAREHOUSE = "7068517275539719942"  # the docs' sample warehouse id; a shop may set `warehouse_id`
IMAGE_SIZE = re.compile(r"(?P<w>\d{2,5})x(?P<h>\d{2,5})")
# A value that carries its unit, e.g. "500 g" or "1.5kg".
WITH_UNIT = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*[^\d\s.,]+")


class Refused(Exception):
    """A whole-call refusal, by its ERRORS name."""

    def __init__(self, name: str, **fill: Any) -> None:
        super().__init__(name)
        self.name = name
        self.fill = fill


def new_id() -> str:
    """A 19-digit id like TikTok's product and SKU ids."""
    return "17" + "".join(str(secrets.randbelow(10)) for _ in range(17))


def warehouse_of(shop: ShopState, listing: Listing | None = None) -> str:
    if listing is not None and listing.attributes.get("warehouse_id"):
        return str(listing.attributes["warehouse_id"])
    return shop.spec.credentials.get("warehouse_id", DEFAULT_WAREHOUSE)


class Products:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _answer(self, call: Call, work: Callable[[Call, dict[str, Any]], Response]) -> Response:
        try:
            payload = json.loads(call.body) if call.body else {}
            if not isinstance(payload, dict):
                raise Refused("invalid_input")
            return work(call, payload)
        except ValueError:
            return error(call.rid, "invalid_input")
        except Refused as refused:
            return error(call.rid, refused.name, **refused.fill)

    # -- Update Price: all-or-nothing, `data` always empty ------------------------------------------------

    def update_price(self, call: Call) -> Response:
        return self._answer(call, self._update_price)

    def _update_price(self, call: Call, payload: dict[str, Any]) -> Response:
        shop = call.shop
        listings = self._product(shop, call.ids[0])
        skus = _skus(payload, shop)
        changes = []
        for sku in skus:
            listing = listings.get(str(sku.get("id")))
            if listing is None:
                raise Refused("sku_not_in_product")
            price = sku.get("price")
            if not isinstance(price, dict):
                raise Refused("invalid_input")
            # Local sellers send `amount`; global sellers the local display price as `sale_price`.
            amount = _price(price.get("amount", price.get("sale_price")), price.get("currency"), shop)
            if "list_price" in sku and not _category(shop, listing.category).promo_price_allowed:
                raise Refused("list_price")
            if listing.sale_price is not None:
                raise Refused("price_locked")  # the SKU is in an ongoing promotion
            changes.append((listing, amount))
        for listing, amount in changes:
            self.state.queue_change(shop.id, listing.sku, "price", {"price": str(amount)}, request_id=call.rid)
        return envelope(call.rid, {})

    # -- Update Inventory: per-SKU failures in data.errors[] under code 0 -------------------------------------

    def update_inventory(self, call: Call) -> Response:
        return self._answer(call, self._update_inventory)

    def _update_inventory(self, call: Call, payload: dict[str, Any]) -> Response:
        shop = call.shop
        listings = self._product(shop, call.ids[0], active=False)
        errors: list[dict[str, Any]] = []
        accepted: list[tuple[Listing, int]] = []
        for sku in _skus(payload, shop):
            sku_id = str(sku.get("id"))
            inventory = sku.get("inventory")
            if not isinstance(inventory, list) or not inventory or not all(isinstance(i, dict) for i in inventory):
                raise Refused("invalid_input")
            listing = listings.get(sku_id)
            if listing is None:
                errors.append(item_error("sku_missing", sku_id))
                continue
            problem, quantity = _stock_entry(inventory, warehouse_of(shop, listing), sku_id)
            # Stock held by a promotion (the SKU's sale price) or a campaign (`reserved_stock`) cannot shrink.
            held = max(
                listing.stock if listing.sale_price is not None else 0, shop.faults.reserved_stock.get(listing.sku, 0)
            )
            if problem is None and quantity < held:
                problem = item_error("promo_stock_lock", sku_id)
            if problem is not None:
                errors.append(problem)
            else:
                accepted.append((listing, quantity))
        for listing, quantity in accepted:
            self.state.queue_change(shop.id, listing.sku, "stock", {"stock": quantity}, request_id=call.rid)
        return envelope(call.rid, {"errors": errors} if errors else {})

    # -- Create Product: audited; PENDING until the shop's delay passes ------------------------------------

    def create_product(self, call: Call) -> Response:
        return self._answer(call, self._create_product)

    def _create_product(self, call: Call, payload: dict[str, Any]) -> Response:
        shop = call.shop
        market = shop.spec.market
        title, category_id = payload.get("title"), str(payload.get("category_id") or "")
        images, skus = payload.get("main_images"), payload.get("skus")
        if not isinstance(title, str) or not title or not category_id or not isinstance(skus, list):
            raise Refused("invalid_input")
        if not isinstance(payload.get("description"), str):
            raise Refused("invalid_input")
        if shop.spec.categories and category_id not in shop.spec.categories:
            raise Refused("category_missing")
        if payload.get("category_version", "v1") != CATEGORY_VERSIONS.get(market, "v1"):
            raise Refused("category_version")
        category = _category(shop, category_id)
        if not isinstance(images, list) or not images:
            raise Refused("main_image_required")
        weight = _package_weight(payload.get("package_weight"))
        _required_attributes(category, payload.get("product_attributes"))
        warnings = _images(images, category)
        if not skus:
            raise Refused("skus_empty")
        if len(skus) > SKU_CAPS.get(market, SKU_CAP_DEFAULT):
            raise Refused("too_many_skus", cap=SKU_CAPS.get(market, SKU_CAP_DEFAULT))
        limit = shop.faults.max_listings
        if limit is not None and len(self._product_ids(shop)) >= limit:
            raise Refused("listing_limit")
        product_id = new_id()
        audit = "FAILED" if category.restricted else "APPROVED"
        if payload.get("save_mode") == "AS_DRAFT":
            audit = "NONE"
        created: list[tuple[str, dict[str, Any]]] = []
        for sku in skus:
            if not isinstance(sku, dict) or not isinstance(sku.get("seller_sku"), str) or not sku["seller_sku"]:
                raise Refused("invalid_input")
            price = sku.get("price")
            if not isinstance(price, dict):
                raise Refused("invalid_input")
            amount = _price(price.get("amount", price.get("sale_price")), price.get("currency"), shop)
            if "list_price" in sku and not category.promo_price_allowed:
                raise Refused("list_price")
            inventory = sku.get("inventory")
            if not isinstance(inventory, list) or not inventory or not isinstance(inventory[0], dict):
                raise Refused("invalid_input")
            quantity = inventory[0].get("quantity", 0)
            if not _whole(quantity) or not 0 <= quantity <= MAX_QUANTITY:
                raise Refused("invalid_input")
            values = {
                "item_id": product_id,
                "variant_id": new_id(),
                "title": title,
                "category": category_id,
                "price": str(amount),
                "stock": quantity,
                "image_url": str(images[0].get("uri")) if isinstance(images[0], dict) else None,
                "attributes": {
                    "audit": audit,
                    "warehouse_id": inventory[0].get("warehouse_id") or warehouse_of(shop),
                    "package_weight": weight,
                    "product_attributes": payload.get("product_attributes") or [],
                },
            }
            created.append((sku["seller_sku"], values))
        for seller_sku, values in created:
            self.state.queue_change(shop.id, seller_sku, "listing", values, request_id=call.rid, create=True)
        data: dict[str, Any] = {
            "product_id": product_id,
            "skus": [{"id": v["variant_id"], "seller_sku": s, "sales_attributes": []} for s, v in created],
        }
        if warnings:
            data["warnings"] = [{"message": message} for message in warnings]
        return envelope(call.rid, data)

    # -- reads ---------------------------------------------------------------------------------------------

    def get_product(self, call: Call) -> Response:
        shop, product_id = call.shop, call.ids[0]
        listings = [listing for listing in shop.listings() if listing.item_id == product_id]
        status, audit, reasons = "PENDING", "AUDITING", None
        if listings:
            audit, reasons = audit_of(listings)
            status = STATUS_BY_AUDIT.get(audit, "ACTIVATE")
        else:
            listings = self._pending_product(shop, product_id)  # created, still in audit
            if not listings:
                return error(call.rid, "product_missing")
        first = listings[0]
        category = shop.spec.categories.get(first.category)
        data = product_body(
            product_id,
            [sku_body(listing, warehouse_of(shop, listing)) for listing in listings],
            first=first,
            status=status,
            audit=audit,
            category_name=category.name if category else "",
            category_id=first.category,
            title=first.title,
            created_at=first.created_at,
            updated_at=max(listing.updated_at for listing in listings),
            reasons=reasons,
        )
        return envelope(call.rid, data)

    def inventory_search(self, call: Call) -> Response:
        return self._answer(call, self._inventory_search)

    def _inventory_search(self, call: Call, payload: dict[str, Any]) -> Response:
        shop = call.shop
        sku_ids, product_ids = payload.get("sku_ids"), payload.get("product_ids")
        if isinstance(sku_ids, list) and sku_ids:  # sku_ids win when both are sent
            if len(sku_ids) > SKU_IDS_MAX:
                raise Refused("sku_ids_limit")
            wanted = {str(i) for i in sku_ids}
            found = [listing for listing in shop.catalog.values() if listing.variant_id in wanted]
        elif isinstance(product_ids, list) and product_ids:
            if len(product_ids) > PRODUCT_IDS_MAX:
                raise Refused("product_ids_limit")
            wanted = {str(i) for i in product_ids}
            found = [listing for listing in shop.catalog.values() if listing.item_id in wanted]
        else:
            raise Refused("invalid_input")
        products: dict[str, list[dict[str, Any]]] = {}
        for listing in found:
            warehouse = warehouse_of(shop, listing)
            committed = shop.faults.reserved_stock.get(listing.sku, 0)
            products.setdefault(str(listing.item_id), []).append(
                {
                    "id": listing.variant_id,
                    "seller_sku": listing.sku,
                    "total_available_quantity": listing.stock,
                    "total_committed_quantity": committed,
                    "warehouse_inventory": [
                        {
                            "warehouse_id": warehouse,
                            "available_quantity": listing.stock,
                            "committed_quantity": committed,
                        }
                    ],
                }
            )
        inventory = [{"product_id": pid, "skus": skus} for pid, skus in products.items()]
        return envelope(call.rid, {"inventory": inventory})

    # -- lookups -------------------------------------------------------------------------------------------

    def _product(self, shop: ShopState, product_id: str, *, active: bool = True) -> dict[str, Listing]:
        """The product's SKUs by sku_id; refuses a product TikTok does not hold. Price updates need it ACTIVATE;
        stock updates are also allowed while it is in audit (PENDING) or refused (FAILED), as the docs say."""
        listings = {
            str(listing.variant_id): listing for listing in shop.catalog.values() if listing.item_id == product_id
        }
        if not listings:
            pending = {str(listing.variant_id): listing for listing in self._pending_product(shop, product_id)}
            if not pending:
                raise Refused("product_missing")
            if active:
                raise Refused("status_unavailable")
            return pending
        if active and audit_of(list(listings.values()))[0] != "APPROVED":
            raise Refused("status_unavailable")
        return listings

    def _product_ids(self, shop: ShopState) -> set[str]:
        """Products the shop holds or has submitted (for the listing quota)."""
        live = {str(listing.item_id or listing.sku) for listing in shop.catalog.values()}
        return live | {str(c.values.get("item_id")) for c in self.state.pending_changes(shop.id) if c.create}

    def _pending_product(self, shop: ShopState, product_id: str) -> list[Listing]:
        """SKUs of a product whose creation was accepted but has not landed (still in audit)."""
        return [
            Listing(
                sku=change.sku,
                category=str(change.values.get("category") or ""),
                price=Decimal(str(change.values.get("price") or "0")),
                currency=shop.spec.currency,
                stock=int(change.values.get("stock") or 0),
                title=str(change.values.get("title") or ""),
                item_id=product_id,
                variant_id=str(change.values.get("variant_id")),
                image_url=change.values.get("image_url"),
                attributes=dict(change.values.get("attributes") or {}),
                created_at=change.requested_at,
                updated_at=change.requested_at,
            )
            for change in self.state.pending_changes(shop.id)
            if change.create and change.values.get("item_id") == product_id
        ]


# -----------------------------------------------------------------------------------------------------------
# Checks


def _category(shop: ShopState, category_id: str) -> CategorySpec:
    return shop.spec.categories.get(category_id) or CategorySpec()


def _skus(payload: dict[str, Any], shop: ShopState) -> list[dict[str, Any]]:
    """The `skus[]` of an update: present, within the product's SKU cap, each with an id, no id twice."""
    skus = payload.get("skus")
    if not isinstance(skus, list) or not all(isinstance(s, dict) and s.get("id") for s in skus):
        raise Refused("invalid_input")
    if not skus:
        raise Refused("skus_empty")
    cap = SKU_CAPS.get(shop.spec.market, SKU_CAP_DEFAULT)
    if len(skus) > cap:
        raise Refused("too_many_skus", cap=cap)
    ids = [str(s["id"]) for s in skus]
    if len(set(ids)) != len(ids):
        raise Refused("sku_duplicate")
    return skus


def _price(amount: Any, currency: Any, shop: ShopState) -> Decimal:
    """A price amount: a decimal string in the shop's currency, within the market's allowed range."""
    if not isinstance(amount, str):
        raise Refused("price_format")
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise Refused("price_format") from None
    if not value.is_finite():
        raise Refused("price_format")
    if currency != shop.spec.currency:
        raise Refused("currency")
    low, high = PRICE_RANGES.get(shop.spec.currency, (Decimal("0.01"), Decimal("1000000000")))
    if value > high:
        raise Refused("price_over")
    if value < low:
        raise Refused("price_invalid")
    return value


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _stock_entry(inventory: list[dict[str, Any]], warehouse: str, sku_id: str) -> tuple[dict[str, Any] | None, int]:
    """(a per-SKU error or None, the quantity). The SKU has one warehouse; its id may be omitted."""
    total = 0
    for entry in inventory:
        warehouse_id = str(entry.get("warehouse_id") or (warehouse if len(inventory) == 1 else ""))
        if warehouse_id != warehouse:
            return check_failed(sku_id, warehouse_id, "warehouse_missing"), 0
        quantity = entry.get("quantity")
        if not _whole(quantity) or not 0 <= quantity <= MAX_QUANTITY:
            return check_failed(sku_id, warehouse_id, "quantity_limits"), 0
        total += quantity
    return None, total


def _package_weight(weight: Any) -> dict[str, Any]:
    if not isinstance(weight, dict) or not weight.get("unit") or weight.get("value") in (None, ""):
        raise Refused("package_weight")
    try:
        value = Decimal(str(weight["value"]))
    except InvalidOperation:
        raise Refused("package_weight") from None
    if value <= 0:
        raise Refused("package_weight_zero")
    return weight


def _required_attributes(category: CategorySpec, attributes: Any) -> None:
    """`product_attributes[]` ({id, values: [{id|name}]}) must carry the category's required attributes (by id);
    "net_weight.unit" requires every value of net_weight to carry its unit (a `unit` key, or "500 g")."""
    given = {
        str(a.get("id")): [v for v in a.get("values") or [] if isinstance(v, dict)]
        for a in (attributes if isinstance(attributes, list) else [])
        if isinstance(a, dict)
    }
    for required in category.required_attributes:
        name, _, key = required.partition(".")
        values = given.get(name)
        if not values:
            raise Refused("property_required")
        for value in values:
            if key and not value.get(key) and not (key == "unit" and WITH_UNIT.match(str(value.get("name") or ""))):
                shown = str(value.get("name") or value.get("id") or "")
                raise Refused("sub_property_required", sub=required, value=shown, parent=name)


def _images(images: list[Any], category: CategorySpec) -> list[str]:
    """Refuse a main image under 300 px (12052301); warn under the category's recommended size. The sandbox does
    not download images: a `WIDTHxHEIGHT` in the URI's file name (e.g. main_640x480.jpg) is its size."""
    warnings = []
    for image in images:
        uri = str(image.get("uri") or "") if isinstance(image, dict) else ""
        if not uri:
            raise Refused("main_image_required")
        size = IMAGE_SIZE.search(uri.rsplit("/", 1)[-1])
        if size is None:
            continue
        width, height = int(size["w"]), int(size["h"])
        if min(width, height) < MIN_IMAGE_PX:
            raise Refused("image_too_small", minimum=MIN_IMAGE_PX, uri=uri)
        if category.min_image_px and max(width, height) < category.min_image_px:
            warnings.append(
                f"The main image {uri} is {width}x{height} px; this category recommends images of at least "
                f"{category.min_image_px}x{category.min_image_px} px."
            )
    return warnings
