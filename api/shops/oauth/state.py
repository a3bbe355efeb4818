"""The `state` of an authorisation link: tenant, shop, nonce and expiry, signed with HMAC-SHA256 under the app's
secret key. The signature proves we issued it; the nonce (a row of oauth_states) makes it single-use."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson

from api import problems

STATE_LIFETIME = timedelta(minutes=10)
_PURPOSE = b"openclaw-oauth-state\x1f"


class StateRefused(problems.DomainError):
    status = 400
    code = "oauth_state_invalid"
    title_en = "Authorisation link invalid, expired or already used"
    title_zh = "授权链接无效、已过期或已使用"


@dataclass(frozen=True, slots=True)
class StateClaims:
    tenant_id: uuid.UUID
    shop_id: uuid.UUID
    nonce: uuid.UUID
    expires_at: datetime


def _mac(secret_key: str, payload: bytes) -> str:
    return hmac.new(secret_key.encode(), _PURPOSE + payload, hashlib.sha256).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign(secret_key: str, claims: StateClaims) -> str:
    payload = _b64(
        orjson.dumps(
            {
                "t": str(claims.tenant_id),
                "s": str(claims.shop_id),
                "n": str(claims.nonce),
                "e": int(claims.expires_at.timestamp()),
            }
        )
    ).encode()
    return f"{payload.decode()}.{_mac(secret_key, payload)}"


def verify(secret_key: str, state: str, now: datetime | None = None) -> StateClaims:
    """The claims of a state we signed that has not expired; StateRefused (400) otherwise."""
    payload, _, mac = state.partition(".")
    if not payload or not hmac.compare_digest(mac, _mac(secret_key, payload.encode())):
        raise StateRefused("the state parameter is not one this app signed")
    try:
        data = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims = StateClaims(
            uuid.UUID(data["t"]), uuid.UUID(data["s"]), uuid.UUID(data["n"]), datetime.fromtimestamp(data["e"], UTC)
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise StateRefused("the state parameter is malformed") from exc
    if claims.expires_at <= (now or datetime.now(UTC)):
        raise StateRefused("the authorisation link has expired (10 minutes): ask for a new one")
    return claims
