"""The rules that turn a strategy's config and an ERP base value into the value pushed to one shop, and the checks
every value passes before it is sent. Pure functions over plain values: planning calls them, the retry preview and
the tests call them too.
"""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

# Value shapes stored on push actions (JSON): decimals travel as strings.
#   price:   {"price": "19.99", "currency": "USD", "sale_price": "17.99" | None}
#   stock:   {"quantity": 12}
#   listing: {"title", "category_id", "price", "currency", "quantity", "description", "brand", "images", "attributes"}


def adjusted_price(config: dict[str, Any], base: Decimal) -> Decimal:
    """price_adjust: the base price with the markup, rounded as configured ("0.01", "0.99" or "1")."""
    price = base * (1 + Decimal(str(config.get("markup_pct", 0))) / 100)
    round_to = str(config.get("round_to", "0.01"))
    if round_to == "0.99":  # charm pricing: the next .99 at or above the price (22.00 -> 22.99, 39.05 -> 39.99)
        charm = price.to_integral_value(rounding=ROUND_FLOOR) + Decimal("0.99")
        return charm if charm >= price else charm + 1
    if round_to == "1":
        return price.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def shared_stock(config: dict[str, Any], available: int) -> int:
    """inventory_sync: floor((available - safety_stock) * share_pct / 100), never below 0."""
    share = Decimal(str(config.get("share_pct", 100)))
    safety = int(config.get("safety_stock", 0))
    return max(0, math.floor((available - safety) * share / 100))


def price_problem(
    price: Decimal, sale_price: Decimal | None, decimals: int, config: dict[str, Any] | None = None
) -> str | None:
    """Our pre-check of a price before it is sent: a reason for VALIDATION_FAILED, or None."""
    for name, value in (("price", price), ("sale_price", sale_price)):
        if value is None:
            continue
        if not value.is_finite() or value <= 0:
            return f"{name} must be greater than 0, got {value}"
        if -value.normalize().as_tuple().exponent > decimals:  # type: ignore[operator]
            places = "whole numbers" if decimals == 0 else f"at most {decimals} decimal places"
            return f"{name} {value} does not fit the currency: the platform takes {places}"
    if sale_price is not None and sale_price > price:
        return f"sale_price {sale_price} is above the price {price}"
    config = config or {}
    low, high = config.get("min_price"), config.get("max_price")
    if low is not None and price < Decimal(str(low)):
        return f"price {price} is below the strategy's min_price {low}"
    if high is not None and price > Decimal(str(high)):
        return f"price {price} is above the strategy's max_price {high}"
    return None


def stock_problem(quantity: int) -> str | None:
    if quantity < 0:
        return f"quantity must not be negative, got {quantity}"
    return None


def approval_reason(
    policy: dict[str, Any], operation: str, value: dict[str, Any], previous: dict[str, Any] | None
) -> str | None:
    """Why this change must wait for a person (a price cut beyond the policy against the last applied price, or
    stock set to 0 under hold_stock_to_zero), or None."""
    if operation == "price" and previous and previous.get("price") is not None:
        limit = policy.get("max_price_cut_pct")
        before, after = Decimal(str(previous["price"])), Decimal(str(value["price"]))
        if limit is not None and before > 0 and after < before:
            cut = (before - after) / before * 100
            if cut > Decimal(str(limit)):
                return f"price cut {cut.quantize(Decimal('0.1'))}% ({before} → {after}) is over the policy's {limit}%"
    to_zero = operation == "stock" and value.get("quantity") == 0 and (previous or {}).get("quantity") != 0
    if to_zero and policy.get("hold_stock_to_zero"):
        return "stock set to 0 waits for approval under the policy (hold_stock_to_zero)"
    return None


def same_value(operation: str, a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two values of one operation push the same thing (for conflicts between strategies)."""
    if operation == "price":
        return Decimal(str(a["price"])) == Decimal(str(b["price"])) and _dec(a.get("sale_price")) == _dec(
            b.get("sale_price")
        )
    if operation == "stock":
        return int(a["quantity"]) == int(b["quantity"])
    return a == b


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def diff(before: Any, after: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """The leaves that differ between two JSON values, as (path, before, after); paths like `config.markup_pct`."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[tuple[str, Any, Any]] = []
        for key in sorted(set(before) | set(after), key=str):
            sub = f"{path}.{key}" if path else str(key)
            changes += diff(before.get(key), after.get(key), sub)
        return changes
    if before != after:
        return [(path or "$", before, after)]
    return []
