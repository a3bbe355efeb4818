"""Redaction of secrets in recorded platform exchanges.

Applied when a trace is recorded (by the platform clients) and again when it is written (by the traces service),
so no token, signature or app secret is ever stored. Pure functions over plain data; no heavy imports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "[REDACTED]"

# Names (lower-cased, '-' and '_' folded) whose values are secrets wherever they appear:
# headers, query strings, JSON bodies and form bodies.
SECRET_NAMES = frozenset(
    {
        "authorization",
        "proxyauthorization",
        "cookie",
        "setcookie",
        "xamzaccesstoken",
        "xttsaccesstoken",
        "accesstoken",
        "refreshtoken",
        "clientsecret",
        "appsecret",
        "partnerkey",
        "secret",
        "sign",
        "signature",
        "password",
        "authcode",
        "apikey",
        "xapikey",
    }
)


# Secret only in query strings and form bodies (OAuth authorisation codes); in JSON "code" is an error code.
_QUERY_ONLY_SECRET_NAMES = frozenset({"code"})


def _fold(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def is_secret_name(name: str) -> bool:
    return _fold(name) in SECRET_NAMES


def _is_secret_param(name: str) -> bool:
    return is_secret_name(name) or _fold(name) in _QUERY_ONLY_SECRET_NAMES


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: (REDACTED if is_secret_name(k) else v) for k, v in items}


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = parse_qsl(parts.query, keep_blank_values=True)
    pairs = [(k, REDACTED if _is_secret_param(k) else v) for k, v in query]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="[]")))


def redact_value(value: Any) -> Any:
    """Redact secret-named keys at any depth of a decoded JSON value."""
    if isinstance(value, dict):
        return {k: (REDACTED if is_secret_name(str(k)) else redact_value(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    return value


# Tokens that are secrets by their shape even when their key is innocent (e.g. inside an error message).
_TOKEN_SHAPES = re.compile(r"(Atz[ar]\|[A-Za-z0-9_\-+/=|]+)|(Bearer\s+[A-Za-z0-9_\-+/=.]+)")


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Redact a body whose structure is unknown: JSON, form-encoded, or plain text."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return scrub(json.dumps(redact_value(json.loads(stripped)), ensure_ascii=False), secrets)
        except ValueError:
            pass
    elif "=" in stripped and "\n" not in stripped and " " not in stripped:
        pairs = parse_qsl(stripped, keep_blank_values=True)
        if pairs:
            return urlencode([(k, REDACTED if _is_secret_param(k) else v) for k, v in pairs], safe="[]")
    return scrub(text, secrets)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace known secret values and token-shaped strings anywhere in a text."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, REDACTED)
    return _TOKEN_SHAPES.sub(REDACTED, text)
