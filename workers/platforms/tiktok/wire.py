"""TikTok Shop's wire format: request signing and the exact JSON bytes that are signed and sent."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

# Signing ("Sign your API request"): HMAC-SHA256 keyed with the app secret over
# secret + path + sorted {key}{value} query params (without sign and access_token) + body + secret, lowercase hex.

UNSIGNED_PARAMS = frozenset({"sign", "access_token"})


def canonical_string(app_secret: str, path: str, params: Mapping[str, str], body: bytes = b"") -> str:
    pairs = "".join(f"{key}{params[key]}" for key in sorted(params) if key not in UNSIGNED_PARAMS)
    return f"{app_secret}{path}{pairs}{body.decode('utf-8')}{app_secret}"


def sign(app_secret: str, path: str, params: Mapping[str, str], body: bytes = b"") -> str:
    message = canonical_string(app_secret, path, params, body)
    return hmac.new(app_secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def dumps(payload: Any) -> bytes:
    """Serialise a JSON body once, compactly: the platform signs the exact bytes, so these are signed and sent."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
