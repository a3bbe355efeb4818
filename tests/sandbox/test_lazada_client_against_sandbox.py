"""Our Lazada client, pointed at a running sandbox over real HTTP: success on a clean shop, and the expected
taxonomy type from each Lazada fault the sandbox can produce."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from api.errors.taxonomy import ErrorType, Severity
from tests.sandbox.catalog_helpers import connect, read_catalog, rejected_by_sku, set_listing_state
from tests.sandbox.conftest import RunningSandbox, no_sleep, types
from tests.sandbox.test_lazada_emulator import (
    LAZADA_APP,
    MY_ACCESS,
    MY_REFRESH,
    TH_ACCESS,
    TH_REFRESH,
    lazada_scenario,
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


@pytest.fixture
def lazada() -> Iterator[RunningSandbox]:
    running = RunningSandbox(lazada_scenario()).start()
    yield running
    running.stop()


def client_for(
    sandbox: RunningSandbox,
    http: httpx.AsyncClient,
    shop: str = "lzd-my",
    stored: list[TokenSet] | None = None,
    **credentials: str,
) -> PlatformClient:
    market, access, refresh = {"lzd-my": ("MY", MY_ACCESS, MY_REFRESH), "lzd-th": ("TH", TH_ACCESS, TH_REFRESH)}[shop]
    connection = Connection(
        platform=Platform.lazada,
        shop_id=shop,
        market=market,
        credentials={**LAZADA_APP, **credentials},
        access_token=access,
        refresh_token=refresh,
        base_url=f"{sandbox.url}/lazada",
        auth_base_url=f"{sandbox.url}/lazada-auth",
    )

    async def keep(tokens: TokenSet) -> None:
        if stored is not None:
            stored.append(tokens)

    retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01)
    return get_client(
        connection, ClientDeps(http=http, recorder=ListTraceRecorder(), retry=retry, sleep=no_sleep, on_tokens=keep)
    )


def tea(sku: str = "MY-TEA-001") -> ListingRef:
    ids = {"MY-TEA-001": "3200000001", "MY-TEA-002": "3200000002", "MY-BOOK-1": "3200000003"}
    item = "3100000003" if sku == "MY-BOOK-1" else "3100000001"
    return ListingRef(sku, item_id=item, variant_id=ids[sku])


def gen(n: int) -> ListingRef:
    return ListingRef(f"GEN-{n:03d}", item_id=f"31100{n:05d}", variant_id=f"32100{n:05d}")


def draft(sku: str, category: str = "100001", **changes: Any) -> ListingDraft:
    values: dict[str, Any] = {
        "ref": ListingRef(sku),
        "title": "Jasmine tea 100g",
        "category_id": category,
        "price": Decimal("18.90"),
        "currency": "MYR",
        "quantity": 12,
        "images": [ListingImage("https://img.example/jasmine_1000x1000.jpg")],
        "attributes": {"package_weight": "0.2"},
    }
    values.update(changes)
    return ListingDraft(**values)


async def test_a_clean_shop_takes_price_and_stock_and_the_read_back_confirms_them_after_the_delay(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(lazada, http)

    [price] = await client.update_prices([PriceUpdate(tea(), Decimal("29.90"), "MYR")])
    assert price.ok and price.needs_confirmation and price.errors == []
    [pending] = await client.get_listing_status([tea()])
    assert pending.found and pending.price == Decimal("32.90")  # nothing is confirmed by the write

    lazada.advance(61)
    [stock] = await client.update_stock([StockUpdate(tea(), 8)])
    assert stock.ok and stock.needs_confirmation
    lazada.advance(61)
    [confirmed] = await client.get_listing_status([tea()])
    assert confirmed.found and confirmed.price == Decimal("29.90") and confirmed.quantity == 8
    assert confirmed.status == "active"
    assert [e["operation"] for e in lazada.ledger(sku="MY-TEA-001")["entries"]] == ["price", "stock"]


async def test_a_large_push_is_split_to_lazadas_fifty_and_the_ledger_counts_each_sku_once(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    updates = [PriceUpdate(gen(n), Decimal("15.50"), "MYR") for n in range(1, 60)]
    results = await client_for(lazada, http).update_prices(updates)
    assert all(r.ok for r in results) and len(results) == 59
    lazada.advance(61)
    entries = lazada.ledger(shop="lzd-my")["entries"]
    assert sorted(e["sku"] for e in entries) == sorted(u.ref.sku for u in updates if u.ref.sku != "GEN-004")
    assert len({e["request_id"] for e in entries}) == 2  # two calls: 50 + 9


async def test_a_sale_price_with_its_window_shows_in_the_read_back(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    ref = ListingRef(
        "GEN-010", "3110000010", "3210000010", {"sale_start_date": "2026-12-01", "sale_end_date": "2026-12-31"}
    )
    client = client_for(lazada, http)
    [result] = await client.update_prices([PriceUpdate(ref, Decimal("19.90"), "MYR", sale_price=Decimal("9.90"))])
    assert result.ok
    lazada.advance(61)
    [status] = await client.get_listing_status([ref])
    assert (status.price, status.sale_price) == (Decimal("19.90"), Decimal("9.90"))


async def test_an_expired_access_token_is_refreshed_stored_and_the_push_succeeds(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    stored: list[TokenSet] = []
    client = client_for(lazada, http, shop="lzd-th", stored=stored)  # its scenario token expired before start
    [result] = await client.update_prices([PriceUpdate(ListingRef("TH-1"), Decimal("550"), "THB")])
    assert result.ok, result.errors
    assert len(stored) == 1 and stored[0].refresh_token not in (None, TH_REFRESH)  # Lazada hands out a new pair


async def test_a_revoked_authorisation_is_auth_expired_and_a_refresh_raises_the_shared_error(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    lazada.set_faults("lzd-my", {"revoked": True})
    client = client_for(lazada, http)
    [result] = await client.update_prices([PriceUpdate(tea(), Decimal("30"), "MYR")])
    assert types(result) == [ErrorType.AUTH_EXPIRED]
    assert result.errors[0].platform_code == "IllegalRefreshToken"
    with pytest.raises(TokenRefreshError) as refused:
        await client.refresh_access_token()
    assert [e.error_type for e in refused.value.errors] == [ErrorType.AUTH_EXPIRED]


async def test_a_wrong_app_secret_is_refused_as_incomplete_signature(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    [result] = await client_for(lazada, http, app_secret="rotated-away").update_prices(
        [PriceUpdate(tea(), Decimal("30"), "MYR")]
    )
    assert types(result) == [ErrorType.AUTH_SCOPE_MISSING]  # the client's reading: the app itself is refused
    assert result.errors[0].platform_code == "IncompleteSignature"


async def test_a_missing_api_permission_is_auth_scope_missing(lazada: RunningSandbox, http: httpx.AsyncClient) -> None:
    lazada.set_faults("lzd-my", {"missing_permissions": ["stock"]})
    client = client_for(lazada, http)
    [stock] = await client.update_stock([StockUpdate(tea(), 1)])
    assert types(stock) == [ErrorType.AUTH_SCOPE_MISSING]
    [price] = await client.update_prices([PriceUpdate(tea(), Decimal("30"), "MYR")])
    assert price.ok


async def test_a_sku_lazada_does_not_hold_fails_alone_and_is_a_mapping_failure_on_read_back(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(lazada, http)
    known, unknown = await client.update_prices(
        [PriceUpdate(gen(1), Decimal("12"), "MYR"), PriceUpdate(gen(60), Decimal("12"), "MYR")]
    )
    assert known.ok and types(unknown) == [ErrorType.SKU_MAPPING_FAILED]
    by_item, by_sku = await client.get_listing_status([gen(60), ListingRef("GEN-060")])
    assert not by_item.found and types(by_item) == [ErrorType.SKU_MAPPING_FAILED]
    assert not by_sku.found and types(by_sku) == [ErrorType.SKU_MAPPING_FAILED]


async def test_stock_below_what_orders_hold_is_an_inventory_sync_failure(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    lazada.set_faults("lzd-my", {"reserved_stock": {"MY-TEA-001": 5}})
    [result] = await client_for(lazada, http).update_stock([StockUpdate(tea(), 2)])
    assert types(result) == [ErrorType.INVENTORY_SYNC_FAILED]


async def test_a_promo_price_where_the_category_forbids_it_is_not_effective(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    ref = ListingRef(
        "MY-BOOK-1", "3100000003", "3200000003", {"sale_start_date": "2026-12-01", "sale_end_date": "2026-12-31"}
    )
    [result] = await client_for(lazada, http).update_prices(
        [PriceUpdate(ref, Decimal("25"), "MYR", sale_price=Decimal("20"))]
    )
    assert types(result) == [ErrorType.PRICE_NOT_EFFECTIVE]


async def test_a_new_product_is_created_and_readable_by_its_seller_sku_after_the_delay(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(lazada, http)
    result = await client.publish_listing(draft("MY-JAS-1"))
    assert result.ok and result.needs_confirmation
    [before] = await client.get_listing_status([ListingRef("MY-JAS-1")])
    assert not before.found
    lazada.advance(61)
    [after] = await client.get_listing_status([ListingRef("MY-JAS-1")])
    assert after.found and after.price == Decimal("18.90") and after.quantity == 12
    assert [e["operation"] for e in lazada.ledger(sku="MY-JAS-1")["entries"]] == ["listing"]


async def test_a_draft_without_the_categorys_required_attributes_fails_compliance(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    missing_unit = draft("MY-VIT-1", "100003", attributes={"net_weight": {"value": 200}})
    result = await client_for(lazada, http).publish_listing(missing_unit)
    assert set(types(result)) == {ErrorType.CATEGORY_COMPLIANCE_FAILED}
    assert {f for e in result.errors for f in e.missing_fields} == {"net_weight", "expiry_date"}
    assert all("100003" in e.doc_url for e in result.errors)


async def test_a_new_product_in_a_restricted_category_is_rejected(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    result = await client_for(lazada, http).publish_listing(draft("MY-RX-1", "100005"))
    assert types(result) == [ErrorType.LISTING_REJECTED]


async def test_a_duplicated_main_image_is_a_media_quality_problem(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    image = ListingImage("https://img.example/jasmine_1000x1000.jpg")
    result = await client_for(lazada, http).publish_listing(draft("MY-JAS-2", images=[image, image]))
    assert [(e.error_type, e.severity) for e in result.errors] == [(ErrorType.MEDIA_QUALITY, Severity.error)]


async def test_an_image_below_lazadas_minimum_is_refused_with_the_product(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    small = [ListingImage("https://img.example/jasmine_300x300.jpg")]
    result = await client_for(lazada, http).publish_listing(draft("MY-JAS-3", images=small))
    assert types(result) == [ErrorType.LISTING_REJECTED]
    assert "SANDBOX_IMAGE_TOO_SMALL" in result.errors[0].platform_message


async def test_a_shop_at_its_product_quota_is_over_the_platform_limit(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    lazada.set_faults("lzd-my", {"max_listings": 3})
    result = await client_for(lazada, http).publish_listing(draft("MY-JAS-4"))
    assert types(result) == [ErrorType.PLATFORM_LIMIT_EXCEEDED]
    assert result.errors[0].platform_code == "4148"


async def test_a_tight_rate_limit_ends_as_rate_limited(lazada: RunningSandbox, http: httpx.AsyncClient) -> None:
    lazada.set_faults("lzd-my", {"rate_limit": {"per_second": 0.001, "burst": 1}})
    client = client_for(lazada, http)
    [first] = await client.update_prices([PriceUpdate(tea(), Decimal("30"), "MYR")])
    [second] = await client.update_prices([PriceUpdate(gen(1), Decimal("12"), "MYR")])
    assert first.ok
    assert types(second) == [ErrorType.RATE_LIMITED] and second.errors[0].platform_code == "901"


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_end_as_platform_unavailable(
    lazada: RunningSandbox, http: httpx.AsyncClient, status: int
) -> None:
    lazada.set_faults("lzd-my", {"server_errors": {"rate": 1.0, "status": status}})
    [result] = await client_for(lazada, http).update_prices([PriceUpdate(tea(), Decimal("30"), "MYR")])
    assert types(result) == [ErrorType.PLATFORM_UNAVAILABLE]
    assert lazada.pending()["count"] == 0


async def test_a_slow_answer_times_out_as_platform_unavailable(lazada: RunningSandbox) -> None:
    lazada.set_faults("lzd-my", {"timeouts": {"rate": 1.0, "delay_seconds": 1.0}})
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.3)) as impatient:
        [result] = await client_for(lazada, impatient).get_listing_status([tea()])
    assert types(result) == [ErrorType.PLATFORM_UNAVAILABLE]
    assert result.errors[0].platform_code == "TRANSPORT_ERROR"


async def test_a_malformed_body_is_an_unknown_platform_error(lazada: RunningSandbox, http: httpx.AsyncClient) -> None:
    lazada.set_faults("lzd-my", {"malformed": {"rate": 1.0}})
    [result] = await client_for(lazada, http).update_prices([PriceUpdate(tea(), Decimal("30"), "MYR")])
    assert types(result) == [ErrorType.UNKNOWN_PLATFORM_ERROR]


async def test_a_body_over_the_edge_limit_is_a_platform_limit(lazada: RunningSandbox, http: httpx.AsyncClient) -> None:
    # The edge's 413 page carries no Lazada code; the status alone says what happened, the page is kept raw.
    lazada.set_faults("lzd-my", {"max_body_bytes": 64})
    [result] = await client_for(lazada, http).update_prices([PriceUpdate(tea(), Decimal("30"), "MYR")])
    assert types(result) == [ErrorType.PLATFORM_LIMIT_EXCEEDED]
    assert "413" in str(result.errors[0].raw)


async def test_a_lost_confirmation_is_accepted_but_never_shows_in_the_read_back(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    # Our workers turn this into PLATFORM_STATE_DELAYED: Lazada only ever says "0", the read-back keeps the old price.
    client = client_for(lazada, http)
    [result] = await client.update_prices([PriceUpdate(gen(4), Decimal("19.99"), "MYR")])
    assert result.ok and result.needs_confirmation
    lazada.advance(3000)
    [status] = await client.get_listing_status([gen(4)])
    assert status.found and status.price != Decimal("19.99")


async def test_a_price_with_three_decimals_is_stopped_by_our_pre_check_before_anything_is_sent(
    lazada: RunningSandbox, http: httpx.AsyncClient
) -> None:
    [result] = await client_for(lazada, http).update_prices([PriceUpdate(tea(), Decimal("29.999"), "MYR")])
    assert types(result) == [ErrorType.VALIDATION_FAILED]
    assert lazada.pending()["count"] == 0


# -----------------------------------------------------------------------------------------------------------
# The catalog of a default-scenario shop


async def test_the_catalog_of_a_default_shop_lists_every_sku_and_its_qc_rejections(
    default_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = connect(default_sandbox, http, "lazada-my")

    listings, pages = await read_catalog(client)

    assert (len(listings), pages) == (499, 10)
    image = ("rejected", "Poor image quality; Please upload clear product images")
    category = ("rejected", "Wrong category; Please select the correct category")
    assert rejected_by_sku(listings) == {"LZD-MY-00101": [image], "LZD-MY-00102": [image, category]}
    rejected = next(listing for listing in listings if listing.ref.sku == "LZD-MY-00102")
    [status] = await client.get_listing_status([rejected.ref])
    assert [e.platform_message for e in status.errors] == [image[1], category[1]]

    set_listing_state(default_sandbox, "lazada-my", "LZD-MY-00102", None)

    listings, _ = await read_catalog(client)
    assert list(rejected_by_sku(listings)) == ["LZD-MY-00101"]
    [status] = await client.get_listing_status([rejected.ref])
    assert status.errors == [] and status.found
