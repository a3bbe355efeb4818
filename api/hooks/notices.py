"""What a platform's notification says, in our terms: a `Notice` read from each platform's documented push body.

Bodies (each platform's docs, see tests/fixtures/platforms/<platform>/hooks/SOURCES.md):
- TikTok Shop: {"type": <int>, "tts_notification_id", "shop_id", "timestamp" (s), "data": {...}}; 6 seller
  deauthorization, 7 upcoming authorization expiration, 5 product status change (`data.status`,
  `suspended_reason`), 37 product audit status change (`data.audit.status`).
- Shopee: {"shop_id"?, "code": <int>, "timestamp" (s), "data": {...}}; 2 shop authorization canceled, 12 open API
  authorization expiry (7 days ahead), 6 banned item.
- Lazada: {"seller_id", "message_type": <int>, "timestamp" (s or ms), "site", "data": {...}}; 1 product QC status
  (`data.status`, `reason`, `itemId`), 8 authorization token expiration alert (`data.auth_expiry_time`).
- Amazon SP-API: {"NotificationType", "EventTime", "Payload", "NotificationMetadata": {"NotificationId", ...}};
  LISTINGS_ITEM_ISSUES_CHANGE (`Severities`, `EnforcementActions`), LISTINGS_ITEM_STATUS_CHANGE (`Status`).
Anything else is a Notice with effect "ignored": stored, answered 200, nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

AUTH_EXPIRED = "auth_expired"
AUTH_EXPIRING = "auth_expiring"
LISTING_REJECTED = "listing_rejected"
LISTING_CLEARED = "listing_cleared"
IGNORED = "ignored"


class NoticeError(ValueError):
    """The body is JSON but not the platform's notification shape."""


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str  # the platform's type, as it names it
    sent_at: datetime | None  # the platform's timestamp of the push
    notification_id: str | None = None  # the platform's id of the notification, when it gives one
    platform_shop_id: str | None = None  # the shop (seller) the platform says it is about
    effect: str = IGNORED
    code: str = ""  # the platform's code or status word, verbatim
    message: str = ""  # the platform's words
    item_ids: tuple[str, ...] = ()  # platform item / product ids of the listing
    seller_skus: tuple[str, ...] = ()
    details: Any = None  # the part of the body that says why, kept on the event
    expires_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def read(platform: str, body: Any) -> Notice:
    if not isinstance(body, dict):
        raise NoticeError("a notification is a JSON object")
    return READERS[platform](body)


def _epoch(value: Any, name: str) -> datetime:
    """A Unix time in seconds, or milliseconds (Lazada sends both)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise NoticeError(f"{name} must be a Unix time")
    try:
        number = float(value)
    except ValueError:
        raise NoticeError(f"{name} must be a Unix time") from None
    if number > 10**11:  # beyond the year 5000 in seconds: milliseconds
        number /= 1000
    try:
        return datetime.fromtimestamp(number, UTC)
    except (OverflowError, OSError, ValueError):
        raise NoticeError(f"{name} is not a usable time") from None


def _int_field(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise NoticeError(f"{name} must be an integer")
    return value


def _data(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data", {})
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise NoticeError("data must be an object")
    return data


def _text(value: Any) -> str:
    """An id as text: TikTok and Lazada send ids as JSON numbers in some pushes and strings in others."""
    if value is None or isinstance(value, bool):
        return ""
    return str(value)


def _ids(*values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in (_text(v) for v in values) if t))


# --- TikTok Shop ---------------------------------------------------------------------------------------------------

# type 5 `data.status` -> effect; PRODUCT_STATUS_CHANGED is the platform freezing (or unfreezing) a product, which
# `suspended_reason` tells apart.
TIKTOK_PRODUCT_STATUS = {"PRODUCT_AUDIT_FAILURE": LISTING_REJECTED, "PRODUCT_FIRST_PASS_REVIEW": LISTING_CLEARED}
TIKTOK_AUDIT_STATUS = {"FAILED": LISTING_REJECTED, "APPROVED": LISTING_CLEARED}


def _tiktok(body: dict[str, Any]) -> Notice:
    kind = _int_field(body, "type")
    data = _data(body)
    base: dict[str, Any] = {
        "kind": str(kind),
        "sent_at": _epoch(body.get("timestamp"), "timestamp"),
        "notification_id": _text(body.get("tts_notification_id")) or None,
        "platform_shop_id": _text(body.get("shop_id")) or None,
    }
    if kind == 6:
        message = _text(data.get("message")) or "seller deauthorization"
        return Notice(**base, effect=AUTH_EXPIRED, code="SELLER_DEAUTHORIZATION", message=message, details=data)
    if kind == 7:
        expires = data.get("expiration_time")
        return Notice(
            **base, effect=AUTH_EXPIRING, code="UPCOMING_AUTHORIZATION_EXPIRATION",
            message=_text(data.get("message")) or "upcoming authorization expiration", details=data,
            expires_at=_epoch(expires, "data.expiration_time") if expires is not None else None,
        )  # fmt: skip
    if kind == 5:
        status = _text(data.get("status"))
        reason = _text(data.get("suspended_reason"))
        effect = TIKTOK_PRODUCT_STATUS.get(status, IGNORED)
        if status == "PRODUCT_STATUS_CHANGED" and reason:
            effect = LISTING_REJECTED  # frozen by the platform, with its reason
        return Notice(
            **base, effect=effect, code=status, message=reason or status, item_ids=_ids(data.get("product_id")),
            details=data,
        )  # fmt: skip
    if kind == 37:
        audit_field = data.get("audit")
        audit: dict[str, Any] = audit_field if isinstance(audit_field, dict) else {}
        status = _text(audit.get("status"))
        reasons = audit.get("failed_reasons") or audit.get("audit_failed_reasons")
        message = _reason_text(reasons) or f"audit status {status}"
        return Notice(
            **base, effect=TIKTOK_AUDIT_STATUS.get(status, IGNORED), code=f"AUDIT_{status}" if status else "",
            message=message, item_ids=_ids(data.get("product_id")), details=data,
        )  # fmt: skip
    return Notice(**base)


def _reason_text(reasons: Any) -> str:
    """Reasons as the platform words them: strings, or objects with `reasons[]` / a reason field."""
    if not reasons:
        return ""
    if isinstance(reasons, str):
        return reasons
    words: list[str] = []
    for reason in reasons if isinstance(reasons, list) else [reasons]:
        if isinstance(reason, dict):
            inner = reason.get("reasons")
            if isinstance(inner, list):
                words += [str(r) for r in inner]
            for name in ("violation_reason", "violationDetail", "reason", "message"):
                if reason.get(name):
                    words.append(str(reason[name]))
        elif reason:
            words.append(str(reason))
    return "; ".join(dict.fromkeys(words))


# --- Shopee --------------------------------------------------------------------------------------------------------

# A banned item's `item_status`: BANNED / SHOPEE_DELETE are the platform's refusal; NORMAL (the ban lifted) is
# what the sandbox sends when it clears one (Shopee documents no push for that: a catalog sync sees it too).
SHOPEE_ITEM_STATUS = {"BANNED": LISTING_REJECTED, "SHOPEE_DELETE": LISTING_REJECTED, "NORMAL": LISTING_CLEARED}


def _shopee(body: dict[str, Any]) -> Notice:
    code = _int_field(body, "code")
    data = _data(body)
    shop_ids = data.get("shop_id_list") or data.get("shop_expire_soon")
    shop = _text(body.get("shop_id")) or (_text(shop_ids[0]) if isinstance(shop_ids, list) and shop_ids else "")
    base: dict[str, Any] = {
        "kind": str(code),
        "sent_at": _epoch(body.get("timestamp"), "timestamp"),
        "notification_id": _text(body.get("msg_id")) or None,
        "platform_shop_id": shop or None,
        "extra": {"shop_ids": [_text(s) for s in shop_ids]} if isinstance(shop_ids, list) else {},
    }
    if code == 2:
        message = _text(data.get("extra") or body.get("extra")) or "shop authorization canceled"
        return Notice(**base, effect=AUTH_EXPIRED, code="SHOP_AUTHORIZATION_CANCELED", message=message, details=data)
    if code == 12:
        expires = data.get("expire_before")
        return Notice(
            **base, effect=AUTH_EXPIRING, code="OPEN_API_AUTHORIZATION_EXPIRY",
            message=_text(data.get("extra")) or "open API authorization expires within 7 days", details=data,
            expires_at=_epoch(expires, "data.expire_before") if expires is not None else None,
        )  # fmt: skip
    if code == 6:
        status = _text(data.get("item_status")) or "BANNED"
        message = _reason_text([data]) or _text(data.get("violation_type")) or status
        return Notice(
            **base, effect=SHOPEE_ITEM_STATUS.get(status, IGNORED), code=status, message=message,
            item_ids=_ids(data.get("item_id")), details=data,
        )  # fmt: skip
    return Notice(**base)


# --- Lazada --------------------------------------------------------------------------------------------------------

# Product QC `data.status` (the docs' enumeration is upper case; the sample sends "Lock").
LAZADA_QC_STATUS = {
    "REJECTED": LISTING_REJECTED,
    "LIVE_REJECTED": LISTING_REJECTED,
    "LOCK": LISTING_REJECTED,
    "APPROVED": LISTING_CLEARED,
}


def _lazada(body: dict[str, Any]) -> Notice:
    kind = _int_field(body, "message_type")
    data = _data(body)
    seller = _text(body.get("seller_id"))
    base: dict[str, Any] = {
        "kind": str(kind),
        "sent_at": _epoch(body.get("timestamp"), "timestamp"),
        # The token alert's top-level seller_id is the string "null" in the docs' sample; data names the seller.
        "platform_shop_id": (seller if seller not in ("", "null") else _text(data.get("seller_id"))) or None,
    }
    if kind == 1:
        status = _text(data.get("status"))
        return Notice(
            **base, effect=LAZADA_QC_STATUS.get(status.upper(), IGNORED), code=status,
            message=_text(data.get("reason")) or status, item_ids=_ids(data.get("itemId"), data.get("item_id")),
            details=data,
        )  # fmt: skip
    if kind == 8:
        expiry = data.get("auth_expiry_time")
        expires_at = _epoch(expiry, "data.auth_expiry_time") if expiry is not None else None
        gone = expires_at is not None and expires_at <= datetime.now(UTC)
        message = (
            f"authorization of seller {_text(data.get('seller_id')) or seller} for app {_text(data.get('app_key'))} "
            f"{'expired' if gone else 'expires'} at {expires_at.isoformat() if expires_at else 'an unknown time'}"
        )
        return Notice(
            **base, effect=AUTH_EXPIRED if gone else AUTH_EXPIRING, code="AUTHORIZATION_TOKEN_EXPIRATION",
            message=message, details=data, expires_at=expires_at,
        )  # fmt: skip
    return Notice(**base)


# --- Amazon --------------------------------------------------------------------------------------------------------


def _amazon(body: dict[str, Any]) -> Notice:
    kind = body.get("NotificationType") or body.get("notificationType")
    if not isinstance(kind, str) or not kind:
        raise NoticeError("NotificationType must be a string")
    metadata = body.get("NotificationMetadata") or body.get("notificationMetadata") or {}
    if not isinstance(metadata, dict):
        raise NoticeError("NotificationMetadata must be an object")
    payload = body.get("Payload") or body.get("payload") or {}
    if not isinstance(payload, dict):
        raise NoticeError("Payload must be an object")
    event_time = body.get("EventTime") or body.get("eventTime")
    base: dict[str, Any] = {
        "kind": kind,
        "sent_at": _iso(event_time) if event_time else None,
        "notification_id": _text(metadata.get("NotificationId") or metadata.get("notificationId")) or None,
        "platform_shop_id": _text(payload.get("SellerId")) or None,
    }
    skus = _ids(payload.get("Sku"))
    items = _ids(payload.get("Asin"))
    if kind == "LISTINGS_ITEM_ISSUES_CHANGE":
        severities = [str(s) for s in payload.get("Severities") or []]
        actions = [str(a) for a in payload.get("EnforcementActions") or []]
        if "ERROR" in severities or actions:
            code = ",".join(sorted(actions)) or "ERROR"
            message = f"listing issues of severity {', '.join(severities) or 'none'}" + (
                f"; enforcement actions {', '.join(actions)}" if actions else ""
            )
            return Notice(
                **base, effect=LISTING_REJECTED, code=code, message=message, item_ids=items, seller_skus=skus,
                details=payload,
            )  # fmt: skip
        return Notice(**base, effect=LISTING_CLEARED, code="NO_ERROR", seller_skus=skus, details=payload)
    if kind in ("LISTINGS_ITEM_STATUS_CHANGE", "LISTINGS_ITEM_STATUS_CHANGED"):
        status = [str(s) for s in payload.get("Status") or []]
        if "BUYABLE" in status:  # without it the offer may just be out of stock: nothing to say then
            return Notice(**base, effect=LISTING_CLEARED, code="BUYABLE", seller_skus=skus, details=payload)
    return Notice(**base)


def _iso(value: Any) -> datetime:
    if not isinstance(value, str):
        raise NoticeError("EventTime must be an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise NoticeError("EventTime must be an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


READERS: dict[str, Callable[[dict[str, Any]], Notice]] = {
    "tiktok": _tiktok,
    "shopee": _shopee,
    "lazada": _lazada,
    "amazon": _amazon,
}
