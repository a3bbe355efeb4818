"""Lazada emulator, the writes: UpdatePriceQuantity and CreateProduct with Lazada's validation and answers.

Accepted items are queued on the sandbox state (one change per item, applied after the shop's confirmation
delay); refused ones are answered with Lazada's codes. Where Lazada documents no code for a rule of the scenario
(a special price forbidden by the category, an image below the minimum size) the `detail[]` message carries a
`SANDBOX_...` name of ours inside Lazada's generic 500/501 answer.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from sandbox.lazada_wire import (
    PayloadError,
    amount,
    as_list,
    failure,
    read_payload,
    success,
    two_decimals,
    whole,
)
from sandbox.scenario import CategorySpec, OperationName
from sandbox.state import SandboxState, ShopState

MAX_SKUS_PER_UPDATE = 50
MAX_IMAGES = 8
MIN_IMAGE_PX = 330  # Lazada's image rules: minOriginalImageWidth / minOriginalImageHeight
IMAGE_SIZE = re.compile(r"(?P<w>\d{2,5})x(?P<h>\d{2,5})")
SALE_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")

TOO_MANY_SKUS = "The updated SKU quantity exceeds the maximum number 50, please do not update more than 50 SKUs at once"
UPDATE_FAILED = "E501: Update product failed"
CREATE_FAILED = "E500: Create product failed"
NEGATIVE_SELLABLE = "negative sellable on channel inventory"


# -----------------------------------------------------------------------------------------------------------
# UpdatePriceQuantity


def update_price_quantity(state: SandboxState, shop: ShopState, payload: str, rid: str) -> Response:
    """Validate every SKU; queue the accepted ones; name the refused ones in a 501 `detail[]`."""
    if not payload.strip():
        return failure("30", "E030: Empty Request", rid)
    try:
        skus = as_list(read_payload(payload).get("Skus"), "Sku")
    except PayloadError:
        return failure("5", "E005: Invalid Request Format", rid)
    if not skus:
        return failure("30", "E030: Empty Request", rid)
    if len(skus) > MAX_SKUS_PER_UPDATE:
        return failure("4171", TOO_MANY_SKUS, rid, kind="ISP")
    detail: list[dict[str, Any]] = []
    accepted: list[tuple[str, OperationName, dict[str, Any]]] = []
    seen: set[str] = set()
    for sku in skus:
        refused, change = _check_sku(shop, sku, seen)
        if refused is not None:
            detail.append(refused)
        elif change is not None:
            accepted.append(change)
    # The SKUs a 501 does not name went through: Lazada reports per SKU, so they are queued like a clean call's.
    for seller_sku, operation, values in accepted:
        state.queue_change(shop.id, seller_sku, operation, values, request_id=rid)
    if detail:
        return failure("501", UPDATE_FAILED, rid, kind="ISP", detail=detail)
    return success({}, rid)


def _check_sku(
    shop: ShopState, sku: Any, seen: set[str]
) -> tuple[dict[str, Any] | None, tuple[str, OperationName, dict[str, Any]] | None]:
    if not isinstance(sku, dict):
        return {"field": "Sku", "message": "E005: Invalid Request Format"}, None
    seller_sku = str(sku.get("SellerSku") or "").strip()

    def refuse(field: str, message: str) -> tuple[dict[str, Any], None]:
        return {"field": field, "seller_sku": seller_sku, "message": message}, None

    if not seller_sku:
        return refuse("SellerSku", "SELLER_SKU_INVALID")
    if seller_sku in seen:
        return refuse("SellerSku", "BIZ_CHECK_SELLER_SKU_DUPLICATE")
    seen.add(seller_sku)
    listing = shop.catalog.get(seller_sku)
    if listing is None:
        return refuse("Sku", "SELLER_SKU_NOT_FOUND")
    for name, held in (("ItemId", listing.item_id), ("SkuId", listing.variant_id)):
        sent = str(sku.get(name) or "").strip()
        if sent and held and sent != held:
            return refuse(name, "SELLER_SKU_NOT_FOUND")

    values: dict[str, Any] = {}
    price = listing.price
    if "Price" in sku:
        new_price = amount(sku["Price"])
        if new_price is None or not two_decimals(new_price):
            return refuse("Price", "BIZ_CHECK_PRICE_PRECISION_INVALID")
        if new_price <= 0:
            return refuse("Price", "BIZ_CHECK_PRICE_IS_ZERO")
        price = new_price
        values["price"] = str(new_price)
    if "SalePrice" in sku:
        problem = _sale_price(shop, sku, price, listing.category, values)
        if problem is not None:
            return refuse(*problem)
    quantity = _quantity(sku)
    if quantity is not None:
        if isinstance(quantity, str):
            return refuse("Quantity", quantity)
        if quantity < shop.faults.reserved_stock.get(seller_sku, 0):
            # Stock held by orders or a campaign cannot be written away (Lazada's inventory rules).
            return refuse("Quantity", NEGATIVE_SELLABLE)
        values["stock"] = quantity
    if not values:
        return refuse("Sku", "At least one of Price, SalePrice, Quantity or MultiWarehouseInventories is required")
    operation: OperationName = "price" if "price" in values or "sale_price" in values else "stock"
    return None, (seller_sku, operation, values)


def _sale_price(
    shop: ShopState, sku: dict[str, Any], price: Decimal, category: str, values: dict[str, Any]
) -> tuple[str, str] | None:
    """A problem as (field, message), or None with the sale price and its window put into `values`."""
    sale = amount(sku["SalePrice"])
    if sale is None or not two_decimals(sale):
        return "SalePrice", "BIZ_CHECK_SPECIAL_PRICE_PRECISION_INVALID"
    if sale <= 0:
        return "SalePrice", "BIZ_CHECK_PRICE_IS_ZERO"
    if sale >= price:
        return "SalePrice", "BIZ_CHECK_SPECIAL_PRICE_GREATER_THAN_PRICE"
    start, end = _sale_date(sku.get("SaleStartDate")), _sale_date(sku.get("SaleEndDate"))
    if start is None or end is None:
        return "SaleStartDate", "SaleStartDate and SaleEndDate (yyyy-MM-dd) are required with a SalePrice"
    if start > end:
        return "SaleEndDate", "BIZ_CHECK_SPECIAL_PRICE_FROM_DATE_AFTER_TO_DATE"
    if not _category(shop, category).promo_price_allowed:
        return "SalePrice", f"SANDBOX_PROMO_PRICE_NOT_ALLOWED: category {category} does not allow a special price"
    values["sale_price"] = str(sale)
    values["attributes"] = {
        "special_from_time": start.strftime("%Y-%m-%d %H:%M"),
        "special_to_time": end.strftime("%Y-%m-%d %H:%M"),
    }
    return None


def _sale_date(value: Any) -> datetime | None:
    for pattern in SALE_DATE_FORMATS:
        try:
            return datetime.strptime(str(value).strip(), pattern)
        except ValueError:
            continue
    return None


def _quantity(sku: dict[str, Any]) -> int | str | None:
    """The new total quantity, None when not sent, or the refusal message for a bad one."""
    if "Quantity" in sku:
        quantity = whole(sku["Quantity"])
        return quantity if quantity is not None and quantity >= 0 else "THD_INVENTORY_ERR_INV_PARAM_ILLEGAL"
    warehouses = as_list(sku.get("MultiWarehouseInventories"), "MultiWarehouseInventory")
    if warehouses is None:
        return None
    total = 0
    for warehouse in warehouses:
        quantity = whole(warehouse.get("Quantity")) if isinstance(warehouse, dict) else None
        if quantity is None or quantity < 0 or not warehouse.get("WarehouseCode"):
            return "THD_INVENTORY_ERR_INV_PARAM_ILLEGAL"
        total += quantity
    return total


def _category(shop: ShopState, category_id: str) -> CategorySpec:
    return shop.spec.categories.get(category_id) or CategorySpec()


# -----------------------------------------------------------------------------------------------------------
# CreateProduct


def create_product(state: SandboxState, shop: ShopState, payload: str, rid: str) -> Response:
    """One product with its SKUs: checked as Lazada checks a new product, then queued (it goes live after the
    shop's confirmation delay, as a product leaves QC)."""
    if not payload.strip():
        return failure("30", "E030: Empty Request", rid)
    try:
        product = read_payload(payload)
    except PayloadError:
        return failure("5", "E005: Invalid Request Format", rid)
    is_json = payload.lstrip().startswith("{")
    skus, images = as_list(product.get("Skus"), "Sku"), as_list(product.get("Images"), "Image") or []
    if is_json and any(
        isinstance(c, dict) and n in c and not isinstance(c[n], list)
        for c, n in ((product.get("Skus"), "Sku"), (product.get("Images"), "Image"))
    ):
        return failure("1001", "The payload is not in the required JSON format: Sku and Image must be arrays", rid)
    category_id = str(product.get("PrimaryCategory") or "").strip()
    if not category_id or (shop.spec.categories and category_id not in shop.spec.categories):
        return failure("201", f"E201: {category_id} Invalid CategoryId", rid)
    category = _category(shop, category_id)
    if category.restricted:
        return failure("4163", "BIZ_CHECK_RESTRICTED_CATEGORY: You are not authorised to sell this category", rid)
    if not skus or not all(isinstance(s, dict) for s in skus):
        return failure("1", "E001: Parameter Skus is mandatory", rid)
    attributes = product.get("Attributes") if isinstance(product.get("Attributes"), dict) else {}
    assert isinstance(attributes, dict)
    for sku in skus:
        images += as_list(sku.get("Images"), "Image") or []
    refused = _check_images([str(i) for i in images if i], rid) or _check_quota(state, shop, rid)
    if refused is not None:
        return refused
    detail: list[dict[str, Any]] = []
    if not str(attributes.get("name") or "").strip():
        detail.append({"field": "name", "message": "CHK_BASIC_REQUIRED"})
    for required in category.required_attributes:
        name = required.partition(".")[0]
        if not all(_has(required, attributes.get(name, sku.get(name))) for sku in skus):
            detail.append({"field": name, "message": "BIZ_CHECK_CAT_PROP_MANDATORY"})
    changes: list[tuple[str, dict[str, Any]]] = []
    for sku in skus:
        refused = _check_new_sku(state, shop, sku, category, rid, detail)
        if refused is not None:
            return refused
        changes.append((str(sku["SellerSku"]).strip(), sku))
    if detail:
        return failure("500", CREATE_FAILED, rid, kind="ISP", detail=detail)
    item_id = _new_id(shop, "31")
    sku_list = []
    for seller_sku, sku in changes:
        sku_id = _new_id(shop, "32")
        values: dict[str, Any] = {
            "item_id": item_id,
            "variant_id": sku_id,
            "title": str(attributes["name"]),
            "category": category_id,
            "price": str(amount(sku.get("price"))),
            "stock": whole(sku.get("quantity")) or 0,
            "image_url": str(images[0]),
            "attributes": {
                "images": [str(i) for i in images],
                "product_attributes": {k: v for k, v in attributes.items() if k != "name"},
                **{k: v for k, v in sku.items() if k.startswith("package_")},
            },
        }
        if sku.get("special_price") not in (None, ""):
            values["sale_price"] = str(amount(sku["special_price"]))
        state.queue_change(shop.id, seller_sku, "listing", values, request_id=rid, create=True)
        sku_list.append(
            {"shop_sku": f"{item_id}_{shop.spec.market}-{sku_id}", "seller_sku": seller_sku, "sku_id": int(sku_id)}
        )
    return success({"item_id": int(item_id), "sku_list": sku_list, "item_status": "Pending QC"}, rid)


def _check_images(images: list[str], rid: str) -> Response | None:
    if not images:
        return failure("4139", "BIZ_CHECK_MAIN_IMAGE_REQUIRE:Main image is require", rid)
    if len(images) > MAX_IMAGES:
        return failure("4169", "CHK_IMAGE_MAX_ITEMS: Upload a maximum of 8 pictures", rid)
    if len(set(images)) < len(images):
        return failure(
            "4158", "THD_IC_ERR_F_DOMAIN_IMAGE_00_01_003: Main image has duplicate. Please remove to continue", rid
        )
    for url in images:
        # Nothing is downloaded: a `WIDTHxHEIGHT` in the file name is the image's size.
        size = IMAGE_SIZE.search(url.rsplit("/", 1)[-1])
        if size is not None and min(int(size["w"]), int(size["h"])) < MIN_IMAGE_PX:
            message = (
                f"SANDBOX_IMAGE_TOO_SMALL: {url} is {size['w']}x{size['h']} px; images must be at least "
                f"{MIN_IMAGE_PX}x{MIN_IMAGE_PX} px"
            )
            return failure("500", CREATE_FAILED, rid, kind="ISP", detail=[{"field": "Images", "message": message}])
    return None


def _check_quota(state: SandboxState, shop: ShopState, rid: str) -> Response | None:
    limit = shop.faults.max_listings
    if limit is None:
        return None
    products = {listing.item_id or listing.sku for listing in shop.catalog.values()}
    products |= {str(c.values.get("item_id")) for c in state.pending_changes(shop.id) if c.create}
    if len(products) >= limit:
        return failure("4148", "BIZ_CHECK_ITEM_HAS_REACH_LIMIT", rid, kind="ISP")
    return None


def _check_new_sku(
    state: SandboxState,
    shop: ShopState,
    sku: dict[str, Any],
    category: CategorySpec,
    rid: str,
    detail: list[dict[str, Any]],
) -> Response | None:
    seller_sku = str(sku.get("SellerSku") or "").strip()
    if not seller_sku:
        detail.append({"field": "SellerSku", "message": "CHK_BASIC_REQUIRED"})
        return None
    if seller_sku in shop.catalog or any(c.create for c in state.pending_changes(shop.id, seller_sku)):
        return failure("4126", "THD_IC_F_IC_INFRA_PRODUCT_036: SellerSku repeat", rid, kind="ISP")
    price = amount(sku.get("price"))
    if price is None or not two_decimals(price):
        return failure("4104", "BIZ_CHECK_PRICE_PRECISION_INVALID", rid, kind="ISP")
    if price <= 0:
        return failure("4118", "BIZ_CHECK_PRICE_IS_ZERO", rid, kind="ISP")
    quantity = whole(sku.get("quantity"))
    if quantity is None or quantity < 0:
        return failure("4152", "THD_INVENTORY_ERR_INV_PARAM_ILLEGAL", rid, kind="ISP")
    special = sku.get("special_price")
    if special not in (None, ""):
        sale = amount(special)
        if sale is None or not two_decimals(sale):
            return failure("4121", "BIZ_CHECK_SPECIAL_PRICE_PRECISION_INVALID", rid, kind="ISP")
        if sale >= price:
            return failure("4157", "BIZ_CHECK_SPECIAL_PRICE_GREATER_THAN_PRICE", rid, kind="ISP")
        if not category.promo_price_allowed:
            message = "SANDBOX_PROMO_PRICE_NOT_ALLOWED: this category does not allow a special price"
            detail.append({"field": "special_price", "seller_sku": seller_sku, "message": message})
    return None


def _has(required: str, value: Any) -> bool:
    """A required attribute is present; `name.key` also needs `key` in the value (or in every value of a list)."""
    _, _, key = required.partition(".")
    if value in (None, "", [], {}):
        return False
    if not key:
        return True
    values = value if isinstance(value, list) else [value]
    return all(isinstance(v, dict) and v.get(key) not in (None, "") for v in values)


def _new_id(shop: ShopState, prefix: str) -> str:
    """A fresh numeric id (item_id or sku_id) the shop does not use yet."""
    used = {listing.item_id for listing in shop.catalog.values()} | {
        listing.variant_id for listing in shop.catalog.values()
    }
    while True:
        candidate = prefix + "".join(str(secrets.randbelow(10)) for _ in range(9))
        if candidate not in used:
            return candidate
