"""The platforms and markets OpenClaw supports, as the API validates shops against them: a view of the one table of
platform facts (api/platforms.py)."""

from __future__ import annotations

from api.platforms import PLATFORMS, market, markets_of

MARKETS: dict[str, tuple[str, ...]] = {platform: markets_of(platform) for platform in PLATFORMS}


def is_supported(platform: str, market_code: str) -> bool:
    return market(platform, market_code) is not None
