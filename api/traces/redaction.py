"""Redaction of secrets, before anything is written: recorded platform exchanges and ingested error events alike.

The one contract `api/` and `workers/` share for it: the platform clients redact a trace when they record it, the
traces service again when it writes it, and ingest redacts the text fields of every error event. Standard library
only, pure functions over plain data.

A secret is found by its name (headers, query strings, form bodies, JSON keys at any depth and inside JSON
documents serialised into string values, XML elements, `name=value` / `"name": "value"` in free text) and by its
shape (bearer tokens, JWTs, Amazon LWA tokens, the platforms' token formats), wherever it appears.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

REDACTED = "[REDACTED]"

# Names (lower-cased, '-' and '_' folded) whose values are secrets wherever they appear.
SECRET_NAMES = frozenset(
    {
        "authorization",
        "proxyauthorization",
        "cookie",
        "setcookie",
        "token",
        "secret",
        "sign",
        "xsign",
        "signature",
        "password",
        "passwd",
        "authcode",  # TikTok's OAuth code parameter
        "oauthcode",
    }
)
# Endings that make a name secret: x-amz-access-token, x-tts-access-token, X-Access-Token, client_secret,
# app_secret, partner_key, X-Partner-Key, x-api-key, x-amz-security-token, ...
_SECRET_ENDINGS = (
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "authtoken",
    "sessiontoken",
    "securitytoken",
    "secret",
    "secretkey",
    "privatekey",
    "partnerkey",
    "apikey",
    "password",
    "signature",
)
# Secret only in query strings and form bodies (OAuth authorisation codes); in JSON and prose "code" is an error code.
_PARAM_ONLY_SECRET_NAMES = frozenset({"code"})
# In prose these names are common words ("the sign is wrong"): a value counts only with the shape of a signature.
_SIGNATURE_NAMES = frozenset({"sign", "signature"})


def _fold(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def is_secret_name(name: str) -> bool:
    folded = _fold(name.rsplit(":", 1)[-1])  # an XML namespace prefix does not change the name
    return folded in SECRET_NAMES or folded.endswith(_SECRET_ENDINGS)


def _is_secret_param(name: str) -> bool:
    return is_secret_name(name) or _fold(name) in _PARAM_ONLY_SECRET_NAMES


# --- shapes ------------------------------------------------------------------------------------------------------

# Each shape with the literal a text must contain for it to be worth a search (ingest redacts every event's texts,
# and most have none of them).
_TOKEN_SHAPES = tuple(
    (trigger, re.compile(pattern))
    for trigger, pattern in (
        ("Atz", r"Atz[acr]\|[A-Za-z0-9_\-+/=|.%]+"),  # Amazon LWA access (Atza|), refresh (Atzr|), code (Atzc|) tokens
        ("amzn1.oa2-cs", r"amzn1\.oa2-cs\.v1\.[A-Za-z0-9]+"),  # Amazon LWA client secret
        ("TTP_", r"\bTTP_[A-Za-z0-9_\-+/=]{16,}"),  # TikTok Shop access and refresh tokens
        ("ROW_", r"\bROW_[A-Za-z0-9_\-+/=]{16,}"),
        ("5000", r"\b5000(?=[0-9A-Za-z]*[A-Za-z])[0-9A-Za-z]{36,}\b"),  # Lazada access and refresh tokens
        ("eyJ", r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),  # JWT
        ("earer", r"\b[Bb]earer\s+[A-Za-z0-9_\-+/=.~|%]{8,}"),
    )
)
# Shopee's tokens are the hex encoding of 16 or more ASCII letters and digits (e.g. `59777174636562737266615546704c6d`
# in its guide); random hex (request ids, signatures, our own ids) almost never decodes to that.
_HEX_RUN = re.compile(r"\b[0-9A-Fa-f]{32,}\b")
_LONG_HEX = re.compile(r"[0-9A-Fa-f]{32,}")


def _is_shopee_token(hex_run: str) -> bool:
    if len(hex_run) % 2:
        return False
    decoded = bytes.fromhex(hex_run)
    return decoded.isascii() and decoded.isalnum()


# `name=value`, `name: value`, `"name": "value"` (also with escaped quotes, as in JSON serialised inside a string).
_PAIR = re.compile(
    r"(?<![A-Za-z0-9_-])(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?P<sep>[\\\"']*\s*[:=]\s*[\\\"']*)"
    r"(?P<value>[^\s&,;\"'\\<>(){}\[\]]+)"
)
# Every secret name holds one of these (lower-cased): a text without any has no secret-named pair or element.
_NAME_HINTS = ("token", "secret", "sign", "passw", "key", "auth", "cookie")
_XML_ELEMENT = re.compile(r"<(?P<tag>[A-Za-z_][\w.:-]*)(?P<attrs>[^<>]*)>(?P<value>[^<]+)</(?P=tag)\s*>")
_URL = re.compile(r"https?://[^\s\"'<>]+")


def _redact_pair(match: re.Match[str]) -> str:
    name, value = match["name"], match["value"]
    if not is_secret_name(name) or value == REDACTED:
        return match[0]
    if _fold(name) in _SIGNATURE_NAMES and not _LONG_HEX.fullmatch(value):
        return match[0]
    return f"{name}{match['sep']}{REDACTED}"


def _redact_xml_element(match: re.Match[str]) -> str:
    if not is_secret_name(match["tag"]):
        return match[0]
    return f"<{match['tag']}{match['attrs']}>{REDACTED}</{match['tag']}>"


def _may_hold_secret(text: str) -> bool:
    """False when no rule below could match: every secret name holds a hint, every shape its trigger. Most texts
    (error messages, codes, field names) end here, at the cost of a few substring searches."""
    folded = _fold(text)
    return (
        any(hint in folded for hint in _NAME_HINTS)
        or "code=" in folded  # an OAuth code in a query or form body
        or "code%3d" in folded
        or "://" in text
        or any(trigger in text for trigger, _ in _TOKEN_SHAPES)
        or _HEX_RUN.search(text) is not None
    )


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Redact secrets in a text of any form (prose, log lines, XML, truncated JSON): known secret values, URLs'
    query strings, secret-named elements and pairs, and token-shaped strings."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, REDACTED)
    if not _may_hold_secret(text):
        return text
    if "://" in text:
        text = _URL.sub(lambda m: _redact_url_only(m[0]), text)
    for trigger, shape in _TOKEN_SHAPES:
        if trigger in text:
            text = shape.sub(REDACTED, text)
    text = _HEX_RUN.sub(lambda m: REDACTED if _is_shopee_token(m[0]) else m[0], text)
    lowered = text.lower()
    if any(hint in lowered for hint in _NAME_HINTS):
        if "</" in text:
            text = _XML_ELEMENT.sub(_redact_xml_element, text)
        text = _PAIR.sub(_redact_pair, text)
    return text


# --- structured forms --------------------------------------------------------------------------------------------


def redact_value(value: Any, secrets: Iterable[str] = ()) -> Any:
    """Redact a decoded JSON value: secret-named keys at any depth, and every string (which may itself hold JSON)."""
    secrets = tuple(secrets)
    if isinstance(value, dict):
        return {str(k): _redact_member(str(k), v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, secrets) for v in value]
    if isinstance(value, str):
        return redact_text(value, secrets)
    return value


def _redact_member(name: str, value: Any, secrets: tuple[str, ...]) -> Any:
    if is_secret_name(name) and not isinstance(value, (dict, list, bool)) and value not in (None, ""):
        return REDACTED
    return redact_value(value, secrets)  # a secret-named object ({"token": {...}}) keeps its shape


def _redact_pairs(encoded: str, secrets: tuple[str, ...]) -> str:
    """A query string or form body, redacted in place: untouched pairs keep their exact encoding."""
    pieces = []
    for piece in encoded.split("&"):
        name, eq, raw_value = piece.partition("=")
        if eq and _is_secret_param(unquote_plus(name)) and raw_value:
            pieces.append(f"{name}={REDACTED}")
            continue
        value = unquote_plus(raw_value)
        redacted = redact_text(value, secrets)
        pieces.append(piece if redacted == value else f"{name}={quote(redacted, safe='[]')}")
    return "&".join(pieces)


def _redact_url_only(url: str, secrets: tuple[str, ...] = ()) -> str:
    parts = urlsplit(url)
    if not parts.query and not parts.fragment:
        return url
    return urlunsplit(
        parts._replace(query=_redact_pairs(parts.query, secrets), fragment=_redact_pairs(parts.fragment, secrets))
    )


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """A URL with its secret query (and fragment) parameters redacted, and token-shaped parts of its path."""
    secrets = tuple(secrets)
    try:
        redacted = _redact_url_only(url, secrets)
    except ValueError:  # not a URL we can split (e.g. an invalid IPv6 host): treat it as text
        return scrub(url, secrets)
    parts = urlsplit(redacted)
    return urlunsplit(parts._replace(path=scrub(parts.path, secrets)))


def redact_headers(
    headers: Mapping[str, str] | Iterable[tuple[str, str]], secrets: Iterable[str] = ()
) -> dict[str, str]:
    secrets = tuple(secrets)
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: (REDACTED if is_secret_name(k) else scrub(v, secrets)) for k, v in items}


def _looks_like_form(text: str) -> bool:
    return "=" in text and not any(c.isspace() for c in text) and "://" not in text.split("=", 1)[0]


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Redact a text whose form is unknown: a JSON document, a form body, or anything else (XML, prose).

    Text with nothing to redact is returned as it came (a JSON body is not re-serialised)."""
    secrets = tuple(secrets)
    if not _may_hold_secret(text) and not any(secret and secret in text for secret in secrets):
        return text
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            decoded = json.loads(stripped)
        except ValueError:
            pass
        else:
            redacted = redact_value(decoded, secrets)
            return text if redacted == decoded else json.dumps(redacted, ensure_ascii=False)
    elif _looks_like_form(stripped):
        start = text.index(stripped)
        return text[:start] + _redact_pairs(stripped, secrets) + text[start + len(stripped) :]
    return scrub(text, secrets)
