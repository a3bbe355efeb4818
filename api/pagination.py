"""Opaque cursors for keyset pagination: any JSON value, base64url-encoded.

A list encodes its own sort key in the cursor (e.g. `[occurred_at, id]`) and checks the decoded shape itself.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from api import problems


def encode_cursor(value: Any) -> str:
    raw = json.dumps(value, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    """The value encode_cursor was given; a cursor that was not made by it is a 422 problem."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise invalid_cursor() from exc


def invalid_cursor() -> problems.Invalid:
    """Also for callers whose cursor decodes but has the wrong shape."""
    reason = "not a cursor this API returned"
    return problems.Invalid(reason, invalid_params=[{"name": "cursor", "reason": reason, "type": "value_error"}])


MAX_LIMIT = 200
