"""Opaque cursors for keyset pagination: a flat JSON list of scalars, base64url-encoded and signed.

A list encodes its own sort key in the cursor (e.g. `[occurred_at, id]`) and checks the decoded shape itself. The
signature (HMAC-SHA256 with the secret key) means a cursor is only ever one this API returned: a forged, edited,
huge or deeply nested one is a 422 naming `cursor` before anything is parsed or sent to the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from typing import Annotated, Any

from fastapi import Query

from api import problems
from api.config import get_settings

MAX_LIMIT = 200
MAX_CURSOR_CHARS = 1500  # a 200-character SKU of 4-byte characters and an id fit

CursorParam = Annotated[
    str | None, Query(max_length=MAX_CURSOR_CHARS, description="next_cursor of the previous page, as returned")
]

_SIGNATURE_BYTES = 16
_CURSOR = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_INT64 = 2**63


def _signature(payload: str) -> str:
    # The process's settings are the ones its app is built from; every replica shares OPENCLAW_SECRET_KEY.
    key = ("cursor:" + get_settings().secret_key).encode()
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(value: list[Any]) -> str:
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{payload}.{_signature(payload)}"


def decode_cursor(cursor: str) -> list[Any]:
    """The list encode_cursor was given; a cursor that was not made by it is a 422 problem."""
    if len(cursor) > MAX_CURSOR_CHARS or not _CURSOR.fullmatch(cursor):
        raise invalid_cursor()
    payload, signature = cursor.split(".")
    if not hmac.compare_digest(signature, _signature(payload)):
        raise invalid_cursor()
    try:
        value = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise invalid_cursor() from exc
    # Signed cursors are ours, but a cursor signed by an older release must still be a flat list of scalars.
    if not isinstance(value, list) or not all(_scalar(part) for part in value):
        raise invalid_cursor()
    return value


def _scalar(part: Any) -> bool:
    if isinstance(part, bool):
        return False
    if isinstance(part, int):
        return -_INT64 <= part < _INT64
    return isinstance(part, str) and len(part) <= 200


def invalid_cursor() -> problems.Invalid:
    """Also for callers whose cursor decodes but has the wrong shape."""
    reason = "not a cursor this API returned"
    return problems.Invalid(reason, invalid_params=[{"name": "cursor", "reason": reason, "type": "value_error"}])
