"""The demo tenant that `make run` seeds: an admin, twelve shops over the four platforms, and board data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import User
from api.auth.passwords import hash_password
from api.auth.service import create_user
from api.demo_data import seed_board
from api.errors.models import ErrorGroup
from api.principal import ROLE_SCOPES, Principal
from api.shops.models import Shop
from api.tenants import service as tenants

DEMO_TENANT = "Demo Trading Co."
DEMO_ADMIN = "admin@demo.openclaw.dev"
DEMO_SHOPS = [
    ("Amazon US 旗舰店", "amazon", "US"),
    ("Amazon CA", "amazon", "CA"),
    ("Amazon UK", "amazon", "UK"),
    ("Amazon DE", "amazon", "DE"),
    ("Amazon JP", "amazon", "JP"),
    ("TikTok Shop US", "tiktok", "US"),
    ("TikTok Shop UK", "tiktok", "UK"),
    ("Shopee MY", "shopee", "MY"),
    ("Shopee TH", "shopee", "TH"),
    ("Shopee PH", "shopee", "PH"),
    ("Lazada MY", "lazada", "MY"),
    ("Lazada TH", "lazada", "TH"),
]


async def seed(session: AsyncSession, password: str) -> str:
    """Idempotent: re-running keeps the data and resets the admin's password to `password`."""
    tenant_id = await tenants.find_tenant_id(session, DEMO_TENANT)
    if tenant_id is None:
        tenant_id = (await tenants.create_tenant(session, DEMO_TENANT)).id
    else:
        await tenants.require_tenant(session, DEMO_TENANT)
    admin = (await session.execute(select(User).where(User.email == DEMO_ADMIN))).scalar_one_or_none()
    if admin is None:
        await create_user(session, tenant_id, DEMO_ADMIN, password, "admin", "演示管理员")
    else:
        admin.password_hash = hash_password(password)
        admin.failed_logins, admin.locked_until = 0, None
    existing = set((await session.execute(select(Shop.name).where(Shop.tenant_id == tenant_id))).scalars())
    for name, platform, market in DEMO_SHOPS:
        if name not in existing:
            session.add(Shop(tenant_id=tenant_id, name=name, platform=platform, market=market))
    await session.flush()
    if not await session.scalar(select(ErrorGroup.id).where(ErrorGroup.tenant_id == tenant_id).limit(1)):
        admin = (await session.execute(select(User).where(User.email == DEMO_ADMIN))).scalar_one()
        shops = list((await session.execute(select(Shop).where(Shop.tenant_id == tenant_id))).scalars())
        principal = Principal(kind="user", id=admin.id, tenant_id=tenant_id, scopes=ROLE_SCOPES["admin"],
                              role="admin", label=admin.email)  # fmt: skip
        await seed_board(session, principal, shops, admin.id)
    return DEMO_ADMIN
