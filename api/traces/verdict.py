"""The platform's verdict on a call, read from its stored response.

HTTP status alone misleads: TikTok, Shopee and Lazada answer most refusals with HTTP 200 and an error code in the
body, Amazon answers a refused listing write with 200 and `status: INVALID`, and batch calls list the items they
refused inside a 200 whose envelope says success. Pure and stdlib-only, so that any reader of traces can use it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

VerdictName = Literal["ok", "failed", "partial"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """`failed`: the platform refused the call as a whole (or never answered); `partial`: the call went through
    but the platform refused `failed_items` of its items; `ok`: nothing in the answer says anything failed.
    `code` and `message` are the platform's own words for the refusal, when it gave any."""

    verdict: VerdictName
    code: str | None = None
    message: str | None = None
    failed_items: int = 0


OK = Verdict("ok")


def _records(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _record(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _amazon(body: dict[str, Any]) -> Verdict:
    # Listings writes: ACCEPTED / INVALID with issues[]; an ERROR issue (on a write or a read-back) blocks.
    errors = [issue for issue in _records(body.get("issues")) if issue.get("severity") == "ERROR"]
    if body.get("status") == "INVALID" or errors:
        first = errors[0] if errors else {}
        return Verdict("failed", _text(first.get("code")) or _text(body.get("status")), _text(first.get("message")))
    return OK


def _tiktok(body: dict[str, Any]) -> Verdict:
    code = body.get("code")
    if code is not None and str(code) != "0":
        return Verdict("failed", str(code), _text(body.get("message")))
    refused = _records(_record(body.get("data")).get("errors"))
    if refused:
        return Verdict("partial", _text(refused[0].get("code")), _text(refused[0].get("message")), len(refused))
    return OK


def _shopee(body: dict[str, Any]) -> Verdict:
    refused = _records(_record(body.get("response")).get("failure_list"))
    error = _text(body.get("error"))
    if error is not None:
        return Verdict("failed", error, _text(body.get("message")), len(refused))
    if refused:
        return Verdict(
            "partial", _text(refused[0].get("fail_error")), _text(refused[0].get("failed_reason")), len(refused)
        )
    return OK


def _lazada(body: dict[str, Any]) -> Verdict:
    code = body.get("code")
    if code is None or str(code) == "0":
        return OK
    detail = _records(body.get("detail"))
    # A per-SKU detail[] names the refused SKUs; the SKUs it does not name went through.
    per_sku = [item for item in detail if _text(item.get("seller_sku"))]
    if per_sku and len(per_sku) == len(detail):
        return Verdict("partial", str(code), _text(per_sku[0].get("message")), len(per_sku))
    return Verdict("failed", str(code), _text(body.get("message")), len(detail))


_BY_PLATFORM: dict[str, Callable[[dict[str, Any]], Verdict]] = {
    "amazon": _amazon,
    "tiktok": _tiktok,
    "shopee": _shopee,
    "lazada": _lazada,
}


def verdict_of(platform: str, status: int | None, transport_error: str | None, response_body: str) -> Verdict:
    """The verdict of one attempt. Anything but a 2xx is a failure; a 2xx is read for the platform's own words."""
    if transport_error is not None or status is None:
        return Verdict("failed", None, transport_error)
    if not 200 <= status < 300:
        return Verdict("failed")
    read = _BY_PLATFORM.get(platform)
    if read is None or not response_body:
        return OK
    try:
        body = json.loads(response_body)
    except ValueError:
        return OK  # not JSON (or cut short): the status is all there is to go by
    return read(body) if isinstance(body, dict) else OK
