"""Our TikTok Shop client, pointed at a running sandbox over real HTTP: success on a clean shop, and the expected
taxonomy type from each TikTok fault the sandbox can produce."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from api.errors.taxonomy import ErrorType, Severity
from tests.sandbox.catalog_helpers import connect, item_ids_of, read_catalog, rejected_by_sku, set_listing_state
from tests.sandbox.conftest import RunningSandbox, no_sleep, types
from tests.sandbox.test_tiktok_emulator import (
    BAG_1,
    BAG_2,
    BAGS,
    PROMO,
    PROMO_SKU,
    TIKTOK_APP,
    UK_CIPHER,
    UK_REFRESH,
    UK_TOKEN,
    US_CIPHER,
    US_REFRESH,
    US_TOKEN,
    WAREHOUSE,
    tiktok,
)
from workers.platforms.base import (
    ClientDeps,
    Connection,
    ListingDraft,
    ListingImage,
    ListingRef,
    ListTraceRecorder,
    Platform,
    PlatformClient,
    PriceUpdate,
    RetryPolicy,
    StockUpdate,
    TokenRefreshError,
    TokenSet,
    get_client,
)
from workers.platforms.tiktok.client import Client as TikTokClient

__all__ = ["tiktok"]  # the sandbox fixture, shared with the emulator tests

BAG_REF = ListingRef("BAG-1", item_id=BAGS, variant_id=BAG_1, extra={"warehouse_id": WAREHOUSE})
BAG_2_REF = ListingRef("BAG-2", item_id=BAGS, variant_id=BAG_2)
PROMO_REF = ListingRef("PROMO-1", item_id=PROMO, variant_id=PROMO_SKU)
LOST_REF = ListingRef("GEN-004", item_id="1729000000104", variant_id="1729100000104")
UNKNOWN_REF = ListingRef("GEN-005", item_id="1729000000105", variant_id="1729100000105")
OTHER_REF = ListingRef("GEN-001", item_id="1729000000101", variant_id="1729100000101")


def client_for(
    sandbox: RunningSandbox,
    http: httpx.AsyncClient,
    shop: str = "tts-us",
    stored: list[TokenSet] | None = None,
    **overrides: Any,
) -> PlatformClient:
    market, cipher, token, refresh = {
        "tts-us": ("US", US_CIPHER, US_TOKEN, US_REFRESH),
        "tts-uk": ("UK", UK_CIPHER, UK_TOKEN, UK_REFRESH),
    }[shop]
    connection = Connection(
        platform=Platform.tiktok,
        shop_id=shop,
        market=market,
        credentials={**TIKTOK_APP, "shop_cipher": cipher, **overrides},
        access_token=token,
        refresh_token=refresh,
        base_url=f"{sandbox.url}/tiktok",
        auth_base_url=f"{sandbox.url}/tiktok-auth",
    )

    async def keep(tokens: TokenSet) -> None:
        if stored is not None:
            stored.append(tokens)

    retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01)
    return get_client(
        connection, ClientDeps(http=http, recorder=ListTraceRecorder(), retry=retry, sleep=no_sleep, on_tokens=keep)
    )


def images(size: str = "1200x1200", count: int = 5) -> list[ListingImage]:
    return [ListingImage(f"tos-test/img_{n}_{size}.jpg") for n in range(count)]


def new_listing(sku: str, category: str = "100001", **changes: Any) -> ListingDraft:
    values: dict[str, Any] = {
        "ref": ListingRef(sku, extra={"warehouse_id": WAREHOUSE}),
        "title": "Travel bottle set",
        "category_id": category,
        "price": Decimal("12.50"),
        "currency": "USD",
        "quantity": 7,
        "description": "<p>Three bottles</p>",
        "images": images(),
        "attributes": {"package_weight": {"value": "0.4", "unit": "KILOGRAM"}},
    }
    return ListingDraft(**(values | changes))


# -----------------------------------------------------------------------------------------------------------
# A clean shop


async def test_prices_and_stock_pushed_to_a_clean_shop_succeed_and_the_read_back_confirms_them_later(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(tiktok, http)

    prices = await client.update_prices(
        [PriceUpdate(BAG_REF, Decimal("88.00"), "USD"), PriceUpdate(BAG_2_REF, Decimal("18.50"), "USD")]
    )
    [stock] = await client.update_stock([StockUpdate(BAG_REF, 3)])
    assert all(r.ok and r.errors == [] for r in [*prices, stock])

    [pending] = await client.get_listing_status([BAG_REF])
    assert pending.found and pending.price == Decimal("100") and pending.quantity == 10
    tiktok.advance(61)
    [confirmed, second] = await client.get_listing_status([BAG_REF, BAG_2_REF])
    assert (confirmed.status, confirmed.price, confirmed.quantity) == ("ACTIVATE", Decimal("88"), 3)
    assert second.price == Decimal("18.5")
    ledger = tiktok.ledger(shop="tts-us")["entries"]
    assert sorted((e["sku"], e["operation"]) for e in ledger) == [
        ("BAG-1", "price"),
        ("BAG-1", "stock"),
        ("BAG-2", "price"),
    ]
    assert len({e["request_id"] for e in ledger if e["operation"] == "price"}) == 1  # one call per product


async def test_a_published_product_is_pending_until_its_audit_and_then_live(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(tiktok, http)
    assert isinstance(client, TikTokClient)

    result = await client.publish_listing(new_listing("BOTTLE-1"))
    assert result.ok and result.needs_confirmation and result.errors == []
    ref = client.published_refs["BOTTLE-1"]
    [pending] = await client.get_listing_status([ref])
    assert pending.found and pending.status == "PENDING" and pending.errors == []
    tiktok.advance(61)
    [live] = await client.get_listing_status([ref])
    assert (live.status, live.price, live.quantity) == ("ACTIVATE", Decimal("12.5"), 7)


async def test_an_expired_access_token_is_refreshed_once_stored_and_the_push_succeeds(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    stored: list[TokenSet] = []
    client = client_for(tiktok, http, shop="tts-uk", stored=stored)
    ref = ListingRef("UK-1", item_id="1729000000901", variant_id="1729100000901")

    [result] = await client.update_prices([PriceUpdate(ref, Decimal("11.00"), "GBP")])

    assert result.ok, result.errors
    [tokens] = stored
    assert tokens.refresh_token == UK_REFRESH and tokens.access_token.startswith("TTP_")
    assert "seller.product.write" in tokens.scopes


async def test_an_authorisation_code_is_exchanged_once(tiktok: RunningSandbox, http: httpx.AsyncClient) -> None:
    client = client_for(tiktok, http)
    assert isinstance(client, TikTokClient)
    tokens = await client.exchange_code("TTP_code-us")
    assert tokens.access_token.startswith("TTP_")
    with pytest.raises(TokenRefreshError) as again:
        await client.exchange_code("TTP_code-us")
    assert [e.error_type for e in again.value.errors] == [ErrorType.AUTH_EXPIRED]


# -----------------------------------------------------------------------------------------------------------
# Each fault -> its type


async def test_a_revoked_authorisation_is_auth_expired(tiktok: RunningSandbox, http: httpx.AsyncClient) -> None:
    tiktok.set_faults("tts-us", {"revoked": True})
    [result] = await client_for(tiktok, http).update_prices([PriceUpdate(BAG_REF, Decimal(9), "USD")])
    assert types(result) == [ErrorType.AUTH_EXPIRED]
    assert result.errors[0].platform_code == "36004005"  # 105001, then the refresh found no auth record


async def test_a_refresh_with_a_wrong_app_secret_raises_the_shared_token_refresh_error(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(tiktok, http, shop="tts-uk", app_secret="rotated-away")
    with pytest.raises(TokenRefreshError) as refused:
        await client.refresh_access_token()
    assert [e.error_type for e in refused.value.errors] == [ErrorType.AUTH_EXPIRED]


async def test_a_missing_scope_is_auth_scope_missing(tiktok: RunningSandbox, http: httpx.AsyncClient) -> None:
    tiktok.set_faults("tts-us", {"missing_permissions": ["stock"]})
    [result] = await client_for(tiktok, http).update_stock([StockUpdate(BAG_REF, 1)])
    assert types(result) == [ErrorType.AUTH_SCOPE_MISSING]


async def test_a_product_tiktok_does_not_hold_is_a_mapping_failure_on_push_and_read_back(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(tiktok, http)
    [pushed] = await client.update_prices([PriceUpdate(UNKNOWN_REF, Decimal(9), "USD")])
    [read] = await client.get_listing_status([UNKNOWN_REF])
    assert types(pushed) == [ErrorType.SKU_MAPPING_FAILED]
    assert not read.found and [e.error_type for e in read.errors] == [ErrorType.SKU_MAPPING_FAILED]


async def test_stock_refused_per_sku_is_inventory_sync_failed_while_the_rest_of_the_call_applies(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    moved = ListingRef("BAG-2", item_id=BAGS, variant_id=BAG_2, extra={"warehouse_id": "7000000000000000001"})
    client = client_for(tiktok, http)
    good, wrong_warehouse = await client.update_stock([StockUpdate(BAG_REF, 4), StockUpdate(moved, 4)])
    [promo] = await client.update_stock([StockUpdate(PROMO_REF, 1)])

    assert good.ok and good.errors == []
    assert types(wrong_warehouse) == [ErrorType.INVENTORY_SYNC_FAILED]
    assert wrong_warehouse.errors[0].platform_code == "12052097"
    assert types(promo) == [ErrorType.INVENTORY_SYNC_FAILED] and promo.errors[0].platform_code == "12052393"
    tiktok.advance(61)
    assert [e["sku"] for e in tiktok.ledger(shop="tts-us")["entries"]] == ["BAG-1"]


async def test_a_price_locked_by_an_ongoing_promotion_is_not_effective(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    [result] = await client_for(tiktok, http).update_prices([PriceUpdate(PROMO_REF, Decimal(28), "USD")])
    assert types(result) == [ErrorType.PRICE_NOT_EFFECTIVE] and result.errors[0].platform_code == "12052038"


async def test_a_draft_without_the_categorys_attributes_fails_compliance(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(tiktok, http)
    weight_only = {"id": "net_weight", "values": [{"name": "500"}]}
    expiry = {"id": "expiry_date", "values": [{"name": "2027-01-01"}]}
    attributes = {"package_weight": {"value": "0.4", "unit": "KILOGRAM"}, "product_attributes": [weight_only, expiry]}

    absent = await client.publish_listing(new_listing("VITAMIN-1", "100003"))
    no_unit = await client.publish_listing(new_listing("VITAMIN-2", "100003", attributes=attributes))

    assert types(absent) == [ErrorType.CATEGORY_COMPLIANCE_FAILED] and not absent.ok
    assert types(no_unit) == [ErrorType.CATEGORY_COMPLIANCE_FAILED]
    assert no_unit.errors[0].missing_fields == ("net_weight.unit",)
    assert "100003" in no_unit.errors[0].doc_url


async def test_a_product_in_a_restricted_category_is_rejected_by_its_audit(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(tiktok, http)
    assert isinstance(client, TikTokClient)
    assert (await client.publish_listing(new_listing("KNIFE-1", "100005"))).ok
    tiktok.advance(61)
    [status] = await client.get_listing_status([client.published_refs["KNIFE-1"]])
    assert status.status == "FAILED"
    assert [e.error_type for e in status.errors] == [ErrorType.LISTING_REJECTED]


async def test_images_below_the_size_rules_are_media_quality_refused_or_warned(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(tiktok, http)
    tiny = await client.publish_listing(new_listing("ICON-1", images=images("200x200")))
    small = await client.publish_listing(new_listing("CASE-1", "100002", images=images("600x600")))

    assert not tiny.ok and types(tiny) == [ErrorType.MEDIA_QUALITY] and tiny.errors[0].platform_code == "12052301"
    assert small.ok
    # one warning per undersized image
    assert [(e.error_type, e.severity) for e in small.errors] == [(ErrorType.MEDIA_QUALITY, Severity.warning)] * 5


async def test_a_tight_rate_limit_ends_as_rate_limited(tiktok: RunningSandbox, http: httpx.AsyncClient) -> None:
    tiktok.set_faults("tts-us", {"rate_limit": {"per_second": 0.001, "burst": 1}})
    first, second = await client_for(tiktok, http).update_prices(
        [PriceUpdate(BAG_REF, Decimal(50), "USD"), PriceUpdate(OTHER_REF, Decimal(12), "USD")]
    )
    assert first.ok
    assert types(second) == [ErrorType.RATE_LIMITED] and second.errors[0].platform_code == "36009002"


async def test_server_errors_end_as_platform_unavailable(tiktok: RunningSandbox, http: httpx.AsyncClient) -> None:
    tiktok.set_faults("tts-us", {"server_errors": {"rate": 1.0, "status": 500}})
    [result] = await client_for(tiktok, http).update_prices([PriceUpdate(BAG_REF, Decimal(9), "USD")])
    assert types(result) == [ErrorType.PLATFORM_UNAVAILABLE]


async def test_a_slow_answer_times_out_as_platform_unavailable(tiktok: RunningSandbox) -> None:
    tiktok.set_faults("tts-us", {"timeouts": {"rate": 1.0, "delay_seconds": 1.0}})
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.3)) as impatient:
        [result] = await client_for(tiktok, impatient).get_listing_status([BAG_REF])
    assert [e.error_type for e in result.errors] == [ErrorType.PLATFORM_UNAVAILABLE]
    assert result.errors[0].platform_code == "TRANSPORT_ERROR"


async def test_a_malformed_body_is_an_unknown_platform_error_with_the_raw_text(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    tiktok.set_faults("tts-us", {"malformed": {"rate": 1.0}})
    [result] = await client_for(tiktok, http).update_prices([PriceUpdate(BAG_REF, Decimal(9), "USD")])
    assert types(result) == [ErrorType.UNKNOWN_PLATFORM_ERROR]
    assert result.errors[0].raw["body"].startswith('{"code"')


async def test_a_body_over_the_limit_is_platform_limit_exceeded(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    tiktok.set_faults("tts-us", {"max_body_bytes": 32})
    [result] = await client_for(tiktok, http).update_prices([PriceUpdate(BAG_REF, Decimal(9), "USD")])
    assert types(result) == [ErrorType.PLATFORM_LIMIT_EXCEEDED]


async def test_a_lost_confirmation_is_accepted_but_never_shows_in_the_read_back(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    # Our workers turn this into PLATFORM_STATE_DELAYED: TikTok said Success, the read-back keeps the old price.
    client = client_for(tiktok, http)
    [result] = await client.update_prices([PriceUpdate(LOST_REF, Decimal("19.99"), "USD")])
    assert result.ok
    tiktok.advance(3000)
    [status] = await client.get_listing_status([LOST_REF])
    assert status.found and status.price != Decimal("19.99")


async def test_an_out_of_range_price_is_stopped_by_our_pre_check_before_anything_is_sent(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    [result] = await client_for(tiktok, http).update_prices([PriceUpdate(BAG_REF, Decimal("7600.01"), "USD")])
    assert types(result) == [ErrorType.VALIDATION_FAILED]
    assert tiktok.pending()["count"] == 0


async def test_stock_below_what_a_campaign_holds_is_inventory_sync_failed(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    tiktok.set_faults("tts-us", {"reserved_stock": {"BAG-1": 5}})
    [result] = await client_for(tiktok, http).update_stock([StockUpdate(BAG_REF, 4)])
    assert types(result) == [ErrorType.INVENTORY_SYNC_FAILED]


async def test_a_full_listing_quota_is_platform_limit_exceeded(tiktok: RunningSandbox, http: httpx.AsyncClient) -> None:
    tiktok.set_faults("tts-us", {"max_listings": 6})
    result = await client_for(tiktok, http).publish_listing(new_listing("BOTTLE-9"))
    assert not result.ok and types(result) == [ErrorType.PLATFORM_LIMIT_EXCEEDED]


async def test_a_price_in_another_currency_than_the_shops_is_not_effective(
    tiktok: RunningSandbox, http: httpx.AsyncClient
) -> None:
    [result] = await client_for(tiktok, http).update_prices([PriceUpdate(BAG_REF, Decimal("70"), "GBP")])
    assert types(result) == [ErrorType.PRICE_NOT_EFFECTIVE] and result.errors[0].platform_code == "12052084"


# -----------------------------------------------------------------------------------------------------------
# The catalog of a default-scenario shop


async def test_the_catalog_of_a_default_shop_lists_every_sku_its_failed_audits_and_a_repeated_seller_sku(
    default_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = connect(default_sandbox, http, "tiktok-us")

    listings, pages = await read_catalog(client)

    assert (len(listings), pages) == (600, 6)
    listing_rules = (
        "violate listing rules; The product violates TikTok Shopping listing rules, please check and resubmit."
    )
    main_image = "Main image does not meet the requirements; Upload a clear main image on a white background showing the whole product."
    assert rejected_by_sku(listings) == {
        "TTS-US-00101": [("AUDIT_FAILED", listing_rules)],
        "TTS-US-00102": [("AUDIT_FAILED", listing_rules), ("AUDIT_FAILED", main_image)],
    }
    assert item_ids_of(listings, "TTS-US-00005") == ["1729000000005", "1729099999001"]  # one seller SKU, two items
    failed = next(listing for listing in listings if listing.ref.sku == "TTS-US-00101")
    [status] = await client.get_listing_status([failed.ref])
    assert (status.status, [e.error_type for e in status.errors]) == ("FAILED", [ErrorType.LISTING_REJECTED])

    set_listing_state(default_sandbox, "tiktok-us", "TTS-US-00101", None)

    listings, _ = await read_catalog(client)
    assert list(rejected_by_sku(listings)) == ["TTS-US-00102"]
    [status] = await client.get_listing_status([failed.ref])
    assert (status.status, status.errors) == ("ACTIVATE", [])
