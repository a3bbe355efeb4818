"""Our Amazon client, pointed at a running sandbox over real HTTP: success on a clean shop, and the expected
taxonomy type from each Amazon fault the sandbox can produce."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from api.errors.taxonomy import ErrorType, Severity
from tests.sandbox.catalog_helpers import connect, read_catalog, rejected_by_sku, set_listing_state
from tests.sandbox.conftest import AMAZON_APP, RunningSandbox, no_sleep, types
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
    get_client,
)


def client_for(
    sandbox: RunningSandbox, http: httpx.AsyncClient, shop: str = "amz-us", **overrides: Any
) -> PlatformClient:
    market, seller, token, refresh = {
        "amz-us": ("US", "A1TESTSELLER", "Atza|test-access-us", "Atzr|test-refresh-us"),
        "amz-jp": ("JP", "A2TESTSELLER", "Atza|test-access-jp", "Atzr|test-refresh-jp"),
    }[shop]
    connection = Connection(
        platform=Platform.amazon,
        shop_id=shop,
        market=market,
        credentials={**AMAZON_APP, "seller_id": seller, **overrides},
        access_token=token,
        refresh_token=refresh,
        base_url=f"{sandbox.url}/amazon",
        auth_base_url=f"{sandbox.url}/lwa",
    )
    retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01)
    return get_client(connection, ClientDeps(http=http, recorder=ListTraceRecorder(), retry=retry, sleep=no_sleep))


async def test_a_price_pushed_to_a_clean_shop_is_accepted_and_confirmed_by_the_read_back(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(sandbox, http)
    ref = ListingRef("BAG-1", extra={"product_type": "LUGGAGE"})

    [result] = await client.update_prices([PriceUpdate(ref, Decimal("88.00"), "USD")])
    assert result.ok and result.needs_confirmation and result.errors == []
    [pending] = await client.get_listing_status([ref])
    assert pending.price == Decimal("100.00")

    sandbox.advance(61)
    [stock] = await client.update_stock([StockUpdate(ref, 3)])
    assert stock.ok
    sandbox.advance(61)
    [confirmed] = await client.get_listing_status([ref])
    assert confirmed.found and confirmed.price == Decimal("88.00") and confirmed.quantity == 3
    assert confirmed.status == "BUYABLE,DISCOVERABLE"
    assert [e["operation"] for e in sandbox.ledger(sku="BAG-1")["entries"]] == ["price", "stock"]


async def test_an_expired_access_token_is_refreshed_once_and_the_push_succeeds(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(sandbox, http, shop="amz-jp")  # its scenario token expired before the sandbox started
    [result] = await client.update_prices([PriceUpdate(ListingRef("JP-1"), Decimal("1400"), "JPY")])
    assert result.ok, result.errors


async def test_a_revoked_authorisation_is_auth_expired(sandbox: RunningSandbox, http: httpx.AsyncClient) -> None:
    sandbox.set_faults("amz-us", {"revoked": True})
    [result] = await client_for(sandbox, http).update_prices([PriceUpdate(ListingRef("BAG-1"), Decimal(9), "USD")])
    assert types(result) == [ErrorType.AUTH_EXPIRED]


async def test_a_wrong_client_secret_is_auth_expired_when_a_refresh_is_needed(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(sandbox, http, shop="amz-jp", client_secret="rotated-away")
    [result] = await client.update_prices([PriceUpdate(ListingRef("JP-1"), Decimal("1400"), "JPY")])
    assert types(result) == [ErrorType.AUTH_EXPIRED]
    assert result.errors[0].platform_code == "invalid_client"  # the LWA endpoint's own code, verbatim


async def test_a_missing_role_is_auth_scope_missing(sandbox: RunningSandbox, http: httpx.AsyncClient) -> None:
    sandbox.set_faults("amz-us", {"missing_permissions": ["stock"]})
    [result] = await client_for(sandbox, http).update_stock([StockUpdate(ListingRef("BAG-1"), 1)])
    assert types(result) == [ErrorType.AUTH_SCOPE_MISSING]


async def test_a_sku_amazon_does_not_hold_is_a_mapping_failure_on_read_back(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    [status] = await client_for(sandbox, http).get_listing_status([ListingRef("GEN-005")])
    assert not status.found
    assert [e.error_type for e in status.errors] == [ErrorType.SKU_MAPPING_FAILED]


async def test_a_draft_without_the_categorys_required_attributes_fails_compliance(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    draft = ListingDraft(
        ref=ListingRef("BAT-NEW"),
        title="AA cells",
        category_id="BATTERY",
        price=Decimal("9.99"),
        currency="USD",
        quantity=5,
        attributes={"item_weight": [{"value": 0.2}]},  # no unit
    )
    result = await client_for(sandbox, http).publish_listing(draft)
    assert not result.ok
    assert set(types(result)) == {ErrorType.CATEGORY_COMPLIANCE_FAILED}
    assert {f for e in result.errors for f in e.missing_fields} == {"item_weight", "battery"}
    assert all("category=BATTERY" in e.doc_url for e in result.errors)


async def test_a_promo_price_where_the_category_forbids_it_is_not_effective(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    update = PriceUpdate(ListingRef("CARD-1"), Decimal(25), "USD", sale_price=Decimal(20))
    [result] = await client_for(sandbox, http).update_prices([update])
    assert types(result) == [ErrorType.PRICE_NOT_EFFECTIVE]


async def test_a_small_image_is_a_media_quality_warning_on_an_accepted_listing(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    draft = ListingDraft(
        ref=ListingRef("BAG-NEW"),
        title="Cabin bag",
        category_id="LUGGAGE",
        price=Decimal(59),
        currency="USD",
        quantity=4,
        images=[ListingImage("https://img.example/bag_500x500.jpg")],
    )
    result = await client_for(sandbox, http).publish_listing(draft)
    assert result.ok and result.needs_confirmation
    assert [(e.error_type, e.severity) for e in result.errors] == [(ErrorType.MEDIA_QUALITY, Severity.warning)]


async def test_a_new_listing_in_a_restricted_category_is_rejected(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    draft = ListingDraft(ListingRef("WATCH-1"), "Diver watch", "WATCH", Decimal(199), "USD", 1)
    result = await client_for(sandbox, http).publish_listing(draft)
    assert types(result) == [ErrorType.LISTING_REJECTED]


async def test_a_tight_rate_limit_ends_as_rate_limited(sandbox: RunningSandbox, http: httpx.AsyncClient) -> None:
    sandbox.set_faults("amz-us", {"rate_limit": {"per_second": 0.001, "burst": 1}})
    client = client_for(sandbox, http)
    first, second = await client.update_prices(
        [PriceUpdate(ListingRef("BAG-1"), Decimal(50), "USD"), PriceUpdate(ListingRef("GEN-001"), Decimal(12), "USD")]
    )
    assert sorted([first.ok, second.ok]) == [False, True]
    failed = first if not first.ok else second
    assert types(failed) == [ErrorType.RATE_LIMITED]


async def test_server_errors_end_as_platform_unavailable(sandbox: RunningSandbox, http: httpx.AsyncClient) -> None:
    sandbox.set_faults("amz-us", {"server_errors": {"rate": 1.0, "status": 500}})
    [result] = await client_for(sandbox, http).update_prices([PriceUpdate(ListingRef("BAG-1"), Decimal(9), "USD")])
    assert types(result) == [ErrorType.PLATFORM_UNAVAILABLE]


async def test_a_slow_answer_times_out_as_platform_unavailable(sandbox: RunningSandbox) -> None:
    sandbox.set_faults("amz-us", {"timeouts": {"rate": 1.0, "delay_seconds": 1.0}})
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.3)) as impatient:
        [result] = await client_for(sandbox, impatient).get_listing_status([ListingRef("BAG-1")])
    assert [e.error_type for e in result.errors] == [ErrorType.PLATFORM_UNAVAILABLE]
    assert result.errors[0].platform_code == "TRANSPORT_ERROR"


async def test_a_malformed_body_is_an_unknown_platform_error_with_the_raw_text(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    sandbox.set_faults("amz-us", {"malformed": {"rate": 1.0}})
    [result] = await client_for(sandbox, http).update_prices([PriceUpdate(ListingRef("BAG-1"), Decimal(9), "USD")])
    assert types(result) == [ErrorType.UNKNOWN_PLATFORM_ERROR]
    assert result.errors[0].raw["body"].startswith('{"code"')


async def test_a_body_over_the_limit_is_platform_limit_exceeded(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    sandbox.set_faults("amz-us", {"max_body_bytes": 64})
    [result] = await client_for(sandbox, http).update_prices([PriceUpdate(ListingRef("BAG-1"), Decimal(9), "USD")])
    assert types(result) == [ErrorType.PLATFORM_LIMIT_EXCEEDED]


async def test_a_lost_confirmation_is_accepted_but_never_shows_in_the_read_back(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    # Our workers turn this into PLATFORM_STATE_DELAYED (and an error past its deadline): the platform only
    # ever says ACCEPTED, and the read-back keeps the old price.
    client = client_for(sandbox, http)
    [result] = await client.update_prices([PriceUpdate(ListingRef("GEN-004"), Decimal("19.99"), "USD")])
    assert result.ok and result.needs_confirmation
    sandbox.advance(3000)
    [status] = await client.get_listing_status([ListingRef("GEN-004")])
    assert status.found and status.price != Decimal("19.99")


async def test_a_fractional_yen_price_is_stopped_by_our_pre_check_before_anything_is_sent(
    sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(sandbox, http, shop="amz-jp")
    [result] = await client.update_prices([PriceUpdate(ListingRef("JP-1"), Decimal("1400.5"), "JPY")])
    assert types(result) == [ErrorType.VALIDATION_FAILED]
    assert sandbox.pending()["count"] == 0


# -----------------------------------------------------------------------------------------------------------
# The catalog of a default-scenario shop


async def test_the_catalog_of_a_default_shop_lists_every_sku_and_its_suppressed_listings(
    default_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = connect(default_sandbox, http, "amazon-ca")

    listings, pages = await read_catalog(client)

    assert (len(listings), pages) == (400, 20) and len({listing.ref.sku for listing in listings}) == 400
    assert rejected_by_sku(listings) == {
        "AMZ-CA-00101": [("18742", "Restricted Products Policy Violation")],
        "AMZ-CA-00102": [("90220", "'item_weight' is required but not supplied.")],
    }
    suppressed = next(listing for listing in listings if listing.ref.sku == "AMZ-CA-00102")
    assert suppressed.rejected[0].missing_fields == ("item_weight",) and suppressed.status is None
    [status] = await client.get_listing_status([suppressed.ref])
    assert [(e.error_type, e.platform_code) for e in status.errors] == [(ErrorType.LISTING_REJECTED, "90220")]

    set_listing_state(default_sandbox, "amazon-ca", "AMZ-CA-00102", None)

    listings, _ = await read_catalog(client)
    assert list(rejected_by_sku(listings)) == ["AMZ-CA-00101"]
    [status] = await client.get_listing_status([suppressed.ref])
    assert status.errors == [] and "DISCOVERABLE" in (status.status or "")
