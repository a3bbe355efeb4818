"""The one table of platform facts: platforms, their markets and currencies, price precision, per-call limits, token
lifetimes and confirmation deadlines. Standard library only: the API, the workers, the sandbox and (through
GET /v1/platforms) the SPA all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum


class Platform(StrEnum):
    amazon = "amazon"
    tiktok = "tiktok"
    shopee = "shopee"
    lazada = "lazada"


PLATFORMS: tuple[str, ...] = tuple(p.value for p in Platform)


PLATFORM_LABELS: dict[str, str] = {"amazon": "Amazon", "tiktok": "TikTok Shop", "shopee": "Shopee", "lazada": "Lazada"}


@dataclass(frozen=True, slots=True)
class Market:
    platform: str
    code: str  # our market code: US, UK, MY, SEA, ...
    currency: str  # the currency its prices are in (TikTok SEA: the shop's own, see Shop.currency)
    price_decimals: int  # decimal places the platform accepts in a price of this market
    seller_centre_host: str = ""  # where the seller fixes a listing; "" where one host does not fit the market
    # Amazon only: the SP-API region (its host), the marketplace id and the language_tag of text attributes.
    region: str = ""
    marketplace_id: str = ""
    language_tag: str = ""


def _markets(platform: str, rows: dict[str, tuple[str, int, str]]) -> dict[tuple[str, str], Market]:
    return {
        (platform, code): Market(platform, code, currency, decimals, host)
        for code, (currency, decimals, host) in rows.items()
    }


def _amazon(rows: dict[str, tuple[str, str, str, str, str]]) -> dict[tuple[str, str], Market]:
    return {
        ("amazon", code): Market("amazon", code, currency, 0 if currency == "JPY" else 2, host, region, mp, tag)
        for code, (currency, host, region, mp, tag) in rows.items()
    }


MARKETS: dict[tuple[str, str], Market] = {
    # Marketplace ids and regions as the SP-API "Marketplace IDs" page lists them; JPY has no minor unit.
    **_amazon(
        {
            "US": ("USD", "sellercentral.amazon.com", "NA", "ATVPDKIKX0DER", "en_US"),
            "CA": ("CAD", "sellercentral.amazon.ca", "NA", "A2EUQ1WTGCTBG2", "en_CA"),
            "UK": ("GBP", "sellercentral.amazon.co.uk", "EU", "A1F83G8C2ARO7P", "en_GB"),
            "DE": ("EUR", "sellercentral.amazon.de", "EU", "A1PA6795UKMFR9", "de_DE"),
            "JP": ("JPY", "sellercentral.amazon.co.jp", "FE", "A1VC38T7YXB528", "ja_JP"),
        }
    ),
    **_markets(
        "tiktok",
        {"US": ("USD", 2, "seller-us.tiktok.com"), "UK": ("GBP", 2, "seller-uk.tiktok.com"), "SEA": ("MYR", 2, "")},
    ),
    # Shopee's update_price: MY two decimals, TH/PH/ID whole numbers only (v2.product.update_price).
    **_markets(
        "shopee",
        {
            "MY": ("MYR", 2, "seller.shopee.com.my"),
            "TH": ("THB", 0, "seller.shopee.co.th"),
            "PH": ("PHP", 0, "seller.shopee.ph"),
            "ID": ("IDR", 0, "seller.shopee.co.id"),
        },
    ),
    **_markets(
        "lazada",
        {
            "MY": ("MYR", 2, "sellercenter.lazada.com.my"),
            "TH": ("THB", 2, "sellercenter.lazada.co.th"),
            "PH": ("PHP", 2, "sellercenter.lazada.com.ph"),
        },
    ),
}


def market(platform: str, code: str) -> Market | None:
    return MARKETS.get((platform, code))


def markets_of(platform: str) -> tuple[str, ...]:
    return tuple(code for (p, code) in MARKETS if p == platform)


# How many push actions one batch claims, sends and settles together: the platform's per-call limit where a call takes
# many items (Shopee 50 models per item, Lazada 50 SKUs per UpdatePriceQuantity, TikTok per product), and a second's
# worth of single-item calls where it takes one (Amazon Listings Items PATCH, 5/s), so that a worker killed mid-batch
# leaves at most that many sends uncertain. A push job drains its shop batch after batch, so small batches cost
# no extra wait.
PUSH_BATCH_SIZE: dict[str, int] = {"amazon": 5, "tiktok": 50, "shopee": 50, "lazada": 50}

# How long after an accepted write the platform may take before its read-back must show the value. Past it, a
# delay is a failure (PRICE_NOT_EFFECTIVE / INVENTORY_SYNC_FAILED). Amazon documents listings updates "within
# 15 minutes" in most cases but processes feeds up to hours; the others apply within minutes.
CONFIRM_DEADLINE: dict[str, timedelta] = {
    "amazon": timedelta(hours=1),
    "tiktok": timedelta(minutes=15),
    "shopee": timedelta(minutes=15),
    "lazada": timedelta(minutes=30),
}

# Access-token lifetimes as each platform documents them (TOKEN_DOCS), used where a token answer omits its own
# expiry, and how long before expiry the workers refresh.
ACCESS_TOKEN_LIFETIME: dict[str, timedelta] = {
    "amazon": timedelta(hours=1),  # LWA expires_in 3600
    "tiktok": timedelta(days=7),
    "shopee": timedelta(hours=4),  # expire_in 14400
    "lazada": timedelta(days=30),  # an app online; 7 days while in test
}
# Refresh tokens: None where the platform gives none (Amazon's lasts until the seller revokes the authorisation,
# which is renewed yearly; TikTok's lasts as long as the seller granted and comes with each token answer).
REFRESH_TOKEN_LIFETIME: dict[str, timedelta | None] = {
    "amazon": None,
    "tiktok": None,
    "shopee": timedelta(days=30),
    "lazada": timedelta(days=180),
}
# Single-use: every refresh returns a new refresh token and the spent one no longer works (Shopee), so the new pair
# is stored before it is used and two workers never refresh one shop at once.
REFRESH_TOKEN_SINGLE_USE: dict[str, bool] = {"amazon": False, "tiktok": False, "shopee": True, "lazada": False}
TOKEN_DOCS: dict[str, str] = {
    "amazon": "https://developer.amazon.com/docs/login-with-amazon/refresh-token.html",
    "tiktok": "https://partner.tiktokshop.com/docv2/page/678e3a3292b0f40314a92d75",
    "shopee": "https://open.shopee.com/developer-guide/20",
    "lazada": "https://open.lazada.com/apps/doc/doc?nodeId=10777&docId=108260",
}
REFRESH_AHEAD: dict[str, timedelta] = {
    "amazon": timedelta(minutes=10),
    "tiktok": timedelta(days=1),
    "shopee": timedelta(minutes=30),
    "lazada": timedelta(days=3),
}

# TikTok Shop's allowed display prices for local sellers, by currency ("Product pricing"): the client refuses a price
# outside them before sending, and the sandbox answers one as TikTok does.
TIKTOK_PRICE_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    currency: (Decimal(low), Decimal(high))
    for currency, low, high in (
        ("USD", "0.01", "7600"),
        ("GBP", "0.01", "5600"),
        ("EUR", "0.01", "6300"),
        ("MYR", "0.01", "320000"),
        ("THB", "30", "260000"),
        ("PHP", "0.01", "400000"),
        ("IDR", "100", "100000000"),
        ("SGD", "0.01", "10000"),
        ("VND", "1", "180000000"),
    )
}


@dataclass(frozen=True, slots=True)
class SellerCentre:
    """Where a seller fixes a listing, per market host: the item's own page when its platform id is known, else the
    product list searched by seller SKU. `{host}`, `{item_id}` and `{sku}` are filled in (URL-encoded)."""

    item_url: str
    search_url: str


SELLER_CENTRE: dict[str, SellerCentre] = {
    # Seller Central's "Manage All Inventory", searched by ASIN or seller SKU.
    "amazon": SellerCentre(
        "https://{host}/inventory?searchField=all&keyword={item_id}",
        "https://{host}/inventory?searchField=all&keyword={sku}",
    ),
    "tiktok": SellerCentre("https://{host}/product/edit/{item_id}", "https://{host}/product/manage?keyword={sku}"),
    "shopee": SellerCentre(
        "https://{host}/portal/product/{item_id}", "https://{host}/portal/product/list/all?keyword={sku}"
    ),
    "lazada": SellerCentre(
        "https://{host}/apps/product/publish?productId={item_id}", "https://{host}/apps/product/list?keyword={sku}"
    ),
}


# The seller centre page where a category's attributes are filled in, per market host (`{host}` from Market,
# `{category_id}` the Amazon product type or the platform's category id): a CATEGORY_COMPLIANCE_FAILED links there.
CATEGORY_ATTRIBUTE_PAGES: dict[str, str] = {
    "amazon": "https://{host}/abis/listing/syh?productType={category_id}",
    "tiktok": "https://{host}/product/create?category_id={category_id}",
    "shopee": "https://{host}/portal/product/new?category_id={category_id}",
    "lazada": "https://{host}/apps/product/publish?categoryId={category_id}",
}

# The smallest longest side (px) a listing image may have, where the platform documents one: Amazon's image
# requirements (500 px, 1000 px+ for zoom), TikTok's main images (300 px, Upload Product Image), Lazada's product
# images (330 px). Shopee documents none through its API.
MIN_IMAGE_PX: dict[str, int] = {"amazon": 500, "tiktok": 300, "lazada": 330}


# --- seller authorisation ----------------------------------------------------------------------------------------

# How long a seller's authorisation (the grant itself, not a token) lasts where the platform caps it and the token
# answer does not say: Amazon SP-API public apps are re-authorised every 365 days (the refresh token lasts until
# then), Shopee's authorisation lasts at most 365 days (the seller may choose less). TikTok's grant ends with its
# refresh token (refresh_token_expire_in); Lazada's refresh token is the grant's end.
GRANT_LIFETIME: dict[str, timedelta | None] = {
    "amazon": timedelta(days=365),
    "tiktok": None,
    "shopee": timedelta(days=365),
    "lazada": None,
}
GRANT_DOCS: dict[str, str] = {
    "amazon": "https://developer-docs.amazon.com/sp-api/docs/renew-authorizations",
    "shopee": "https://open.shopee.com/developer-guide/20",
}

# A connection is "expiring" when its authorisation ends within this window, or within a quarter of the lifetime of
# what ends it when that is shorter (an access token that cannot be refreshed: Amazon's hour gives 15 minutes,
# Shopee's 4 hours one hour), so a short-lived token is not "expiring" all its life.
EXPIRING_WINDOW = timedelta(days=3)
EXPIRING_FRACTION = 0.25

# The scopes a grant must name for what OpenClaw does (prices, stock, listings, catalog reads), on platforms whose
# token answer names them (TikTok Shop's granted_scopes). TikTok groups its APIs into scope packages: "Product
# Modify" (update price, update inventory, create product) and "Product Basic" (get/search products, inventory
# search) (SCOPE_DOCS); the names are the ones the sandbox reports in granted_scopes.
# Amazon: the app's roles ("Product Listing" for Listings Items and product type definitions, "Pricing" for
# Product Pricing) are set on the app in Solution Provider Portal and granted whole by the seller's consent; LWA's
# token answer names none, and a role not granted shows at call time as a 403 with empty details.
# Shopee and Lazada grant no named scopes: API permissions belong to the app (its type / API groups).
REQUIRED_SCOPES: dict[str, tuple[str, ...]] = {
    "amazon": (),
    "tiktok": ("seller.product.basic", "seller.product.write"),
    "shopee": (),
    "lazada": (),
}
SCOPE_DOCS: dict[str, str] = {
    "amazon": "https://developer-docs.amazon.com/sp-api/docs/roles-in-the-selling-partner-api",
    "tiktok": "https://partner.tiktokshop.com/docv2/page/678e3a3292b0f40314a92d75",
    "shopee": "https://open.shopee.com/developer-guide/20",
    "lazada": "https://open.lazada.com/apps/doc/doc?nodeId=10777&docId=108260",
}

# Where the seller authorises the app, per platform (AUTH_DOCS): the page, and the official token host the code is
# exchanged at. A connection whose auth_base_url is another host (the sandbox) gets the page at that host under the
# same path: {auth_base_url}/open/authorize, /api/v2/shop/auth_partner, /oauth/authorize, /apps/authorize/consent.
# TikTok US shops authorise on services.tiktokshops.us, the rest of the world on services.tiktokshop.com; Amazon on
# the market's Seller Central host (Market.seller_centre_host).
AUTHORIZE_PAGES: dict[str, str] = {
    "amazon": "https://{host}/apps/authorize/consent",
    "tiktok": "https://services.tiktokshop.com/open/authorize",
    "shopee": "https://partner.shopeemobile.com/api/v2/shop/auth_partner",
    "lazada": "https://auth.lazada.com/oauth/authorize",
}
TIKTOK_US_AUTHORIZE_PAGE = "https://services.tiktokshops.us/open/authorize"
TOKEN_HOSTS: dict[str, str] = {
    "amazon": "https://api.amazon.com",
    "tiktok": "https://auth.tiktok-shops.com",
    "shopee": "https://partner.shopeemobile.com",
    "lazada": "https://auth.lazada.com/rest",
}
AUTH_DOCS: dict[str, str] = {
    "amazon": "https://developer-docs.amazon.com/sp-api/docs/website-authorization-workflow",
    "tiktok": "https://partner.tiktokshop.com/docv2/page/678e3a3292b0f40314a92d75",
    "shopee": "https://open.shopee.com/developer-guide/20",
    "lazada": "https://open.lazada.com/apps/doc/doc?nodeId=10777&docId=108260",
}
