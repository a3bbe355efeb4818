"""Writes the shipped default scenario (data/default-scenario.json): the demo's 12 shops and 6,000 SKUs.

The JSON is the source of truth the sandbox loads; this script is how it was made, so a change to the demo is a
change here followed by `python -m sandbox.default_scenario`. SKUs are compact rules, expanded
deterministically at load time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sandbox.scenario import DEFAULT_SCENARIO, parse_scenario

AMAZON_APP = {
    "client_id": "amzn1.application-oa2-client.sandbox0000000000000000000001",
    "client_secret": "amzn1.oa2-cs.v1.sandbox-client-secret-0001",
}
TIKTOK_APP = {"app_key": "6sandboxtts01", "app_secret": "sandbox-tiktok-app-secret-0001"}
SHOPEE_APP = {"partner_id": "2000001", "partner_key": "sandbox-shopee-partner-key-0001"}
LAZADA_APP = {"app_key": "100001", "app_secret": "sandbox-lazada-app-secret-0001"}

# Amazon product types of the demo and their rules.
AMAZON_CATEGORIES: dict[str, Any] = {
    "LUGGAGE": {"name": "Luggage"},
    "KITCHEN": {"name": "Kitchen"},
    "BATTERY": {"name": "Batteries", "required_attributes": ["item_weight.unit", "battery"]},
    "GIFT_CARD": {"name": "Gift cards", "promo_price_allowed": False},
    "WATCH": {"name": "Watches", "restricted": True},
    # Apparel: a size from Amazon's size values ("XL" is mapped to "X-Large" before sending).
    "SHIRT": {
        "name": "Shirts",
        "required_attributes": ["size"],
        "size_attribute": "size",
        "size_values": ["X-Small", "Small", "Medium", "Large", "X-Large", "XX-Large"],
    },
}
# Marketplace categories for TikTok, Shopee and Lazada: ids as those platforms number them.
MARKETPLACE_CATEGORIES: dict[str, Any] = {
    "100001": {"name": "Home & Living"},
    "100002": {"name": "Phone accessories", "min_image_px": 800},
    "100003": {"name": "Food supplements", "required_attributes": ["net_weight.unit", "expiry_date"]},
    "100004": {"name": "Fixed-price books", "promo_price_allowed": False},
    "100005": {
        "name": "Women's T-shirts",
        "required_attributes": ["size"],
        "size_attribute": "size",
        "size_values": ["S", "M", "L", "XL", "XXL"],
    },
}

# (shop id, name, platform, market, currency, SKU count, price range, confirmation delay s, faults)
SHOPS: list[tuple[str, str, str, str, str, int, tuple[str, str], float, dict[str, Any]]] = [
    (
        "amazon-us",
        "Amazon US 旗舰店",
        "amazon",
        "US",
        "USD",
        800,
        ("5.99", "249.99"),
        30,
        {
            "unknown_skus": ["AMZ-US-00799", "AMZ-US-00800"],
            "slow_confirmation": {"skus": ["AMZ-US-00010", "AMZ-US-00011"], "delay_seconds": 1800},
            "lost_confirmation_skus": ["AMZ-US-00012"],
            # Amazon US's listings API is down for new listings (putListingsItem answers 503); prices and stock work.
            "server_errors": {"rate": 1.0, "status": 503, "operations": ["listing"]},
        },
    ),
    ("amazon-ca", "Amazon CA", "amazon", "CA", "CAD", 400, ("7.99", "299.99"), 30, {}),
    (
        "amazon-uk",
        "Amazon UK",
        "amazon",
        "UK",
        "GBP",
        500,
        ("4.99", "199.99"),
        30,
        {"missing_permissions": ["listing"]},
    ),
    (
        "amazon-de",
        "Amazon DE",
        "amazon",
        "DE",
        "EUR",
        500,
        ("4.99", "219.99"),
        30,
        {"server_errors": {"rate": 0.05, "status": 503}, "malformed": {"rate": 0.01}},
    ),
    (
        "amazon-jp",
        "Amazon JP",
        "amazon",
        "JP",
        "JPY",
        400,
        ("500", "30000"),
        30,
        {"rate_limit": {"per_second": 0.5, "burst": 2}, "timeouts": {"rate": 0.02, "delay_seconds": 20}},
    ),
    (
        "tiktok-us",
        "TikTok Shop US",
        "tiktok",
        "US",
        "USD",
        600,
        ("3.99", "129.99"),
        20,
        # TTS-US-00020 has 30 units held by a campaign: stock pushed below that is refused (INVENTORY_SYNC_FAILED).
        {
            "unknown_skus": ["TTS-US-00600"],
            "lost_confirmation_skus": ["TTS-US-00012"],
            "reserved_stock": {"TTS-US-00020": 30},
        },
    ),
    ("tiktok-uk", "TikTok Shop UK", "tiktok", "UK", "GBP", 400, ("2.99", "99.99"), 20, {"revoked": True}),
    (
        "shopee-my",
        "Shopee MY",
        "shopee",
        "MY",
        "MYR",
        500,
        ("9.90", "399.00"),
        10,
        # SHP-MY-00001 holds 20 units for open orders: stock pushed below that is refused (INVENTORY_SYNC_FAILED).
        {"unknown_skus": ["SHP-MY-00500"], "max_body_bytes": 65536, "reserved_stock": {"SHP-MY-00001": 20}},
    ),
    (
        "shopee-th",
        "Shopee TH",
        "shopee",
        "TH",
        "THB",
        500,
        ("59", "3999"),
        10,
        # Shopee TH is at its product quota: its 500 items fill it, a new listing is refused.
        {
            "rate_limit": {"per_second": 1, "burst": 2},
            "server_errors": {"rate": 0.05, "status": 500},
            "max_listings": 500,
        },
    ),
    (
        "shopee-ph",
        "Shopee PH",
        "shopee",
        "PH",
        "PHP",
        400,
        ("99", "4999"),
        10,
        # Shopee PH's add_item answers a truncated body (a gateway cutting it off): new listings are unreadable.
        {
            "missing_permissions": ["stock"],
            "slow_confirmation": {"skus": ["SHP-PH-00010"], "delay_seconds": 1800},
            "malformed": {"rate": 1.0, "operations": ["listing"]},
        },
    ),
    (
        "lazada-my",
        "Lazada MY",
        "lazada",
        "MY",
        "MYR",
        500,
        ("9.90", "399.00"),
        60,
        {"lost_confirmation_skus": ["LZD-MY-00012"], "unknown_skus": ["LZD-MY-00500"]},
    ),
    (
        "lazada-th",
        "Lazada TH",
        "lazada",
        "TH",
        "THB",
        500,
        ("59", "3999"),
        60,
        {"malformed": {"rate": 0.05}, "timeouts": {"rate": 0.02, "delay_seconds": 20}},
    ),
]

# Platform-side refusals, in each platform's own shape: an Amazon issue that suppresses the listing, a TikTok
# `audit_failed_reasons[]` entry, a Shopee `item_status_details[]` entry, a Lazada `rejectReason[]` entry.
SUPPRESSED = {"actions": [{"action": "LISTING_SUPPRESSED"}], "exemption": {"status": "NOT_EXEMPT"}}
AMAZON_RESTRICTED = {
    "code": "18742",
    "message": "Restricted Products Policy Violation",
    "severity": "ERROR",
    "attributeNames": [],
    "categories": [],
    "enforcements": SUPPRESSED,
}
AMAZON_MISSING_WEIGHT = {
    "code": "90220",
    "message": "'item_weight' is required but not supplied.",
    "severity": "ERROR",
    "attributeNames": ["item_weight"],
    "categories": ["MISSING_ATTRIBUTE"],
    "enforcements": SUPPRESSED,
}
TIKTOK_LISTING_RULES = {
    "position": "product",
    "reasons": ["violate listing rules"],
    "suggestions": ["The product violates TikTok Shopping listing rules, please check and resubmit."],
    "listing_platform": "TIKTOK_SHOP",
}
TIKTOK_MAIN_IMAGE = {
    "position": "main_images",
    "reasons": ["Main image does not meet the requirements"],
    "suggestions": ["Upload a clear main image on a white background showing the whole product."],
    "listing_platform": "TIKTOK_SHOP",
}
SHOPEE_LICENSE = {
    "violation_type": "Prohibited Listing",
    "violation_reason": "License Reason",
    "suggestion": "Upload license",
    "fix_deadline_time": 1767225600,
    "update_time": 1764633600,
}
SHOPEE_COUNTERFEIT = {
    "violation_type": "Prohibited Listing",
    "violation_reason": "Counterfeit and IP Infringement",
    "suggestion": "Only list authentic products you have the right to sell",
    "fix_deadline_time": 0,
    "update_time": 1764633600,
}
LAZADA_IMAGE = {"suggestion": "Please upload clear product images", "violationDetail": "Poor image quality"}
LAZADA_CATEGORY = {"suggestion": "Please select the correct category", "violationDetail": "Wrong category"}

# Shop -> {SKU number: (status, reasons)}: 2-3 refused listings per shop; numbers clear of the faults' SKUs.
LISTING_STATES: dict[str, dict[int, tuple[str, list[dict[str, Any]]]]] = {
    "amazon-us": {
        101: ("SUPPRESSED", [AMAZON_RESTRICTED]),
        102: ("SUPPRESSED", [AMAZON_MISSING_WEIGHT]),
        103: ("SUPPRESSED", [AMAZON_RESTRICTED, AMAZON_MISSING_WEIGHT]),
    },
    **{
        shop: {101: ("SUPPRESSED", [AMAZON_RESTRICTED]), 102: ("SUPPRESSED", [AMAZON_MISSING_WEIGHT])}
        for shop in ("amazon-ca", "amazon-uk", "amazon-de", "amazon-jp")
    },
    "tiktok-us": {101: ("FAILED", [TIKTOK_LISTING_RULES]), 102: ("FAILED", [TIKTOK_LISTING_RULES, TIKTOK_MAIN_IMAGE])},
    "tiktok-uk": {101: ("FAILED", [TIKTOK_LISTING_RULES]), 102: ("FAILED", [TIKTOK_MAIN_IMAGE])},
    "shopee-my": {
        101: ("BANNED", [SHOPEE_LICENSE]),
        102: ("SHOPEE_DELETE", [SHOPEE_COUNTERFEIT]),
        103: ("BANNED", [SHOPEE_LICENSE, SHOPEE_COUNTERFEIT]),
    },
    **{
        shop: {101: ("BANNED", [SHOPEE_LICENSE]), 102: ("SHOPEE_DELETE", [SHOPEE_COUNTERFEIT])}
        for shop in ("shopee-th", "shopee-ph")
    },
    **{
        shop: {101: ("rejected", [LAZADA_IMAGE]), 102: ("rejected", [LAZADA_IMAGE, LAZADA_CATEGORY])}
        for shop in ("lazada-my", "lazada-th")
    },
}
# Shop -> (SKU number, item id, variant id): one more item carrying that SKU's seller SKU. TikTok and Shopee do not
# enforce unique seller SKUs; Amazon keys listings by seller SKU and Lazada refuses a repeated SellerSku.
DUPLICATES: dict[str, tuple[int, str, str]] = {
    "tiktok-us": (5, "1729099999001", "1729199999001"),
    "shopee-my": (5, "25009999001", "0"),
}

# Categories assigned round-robin: mostly plain ones, so that the rule-bound categories stay a minority.
ROTATION = {
    "amazon": ["LUGGAGE", "KITCHEN", "LUGGAGE", "BATTERY", "KITCHEN", "LUGGAGE", "GIFT_CARD", "KITCHEN", "WATCH"],
    **{p: ["100001", "100002", "100001", "100003", "100001", "100004"] for p in ("tiktok", "shopee", "lazada")},
}
SKU_PREFIX = {"amazon": "AMZ", "tiktok": "TTS", "shopee": "SHP", "lazada": "LZD"}
# Seconds an access token lives from sandbox start, by platform (their documented lifetimes).
ACCESS_LIFETIME = {"amazon": 3600, "tiktok": 604800, "shopee": 14400, "lazada": 2592000}


def credentials(shop_id: str, platform: str, number: int) -> dict[str, str]:
    if platform == "amazon":
        return {**AMAZON_APP, "seller_id": f"A{number:02d}SANDBOXSELLER"}
    if platform == "tiktok":
        # warehouse_id: the shop's one warehouse, which stock updates must name (or omit).
        return {
            **TIKTOK_APP,
            "shop_cipher": f"ROW_sandbox{number:02d}",
            "shop_id": f"74940{number:05d}",
            "warehouse_id": f"7068517275539{number:06d}",
        }
    if platform == "shopee":
        return {**SHOPEE_APP, "shop_id": f"8800{number:04d}"}
    return {**LAZADA_APP, "seller_id": f"1000{number:04d}"}


def identifiers(platform: str) -> dict[str, str]:
    """Patterns of the platform-native ids of generated SKUs."""
    if platform == "amazon":
        return {"item_id": "B0SBX{n:05d}"}
    if platform == "tiktok":
        return {"item_id": "17290{n:08d}", "variant_id": "17291{n:08d}"}
    if platform == "shopee":
        return {"item_id": "2500{n:07d}", "variant_id": "0"}
    return {"item_id": "3100{n:07d}", "variant_id": "3200{n:07d}"}


def build() -> dict[str, Any]:
    shops = []
    for number, (shop_id, name, platform, market, currency, count, prices, delay, faults) in enumerate(SHOPS, 1):
        prefix = f"{SKU_PREFIX[platform]}-{market}-"
        categories = AMAZON_CATEGORIES if platform == "amazon" else MARKETPLACE_CATEGORIES
        whole = currency in ("JPY", "THB", "PHP")  # priced in whole units in the demo
        shop = {
            "id": shop_id,
            "name": name,
            "platform": platform,
            "market": market,
            "currency": currency,
            "credentials": credentials(shop_id, platform, number),
            "tokens": {
                "access_token": f"{'Atza|' if platform == 'amazon' else ''}sandbox-{shop_id}-access-0001",
                "refresh_token": f"{'Atzr|' if platform == 'amazon' else ''}sandbox-{shop_id}-refresh-0001",
                # amazon-de starts with an expired access token: the first call must refresh.
                "access_expires_in": -60 if shop_id == "amazon-de" else ACCESS_LIFETIME[platform],
                # lazada-th's seller authorisation (its refresh token) ends in two days: its connection is expiring.
                **({"refresh_expires_in": 2 * 24 * 3600} if shop_id == "lazada-th" else {}),
            },
            "confirmation_delay_seconds": delay,
            "categories": categories,
            "catalog": {
                "rules": [
                    {
                        "count": count,
                        "sku": prefix + "{n:05d}",
                        **identifiers(platform),
                        "title": f"{name} sandbox item {{n}}",
                        "categories": ROTATION[platform],
                        "price_min": prices[0],
                        "price_max": prices[1],
                        "price_decimals": 0 if whole else 2,
                        "stock_min": 0,
                        "stock_max": 300,
                        "image_url": "https://images.example.com/" + shop_id + "/{n}_1500x1500.jpg",
                    }
                ]
            },
            "listing_states": {
                f"{prefix}{n:05d}": {"status": status, "reasons": reasons}
                for n, (status, reasons) in LISTING_STATES.get(shop_id, {}).items()
            },
            "faults": faults,
        }
        if shop_id in DUPLICATES:
            n, item_id, variant_id = DUPLICATES[shop_id]
            duplicate = {
                "sku": f"{prefix}{n:05d}",
                "item_id": item_id,
                "variant_id": variant_id,
                "title": f"{name} sandbox item {n} (relisted)",
                "category": ROTATION[platform][0],
                "price": prices[0],
                "stock": 7,
            }
            shop["catalog"]["duplicates"] = [duplicate]  # type: ignore[index]
        shops.append(shop)
    return {
        "version": 1,
        "seed": 20261125,
        "description": "OpenClaw demo: 12 shops over Amazon, TikTok Shop, Shopee and Lazada with 6,000 SKUs.",
        "shops": shops,
    }


def main(path: Path = DEFAULT_SCENARIO) -> None:
    data = build()
    parse_scenario(data, "the generated default scenario")  # refuse to write an invalid file
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
