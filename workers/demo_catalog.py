"""What the demo seller sells and how its sales-ops team runs it: products, ERP values, listing drafts, strategies.

Pure data and functions over it; `workers/demo.py` writes it through the domain services. The choices follow the
sandbox's default scenario (sandbox/default_scenario.py), which decides which pushes fail and how:

- product n is bound in every shop to the sandbox SKU numbered n (AMZ-US-00007, SHP-MY-00007, ...), so the
  scenario's special SKUs are reached by number: 1 (Shopee MY holds 20 units for orders), 7/16/25 (Amazon gift
  cards, which take no sale price), 10/11 (Amazon US confirms after 30 minutes), 12 (Amazon US, TikTok US and
  Lazada MY never confirm), 20 (TikTok US holds 30 units in a campaign);
- product 30's bindings on Amazon US and Lazada MY still point at listings the platform has deleted;
- products 241 and 242 are new arrivals not yet bound on the two Thai shops;
- new products carry listing drafts per platform: on Amazon CA a restricted watch, a power bank without its battery
  attributes and a carry-on (Amazon US's listings API is down), on Shopee an undersized kettle photo and a duffel
  for Shopee TH, at its product quota (Shopee PH answers add_item truncated).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

PRODUCT_COUNT = 242  # the ERP's SKUs that are on the platforms (numbered as the sandbox numbers them)
CORE = [1, 2, 3, 4, 5, 7, 10, 11, 12, 16, 20, 25]  # the best sellers every strategy covers
STALE = 30  # bound on Amazon US and Lazada MY to listings the platform deleted
NEW_ARRIVALS = [241, 242]  # not yet bound on these shops
UNBOUND_IN = ("Shopee TH", "Lazada TH")
STALE_BINDINGS = {"Amazon US 旗舰店": "AMZ-US-00799", "Lazada MY": "LZD-MY-00500"}
FLASH_SALE = [2, 3]  # on Shopee PH: their everyday price comes from the ERP, the flash sale cuts it by 40 %
FLASH_SALE_SHOP = "Shopee PH"
GIFT_CARDS = {7, 16, 25}

# Amazon product types by product number, as the sandbox assigns them round-robin (n - 1) % 9.
AMAZON_ROTATION = ["LUGGAGE", "KITCHEN", "LUGGAGE", "BATTERY", "KITCHEN", "LUGGAGE", "GIFT_CARD", "KITCHEN", "WATCH"]
LINES: dict[str, tuple[str, tuple[int, int], list[str]]] = {
    "LUGGAGE": (
        "LUG",
        (39, 159),
        [
            '20寸万向轮登机箱 Carry-on Spinner 20"',
            '24寸铝框拉杆箱 Aluminium Frame Trolley 24"',
            "折叠旅行行李袋 Foldable Travel Duffel",
            "防盗双肩电脑包 Anti-theft Laptop Backpack",
            "旅行收纳袋六件套 Packing Cubes, Set of 6",
        ],
    ),
    "KITCHEN": (
        "KIT",
        (12, 59),
        [
            "不锈钢保温杯 500ml Insulated Tumbler 500 ml",
            "硅胶折叠沥水篮 Collapsible Silicone Colander",
            "陶瓷不粘煎锅 28cm Ceramic Non-stick Pan 28 cm",
            "竹制砧板三件套 Bamboo Cutting Boards, Set of 3",
            "手冲咖啡细口壶 Pour-over Coffee Kettle",
        ],
    ),
    "BATTERY": (
        "PWR",
        (19, 69),
        [
            "20000mAh 快充充电宝 Power Bank 20000 mAh PD",
            "AA 充电电池 8 节装 Rechargeable AA Batteries, 8-pack",
            "磁吸无线充电宝 Magnetic Wireless Power Bank",
        ],
    ),
    "GIFT_CARD": ("GFT", (50, 100), ["电子礼品卡 Digital Gift Card", "节日礼品卡 Holiday Gift Card"]),
    "WATCH": ("WCH", (49, 199), ["智能运动手表 Smart Fitness Watch", "石英商务腕表 Quartz Business Watch"]),
}
COLOURS = [("BK", "黑色 Black"), ("WH", "白色 White"), ("GY", "灰色 Grey"), ("NV", "藏青 Navy"), ("GN", "墨绿 Green")]

# What one US dollar buys, for the ERP's price lists per currency; whole-unit currencies are priced in whole units.
CNY_PER_USD = Decimal("7.1")
FX = {"USD": "1", "CAD": "1.36", "GBP": "0.79", "EUR": "0.92", "JPY": "150", "MYR": "4.7", "THB": "36", "PHP": "56"}
WHOLE = {"JPY", "THB", "PHP"}


@dataclass(frozen=True)
class Product:
    number: int  # the sandbox's SKU number in every shop
    sku: str
    title: str
    usd: Decimal
    available: int
    on_sale: bool  # the ERP carries a sale price


@dataclass(frozen=True)
class NewProduct:
    sku: str
    title: str
    usd: Decimal
    available: int
    platform: str
    draft: dict[str, Any]
    product_type: str | None = None  # Amazon's, for the binding


@dataclass(frozen=True)
class StrategySpec:
    name: str
    kind: str
    shops: list[str]  # shop names
    config: dict[str, Any]
    skus: list[str] | None = None
    prefix: str | None = None
    approval_policy: dict[str, Any] = field(
        default_factory=lambda: {"max_price_cut_pct": 30, "hold_stock_to_zero": True}
    )
    start: bool = True  # started by the seed at once (the flash sale waits for its everyday prices)


def product(number: int) -> Product:
    rng = random.Random(f"openclaw-demo:{number}")
    line = AMAZON_ROTATION[(number - 1) % len(AMAZON_ROTATION)]
    prefix, (low, high), names = LINES[line]
    code, colour = COLOURS[number % len(COLOURS)]
    name = names[(number // len(AMAZON_ROTATION)) % len(names)]
    usd = Decimal(rng.randint(low, high)) - Decimal("0.01") if line != "GIFT_CARD" else Decimal(rng.choice([50, 100]))
    available = {1: 12, 20: 18}.get(number, rng.randint(40, 300))
    title = name if line == "GIFT_CARD" else f"{name} {colour}"
    return Product(number, f"{prefix}-{number:04d}-{code}", title, usd, available, number in GIFT_CARDS)


def products() -> list[Product]:
    return [product(n) for n in range(1, PRODUCT_COUNT + 1)]


def price_in(usd: Decimal, currency: str) -> Decimal:
    """The ERP's list price in a currency: converted, then priced as a shop would (x.99, or whole units)."""
    amount = usd * Decimal(FX[currency])
    if currency in WHOLE:
        step = Decimal(10) if currency == "JPY" else Decimal(1)
        return (amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP) - Decimal("0.01")


def sale_price_in(usd: Decimal, currency: str) -> Decimal:
    """A promotional price 15 % under the list price."""
    return price_in(usd * Decimal("0.85"), currency)


def _image(name: str, size: str) -> list[dict[str, Any]]:
    return [{"url": f"https://images.example.com/openclaw-demo/{name}_{size}.jpg"}]


def _shopee(category: str, image_id: str, weight: float) -> dict[str, Any]:
    return {
        "weight": weight,
        "logistic_info": [{"logistic_id": 20021, "enabled": True}],
        "image_id_list": [image_id],
    }


NEW_PRODUCTS = [
    NewProduct(
        "NEW-WCH-0901", "钛合金户外运动手表 Titanium Outdoor Sports Watch", Decimal("179.99"), 60, "amazon",
        {"title": "Titanium Outdoor Sports Watch, GPS, 100 m Water Resistant", "category_id": "WATCH",
         "description": "Titanium case, sapphire glass, 14-day battery.", "brand": "Voyara",
         "images": _image("titanium-watch", "1500x1500")},
        product_type="WATCH",
    ),
    NewProduct(
        "NEW-PWR-0902", "10000mAh 超薄充电宝 Slim Power Bank 10000 mAh", Decimal("29.99"), 150, "amazon",
        {"title": "Slim Power Bank 10000 mAh, USB-C PD 20 W", "category_id": "BATTERY",
         "description": "Pocket-size power bank with USB-C power delivery.", "brand": "Voyara",
         "images": _image("slim-power-bank", "1500x1500"),
         "attributes": {"item_weight": [{"value": 0.21}]}},  # no unit and no battery attributes: the category needs both
        product_type="BATTERY",
    ),
    NewProduct(
        "NEW-LUG-0903", "可扩展登机箱 Expandable Carry-on 21\"", Decimal("119.99"), 80, "amazon",
        {"title": "Expandable Carry-on Luggage 21 inch, Hardshell Spinner", "category_id": "LUGGAGE",
         "description": "Polycarbonate shell, TSA lock, expandable by 5 cm.", "brand": "Voyara",
         "images": _image("expandable-carry-on", "800x800")},  # below Amazon's recommended 1000 px
        product_type="LUGGAGE",
    ),
    NewProduct(
        "NEW-KIT-0911", "温控手冲壶 Temperature-control Gooseneck Kettle", Decimal("45.99"), 90, "shopee",
        {"title": "Temperature-control Gooseneck Kettle 0.8 L", "category_id": "100002",
         "description": "Gooseneck spout, 1 degree steps, keeps warm for 60 minutes.", "brand": "Voyara",
         "attributes": _shopee("100002", "sg-11134201-demo-kettle_640x640", 1.1)},  # under the category's 800 px
    ),
    NewProduct(
        "NEW-LUG-0912", "折叠旅行行李袋 40L Foldable Travel Duffel 40 L", Decimal("24.99"), 120, "shopee",
        {"title": "Foldable Travel Duffel Bag 40 L, Water Resistant", "category_id": "100001",
         "description": "Folds into its own pocket; water-resistant nylon.", "brand": "Voyara",
         "attributes": _shopee("100001", "sg-11134201-demo-duffel_1024x1024", 0.6)},
    ),
]  # fmt: skip

CORE_SKUS = [product(n).sku for n in CORE]
AMAZON_SHOPS = ["Amazon CA", "Amazon UK", "Amazon US 旗舰店"]
SHOPEE_SHOPS = ["Shopee MY", "Shopee TH", "Shopee PH"]
# Shops whose prices the everyday strategy sets: those priced in cents (whole-unit markets price by hand).
EVERYDAY_PRICE_SHOPS = [
    "Amazon US 旗舰店", "Amazon CA", "Amazon UK", "Amazon DE", "TikTok Shop US", "TikTok Shop UK", "Shopee MY",
    "Lazada MY",
]  # fmt: skip
ALL_SHOPS = [
    "Amazon US 旗舰店", "Amazon CA", "Amazon UK", "Amazon DE", "Amazon JP", "TikTok Shop US", "TikTok Shop UK",
    "Shopee MY", "Shopee TH", "Shopee PH", "Lazada MY", "Lazada TH",
]  # fmt: skip
MEGA_SALE_SKUS = [product(n).sku for n in (2, 4, 5)]

STRATEGIES = [
    StrategySpec(
        "日常定价 Everyday pricing", "price_adjust", EVERYDAY_PRICE_SHOPS,
        {"markup_pct": "15", "round_to": "0.99"}, skus=CORE_SKUS,
    ),
    # Overlaps the everyday prices on TikTok US and Shopee MY: those SKUs are a strategy conflict, pushed by neither.
    StrategySpec(
        "大促调价 Mega sale pricing", "price_adjust", ["TikTok Shop US", "Shopee MY", "Lazada TH"],
        {"markup_pct": "-10", "round_to": "0.99"}, skus=MEGA_SALE_SKUS,
    ),
    StrategySpec(
        "ERP 库存同步 Stock sync", "inventory_sync", ALL_SHOPS, {"share_pct": "80", "safety_stock": 2},
        skus=[*CORE_SKUS, product(STALE).sku, *(product(n).sku for n in NEW_ARRIVALS)],
    ),
    StrategySpec(
        "新品上架 New listings · Amazon", "listing_publish", AMAZON_SHOPS,
        {"markup_pct": "0", "round_to": "0.99", "share_pct": "50", "safety_stock": 0},
        skus=[p.sku for p in NEW_PRODUCTS if p.platform == "amazon"],
    ),
    StrategySpec(
        "新品上架 New listings · Shopee", "listing_publish", SHOPEE_SHOPS,
        {"markup_pct": "0", "round_to": "1", "share_pct": "50", "safety_stock": 0},
        skus=[p.sku for p in NEW_PRODUCTS if p.platform == "shopee"],
    ),
    # A 40 % cut against the price Shopee PH last applied: over the policy's 30 %, it waits for approval.
    StrategySpec(
        "限时秒杀 Flash sale", "price_adjust", [FLASH_SALE_SHOP], {"markup_pct": "-40", "round_to": "1"},
        skus=[product(n).sku for n in FLASH_SALE], start=False,
    ),
]  # fmt: skip

USERS = [
    ("admin@demo.openclaw.dev", "admin", "演示管理员"),
    ("operator@demo.openclaw.dev", "operator", "运营 Olivia"),
    ("viewer@demo.openclaw.dev", "viewer", "财务 Victor"),
]


def tenant_fx_rates() -> dict[str, Decimal]:
    """The demo tenant's FX table for price tracing: CNY per unit of each shop currency, from the same rates."""
    return {code: (CNY_PER_USD / Decimal(per_usd)).quantize(Decimal("0.0001")) for code, per_usd in FX.items()}


def alert_rules(sandbox_url: str, operator_id: str) -> list[dict[str, Any]]:
    """The demo tenant's alert rules (AlertRuleIn bodies), posting to the sandbox's stand-in robots
    (sandbox/robots.py): a surge, authorisation lost, an SLA reminder @mentioning the operator, a daily digest."""
    return [
        {
            "name": "推送失败激增 Push failures surge",
            "condition": {"kind": "count", "threshold": 20, "window_minutes": 60},
            "filters": {"severity": ["error"]},
            "channels": [{"kind": "wecom", "url": f"{sandbox_url}/cgi-bin/webhook/send?key=demo-ops-room"}],
            "cooldown_minutes": 30,
        },
        {
            "name": "店铺授权失效 Shop authorisation lost",
            "condition": {"kind": "any", "error_types": ["AUTH_EXPIRED", "AUTH_SCOPE_MISSING"]},
            "channels": [
                {
                    "kind": "dingtalk",
                    "url": f"{sandbox_url}/robot/send?access_token=demo-ops-room",
                    "secret": "SECdemo0penclaw0signing0secret0for0the0sandbox0robot",
                }
            ],
            "cooldown_minutes": 0,
        },
        {
            "name": "价格未生效超过 2 小时 Price not effective for 2 h",
            "condition": {"kind": "unhandled_for", "minutes": 120},
            "filters": {"error_type": ["PRICE_NOT_EFFECTIVE"]},
            "channels": [
                {
                    "kind": "wecom",
                    "url": f"{sandbox_url}/cgi-bin/webhook/send?key=demo-pricing-room",
                    "mentions": [{"user_id": operator_id, "mobile": "13800000002"}],
                }
            ],
            "cooldown_minutes": 60,
        },
        {
            "name": "每日错误日报 Daily error digest",
            "condition": {"kind": "count", "threshold": 1000, "window_minutes": 60},
            "channels": [
                {"kind": "feishu", "url": f"{sandbox_url}/open-apis/bot/v2/hook/demo-daily-digest"},
                {"kind": "webhook", "url": f"{sandbox_url}/_sandbox/webhook/erp-inbox", "secret": "demo-webhook-key"},
            ],
            "digest_hour": 9,
            "quiet_hours": {"start": "22:00", "end": "08:00"},
        },
    ]
