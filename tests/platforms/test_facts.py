"""One table of platform facts (api/platforms.py): the API, the clients and the sandbox read the same markets,
marketplace ids and price ranges, so they cannot drift apart again."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from api.platforms import (
    ACCESS_TOKEN_LIFETIME,
    PLATFORMS,
    REFRESH_AHEAD,
    REFRESH_TOKEN_LIFETIME,
    REFRESH_TOKEN_SINGLE_USE,
    SELLER_CENTRE,
    TOKEN_DOCS,
    market,
    markets_of,
)
from api.shops.markets import MARKETS as API_MARKETS
from api.shops.markets import is_supported
from sandbox.scenario import MARKETS as SANDBOX_MARKETS
from sandbox.tiktok_products import PRICE_RANGES as SANDBOX_TIKTOK_PRICES
from workers.platforms.amazon.codes import MARKETS as AMAZON_MARKETS
from workers.platforms.amazon.wire import listing_attributes, purchasable_offer
from workers.platforms.base import ListingDraft, ListingRef, PriceUpdate
from workers.platforms.lazada.client import MARKET_CURRENCY as LAZADA_CURRENCIES
from workers.platforms.shopee.client import CURRENCIES as SHOPEE_CURRENCIES
from workers.platforms.shopee.client import PRICE_DECIMALS as SHOPEE_DECIMALS
from workers.platforms.tiktok.client import PRICE_RANGES as CLIENT_TIKTOK_PRICES
from workers.platforms.tiktok.client import _check_price

FIXTURES = Path(__file__).parent.parent / "fixtures" / "platforms"


def test_the_api_the_sandbox_and_the_clients_accept_the_same_markets() -> None:
    for platform in PLATFORMS:
        assert set(API_MARKETS[platform]) == set(SANDBOX_MARKETS[platform]) == set(markets_of(platform))
    assert set(AMAZON_MARKETS) == set(markets_of("amazon"))
    assert set(SHOPEE_CURRENCIES) == set(SHOPEE_DECIMALS) == set(markets_of("shopee"))
    assert set(LAZADA_CURRENCIES) == set(markets_of("lazada"))
    assert is_supported("shopee", "ID") and not is_supported("lazada", "ID") and not is_supported("ebay", "US")


def test_shopee_and_lazada_clients_price_in_the_currency_and_precision_of_the_facts_table() -> None:
    assert SHOPEE_CURRENCIES["TH"] == market("shopee", "TH").currency == "THB"  # type: ignore[union-attr]
    assert SHOPEE_DECIMALS == {"MY": 2, "TH": 0, "PH": 0, "ID": 0}
    assert LAZADA_CURRENCIES == {"MY": "MYR", "TH": "THB", "PH": "PHP"}


def test_an_amazon_listing_names_the_marketplace_and_language_of_its_market() -> None:
    germany = AMAZON_MARKETS["DE"]
    draft = ListingDraft(ListingRef("BAG-1"), "Reisetasche", "LUGGAGE", Decimal("49.90"), "EUR", 3)

    attributes = listing_attributes(draft, germany)

    assert attributes["item_name"] == [
        {"value": "Reisetasche", "language_tag": "de_DE", "marketplace_id": "A1PA6795UKMFR9"}
    ]
    assert purchasable_offer(AMAZON_MARKETS["JP"], Decimal("1200"), "JPY", None)["marketplace_id"] == "A1VC38T7YXB528"
    assert germany.region == "EU" and AMAZON_MARKETS["CA"].region == "NA"


def test_tiktok_client_and_sandbox_refuse_the_same_price_ranges() -> None:
    ref = ListingRef("BAG-1", item_id="1729592969712207000", variant_id="1729592969712207001")

    assert CLIENT_TIKTOK_PRICES is SANDBOX_TIKTOK_PRICES
    assert _check_price(PriceUpdate(ref, Decimal("6300"), "EUR")) is None
    refused = _check_price(PriceUpdate(ref, Decimal("6300.01"), "EUR"))
    assert refused is not None and "outside 0.01-6300" in refused.platform_message


def test_token_lifetimes_in_the_facts_are_the_ones_the_platforms_token_answers_carry() -> None:
    """The fixtures are the documented token answers (tests/fixtures/platforms/*/SOURCES.md)."""
    amazon = json.loads((FIXTURES / "amazon" / "lwa-token.json").read_text())
    shopee = json.loads((FIXTURES / "shopee" / "refresh_access_token_success.json").read_text())
    lazada = json.loads((FIXTURES / "lazada" / "token_create_success.json").read_text())

    assert ACCESS_TOKEN_LIFETIME["amazon"] == timedelta(seconds=amazon["expires_in"])
    assert ACCESS_TOKEN_LIFETIME["shopee"] == timedelta(seconds=shopee["expire_in"])
    assert ACCESS_TOKEN_LIFETIME["lazada"] == timedelta(seconds=int(lazada["expires_in"]))
    assert REFRESH_TOKEN_LIFETIME["lazada"] == timedelta(seconds=int(lazada["refresh_expires_in"]))
    # Shopee's refresh token works once: its answer carries the next one, which the client stores before use.
    assert REFRESH_TOKEN_SINGLE_USE == {"amazon": False, "tiktok": False, "shopee": True, "lazada": False}
    assert shopee["refresh_token"]


def test_every_platform_has_its_token_docs_on_its_own_developer_site_and_each_refreshes_ahead_of_expiry() -> None:
    sites = {
        "amazon": "developer.amazon.com",
        "tiktok": "partner.tiktokshop.com",
        "shopee": "open.shopee.com",
        "lazada": "open.lazada.com",
    }
    for platform in PLATFORMS:
        assert urlsplit(TOKEN_DOCS[platform]).netloc == sites[platform]
        assert timedelta(0) < REFRESH_AHEAD[platform] < ACCESS_TOKEN_LIFETIME[platform]
        templates = SELLER_CENTRE[platform]
        assert "{host}" in templates.item_url and "{item_id}" in templates.item_url
        assert "{host}" in templates.search_url and "{sku}" in templates.search_url
