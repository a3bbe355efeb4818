"""The Shopee emulator's product APIs: update_price, update_stock, add_item, get_item_base_info, get_model_list and
get_attribute_tree, with Shopee's own validation, per-model results and error codes.

Sources: the open.shopee.com pages of v2.product.update_price / update_stock / add_item / get_item_base_info /
get_model_list / get_attribute_tree and the "Stock & Price Management" guide (see the platform notes). A sandbox
SKU is one model of one item: its `item_id`, and its `variant_id` as the `model_id` (0 or none: an item without
models). Items with models keep price and stock on the models (get_model_list), items without on the item.
"""

from __future__ import annotations

import re
import uuid
import zlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from starlette.responses import JSONResponse, Response

from sandbox.app import Sandbox
from sandbox.scenario import CategorySpec
from sandbox.state import Change, Listing, ShopState

# update_price / update_stock: one item and 1-50 models per call; reads: <= 50 item ids, <= 20 categories.
MODELS_PER_CALL = 50
ITEMS_PER_READ = 50
CATEGORIES_PER_READ = 20
# Prices may carry 2 decimals only in SG/MY/BR/MX/PL/ES/AR; TH, PH and ID take whole numbers (update_price page).
PRICE_DECIMALS: dict[str, int] = {"MY": 2, "TH": 0, "PH": 0, "ID": 0}
ADD_ITEM_REQUIRED = ("original_price", "description", "weight", "item_name", "logistic_info", "category_id", "image")
IMAGE_SIZE = re.compile(r"(?P<w>\d{2,5})x(?P<h>\d{2,5})")
UNITS = ["g", "kg", "ml", "l"]
FIRST_NEW_ITEM_ID = 800_000_001

PROMOTION_LOCK = "Price cannot be changed when model is under promotion."  # error_cannot_update_price_in_promotion
RESERVED_STOCK = "Can not update item with stock less than reserve stock"  # update_stock's error_param row
STOCK_FAILED = "Update stock failed, please check failure_list for detailed reason"


class ShopeeError(Exception):
    """A refusal in Shopee's envelope; `status` is the HTTP status it is answered with."""

    def __init__(self, code: str, message: str, status: int = 200) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    def response(self) -> Response:
        return envelope(error=self.code, message=self.message, status=self.status)


def envelope(
    *, response: Any = None, error: str = "", message: str = "", warning: str | None = "", status: int = 200
) -> JSONResponse:
    body: dict[str, Any] = {"request_id": uuid.uuid4().hex, "error": error, "message": message}
    if warning is not None:
        body["warning"] = warning
    if response is not None:
        body["response"] = response
    return JSONResponse(body, status_code=status)


class Params:
    """GET parameters; a list may come comma-separated (our client) or repeated (SDKs that encode lists so)."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self.items = list(items)

    def ints(self, name: str) -> list[int]:
        values = [part.strip() for key, value in self.items if key == name for part in value.split(",")]
        values = [v for v in values if v]
        if not values:
            raise ShopeeError("error_param", f"Wrong parameters, detail: {name} is required.")
        if not all(v.isdigit() for v in values):
            raise ShopeeError("error_param", f"Wrong parameters, detail: {name} should be a list of int.")
        return [int(v) for v in values]


def _param(message: str) -> ShopeeError:
    return ShopeeError("error_param", f"Wrong parameters, detail: {message}")


class Catalog:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state

    def read(self, shop: ShopState, name: str, params: Params) -> Response:
        if name == "get_item_base_info":
            return self._item_base_info(shop, params.ints("item_id_list"))
        if name == "get_model_list":
            return self._model_list(shop, params.ints("item_id"))
        return self._attribute_tree(shop, params.ints("category_id_list"))

    def write(self, shop: ShopState, name: str, payload: dict[str, Any]) -> Response:
        if name == "add_item":
            return self._add_item(shop, payload)
        return self._update(shop, name, payload)

    # -- update_price / update_stock -----------------------------------------------------------------------

    def _update(self, shop: ShopState, name: str, payload: dict[str, Any]) -> Response:
        list_field = "price_list" if name == "update_price" else "stock_list"
        item_id = payload.get("item_id")
        if not _is_int(item_id) or item_id <= 0:
            # v2.product.update_price error example, verbatim (two spaces and all).
            raise ShopeeError("product.error_param", "invalid field ItemId: value must  Not Null")
        entries = payload.get(list_field)
        if not isinstance(entries, list) or not entries:
            raise _param(f"{list_field} should not be empty.")
        if len(entries) > MODELS_PER_CALL:
            raise _param(f"{list_field} over limit, its length should be between 1 to {MODELS_PER_CALL}.")
        models = self._models(shop, item_id)
        if not models:
            raise self._not_found(shop, item_id)
        has_model = any(model_id for model_id in models)
        seen: set[int] = set()
        for entry in entries:
            model_id = entry.get("model_id", 0) if isinstance(entry, dict) else None
            if not _is_int(model_id) or model_id < 0:
                raise _param(f"invalid field ModelId in {list_field}.")
            if model_id in seen:
                raise ShopeeError("error_param", "Repeat model_id.")
            seen.add(model_id)
            if has_model and model_id == 0:
                if name == "update_price":
                    raise ShopeeError(
                        "error_edit_item_price_for_item_has_model",
                        "Can't edit item price directly while item has models.",
                    )
                raise ShopeeError(
                    "error_edit_item_stock_for_item_has_model", "Can't edit item stock directly while item has models."
                )
            if model_id not in models:
                raise ShopeeError("error_param", "Wrong model_id.")
        request_id = uuid.uuid4().hex
        if name == "update_price":
            return self._prices(shop, models, entries, request_id)
        return self._stocks(shop, models, entries, request_id)

    def _prices(
        self, shop: ShopState, models: dict[int, Listing], entries: list[dict[str, Any]], request_id: str
    ) -> Response:
        decimals = PRICE_DECIMALS.get(shop.spec.market, 2)
        prices: list[tuple[int, Decimal]] = []
        for entry in entries:
            price = _price(entry.get("original_price"), decimals)
            if price is None:
                raise ShopeeError("error_invalid_price", "Invalid price, please use the correct format")
            prices.append((entry.get("model_id", 0), price))
        failures, successes = [], []
        for model_id, price in prices:
            listing = models[model_id]
            if listing.sale_price is not None:  # in a discount promotion: the original price is locked
                failures.append({"model_id": model_id, "failed_reason": PROMOTION_LOCK})
                continue
            self.state.queue_change(shop.id, listing.sku, "price", {"price": str(price)}, request_id=request_id)
            successes.append({"model_id": model_id, "original_price": _number(price)})
        return envelope(response={"failure_list": failures, "success_list": successes}, status=200)

    def _stocks(
        self, shop: ShopState, models: dict[int, Listing], entries: list[dict[str, Any]], request_id: str
    ) -> Response:
        totals: list[tuple[int, str, int]] = []
        for entry in entries:
            seller_stock = entry.get("seller_stock")
            if not isinstance(seller_stock, list) or not seller_stock:
                raise _param("seller_stock should not be empty (normal_stock is offline since 2022-10-31).")
            stocks = [s.get("stock") if isinstance(s, dict) else None for s in seller_stock]
            if not all(_is_int(s) and s >= 0 for s in stocks):
                raise _param("stock should be a non-negative integer.")
            location = seller_stock[0].get("location_id", "") if isinstance(seller_stock[0], dict) else ""
            totals.append((entry.get("model_id", 0), str(location or ""), sum(s for s in stocks if _is_int(s))))
        failures, successes = [], []
        for model_id, location, stock in totals:
            listing = models[model_id]
            if stock < shop.faults.reserved_stock.get(listing.sku, 0):
                failures.append({"model_id": model_id, "failed_reason": RESERVED_STOCK})
                continue
            self.state.queue_change(shop.id, listing.sku, "stock", {"stock": stock}, request_id=request_id)
            successes.append({"model_id": model_id, "location_id": location, "stock": stock})
        response = {"failure_list": failures, "success_list": successes}
        if not successes:  # every model refused: the call itself failed, with the reasons in failure_list
            return envelope(response=response, error="error_busi_update_stock_failed", message=STOCK_FAILED)
        return envelope(response=response)

    # -- add_item ------------------------------------------------------------------------------------------

    def _add_item(self, shop: ShopState, payload: dict[str, Any]) -> Response:
        missing = [name for name in ADD_ITEM_REQUIRED if payload.get(name) in (None, "", [], {})]
        if missing:
            raise _param(f"{', '.join(missing)} required.")
        weight = payload["weight"]
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight <= 0:
            raise ShopeeError("error_param", "Invalid Weight.")
        price = _price(payload["original_price"], PRICE_DECIMALS.get(shop.spec.market, 2))
        if price is None:
            raise ShopeeError("error_invalid_price", "Invalid price, please use the correct format")
        category_id = payload["category_id"]
        if not _is_int(category_id) or (shop.spec.categories and str(category_id) not in shop.spec.categories):
            raise ShopeeError("error_invalid_category", f"Invalid category ID {category_id}")
        category = shop.spec.categories.get(str(category_id)) or CategorySpec()
        images = payload["image"].get("image_id_list") if isinstance(payload["image"], dict) else None
        if not isinstance(images, list) or not images or not all(isinstance(i, str) and i for i in images):
            raise _param("image.image_id_list required.")
        if not isinstance(payload["logistic_info"], list):
            raise ShopeeError("error_invalid_logistic_info", "Invalid logistic info.")
        if category.restricted:
            # Listing-upload control (LUC) rules; the message is ours, the code Shopee's.
            raise ShopeeError("error_check_luc_fail", f"New listings in category {category_id} need Shopee's approval.")
        attribute_list = payload.get("attribute_list") or []
        problem = _attribute_problem(category, attribute_list)
        if problem is not None:
            raise problem
        small = _small_image(images, category)
        if small is not None:
            raise ShopeeError("error_image_unavailable", small)
        limit = shop.faults.max_listings
        if limit is not None and len(shop.catalog) + len(self._pending_creates(shop)) >= limit:
            raise ShopeeError(
                "error_reach_shop_item_limit", f"You have reached the limit of {limit} listings for your shop."
            )

        item_id = self._new_item_id(shop)
        sku = str(payload.get("item_sku") or f"ITEM-{item_id}")
        seller_stock = payload.get("seller_stock") or [{"stock": 0}]
        stock = sum(int(s.get("stock") or 0) for s in seller_stock if isinstance(s, dict))
        values = {
            "price": str(price),
            "stock": stock,
            "title": str(payload["item_name"]),
            "category": str(category_id),
            "item_id": str(item_id),
            "variant_id": "0",
            "image_url": images[0],
            "attributes": {"attribute_list": attribute_list, "image_id_list": images, "weight": weight},
        }
        self.state.queue_change(shop.id, sku, "listing", values, request_id=uuid.uuid4().hex, create=True)
        echoed = {
            "item_id": item_id,
            "category_id": category_id,
            "item_name": payload["item_name"],
            "description": payload["description"],
            "item_sku": sku,
            "weight": weight,
            "item_status": payload.get("item_status") or "NORMAL",
            "price_info": {"original_price": _number(price)},
            "seller_stock": [{"location_id": "", "stock": stock}],
            "images": {"image_id_list": images, "image_url_list": [_image_url(i) for i in images]},
            "logistic_info": payload["logistic_info"],
            "attributes": attribute_list,
        }
        return envelope(response=echoed)

    # -- reads ---------------------------------------------------------------------------------------------

    def _item_base_info(self, shop: ShopState, item_ids: list[int]) -> Response:
        if len(item_ids) > ITEMS_PER_READ:
            raise ShopeeError("error_param", "Request items over limit, should be less than 50")
        items = []
        for item_id in dict.fromkeys(item_ids):
            models = self._models(shop, item_id)
            if models:
                items.append(_item_body(shop, item_id, models))
                continue
            creating = [c for c in self._pending_creates(shop) if c.values.get("item_id") == str(item_id)]
            if creating:  # accepted by add_item, not confirmed yet: Shopee shows it under review
                items.append(_reviewing_body(shop, item_id, creating[0]))
        return envelope(response={"item_list": items})  # unknown ids are left out

    def _model_list(self, shop: ShopState, item_ids: list[int]) -> Response:
        models = self._models(shop, item_ids[0])
        if not models:
            raise self._not_found(shop, item_ids[0])
        variants = [(model_id, listing) for model_id, listing in sorted(models.items()) if model_id]
        return envelope(
            response={
                "tier_variation": [
                    {"name": "Variation", "option_list": [{"option": listing.sku} for _, listing in variants]}
                ]
                if variants
                else [],
                "model": [
                    {
                        "model_id": model_id,
                        "model_sku": listing.sku,
                        "tier_index": [index],
                        "promotion_id": 1 if listing.sale_price is not None else 0,
                        "price_info": [_price_info(listing)],
                        "stock_info_v2": _stock_info(shop, listing),
                    }
                    for index, (model_id, listing) in enumerate(variants)
                ],
            }
        )

    def _attribute_tree(self, shop: ShopState, category_ids: list[int]) -> Response:
        if len(category_ids) > CATEGORIES_PER_READ:
            raise ShopeeError(
                "error_param", f"Wrong parameters, detail: category_id_list over limit of {CATEGORIES_PER_READ}."
            )
        found = []
        for category_id in dict.fromkeys(category_ids):
            category = shop.spec.categories.get(str(category_id))
            if category is None and shop.spec.categories:
                found.append({"category_id": category_id, "warning": "category not found", "attribute_tree": []})
                continue
            found.append({"category_id": category_id, "warning": "", "attribute_tree": attribute_tree(category)})
        return envelope(response={"list": found})

    # -- the shop's items ----------------------------------------------------------------------------------

    def _models(self, shop: ShopState, item_id: int) -> dict[int, Listing]:
        """model_id -> listing for one item; {0: listing} for an item without models; {} when unknown."""
        return {_model_id(listing): listing for listing in shop.listings() if listing.item_id == str(item_id)}

    def _not_found(self, shop: ShopState, item_id: int) -> ShopeeError:
        elsewhere = any(
            listing.item_id == str(item_id)
            for other in self.sandbox.shops_of("shopee")
            if other.id != shop.id
            for listing in other.catalog.values()
        )
        if elsewhere:
            return ShopeeError("error_item_not_belong_shop", "Item not belong to shop.")
        return ShopeeError("error_item_not_found", "Item_id is not found.")

    def _pending_creates(self, shop: ShopState) -> list[Change]:
        return [c for c in self.state.pending.values() if c.shop_id == shop.id and c.create]

    def _new_item_id(self, shop: ShopState) -> int:
        known = [int(i.item_id) for i in shop.catalog.values() if i.item_id and i.item_id.isdigit()]
        known += [
            int(c.values["item_id"]) for c in self._pending_creates(shop) if str(c.values.get("item_id")).isdigit()
        ]
        return max([FIRST_NEW_ITEM_ID - 1, *known]) + 1


# -----------------------------------------------------------------------------------------------------------
# Attributes and images


def attribute_id(name: str) -> int:
    """A stable Shopee-looking attribute id for an attribute name (the same in the tree and in the checks)."""
    return 100_000 + zlib.crc32(name.encode()) % 900_000


def attribute_tree(category: CategorySpec | None) -> list[dict[str, Any]]:
    """The category's mandatory attributes, named as the scenario names them; "x.unit" asks for a unit on x."""
    required = category.required_attributes if category else []
    names = list(dict.fromkeys(r.partition(".")[0] for r in required))
    size = category.size_attribute if category else None
    if size and size not in names:
        names.append(size)
    with_unit = {r.partition(".")[0] for r in required if r.endswith(".unit")}
    units = category.units if category else UNITS
    return [
        {
            "attribute_id": attribute_id(name),
            "mandatory": name in {r.partition(".")[0] for r in required},
            "name": name,
            # A size is a drop-down of the category's sizes (input_type 1); the rest are free text.
            "attribute_value_list": [
                {"value_id": attribute_id(f"{name}:{value}"), "name": value, "value_unit": "", "multi_lang": []}
                for value in (category.size_values if category and name == size else [])
            ],
            "attribute_info": {
                "input_type": 1 if name == size else 2,
                "input_validation_type": 1 if name in with_unit else 0,
                "format_type": 2 if name in with_unit else 1,
                "date_format_type": 0,
                "attribute_unit_list": units if name in with_unit else [],
                "max_value_count": 1,
            },
            "multi_lang": [],
        }
        for name in names
    ]


def _attribute_problem(category: CategorySpec, attribute_list: Any) -> ShopeeError | None:
    if not isinstance(attribute_list, list):
        return ShopeeError("error_param", "Invalid attribute. attribute_list must be a list")
    sent: dict[int, list[Any]] = {}
    for attribute in attribute_list:
        if not isinstance(attribute, dict) or not _is_int(attribute.get("attribute_id")):
            return ShopeeError("error_param", "Invalid attribute. attribute_id is required")
        values = attribute.get("attribute_value_list")
        sent[attribute["attribute_id"]] = values if isinstance(values, list) else []
    for required in category.required_attributes:
        if not sent.get(attribute_id(required.partition(".")[0])):
            return ShopeeError("error_less_required_attribute", "Mandatory attribute information required")
    for required in category.required_attributes:
        name, _, key = required.partition(".")
        if key == "unit" and not all(isinstance(v, dict) and v.get("value_unit") for v in sent[attribute_id(name)]):
            # Shaped like the documented "Attribute BSMI is mandatory" (error_busi_attribute_error).
            return ShopeeError("error_busi_attribute_error", f"Attribute {name}.unit is mandatory")
    return None


def _small_image(image_ids: list[str], category: CategorySpec) -> str | None:
    """The sandbox has no media space: a `WIDTHxHEIGHT` in an image id (e.g. sg-1-abc_500x500) is its size."""
    if category.min_image_px is None:
        return None
    for image_id in image_ids:
        size = IMAGE_SIZE.search(image_id)
        if size is not None and max(int(size["w"]), int(size["h"])) < category.min_image_px:
            return (
                f"Image {image_id} is unavailable: {size['w']}x{size['h']} px is under the "
                f"{category.min_image_px} px this category needs, please upload again."
            )
    return None


def _image_url(image_id: str) -> str:
    return image_id if image_id.startswith(("http://", "https://")) else f"https://cf.shopee.sandbox/file/{image_id}"


# -----------------------------------------------------------------------------------------------------------
# Bodies


def _item_body(shop: ShopState, item_id: int, models: dict[int, Listing]) -> dict[str, Any]:
    first = models[min(models)]
    has_model = any(models)
    images = first.attributes.get("image_id_list") or ([first.image_url] if first.image_url else [])
    item: dict[str, Any] = {
        "item_id": item_id,
        "category_id": int(first.category) if first.category.isdigit() else 0,
        "item_name": first.title,
        "item_sku": "" if has_model else first.sku,
        "create_time": int(min(m.created_at for m in models.values()).timestamp()),
        "update_time": int(max(m.updated_at for m in models.values()).timestamp()),
        "item_status": item_status(list(models.values())),
        "has_model": has_model,
        "deboost": False,
        "image": {"image_id_list": images, "image_url_list": [_image_url(i) for i in images]},
        "attribute_list": first.attributes.get("attribute_list") or [],
    }
    if isinstance(first.attributes.get("weight"), (int, float)):
        item["weight"] = first.attributes["weight"]
    if not has_model:  # items with models keep price and stock on their models (get_model_list)
        item["price_info"] = [{"currency": shop.spec.currency, **_price_info(first)}]
        item["stock_info_v2"] = _stock_info(shop, first)
    return item


def _reviewing_body(shop: ShopState, item_id: int, change: Change) -> dict[str, Any]:
    values = change.values
    price = Decimal(str(values.get("price") or "0"))
    stock = int(values.get("stock") or 0)
    requested = int(change.requested_at.timestamp())
    return {
        "item_id": item_id,
        "category_id": int(values.get("category") or 0),
        "item_name": values.get("title") or "",
        "item_sku": change.sku,
        "create_time": requested,
        "update_time": requested,
        "item_status": "REVIEWING",
        "has_model": False,
        "deboost": False,
        "price_info": [
            {"currency": shop.spec.currency, "original_price": _number(price), "current_price": _number(price)}
        ],
        "stock_info_v2": {
            "summary_info": {"total_reserved_stock": 0, "total_available_stock": stock},
            "seller_stock": [{"location_id": "", "stock": stock}],
        },
    }


def item_state(listings: list[Listing]) -> dict[str, Any] | None:
    """The platform state of an item: the one its listings carry (BANNED, SHOPEE_DELETE), None when healthy."""
    return next((listing.platform_state for listing in listings if listing.platform_state), None)


def item_status(listings: list[Listing]) -> str:
    state = item_state(listings)
    return str(state["status"]) if state else "NORMAL"


def _price_info(listing: Listing) -> dict[str, Any]:
    current = listing.sale_price if listing.sale_price is not None else listing.price
    return {
        "original_price": _number(listing.price),
        "current_price": _number(current),
        "inflated_price_of_original_price": _number(listing.price),
        "inflated_price_of_current_price": _number(current),
    }


def _stock_info(shop: ShopState, listing: Listing) -> dict[str, Any]:
    reserved = shop.faults.reserved_stock.get(listing.sku, 0)
    return {
        "summary_info": {"total_reserved_stock": reserved, "total_available_stock": max(0, listing.stock - reserved)},
        "seller_stock": [{"location_id": "", "stock": listing.stock}],
        "shopee_stock": [],
    }


# -----------------------------------------------------------------------------------------------------------
# Values


def _model_id(listing: Listing) -> int:
    variant = (listing.variant_id or "").strip()
    return int(variant) if variant.isdigit() else 0


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _price(value: Any, decimals: int) -> Decimal | None:
    """A positive price with at most the market's decimals, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        return None
    if not price.is_finite() or price <= 0 or price != price.quantize(Decimal(1).scaleb(-decimals)):
        return None
    return price


def _number(value: Decimal) -> int | float:
    """Prices go out as JSON numbers, as Shopee writes them (39.9, 1500)."""
    return int(value) if value == value.to_integral_value() else float(value)
