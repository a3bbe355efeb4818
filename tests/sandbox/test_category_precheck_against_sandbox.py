"""The category pre-check with our clients against the default-scenario sandbox: each platform's rules API read,
every kind of broken draft refused before any listing call, and a compliant draft published."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from api.errors.taxonomy import ErrorType
from sandbox.shopee_catalog import attribute_id
from tests.sandbox.conftest import RunningSandbox, no_sleep
from workers.platforms.base import (
    ClientDeps,
    Connection,
    ListingDraft,
    ListingImage,
    ListingRef,
    ListTraceRecorder,
    Operation,
    Platform,
    RetryPolicy,
    get_client,
)
from workers.platforms.rules import publish_checked

WAREHOUSE = "7068517275539000006"


def connect(sandbox: RunningSandbox, http: httpx.AsyncClient, shop_id: str) -> tuple[Any, ListTraceRecorder]:
    shop = next(s for s in httpx.get(f"{sandbox.url}/_sandbox/shops").json()["shops"] if s["id"] == shop_id)
    expires = shop["access_expires_at"]
    connection = Connection(
        platform=Platform(shop["platform"]),
        shop_id=shop_id,
        market=shop["market"],
        credentials=shop["credentials"],
        access_token=shop["access_token"],
        refresh_token=shop["refresh_token"],
        access_expires_at=datetime.fromisoformat(expires.replace("Z", "+00:00")) if expires else None,
        base_url=shop["base_url"],
        auth_base_url=shop["auth_base_url"],
    )
    recorder = ListTraceRecorder()
    retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01)
    return get_client(connection, ClientDeps(http=http, recorder=recorder, retry=retry, sleep=no_sleep)), recorder


def listing_calls(recorder: ListTraceRecorder) -> list[str]:
    return [e.url for e in recorder.exchanges if e.operation is Operation.listing]


async def refused_before_sending(client: Any, recorder: ListTraceRecorder, draft: ListingDraft) -> tuple[str, ...]:
    result = await publish_checked(client, draft)
    assert not result.ok
    assert [e.error_type for e in result.errors] == [ErrorType.CATEGORY_COMPLIANCE_FAILED]
    assert listing_calls(recorder) == []
    assert draft.category_id in result.errors[0].doc_url
    return result.errors[0].missing_fields


def draft(sku: str, category: str, currency: str, attributes: dict[str, Any], **changes: Any) -> ListingDraft:
    values: dict[str, Any] = {
        "ref": ListingRef(sku, extra={"warehouse_id": WAREHOUSE}),
        "title": "Cotton crew-neck T-shirt, relaxed fit",
        "category_id": category,
        "price": Decimal("25"),
        "currency": currency,
        "quantity": 5,
        "description": "<p>Soft cotton</p>",
        "images": [ListingImage("https://img.example/shirt_1200x1200.jpg", 1200, 1200)],
        "attributes": attributes,
    }
    return ListingDraft(**(values | changes))


async def test_amazon_refuses_each_broken_rule_before_sending_and_publishes_a_compliant_draft(
    default_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, recorder = connect(default_sandbox, http, "amazon-ca")
    rules = await client.get_category_rules("BATTERY")
    assert {a.key: a.units for a in rules.attributes} == {"item_weight": ("g", "kg", "ml", "l"), "battery": ()}
    battery = {"item_weight": [{"value": 0.2, "unit": "kg"}], "battery": [{"value": "lithium"}]}

    missing = await refused_before_sending(
        client, recorder, draft("B-1", "BATTERY", "CAD", {"item_weight": battery["item_weight"]})
    )
    assert missing == ("battery",)
    assert await refused_before_sending(
        client, recorder, draft("B-2", "BATTERY", "CAD", {**battery, "item_weight": [{"value": 0.2}]})
    ) == ("item_weight",)
    assert await refused_before_sending(
        client, recorder, draft("B-3", "BATTERY", "CAD", {**battery, "item_weight": [{"unit": "kg"}]})
    ) == ("item_weight",)
    small = [ListingImage("https://img.example/cell_400x300.jpg", 400, 300)]
    assert await refused_before_sending(client, recorder, draft("B-4", "BATTERY", "CAD", battery, images=small)) == (
        "images[0]",
    )
    assert await refused_before_sending(
        client, recorder, draft("S-1", "SHIRT", "CAD", {"size": [{"value": "4XL"}]})
    ) == ("size",)

    shirt = await publish_checked(client, draft("S-2", "SHIRT", "CAD", {"size": [{"value": "X-Large"}]}))
    assert shirt.ok, shirt.errors
    assert (await publish_checked(client, draft("B-5", "BATTERY", "CAD", battery))).ok
    assert len(listing_calls(recorder)) == 2


async def test_tiktok_refuses_each_broken_rule_before_sending_and_publishes_a_compliant_draft(
    default_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, recorder = connect(default_sandbox, http, "tiktok-us")
    weight = {"package_weight": {"value": "0.4", "unit": "KILOGRAM"}}

    def food(*attributes: dict[str, Any]) -> dict[str, Any]:
        return {**weight, "product_attributes": list(attributes)}

    expiry = {"id": "expiry_date", "values": [{"name": "2027-01-01"}]}
    assert await refused_before_sending(client, recorder, draft("T-1", "100003", "USD", food(expiry))) == (
        "Net Weight",
    )
    no_unit = {"id": "net_weight", "values": [{"name": "200"}]}
    assert await refused_before_sending(client, recorder, draft("T-2", "100003", "USD", food(expiry, no_unit))) == (
        "Net Weight",
    )
    small = [ListingImage("https://img.example/x_200x200.jpg", 200, 200)]
    assert await refused_before_sending(client, recorder, draft("T-3", "100001", "USD", weight, images=small)) == (
        "images[0]",
    )
    unmapped = food({"id": "size", "values": [{"name": "5XL"}]})
    assert await refused_before_sending(client, recorder, draft("T-4", "100005", "USD", unmapped)) == ("Size",)

    grams = {"id": "net_weight", "values": [{"name": "200 g"}]}
    result = await publish_checked(client, draft("T-5", "100003", "USD", food(expiry, grams)))
    assert result.ok, result.errors
    assert len(listing_calls(recorder)) == 1


async def test_shopee_refuses_each_broken_rule_before_sending_and_publishes_a_compliant_draft(
    default_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, recorder = connect(default_sandbox, http, "shopee-my")
    base = {"weight": 0.2, "logistic_info": [{"logistic_id": 20011, "enabled": True}]}

    def value(name: str, text: str, unit: str = "") -> dict[str, Any]:
        return {"attribute_id": attribute_id(name),
                "attribute_value_list": [{"value_id": 0, "original_value_name": text, "value_unit": unit}]}  # fmt: skip

    image = {"images": [ListingImage("sg-11134201-vitc_1000x1000")]}
    expiry = value("expiry_date", "2027-01-01")
    only_expiry = {**base, "attribute_list": [expiry]}
    assert await refused_before_sending(client, recorder, draft("P-1", "100003", "MYR", only_expiry, **image)) == (
        "net_weight",
    )
    no_unit = {**base, "attribute_list": [expiry, value("net_weight", "200")]}
    assert await refused_before_sending(client, recorder, draft("P-2", "100003", "MYR", no_unit, **image)) == (
        "net_weight",
    )
    no_value = {**base, "attribute_list": [expiry, value("net_weight", "", "g")]}
    assert await refused_before_sending(client, recorder, draft("P-3", "100003", "MYR", no_value, **image)) == (
        "net_weight",
    )
    sized = {**base, "attribute_list": [value("size", "Extra Huge")]}
    assert await refused_before_sending(client, recorder, draft("P-4", "100005", "MYR", sized, **image)) == ("size",)

    complete = {**base, "attribute_list": [expiry, value("net_weight", "200", "g")]}
    result = await publish_checked(client, draft("P-5", "100003", "MYR", complete, **image))
    assert result.ok, result.errors
    assert len(listing_calls(recorder)) == 1


async def test_lazada_refuses_each_broken_rule_before_sending_and_publishes_a_compliant_draft(
    default_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client, recorder = connect(default_sandbox, http, "lazada-my")
    food = {"package_weight": "0.2", "expiry_date": "2027-01-01"}
    assert await refused_before_sending(client, recorder, draft("L-1", "100003", "MYR", food)) == ("net_weight",)
    no_unit = {**food, "net_weight": {"value": 200}}
    assert await refused_before_sending(client, recorder, draft("L-2", "100003", "MYR", no_unit)) == ("net_weight",)
    small = [ListingImage("https://img.example/tea_300x300.jpg", 300, 300)]
    plain = {"package_weight": "0.2"}
    assert await refused_before_sending(client, recorder, draft("L-3", "100001", "MYR", plain, images=small)) == (
        "images[0]",
    )
    assert await refused_before_sending(
        client, recorder, draft("L-4", "100005", "MYR", {**plain, "size": "XS-tall"})
    ) == ("size",)

    result = await publish_checked(
        client, draft("L-5", "100003", "MYR", {**food, "net_weight": {"value": 200, "unit": "g"}})
    )
    assert result.ok, result.errors
    sized = await publish_checked(client, replace(draft("L-6", "100005", "MYR", {**plain, "size": "XL"})))
    assert sized.ok, sized.errors
    assert len(listing_calls(recorder)) == 2
