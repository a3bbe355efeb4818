from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

HookPlatform = Literal["amazon", "tiktok", "shopee", "lazada"]


class HookReceipt(BaseModel):
    """What the receiver did with one notification (platforms look only at the 2xx status)."""

    id: uuid.UUID = Field(description="the stored notification (the first one, for a duplicate)")
    duplicate: bool = Field(description="seen before (same platform notification id, or same body): nothing changed")
    kind: str = Field(description="the platform's notification type, e.g. 6, LISTINGS_ITEM_ISSUES_CHANGE")
    effect: str = Field(description="auth_expired, auth_expiring, listing_rejected, listing_cleared or ignored")
    outcome: str = Field(description="applied, unbound (no SKU is bound to the listing) or ignored")
    health: str | None = Field(default=None, description="the connection's health after an authorisation notice")
    skus: list[str] = Field(default_factory=list, description="the bound SKUs a listing notice was about")
    events: int = Field(default=0, description="LISTING_REJECTED events recorded")
    resolved: int = Field(default=0, description="open LISTING_REJECTED groups resolved")
