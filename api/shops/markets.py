"""The platforms and markets OpenClaw supports: the one list the API validates shops against."""

from __future__ import annotations

MARKETS: dict[str, tuple[str, ...]] = {
    "amazon": ("US", "CA", "UK", "DE", "JP"),
    "tiktok": ("US", "UK", "SEA"),
    "shopee": ("MY", "TH", "PH", "ID"),
    "lazada": ("MY", "TH", "PH"),
}


def is_supported(platform: str, market: str) -> bool:
    return market in MARKETS.get(platform, ())
