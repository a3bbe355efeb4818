"""Our Shopee client, pointed at a running sandbox over real HTTP: success on a clean shop, and the expected
taxonomy type from each Shopee fault the sandbox can produce."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.errors.taxonomy import ErrorType, Severity
from sandbox.shopee_catalog import attribute_id
from tests.sandbox.catalog_helpers import connect, item_ids_of, read_catalog, rejected_by_sku, set_listing_state
from tests.sandbox.conftest import RunningSandbox, no_sleep, types
from tests.sandbox.test_shopee_emulator import (
    MY_ACCESS,
    MY_REFRESH,
    MY_SHOP_ID,
    PARTNER_ID,
    PARTNER_KEY,
    TH_ACCESS,
    TH_REFRESH,
    TH_SHOP_ID,
    shopee_sandbox,
    signed,
)
from workers.platforms.base import (
    ClientDeps,
    Connection,
    ListingDraft,
    ListingImage,
    ListingRef,
    ListTraceRecorder,
    Platform,
    PriceUpdate,
    RetryPolicy,
    StockUpdate,
    TokenSet,
    local_refresh_lock,
)
from workers.platforms.shopee import client as shopee

__all__ = ["shopee_sandbox"]  # the fixture, re-exported for pytest

MUG = ListingRef("MUG-1", "1000", "0")
HOOD_M = ListingRef("HOOD-M", "2000", "2001")
HOOD_L = ListingRef("HOOD-L", "2000", "2002")


@pytest.fixture(autouse=True)
def forget_rotations() -> Iterator[None]:
    shopee._rotations.clear()  # the per-process memo of spent refresh tokens must not leak between tests
    yield
    shopee._rotations.clear()


class Store:
    def __init__(self) -> None:
        self.saved: list[TokenSet] = []

    async def __call__(self, tokens: TokenSet) -> None:
        self.saved.append(tokens)


def client_for(
    sandbox: RunningSandbox,
    http: httpx.AsyncClient,
    shop: str = "shp-my",
    store: Store | None = None,
    **overrides: Any,
) -> shopee.Client:
    market, shop_id, access, refresh = {
        "shp-my": ("MY", MY_SHOP_ID, MY_ACCESS, MY_REFRESH),
        "shp-th": ("TH", TH_SHOP_ID, TH_ACCESS, TH_REFRESH),
    }[shop]
    values: dict[str, Any] = {
        "platform": Platform.shopee,
        "shop_id": shop,
        "market": market,
        "credentials": {"partner_id": PARTNER_ID, "partner_key": PARTNER_KEY, "shop_id": shop_id},
        "access_token": access,
        "refresh_token": refresh,
        "base_url": f"{sandbox.url}/shopee",
    }
    values.update(overrides)
    return shopee.Client(
        Connection(**values),
        ClientDeps(
            http=http,
            recorder=ListTraceRecorder(),
            refresh_lock=local_refresh_lock,
            on_tokens=store,
            retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01),
            sleep=no_sleep,
        ),
    )


def price(ref: ListingRef, amount: str, currency: str = "MYR") -> PriceUpdate:
    return PriceUpdate(ref, Decimal(amount), currency)


# -----------------------------------------------------------------------------------------------------------


async def test_prices_and_stock_pushed_to_a_clean_shop_are_confirmed_by_the_read_back_after_the_delay(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(shopee_sandbox, http)

    results = await client.update_prices([price(MUG, "35.50"), price(HOOD_M, "79.90"), price(HOOD_L, "95")])
    assert [r.ok for r in results] == [True, True, True], [r.errors for r in results]
    [before, _, _] = await client.get_listing_status([MUG, HOOD_M, HOOD_L])
    assert before.price == Decimal("39.9")

    shopee_sandbox.advance(61)
    stock = await client.update_stock([StockUpdate(MUG, 3), StockUpdate(HOOD_M, 6)])
    assert [r.ok for r in stock] == [True, True]
    shopee_sandbox.advance(61)
    mug, hood_m, hood_l = await client.get_listing_status([MUG, HOOD_M, HOOD_L])
    assert (mug.status, mug.price, mug.quantity) == ("NORMAL", Decimal("35.5"), 3)
    assert (hood_m.price, hood_m.quantity) == (Decimal("79.9"), 6)
    assert hood_l.price == Decimal("95")
    ledger = shopee_sandbox.ledger(shop="shp-my")["entries"]
    assert sorted((e["sku"], e["operation"]) for e in ledger) == [
        ("HOOD-L", "price"),
        ("HOOD-M", "price"),
        ("HOOD-M", "stock"),
        ("MUG-1", "price"),
        ("MUG-1", "stock"),
    ]


async def test_an_expired_access_token_is_refreshed_once_stored_and_the_spent_refresh_token_is_refused_after(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    store = Store()
    client = client_for(shopee_sandbox, http, shop="shp-th", store=store)  # its token expired before the start
    [result] = await client.update_prices([price(ListingRef("TH-1", "7000"), "450", "THB")])
    assert result.ok, result.errors
    (saved,) = store.saved
    assert saved.refresh_token and saved.refresh_token != TH_REFRESH

    # A second worker still holding the spent refresh token (and no shared memo of the rotation) is refused.
    shopee._rotations.clear()
    stale = client_for(shopee_sandbox, http, shop="shp-th")
    [refused] = await stale.update_prices([price(ListingRef("TH-1", "7000"), "440", "THB")])
    assert types(refused) == [ErrorType.AUTH_EXPIRED]
    assert (refused.errors[0].platform_code, refused.errors[0].platform_message) == (
        "error_auth",
        "Invalid refresh_token.",
    )


async def test_a_revoked_authorisation_is_auth_expired(shopee_sandbox: RunningSandbox, http: httpx.AsyncClient) -> None:
    shopee_sandbox.set_faults("shp-my", {"revoked": True})
    [result] = await client_for(shopee_sandbox, http).update_prices([price(MUG, "30")])
    assert types(result) == [ErrorType.AUTH_EXPIRED]
    assert result.errors[0].platform_code == "shop_no_linked"


async def test_an_authorisation_code_from_the_auth_link_is_exchanged_for_working_tokens(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    path = "/api/v2/shop/auth_partner"
    query = signed(path) | {"redirect": "https://erp.example/cb", "shop_id": MY_SHOP_ID}
    location = (await http.get(f"{shopee_sandbox.url}/shopee{path}", params=query)).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]

    client = client_for(shopee_sandbox, http, access_token=None, refresh_token=None)
    tokens = await client.exchange_code(code)
    assert tokens.access_token and tokens.refresh_token
    [status] = await client.get_listing_status([MUG])
    assert status.found and status.price == Decimal("39.9")


async def test_a_missing_permission_is_auth_scope_missing(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    shopee_sandbox.set_faults("shp-my", {"missing_permissions": ["stock"]})
    [result] = await client_for(shopee_sandbox, http).update_stock([StockUpdate(MUG, 1)])
    assert types(result) == [ErrorType.AUTH_SCOPE_MISSING]


async def test_an_item_shopee_no_longer_holds_is_a_mapping_failure_on_push_and_read_back(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(shopee_sandbox, http)
    gone = ListingRef("GONE-1", "4000", "0")
    [pushed] = await client.update_prices([price(gone, "9.90")])
    assert types(pushed) == [ErrorType.SKU_MAPPING_FAILED]
    [status] = await client.get_listing_status([gone])
    assert not status.found and [e.error_type for e in status.errors] == [ErrorType.SKU_MAPPING_FAILED]


async def test_a_model_under_promotion_is_price_not_effective_while_its_sibling_succeeds(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(shopee_sandbox, http)
    promo, plain = await client.update_prices([price(ListingRef("PROMO-1", "3000", "0"), "45"), price(MUG, "30")])
    assert types(promo) == [ErrorType.PRICE_NOT_EFFECTIVE] and plain.ok


async def test_stock_below_the_reserved_units_is_inventory_sync_failed_for_that_model_only(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(shopee_sandbox, http)
    medium, large = await client.update_stock([StockUpdate(HOOD_M, 4), StockUpdate(HOOD_L, 3)])
    assert medium.ok and types(large) == [ErrorType.INVENTORY_SYNC_FAILED]
    [alone] = await client.update_stock([StockUpdate(HOOD_L, 1)])  # every model refused: the call failed too
    assert set(types(alone)) == {ErrorType.INVENTORY_SYNC_FAILED}


def supplement_draft(sku: str = "VITC-1", **attributes: Any) -> ListingDraft:
    return ListingDraft(
        ref=ListingRef(sku),
        title="Vitamin C tablets",
        category_id="100003",
        price=Decimal("19.90"),
        currency="MYR",
        quantity=7,
        description="Vitamin C 1000 mg",
        images=[ListingImage("sg-11134201-vitc_1000x1000")],
        attributes={"weight": 0.2, "logistic_info": [{"logistic_id": 20011, "enabled": True}], **attributes},
    )


async def test_a_draft_without_the_categorys_attributes_fails_compliance_naming_them(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(shopee_sandbox, http)
    result = await client.publish_listing(supplement_draft())
    assert types(result) == [ErrorType.CATEGORY_COMPLIANCE_FAILED]
    assert set(result.errors[0].missing_fields) == {"net_weight", "expiry_date"}
    assert "100003" in result.errors[0].doc_url

    def value(attribute: str, unit: str = "") -> dict[str, Any]:
        values = [{"value_id": 0, "original_value_name": "100", "value_unit": unit}]
        return {"attribute_id": attribute_id(attribute), "attribute_value_list": values}

    no_unit = await client.publish_listing(supplement_draft(attribute_list=[value("net_weight"), value("expiry_date")]))
    assert types(no_unit) == [ErrorType.CATEGORY_COMPLIANCE_FAILED]
    assert no_unit.errors[0].missing_fields == ("net_weight.unit",)


async def test_a_published_item_is_under_review_until_the_confirmation_lands(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(shopee_sandbox, http)
    complete = [
        {"attribute_id": attribute_id("net_weight"), "attribute_value_list": [{"value_id": 0, "value_unit": "g"}]},
        {"attribute_id": attribute_id("expiry_date"), "attribute_value_list": [{"value_id": 0}]},
    ]
    result = await client.publish_listing(supplement_draft(attribute_list=complete))
    assert result.ok and result.needs_confirmation, result.errors
    ref = ListingRef("VITC-1", result.platform_ids["item_id"], "0")
    [reviewing] = await client.get_listing_status([ref])
    assert reviewing.found and reviewing.status == "REVIEWING" and reviewing.errors == []
    shopee_sandbox.advance(61)
    [live] = await client.get_listing_status([ref])
    assert (live.status, live.price, live.quantity) == ("NORMAL", Decimal("19.9"), 7)


async def test_a_small_image_is_media_quality_and_a_restricted_category_is_listing_rejected(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(shopee_sandbox, http)
    base = supplement_draft()
    small = ListingDraft(
        **{
            **_fields(base),
            "category_id": "100002",
            "images": [ListingImage("sg-1-case_500x500")],
            "ref": ListingRef("CASE-1"),
        }
    )
    media = await client.publish_listing(small)
    # An unusable image stops add_item, so our client makes this MEDIA_QUALITY an error, not a warning.
    assert [(e.error_type, e.severity) for e in media.errors] == [(ErrorType.MEDIA_QUALITY, Severity.error)]
    restricted = ListingDraft(**{**_fields(base), "category_id": "100005", "ref": ListingRef("MED-1")})
    assert types(await client.publish_listing(restricted)) == [ErrorType.LISTING_REJECTED]


def _fields(draft: ListingDraft) -> dict[str, Any]:
    return {name: getattr(draft, name) for name in ListingDraft.__dataclass_fields__}


async def test_a_full_shop_and_an_oversized_body_are_platform_limit_exceeded(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(shopee_sandbox, http)
    shopee_sandbox.set_faults("shp-my", {"max_listings": 10})
    draft = ListingDraft(**{**_fields(supplement_draft()), "category_id": "100001", "ref": ListingRef("MUG-2")})
    assert types(await client.publish_listing(draft)) == [ErrorType.PLATFORM_LIMIT_EXCEEDED]
    shopee_sandbox.set_faults("shp-my", {"max_body_bytes": 16})
    [result] = await client.update_prices([price(MUG, "30")])
    assert types(result) == [ErrorType.PLATFORM_LIMIT_EXCEEDED]


async def test_a_tight_rate_limit_ends_as_rate_limited(shopee_sandbox: RunningSandbox, http: httpx.AsyncClient) -> None:
    shopee_sandbox.set_faults("shp-my", {"rate_limit": {"per_second": 0.001, "burst": 1}})
    first, second = await client_for(shopee_sandbox, http).update_prices(
        [price(MUG, "30"), price(ListingRef("LOST-1", "4100", "0"), "11")]
    )
    assert first.ok and types(second) == [ErrorType.RATE_LIMITED]


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_end_as_platform_unavailable(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient, status: int
) -> None:
    shopee_sandbox.set_faults("shp-my", {"server_errors": {"rate": 1.0, "status": status}})
    [result] = await client_for(shopee_sandbox, http).update_prices([price(MUG, "30")])
    assert types(result) == [ErrorType.PLATFORM_UNAVAILABLE]


async def test_a_slow_answer_times_out_as_platform_unavailable(shopee_sandbox: RunningSandbox) -> None:
    shopee_sandbox.set_faults("shp-my", {"timeouts": {"rate": 1.0, "delay_seconds": 1.0}})
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.3)) as impatient:
        [status] = await client_for(shopee_sandbox, impatient).get_listing_status([MUG])
    assert [e.error_type for e in status.errors] == [ErrorType.PLATFORM_UNAVAILABLE]
    assert status.errors[0].platform_code == "TRANSPORT_ERROR"


async def test_a_malformed_body_is_an_unknown_platform_error_with_the_raw_text(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    shopee_sandbox.set_faults("shp-my", {"malformed": {"rate": 1.0}})
    [result] = await client_for(shopee_sandbox, http).update_prices([price(MUG, "30")])
    assert types(result) == [ErrorType.UNKNOWN_PLATFORM_ERROR]
    assert result.errors[0].raw["body"].startswith("{")


async def test_slow_and_lost_confirmations_are_accepted_but_show_late_or_never(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    # Our workers turn these into PLATFORM_STATE_DELAYED: Shopee only ever says success.
    slow = {"skus": ["MUG-1"], "delay_seconds": 1800}
    shopee_sandbox.set_faults("shp-my", {"slow_confirmation": slow, "lost_confirmation_skus": ["LOST-1"]})
    client = client_for(shopee_sandbox, http)
    lost = ListingRef("LOST-1", "4100", "0")
    results = await client.update_prices([price(MUG, "31"), price(lost, "13")])
    assert [r.ok for r in results] == [True, True]
    shopee_sandbox.advance(600)
    mug, never = await client.get_listing_status([MUG, lost])
    assert mug.price == Decimal("39.9") and never.price == Decimal("12")
    shopee_sandbox.advance(1300)
    mug, never = await client.get_listing_status([MUG, lost])
    assert mug.price == Decimal("31") and never.price == Decimal("12")


async def test_a_fractional_baht_price_is_stopped_by_our_pre_check_before_anything_is_sent(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = client_for(shopee_sandbox, http, shop="shp-th")
    [result] = await client.update_prices([price(ListingRef("TH-1", "7000"), "449.50", "THB")])
    assert types(result) == [ErrorType.VALIDATION_FAILED]
    assert shopee_sandbox.pending()["count"] == 0


async def test_a_wrong_partner_key_is_refused_as_a_wrong_sign_and_kept_raw(
    shopee_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    credentials = {"partner_id": PARTNER_ID, "partner_key": "rotated-away", "shop_id": MY_SHOP_ID}
    [result] = await client_for(shopee_sandbox, http, credentials=credentials).update_prices([price(MUG, "30")])
    assert types(result) == [ErrorType.AUTH_SCOPE_MISSING]  # the app's own credentials: no token refresh fixes it
    assert (result.errors[0].platform_code, result.errors[0].platform_message) == ("error_sign", "Wrong sign.")


# -----------------------------------------------------------------------------------------------------------
# The catalog of a default-scenario shop


async def test_the_catalog_of_a_default_shop_lists_every_item_its_bans_and_a_repeated_seller_sku(
    default_sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    client = connect(default_sandbox, http, "shopee-my")

    listings, pages = await read_catalog(client)

    assert (len(listings), pages) == (500, 5)
    license = ("BANNED", "Prohibited Listing: License Reason (Upload license)")
    counterfeit = (
        "Prohibited Listing: Counterfeit and IP Infringement (Only list authentic products you have the right to sell)"
    )
    assert rejected_by_sku(listings) == {
        "SHP-MY-00101": [license],
        "SHP-MY-00102": [("SHOPEE_DELETE", counterfeit)],
        "SHP-MY-00103": [license, ("BANNED", counterfeit)],
    }
    assert item_ids_of(listings, "SHP-MY-00005") == ["25000000005", "25009999001"]  # one seller SKU, two items
    banned = next(listing for listing in listings if listing.ref.sku == "SHP-MY-00101")
    [status] = await client.get_listing_status([banned.ref])
    assert (status.status, [e.platform_message for e in status.errors]) == ("BANNED", [license[1]])

    set_listing_state(default_sandbox, "shopee-my", "SHP-MY-00101", None)

    listings, _ = await read_catalog(client)
    assert list(rejected_by_sku(listings)) == ["SHP-MY-00102", "SHP-MY-00103"]
    [status] = await client.get_listing_status([banned.ref])
    assert (status.status, status.errors) == ("NORMAL", [])
