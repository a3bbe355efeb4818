"""Each platform's notification signature, checked over the raw body bytes as the platform computes it.

- TikTok Shop webhooks: `Authorization` = hex HMAC-SHA256(key=app_secret, msg=app_key + body) (EcomPHP
  tiktokshop-php `Webhook::verify`; /work/shared/platforms/tiktok-shop.md §5).
- Lazada push: `Authorization` = hex HMAC-SHA256(key=app_secret, msg=app_key + body) ("Lazada Push Mechanism",
  Authorization section; lowercase hex in its sample, compared case-insensitively).
- Shopee push: `Authorization` = hex HMAC-SHA256(key=partner_key, msg=callback_url + "|" + body) ("Push Mechanism
  notifications", Push Authorization), the callback URL being the one Shopee calls.
- Amazon: SP-API notifications reach a seller's SQS queue or EventBridge bus, never an HTTP endpoint of ours; the
  tenant's forwarder posts them on, signed `X-OpenClaw-Signature: t=<unix>,v1=<hex HMAC-SHA256(key=
  notification_secret, msg="<t>." + body)>` (several v1= are accepted, for a secret being rotated).

Stdlib only: the sandbox and a forwarder can compute the same values without the API.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

AMAZON_HEADER = "x-openclaw-signature"

# The credential names each platform signs its notifications with.
SIGNING_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "tiktok": ("app_key", "app_secret"),
    "lazada": ("app_key", "app_secret"),
    "shopee": ("partner_key",),
    "amazon": ("notification_secret",),
}


class SignatureError(Exception):
    """The notification's signature is missing, malformed or wrong; the message says which (never the secret)."""


@dataclass(frozen=True, slots=True)
class Verified:
    """A notification whose signature matched; `signed_at` is the signed timestamp (Amazon's `t=`), if any."""

    signed_at: int | None = None


def hmac_hex(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def tiktok_signature(app_key: str, app_secret: str, body: bytes) -> str:
    return hmac_hex(app_secret, app_key.encode() + body)


def lazada_signature(app_key: str, app_secret: str, body: bytes) -> str:
    return hmac_hex(app_secret, app_key.encode() + body)


def shopee_signature(partner_key: str, callback_url: str, body: bytes) -> str:
    return hmac_hex(partner_key, callback_url.encode() + b"|" + body)


def amazon_signature(notification_secret: str, timestamp: int, body: bytes) -> str:
    return hmac_hex(notification_secret, f"{timestamp}.".encode() + body)


def amazon_header(notification_secret: str, timestamp: int, body: bytes) -> str:
    """What a forwarder sends as X-OpenClaw-Signature."""
    return f"t={timestamp},v1={amazon_signature(notification_secret, timestamp, body)}"


def missing_credentials(platform: str, credentials: Mapping[str, str]) -> list[str]:
    return [name for name in SIGNING_CREDENTIALS[platform] if not credentials.get(name)]


def verify(
    platform: str, credentials: Mapping[str, str], headers: Mapping[str, str], body: bytes, callback_url: str
) -> Verified:
    """Check the notification's signature against the shop's credentials; raises SignatureError."""
    missing = missing_credentials(platform, credentials)
    if missing:
        raise SignatureError(f"the shop's connection has no {', '.join(missing)} to check the signature with")
    if platform == "amazon":
        return _verify_amazon(credentials["notification_secret"], headers.get(AMAZON_HEADER, ""), body)
    sent = headers.get("authorization", "").strip()
    if not sent:
        raise SignatureError("no Authorization header (the platform's signature)")
    if platform == "shopee":
        expected = shopee_signature(credentials["partner_key"], callback_url, body)
    elif platform == "tiktok":
        expected = tiktok_signature(credentials["app_key"], credentials["app_secret"], body)
    else:
        expected = lazada_signature(credentials["app_key"], credentials["app_secret"], body)
    if not hmac.compare_digest(sent.lower().encode(), expected.encode()):
        raise SignatureError("the Authorization signature does not match this shop's secret and the body")
    return Verified()


def _verify_amazon(secret: str, header: str, body: bytes) -> Verified:
    if not header:
        raise SignatureError("no X-OpenClaw-Signature header")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            candidates.append(value.lower())
    if timestamp is None or not candidates:
        raise SignatureError("X-OpenClaw-Signature must read t=<unix seconds>,v1=<hex HMAC-SHA256>")
    expected = amazon_signature(secret, timestamp, body).encode()
    if not any(hmac.compare_digest(c.encode(), expected) for c in candidates):
        raise SignatureError("the X-OpenClaw-Signature does not match this shop's notification_secret and the body")
    return Verified(signed_at=timestamp)
