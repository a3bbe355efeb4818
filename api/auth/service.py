"""Logins, sessions, API keys, and turning a presented credential into a Principal."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.auth.models import ApiKey, User, UserSession
from api.auth.passwords import hash_password, verify_password
from api.auth.schemas import MeOut
from api.auth.throttle import LoginThrottle, address_key, exempt
from api.config import Settings
from api.db import use_tenant
from api.principal import ROLE_SCOPES, Principal
from api.tenants.models import Tenant

SESSION_PREFIX = "ocs_"
API_KEY_PREFIX = "ock_"


class WrongPassword(problems.Unauthorized):
    keep_writes = True  # the failure must be counted even though the request fails


class AccountLocked(problems.TooManyRequests):
    code = "account_locked"
    title_en = "Too many failed logins for this account; wait a moment"
    title_zh = "该账户登录失败次数过多，请稍候再试"
    keep_writes = True


class LoginRateLimited(problems.TooManyRequests):
    code = "login_rate_limited"
    title_en = "Too many failed logins from this address; wait a moment"
    title_zh = "该地址登录失败次数过多，请稍候再试"


def token_hash(token: str) -> str:
    # Session tokens and API keys carry 256 random bits: a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


# --- users ---------------------------------------------------------------------------------------------------


async def create_user(
    session: AsyncSession, tenant_id: uuid.UUID, email: str, password: str, role: str, display_name: str = ""
) -> User:
    if role not in ROLE_SCOPES:
        raise problems.Invalid(f"unknown role {role!r}; use admin, operator or viewer")
    email = email.strip().lower()
    found = (await session.execute(text("SELECT user_id FROM auth_find_user(:e)"), {"e": email})).first()
    if found:
        raise problems.Conflict(f"a user with email {email} already exists")
    user = User(
        tenant_id=tenant_id,
        email=email,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name or email.split("@")[0],
    )
    session.add(user)
    await session.flush()
    return user


async def login(
    session: AsyncSession,
    settings: Settings,
    throttle: LoginThrottle,
    client_host: str | None,
    email: str,
    password: str,
) -> tuple[Principal, str, datetime]:
    """Check a password; returns the principal, a new session token and its expiry.

    Throttled by client address and by account together, so that no one can lock someone else out:
    - per address, at most `login_address_max_failures` unsuccessful attempts within `login_window_seconds`
      (429 login_rate_limited with Retry-After), checked before any password work;
    - per account, failures beyond `login_max_failures` start a backoff of `login_backoff_base_seconds` that
      doubles with each further failure up to `login_backoff_max_seconds`. During it, addresses that failed for
      this account are refused (429 account_locked with Retry-After), but an address that has not failed for it
      is still heard, so the real user's correct password gets in while an attacker elsewhere keeps failing.
      Failures are forgotten after a quiet window.
    """
    address = address_key(client_host)
    slot = None
    if not exempt(client_host):
        slot, wait = await throttle.take_slot(address)
        if slot is None:
            raise LoginRateLimited(
                "too many failed logins from this address", headers={"Retry-After": str(math.ceil(wait))}
            )
    email = email.strip().lower()
    found = (await session.execute(text("SELECT user_id, tenant_id FROM auth_find_user(:e)"), {"e": email})).first()
    if found is None:
        verify_password(None, password)  # same work as a wrong password: no account enumeration by timing
        raise problems.Unauthorized("wrong email or password")
    user_id, tenant_id = found
    await use_tenant(session, tenant_id)
    user = (await session.execute(select(User).where(User.id == user_id).with_for_update())).scalar_one()
    now = _now()
    # locked_until is when the account's backoff ends, and so also when its last failure happened (plus the delay).
    if user.locked_until and user.locked_until < now - timedelta(seconds=settings.login_window_seconds):
        user.failed_logins = 0
    if user.locked_until and user.locked_until > now and await throttle.has_failed_for(address, user.id):
        retry_after = math.ceil((user.locked_until - now).total_seconds())
        raise AccountLocked("too many failed logins; try again shortly", headers={"Retry-After": str(retry_after)})
    if not user.is_active or not verify_password(user.password_hash, password):
        user.failed_logins += 1
        beyond = user.failed_logins - settings.login_max_failures
        delay = 0.0
        if beyond > 0:
            delay = min(
                settings.login_backoff_max_seconds, settings.login_backoff_base_seconds * 2 ** min(beyond - 1, 30)
            )
        user.locked_until = now + timedelta(seconds=delay)  # a delay of 0 locks nothing but dates the failure
        await throttle.mark_failed_for(address, user.id)
        raise WrongPassword("wrong email or password")
    if slot is not None:
        await throttle.give_back(address, slot)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=settings.session_ttl_hours)
    user_session = UserSession(
        tenant_id=tenant_id, user_id=user.id, token_hash=token_hash(token), expires_at=expires_at
    )
    session.add(user_session)
    await session.flush()
    principal = _user_principal(user, user_session.id)
    await audit.record(session, principal, "auth.login", "user", user.id)
    return principal, token, expires_at


async def logout(session: AsyncSession, principal: Principal) -> None:
    if principal.session_id is None:
        return
    await session.execute(update(UserSession).where(UserSession.id == principal.session_id).values(revoked_at=_now()))


def _user_principal(user: User, session_id: uuid.UUID | None) -> Principal:
    return Principal(
        kind="user",
        id=user.id,
        tenant_id=user.tenant_id,
        scopes=ROLE_SCOPES[user.role],
        role=user.role,
        label=user.email,
        session_id=session_id,
    )


# --- resolving credentials ------------------------------------------------------------------------------------


async def principal_from_session_token(session: AsyncSession, token: str) -> Principal | None:
    row = (
        await session.execute(
            text("SELECT session_id, user_id, tenant_id FROM auth_find_session(:h)"), {"h": token_hash(token)}
        )
    ).first()
    if row is None:
        return None
    session_id, user_id, tenant_id = row
    await use_tenant(session, tenant_id)
    user = (await session.execute(select(User).where(User.id == user_id))).scalar_one_or_none()
    if user is None or not user.is_active:
        return None
    return _user_principal(user, session_id)


async def principal_from_api_key(session: AsyncSession, key: str) -> Principal | None:
    prefix = api_key_prefix(key)
    if prefix is None:
        return None
    row = (await session.execute(text("SELECT key_id, tenant_id FROM auth_find_api_key(:p)"), {"p": prefix})).first()
    if row is None:
        return None
    key_id, tenant_id = row
    await use_tenant(session, tenant_id)
    api_key = (await session.execute(select(ApiKey).where(ApiKey.id == key_id))).scalar_one()
    if not hmac.compare_digest(api_key.key_hash, token_hash(key)):
        return None
    # Coarse last-used time: one write a minute per key at most, not one per request.
    now = _now()
    if api_key.last_used_at is None or now - api_key.last_used_at > timedelta(minutes=1):
        api_key.last_used_at = now
    return Principal(
        kind="api_key",
        id=api_key.id,
        tenant_id=tenant_id,
        scopes=frozenset(api_key.scopes),
        label=f"{api_key.name} ({api_key.prefix})",
    )


# --- API keys -------------------------------------------------------------------------------------------------


def api_key_prefix(key: str) -> str | None:
    if not key.startswith(API_KEY_PREFIX):
        return None
    head, _, secret = key[len(API_KEY_PREFIX) :].partition("_")
    if len(head) != 8 or not secret:
        return None
    return API_KEY_PREFIX + head


async def create_api_key(
    session: AsyncSession, principal: Principal, tenant_id: uuid.UUID, name: str, scopes: Sequence[str]
) -> tuple[ApiKey, str]:
    secret = f"{API_KEY_PREFIX}{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        tenant_id=tenant_id,
        name=name,
        prefix=api_key_prefix(secret),
        key_hash=token_hash(secret),
        scopes=sorted(set(scopes)),
        created_by=principal.id if principal.kind == "user" else None,
    )
    session.add(api_key)
    await session.flush()
    await audit.record(
        session, principal, "api_key.create", "api_key", api_key.id, after={"name": name, "scopes": api_key.scopes}
    )
    return api_key, secret


async def list_api_keys(session: AsyncSession, principal: Principal) -> list[ApiKey]:
    stmt = select(ApiKey).where(ApiKey.tenant_id == principal.tenant_id).order_by(ApiKey.created_at.desc())
    return list((await session.execute(stmt)).scalars())


async def revoke_api_key(session: AsyncSession, principal: Principal, key_id: uuid.UUID) -> None:
    stmt = select(ApiKey).where(ApiKey.tenant_id == principal.tenant_id, ApiKey.id == key_id)
    api_key = (await session.execute(stmt)).scalar_one_or_none()
    if api_key is None or api_key.revoked_at is not None:
        raise problems.NotFound("API key not found")
    api_key.revoked_at = _now()
    await audit.record(session, principal, "api_key.revoke", "api_key", key_id, before={"name": api_key.name})


async def describe(session: AsyncSession, principal: Principal) -> MeOut:
    tenant_name = (await session.execute(select(Tenant.name).where(Tenant.id == principal.tenant_id))).scalar_one()
    me = MeOut(
        kind="api_key" if principal.kind == "api_key" else "user",
        id=principal.id or principal.tenant_id,
        tenant_id=principal.tenant_id,
        tenant_name=tenant_name,
        scopes=sorted(principal.scopes),
    )
    if principal.kind == "user":
        user = (await session.execute(select(User).where(User.id == principal.id))).scalar_one()
        me.email, me.display_name, me.role = user.email, user.display_name, user.role  # type: ignore[assignment]
    return me


async def list_users(session: AsyncSession, principal: Principal) -> list[User]:
    """The tenant's active users: whom a group can be assigned to."""
    stmt = (
        select(User)
        .where(User.tenant_id == principal.tenant_id, User.is_active)
        .order_by(User.display_name, User.email)
    )
    return list((await session.execute(stmt)).scalars())
