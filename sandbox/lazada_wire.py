"""Lazada emulator, the wire side: request parameters, signature check, envelopes, payload parsing and the
GetProducts / GetProductItem bodies. Pure functions; the emulator in `lazada.py` decides what to answer.

Shapes follow Lazada's API pages (UpdatePriceQuantity, CreateProduct, GetProducts, GetProductItem and the token
APIs) and the official SDKs' way of sending: every parameter, `sign` included, in the query string and/or a
form-encoded body, signed together.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse, Response

from sandbox.state import Listing

# Lazada: the timestamp must be within 7200 s of UTC.
TIMESTAMP_WINDOW_SECONDS = 7200
SYSTEM_PARAMETERS = ("app_key", "sign_method", "timestamp", "sign")


def request_id() -> str:
    """Lazada's request ids look like `0ba2887315178178017221014`: a hex host part and the epoch milliseconds."""
    return f"{secrets.token_hex(6)}{int(time.time() * 1000)}"


def parameters(query: Mapping[str, str], body: bytes, content_type: str) -> dict[str, str]:
    """Every parameter of a call: the query string, then a form-encoded body (the official SDKs) or the fields of a
    JSON body (some third-party clients post JSON and sign its fields)."""
    params = dict(query)
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded" or (not kind and body):
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif kind == "application/json" and body:
        try:
            fields = json.loads(body)
        except ValueError:
            fields = None
        if isinstance(fields, dict):
            for name, value in fields.items():
                params[str(name)] = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return params


def signature(secret: str, api_path: str, params: Mapping[str, str], *, skip_empty: bool) -> str:
    """HMAC-SHA256 over the API path and the sorted `name value` pairs, uppercase hex (Lazada's algorithm)."""
    message = api_path + "".join(
        f"{name}{params[name]}" for name in sorted(params) if name != "sign" and not (skip_empty and params[name] == "")
    )
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest().upper()


def signature_matches(secrets_: Sequence[str], api_path: str, params: Mapping[str, str]) -> bool:
    """The official Java/C# SDKs leave empty values out of the signed string and the Python one keeps them: a
    signature computed either way is accepted."""
    given = params.get("sign", "").upper()
    return any(
        hmac.compare_digest(given, signature(secret, api_path, params, skip_empty=skip))
        for secret in secrets_
        for skip in (False, True)
    )


def timestamp_ok(value: str, now: float) -> bool:
    """Epoch milliseconds or ISO 8601 UTC, within the window of the real clock (a client signs with its own
    clock; the sandbox clock only moves tokens and confirmations)."""
    try:
        moment = (
            int(value) / 1000 if value.isdigit() else datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        )
    except ValueError:
        return False
    return abs(now - moment) <= TIMESTAMP_WINDOW_SECONDS


# -----------------------------------------------------------------------------------------------------------
# Envelopes: `{"code": "0", "data": ..., "request_id": ...}` or `{"type", "code", "message", "request_id"}`,
# both with HTTP 200 (Lazada answers its failures inside a 200).


def success(data: Any, rid: str) -> Response:
    return JSONResponse({"code": "0", "data": data, "request_id": rid})


def failure(
    code: str,
    message: str,
    rid: str,
    *,
    kind: str = "ISV",
    detail: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> Response:
    body: dict[str, Any] = {"type": kind, "code": code, "message": message}
    if detail:
        body["detail"] = detail
    body["request_id"] = rid
    return JSONResponse(body, status_code=status)


# -----------------------------------------------------------------------------------------------------------
# Payloads: XML (`<Request><Product>...`) or JSON (`{"Request": {"Product": ...}}`), read into the same dicts.


class PayloadError(ValueError):
    """The payload is neither the XML nor the JSON form Lazada takes."""


def read_payload(text: str) -> dict[str, Any]:
    """The `Product` object of a payload. XML elements become dicts, repeated ones lists, leaves strings."""
    text = text.strip()
    if text.startswith("<"):
        try:
            root = ET.fromstring(text)
        except ET.ParseError as exc:
            raise PayloadError(str(exc)) from None
        tree = {root.tag: _xml_value(root)}
    else:
        try:
            tree = json.loads(text)
        except ValueError as exc:
            raise PayloadError(str(exc)) from None
    request = tree.get("Request") if isinstance(tree, dict) else None
    product = request.get("Product") if isinstance(request, dict) else None
    if not isinstance(product, dict):
        raise PayloadError("Request.Product is missing")
    return product


def _xml_value(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    value: dict[str, Any] = {}
    for child in children:
        item = _xml_value(child)
        if child.tag in value:
            existing = value[child.tag]
            value[child.tag] = [*existing, item] if isinstance(existing, list) else [existing, item]
        else:
            value[child.tag] = item
    return value


def as_list(container: Any, name: str) -> list[Any] | None:
    """`Skus.Sku` / `Images.Image`: a list, or one object standing alone (XML with a single element)."""
    if not isinstance(container, dict) or name not in container:
        return None
    value = container[name]
    return value if isinstance(value, list) else [value]


def amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def two_decimals(value: Decimal) -> bool:
    return value == value.quantize(Decimal("0.01"))


def whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


# -----------------------------------------------------------------------------------------------------------
# Read-back bodies


def epoch_ms(moment: datetime) -> str:
    return str(int(moment.astimezone(UTC).timestamp() * 1000))


def sku_body(listing: Listing, market: str, reserved: int) -> dict[str, Any]:
    item_id, sku_id = listing.item_id or "", listing.variant_id or ""
    sku: dict[str, Any] = {
        "Status": "active",
        "quantity": listing.stock,
        "Available": max(0, listing.stock - reserved),
        "SellerSku": listing.sku,
        "SkuId": int(sku_id) if sku_id.isdigit() else sku_id,
        "ShopSku": f"{item_id}_{market}-{sku_id}",
        "Url": f"https://www.lazada.example/-i{item_id}-s{sku_id}.html",
        "price": float(listing.price),
        "package_weight": str(listing.attributes.get("package_weight", "0.5")),
    }
    if listing.sale_price is not None:  # Lazada leaves special_price out of a SKU that has none
        sku["special_price"] = float(listing.sale_price)
        for name in ("special_from_time", "special_to_time"):
            if listing.attributes.get(name):
                sku[name] = listing.attributes[name]
    return sku


def product_body(listings: Sequence[Listing], market: str, reserved: Mapping[str, int]) -> dict[str, Any]:
    """One Lazada product: the SKUs sharing an item_id, with the product-level fields of the first."""
    first = listings[0]
    item_id = first.item_id or ""
    images = first.attributes.get("images") or ([first.image_url] if first.image_url else [])
    state = product_state(listings)
    body: dict[str, Any] = {
        "item_id": int(item_id) if item_id.isdigit() else item_id,
        "primary_category": int(first.category) if first.category.isdigit() else first.category,
        "attributes": {"name": first.title, **_product_attributes(first)},
        "skus": [sku_body(listing, market, reserved.get(listing.sku, 0)) for listing in listings],
        "created_time": epoch_ms(min(listing.created_at for listing in listings)),
        "updated_time": epoch_ms(max(listing.updated_at for listing in listings)),
        "images": images,
        "status": "Active",
        "subStatus": "",
        "suspendedSkus": [],
    }
    if state is not None:  # QC rejected it: the product's status and Lazada's reject reasons, verbatim
        body["status"] = str(state["status"])
        body["rejectReason"] = list(state.get("reasons") or [])
    return body


def product_state(listings: Sequence[Listing]) -> dict[str, Any] | None:
    """The platform state of a product (QC `rejected`), from any of its SKUs; None when healthy."""
    return next((listing.platform_state for listing in listings if listing.platform_state), None)


def _product_attributes(listing: Listing) -> dict[str, Any]:
    product = listing.attributes.get("product_attributes")
    return dict(product) if isinstance(product, dict) else {}
