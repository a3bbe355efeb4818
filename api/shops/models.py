from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, ForeignKeyConstraint, Index, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models_base import Base, created_at, tenant_fk, tenant_key, updated_at, uuid_pk


class Shop(Base):
    """One storefront on one platform in one marketplace."""

    __tablename__ = "shops"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(16))
    market: Mapped[str] = mapped_column(String(8))
    # The currency its prices are in; from the market (api/platforms.py) unless the shop says otherwise (TikTok SEA).
    currency: Mapped[str | None] = mapped_column(String(3))
    # An archived shop keeps its history (errors, events, tasks) but takes no new pushes and leaves the lists.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class Connection(Base):
    """A shop's API access. Secrets (app credentials and tokens) are Fernet-encrypted at rest."""

    __tablename__ = "connections"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("shop_id", "shops"), ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "shop_id"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    shop_id: Mapped[uuid.UUID]
    base_url: Mapped[str | None] = mapped_column(String(500))
    auth_base_url: Mapped[str | None] = mapped_column(String(500))
    credentials_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    access_token_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    refresh_token_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    access_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refresh_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the seller's authorisation itself ends, where the platform caps it (api/platforms.py GRANT_LIFETIME).
    grant_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(128)), default=list, server_default="{}")
    health: Mapped[str] = mapped_column(String(16), default="unknown", server_default="unknown")
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = updated_at()


class OAuthState(Base):
    """One authorisation link handed out: its `state` names this row's id (the nonce), which the callback spends
    once. Expired rows are kept until the retention job (or a new link) clears them; they refuse either way."""

    __tablename__ = "oauth_states"
    __table_args__ = (ForeignKeyConstraint(*tenant_fk("shop_id", "shops"), ondelete="CASCADE"),)

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    shop_id: Mapped[uuid.UUID]
    created_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()


class Sku(Base):
    """The seller's own SKU."""

    __tablename__ = "skus"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    code: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # The ERP's base values, which strategies turn into pushes: {"USD": {"price": "19.99", "sale_price": null}}.
    base_prices: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    available_quantity: Mapped[int | None]
    # What a listing_publish strategy publishes: title, category, attributes, images, description, brand.
    listing_draft: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    base_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class SkuBinding(Base):
    """A SKU bound to its platform-native ids in one shop (ASIN, product_id+sku_id, item_id+model_id, ...)."""

    __tablename__ = "sku_bindings"
    __table_args__ = (
        ForeignKeyConstraint(*tenant_fk("sku_id", "skus"), ondelete="CASCADE"),
        ForeignKeyConstraint(*tenant_fk("shop_id", "shops"), ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "shop_id", "sku_id"),
        Index(None, "tenant_id", "shop_id", "platform_item_id", "platform_variant_id"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    sku_id: Mapped[uuid.UUID]
    shop_id: Mapped[uuid.UUID]
    platform_sku: Mapped[str] = mapped_column(String(200))  # seller SKU as the platform knows it
    platform_item_id: Mapped[str | None] = mapped_column(String(64))
    platform_variant_id: Mapped[str | None] = mapped_column(String(64))
    extra: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # "user" (API or SPA) or "sync" (a catalog sync): a sync never overwrites a binding a user set.
    bound_by: Mapped[str] = mapped_column(String(8), default="user", server_default="user")
    # The platform's listing as last read (a catalog sync): its own status word, price, stock and when.
    platform_status: Mapped[str | None] = mapped_column(String(64))
    platform_price: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    platform_quantity: Mapped[int | None]
    platform_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
