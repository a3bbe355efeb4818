"""GET /v1/platforms: the one table of platform facts (api/platforms.py) as the SPA and API clients read it."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api import platforms
from api.deps import PrincipalDep
from api.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1", tags=["platforms"], responses=PROBLEM_RESPONSES)


class MarketOut(BaseModel):
    code: str = Field(description="our market code, as shops carry it: US, UK, MY, SEA, ...")
    currency: str = Field(description="ISO 4217; a TikTok SEA shop prices in its own (see the shop's currency)")
    price_decimals: int = Field(description="decimal places the platform accepts in a price of this market")
    seller_centre_host: str | None = Field(description="where the seller fixes a listing; null where none fits")
    marketplace_id: str | None = Field(description="Amazon's marketplace id; null elsewhere")


class SellerCentreOut(BaseModel):
    item_url: str = Field(description="the item's page: fill {host}, {item_id} (URL-encoded)")
    search_url: str = Field(description="the product list searched by seller SKU: fill {host}, {sku}")


class PlatformOut(BaseModel):
    code: platforms.Platform
    label: str
    markets: list[MarketOut]
    push_batch_size: int = Field(description="push actions one call (or run of calls) sends for a shop")
    confirm_deadline_seconds: int = Field(description="how long an accepted write may take to show in a read-back")
    access_token_lifetime_seconds: int
    refresh_token_lifetime_seconds: int | None = Field(description="null where the platform sets none")
    refresh_token_single_use: bool = Field(description="a refresh returns a new refresh token; the spent one fails")
    refresh_ahead_seconds: int = Field(description="how long before its expiry an access token is refreshed")
    token_docs: str = Field(description="the platform's page on its tokens and their lifetimes")
    seller_centre: SellerCentreOut


class PlatformList(BaseModel):
    items: list[PlatformOut]


def _platform(platform: platforms.Platform) -> PlatformOut:
    code = platform.value
    return PlatformOut(
        code=platform,
        label=platforms.PLATFORM_LABELS[code],
        markets=[
            MarketOut(
                code=m.code,
                currency=m.currency,
                price_decimals=m.price_decimals,
                seller_centre_host=m.seller_centre_host or None,
                marketplace_id=m.marketplace_id or None,
            )
            for m in platforms.MARKETS.values()
            if m.platform == code
        ],
        push_batch_size=platforms.PUSH_BATCH_SIZE[code],
        confirm_deadline_seconds=int(platforms.CONFIRM_DEADLINE[code].total_seconds()),
        access_token_lifetime_seconds=int(platforms.ACCESS_TOKEN_LIFETIME[code].total_seconds()),
        refresh_token_lifetime_seconds=_seconds(platforms.REFRESH_TOKEN_LIFETIME[code]),
        refresh_token_single_use=platforms.REFRESH_TOKEN_SINGLE_USE[code],
        refresh_ahead_seconds=int(platforms.REFRESH_AHEAD[code].total_seconds()),
        token_docs=platforms.TOKEN_DOCS[code],
        seller_centre=SellerCentreOut(
            item_url=platforms.SELLER_CENTRE[code].item_url, search_url=platforms.SELLER_CENTRE[code].search_url
        ),
    )


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


_PLATFORMS = PlatformList(items=[_platform(p) for p in platforms.Platform])


@router.get("/platforms", response_model=PlatformList, operation_id="platforms-list")
async def list_platforms(principal: PrincipalDep) -> PlatformList:
    """The platforms and markets OpenClaw supports, with the facts the product works by (any signed-in caller)."""
    return _PLATFORMS
