"""Opaque cursors for keyset pagination: base64url JSON of the last row's sort key."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from api import problems

MAX_LIMIT = 200


def encode_cursor(values: dict[str, Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, required: tuple[str, ...]) -> dict[str, Any]:
    """The cursor's values; a cursor that was not made by encode_cursor (or lacks a key) is a 422 problem."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise problems.Invalid("the cursor is not valid; start again without it", code="invalid_cursor") from exc
    if not isinstance(values, dict) or any(key not in values for key in required):
        raise problems.Invalid("the cursor is not valid; start again without it", code="invalid_cursor")
    return values
