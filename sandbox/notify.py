"""The sandbox's platform notifications: when a hook bans or clears a listing, or revokes a shop's authorisation,
the sandbox pushes what that platform would push, in its shape and signed as it signs, to the URL configured for
the shop (`PUT /_sandbox/hooks {"urls": {sandbox shop id: url}}`).

The sandbox does not know the receiver's ids for its shops (OpenClaw's shop ids), so the URL is given per shop,
whole. Only loopback URLs are taken unless the sandbox was started with OPENCLAW_SANDBOX_HOOKS_ALLOW_REMOTE=1.
Sending happens after the hook has answered (a background task); a failure is logged and kept in the deliveries
list (`GET /_sandbox/hooks`). The configuration is not journaled and survives `/_sandbox/reset`.

Timestamps are the wall clock, not the sandbox clock: receivers compare them with their own (real) time.

Bodies and signatures (see tests/fixtures/platforms/<platform>/hooks/SOURCES.md for what is documented and what is
constructed):
- TikTok Shop: type 6 seller deauthorization; type 5 PRODUCT_AUDIT_FAILURE with `suspended_reason` for a refused
  listing; type 37 `audit.status` APPROVED for a cleared one. `Authorization` = hex HMAC-SHA256(app_secret,
  app_key + body).
- Shopee: code 2 shop authorization canceled; code 6 banned item with the item's status and violation (NORMAL when
  cleared, our construction). `Authorization` = hex HMAC-SHA256(partner_key, url + "|" + body).
- Lazada: message_type 8 token expiration alert with `auth_expiry_time` now (Lazada has no revocation push);
  message_type 1 QC status REJECTED / APPROVED. `Authorization` = hex HMAC-SHA256(app_secret, app_key + body).
- Amazon: LISTINGS_ITEM_ISSUES_CHANGE, as a tenant's SQS/EventBridge forwarder posts it, signed
  `X-OpenClaw-Signature: t=<unix>,v1=<hex HMAC-SHA256(notification_secret, "<t>." + body)>` with the shop's
  `credentials.notification_secret` (a shop without one sends nothing). Amazon sends no deauthorisation.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import os
import secrets
import time
import uuid
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from api.platforms import market
from sandbox.state import Listing, ShopState

log = logging.getLogger("sandbox.notify")
ALLOW_REMOTE_ENV = "OPENCLAW_SANDBOX_HOOKS_ALLOW_REMOTE"
SEND_TIMEOUT_SECONDS = 5.0
KEPT_DELIVERIES = 200


@dataclass(frozen=True)
class Outgoing:
    shop: str
    platform: str
    kind: str
    url: str
    body: bytes = field(repr=False)
    headers: dict[str, str] = field(repr=False)


@dataclass
class Delivery:
    id: str
    shop: str
    platform: str
    kind: str
    url: str
    sent_at: float
    status: int | None = None
    error: str | None = None
    answer: str = ""


def _hex(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Notifier:
    def __init__(self, allow_remote: bool | None = None) -> None:
        self.allow_remote = os.environ.get(ALLOW_REMOTE_ENV) == "1" if allow_remote is None else allow_remote
        self.urls: dict[str, str] = {}
        self.deliveries: deque[Delivery] = deque(maxlen=KEPT_DELIVERIES)

    def configure(self, urls: dict[str, str], known_shops: set[str]) -> None:
        """Replace the per-shop URLs and start a new deliveries list; raises ValueError naming what is wrong
        (nothing changes then)."""
        for shop, url in urls.items():
            if shop not in known_shops:
                raise ValueError(f"no shop {shop!r} in this scenario")
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                raise ValueError(f"{shop}: {url!r} is not an http(s) URL")
            if not self.allow_remote and not is_loopback(url):
                raise ValueError(f"{shop}: only loopback URLs are taken (set {ALLOW_REMOTE_ENV}=1 to allow others)")
        self.urls = dict(urls)
        self.deliveries.clear()

    def describe(self) -> dict[str, Any]:
        return {
            "urls": dict(self.urls),
            "allow_remote": self.allow_remote,
            "deliveries": [asdict(d) for d in self.deliveries],
        }

    # -- what each event sends ------------------------------------------------------------------------------------

    def deauthorised(self, shop: ShopState) -> Outgoing | None:
        platform = shop.spec.platform
        body = {"tiktok": _tiktok_deauth, "shopee": _shopee_deauth, "lazada": _lazada_deauth}.get(platform)
        return self._outgoing(shop, "deauthorised", body(shop) if body else None)

    def listing_changed(self, shop: ShopState, listing: Listing) -> Outgoing | None:
        state = listing.platform_state
        kind = "listing_rejected" if state else "listing_cleared"
        builder = {"tiktok": _tiktok_listing, "shopee": _shopee_listing, "lazada": _lazada_listing,
                   "amazon": _amazon_listing}[shop.spec.platform]  # fmt: skip
        return self._outgoing(shop, kind, builder(shop, listing, state))

    def _outgoing(self, shop: ShopState, kind: str, body: dict[str, Any] | None) -> Outgoing | None:
        url = self.urls.get(shop.id)
        if url is None or body is None:
            return None
        raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        headers = _signed(shop, url, raw)
        if headers is None:
            log.warning("sandbox.notify.unsigned shop=%s: no notification_secret in its credentials", shop.id)
            return None
        return Outgoing(shop.id, shop.spec.platform, kind, url, raw, {"Content-Type": "application/json", **headers})

    # -- sending --------------------------------------------------------------------------------------------------

    async def send(self, outgoing: Outgoing) -> None:
        """Post one notification; never raises (this runs after the hook's answer)."""
        delivery = Delivery(
            uuid.uuid4().hex, outgoing.shop, outgoing.platform, outgoing.kind, outgoing.url, time.time()
        )
        self.deliveries.append(delivery)
        try:
            async with httpx.AsyncClient(timeout=SEND_TIMEOUT_SECONDS, follow_redirects=False) as client:
                response = await client.post(outgoing.url, content=outgoing.body, headers=outgoing.headers)
            delivery.status, delivery.answer = response.status_code, response.text[:2000]
            if response.status_code >= 300:
                log.warning("sandbox.notify.refused shop=%s status=%s", outgoing.shop, response.status_code)
        except httpx.HTTPError as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
            log.warning("sandbox.notify.failed shop=%s url=%s error=%s", outgoing.shop, outgoing.url, delivery.error)


def _signed(shop: ShopState, url: str, raw: bytes) -> dict[str, str] | None:
    creds = shop.spec.credentials
    platform = shop.spec.platform
    if platform == "amazon":
        secret = creds.get("notification_secret")
        if not secret:
            return None
        stamp = int(time.time())
        return {"X-OpenClaw-Signature": f"t={stamp},v1={_hex(secret, f'{stamp}.'.encode() + raw)}"}
    if platform == "shopee":
        return {"Authorization": _hex(creds["partner_key"], url.encode() + b"|" + raw)}
    return {"Authorization": _hex(creds["app_secret"], creds["app_key"].encode() + raw)}


def _number(value: str | None) -> int | str | None:
    """Platform ids as their pushes send them: JSON numbers where the id is numeric."""
    return int(value) if value and value.isdigit() else value


def _reason_words(state: dict[str, Any] | None, *names: str) -> list[str]:
    words: list[str] = []
    for reason in (state or {}).get("reasons", []):
        if isinstance(reason, dict):
            inner = reason.get("reasons")
            words += [str(r) for r in inner] if isinstance(inner, list) else []
            words += [str(reason[n]) for n in names if reason.get(n)]
        else:
            words.append(str(reason))
    return list(dict.fromkeys(words))


def _tiktok_envelope(shop: ShopState, kind: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": kind,
        "tts_notification_id": str(7_300_000_000_000_000_000 + secrets.randbelow(10**17)),
        "shop_id": shop.spec.credentials.get("shop_id", ""),
        "timestamp": int(time.time()),
        "data": data,
    }


def _tiktok_deauth(shop: ShopState) -> dict[str, Any]:
    shop_id = shop.spec.credentials.get("shop_id", "")
    return _tiktok_envelope(shop, 6, {"message": f"Shop_id {shop_id} is deauthorized from your APP by merchant."})


def _tiktok_listing(shop: ShopState, listing: Listing, state: dict[str, Any] | None) -> dict[str, Any]:
    now = int(time.time())
    product = _number(listing.item_id)
    if state is None:
        return _tiktok_envelope(shop, 37, {"product_id": product, "audit": {"status": "APPROVED"}, "update_time": now})
    reason = "; ".join(_reason_words(state)) or str(state.get("status"))
    data = {"product_id": product, "status": "PRODUCT_AUDIT_FAILURE", "suspended_reason": reason, "update_time": now}
    return _tiktok_envelope(shop, 5, data)


def _shopee_deauth(shop: ShopState) -> dict[str, Any]:
    shop_id = shop.spec.credentials.get("shop_id", "")
    data = {
        "shop_id_list": [_number(shop_id)],
        "merchant_id_list": [],
        "extra": f"shop_id {shop_id} authorization is canceled",
    }
    return {"code": 2, "timestamp": int(time.time()), "data": data}


def _shopee_listing(shop: ShopState, listing: Listing, state: dict[str, Any] | None) -> dict[str, Any]:
    now = int(time.time())
    data: dict[str, Any] = {"item_id": _number(listing.item_id), "item_status": "NORMAL", "update_time": now}
    if state is not None:
        first = next((r for r in state.get("reasons", []) if isinstance(r, dict)), {})
        data |= {**first, "item_status": state.get("status"), "update_time": now}
        data["violation_reason"] = "; ".join(_reason_words(state, "violation_reason")) or str(state.get("status"))
    return {"shop_id": _number(shop.spec.credentials.get("shop_id")), "code": 6, "timestamp": now, "data": data}


def _lazada_site(shop: ShopState) -> str:
    return f"lazada_{shop.spec.market.lower()}"


def _lazada_deauth(shop: ShopState) -> dict[str, Any]:
    now = int(time.time())
    creds = shop.spec.credentials
    data = {"app_key": creds["app_key"], "auth_expiry_time": now, "seller_id": creds.get("seller_id", "")}
    return {"seller_id": "null", "message_type": 8, "data": data, "timestamp": now, "site": _lazada_site(shop)}


def _lazada_listing(shop: ShopState, listing: Listing, state: dict[str, Any] | None) -> dict[str, Any]:
    now = time.time()
    seller = shop.spec.credentials.get("seller_id", "")
    data = {
        "date": int(now * 1000),
        "itemId": _number(listing.item_id),
        "reason": "; ".join(_reason_words(state, "violationDetail")) if state else "",
        "seller_id": _number(seller),
        "status": "REJECTED" if state else "APPROVED",
    }
    return {"seller_id": seller, "message_type": 1, "data": data, "timestamp": int(now), "site": _lazada_site(shop)}


def _amazon_listing(shop: ShopState, listing: Listing, state: dict[str, Any] | None) -> dict[str, Any]:
    reasons = [r for r in (state or {}).get("reasons", []) if isinstance(r, dict)]
    severities = sorted({str(r.get("severity", "ERROR")) for r in reasons})
    actions = sorted(
        {
            str(a.get("action"))
            for r in reasons
            for a in (r.get("enforcements") or {}).get("actions", [])
            if a.get("action")
        }
    )
    if state is not None:  # a refused listing with no reasons given is still suppressed
        severities = severities or ["ERROR"]
        actions = actions or ["LISTING_SUPPRESSED"]
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    found = market("amazon", shop.spec.market)
    payload = {
        "SellerId": shop.spec.credentials.get("seller_id", ""),
        "MarketplaceId": found.marketplace_id if found else "",
        "Asin": listing.item_id,
        "Sku": listing.sku,
        "Severities": severities,
        "EnforcementActions": actions,
    }
    return {
        "NotificationVersion": "1.0",
        "NotificationType": "LISTINGS_ITEM_ISSUES_CHANGE",
        "PayloadVersion": "2023-12-13",
        "EventTime": now,
        "Payload": payload,
        "NotificationMetadata": {
            "ApplicationId": "amzn1.sellerapps.app.sandbox",
            "SubscriptionId": "sandbox-listings-item-issues-change",
            "PublishTime": now,
            "NotificationId": str(uuid.uuid4()),
        },
    }
