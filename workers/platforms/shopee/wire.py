"""Shopee's wire format: request signing."""

from __future__ import annotations

import hashlib
import hmac

# Signing (developer guide "API calls"): lowercase hex HMAC-SHA256 over a plain concatenation; body and params not signed.


def shop_base_string(partner_id: str, path: str, timestamp: int, access_token: str, shop_id: str) -> str:
    return f"{partner_id}{path}{timestamp}{access_token}{shop_id}"


def public_base_string(partner_id: str, path: str, timestamp: int) -> str:
    return f"{partner_id}{path}{timestamp}"


def sign(partner_key: str, base_string: str) -> str:
    return hmac.new(partner_key.encode(), base_string.encode(), hashlib.sha256).hexdigest()
