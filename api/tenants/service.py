from __future__ import annotations

import uuid

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.db import use_tenant
from api.principal import Principal
from api.tenants.models import Tenant, TenantSettings
from api.tenants.schemas import SettingsUpdate
from api.validation import usable_time_zones


async def find_tenant_id(session: AsyncSession, name: str) -> uuid.UUID | None:
    """A tenant's id by name, for operators' commands (the name is not secret; its rows stay behind RLS)."""
    found: uuid.UUID | None = (
        await session.execute(text("SELECT auth_find_tenant(:n)"), {"n": name})
    ).scalar_one_or_none()
    return found


async def all_tenant_ids(session: AsyncSession) -> list[uuid.UUID]:
    """Every tenant's id, for the workers' crons: a SECURITY DEFINER look-up (migration 0011), since with no tenant
    set row-level security hides every tenant row."""
    return list((await session.execute(text("SELECT tenant_id FROM system_tenant_ids()"))).scalars())


async def create_tenant(session: AsyncSession, name: str) -> Tenant:
    name = name.strip()
    if not name:
        raise problems.Invalid("a tenant needs a name")
    if await find_tenant_id(session, name):
        raise problems.Conflict(f"tenant {name!r} already exists")
    tenant_id = uuid.uuid4()
    await use_tenant(session, tenant_id)  # row-level security checks new rows against the session's tenant too
    tenant = Tenant(id=tenant_id, name=name)
    session.add(tenant)
    await session.flush()
    session.add(TenantSettings(tenant_id=tenant_id))
    await session.flush()
    return tenant


async def require_tenant(session: AsyncSession, name: str) -> uuid.UUID:
    tenant_id = await find_tenant_id(session, name)
    if tenant_id is None:
        raise problems.NotFound(f"unknown tenant {name!r}")
    await use_tenant(session, tenant_id)
    return tenant_id


async def get_settings(session: AsyncSession, principal: Principal) -> TenantSettings:
    found: TenantSettings = (
        await session.execute(select(TenantSettings).where(TenantSettings.tenant_id == principal.tenant_id))
    ).scalar_one()
    return found


async def update_settings(session: AsyncSession, principal: Principal, body: SettingsUpdate) -> TenantSettings:
    current = await get_settings(session, principal)
    changes = body.model_dump(mode="json", exclude_unset=True, exclude_none=True)  # rates stored as exact strings
    before = {k: getattr(current, k) for k in changes}
    for key, value in changes.items():
        setattr(current, key, value)
    await session.flush()
    await audit.record(session, principal, "settings.update", "tenant_settings", principal.tenant_id,
                       before=before, after=changes)  # fmt: skip
    return current


async def tenant_timezone(session: AsyncSession, tenant_id: uuid.UUID) -> str:
    """The tenant's IANA time zone for days in charts and times in exports (UTC if unset, or if a zone stored
    before settings were checked against PostgreSQL's is one it refuses)."""
    name = (
        await session.execute(select(TenantSettings.timezone).where(TenantSettings.tenant_id == tenant_id))
    ).scalar_one_or_none() or "UTC"
    return name if name in usable_time_zones() else "UTC"
