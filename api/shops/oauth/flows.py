"""Each platform's seller authorisation: the link to its authorisation page, and the exchange of the code its
callback brings for a token pair at its token endpoint (api/platforms.py AUTH_DOCS; facts in
/work/shared/platforms/*.md). Refreshing is the workers' (workers/platforms/*); the API only needs this first step,
with the same signing rules, so it lives here and imports nothing of the workers.

- TikTok Shop: `services.tiktokshop.com/open/authorize?service_id&state` (US: services.tiktokshops.us); callback
  `?code&state`; `GET auth.tiktok-shops.com/api/v2/token/get?app_key&app_secret&auth_code&grant_type=authorized_code`
  (unsigned), `*_expire_in` absolute Unix times, `granted_scopes`.
- Shopee: `/api/v2/shop/auth_partner?partner_id&timestamp&sign&redirect`, sign = HMAC-SHA256(partner_key,
  partner_id + path + timestamp) hex; callback `?code&shop_id`; `POST /api/v2/auth/token/get` (public sign) with
  `{code, shop_id, partner_id}`; `expire_in` seconds; refresh token 30 days.
- Lazada: `auth.lazada.com/oauth/authorize?response_type=code&force_auth=true&redirect_uri&client_id&state`;
  callback `?code&state`; `/auth/token/create` with `code` + system params signed (HMAC-SHA256 over path + sorted
  name/value pairs, uppercase hex); `expires_in`, `refresh_expires_in` seconds.
- Amazon: `sellercentral.amazon.<tld>/apps/authorize/consent?application_id&state&version=beta`; callback
  `?spapi_oauth_code&selling_partner_id&state`; LWA `POST /auth/o2/token` form `grant_type=authorization_code`,
  `code`, `redirect_uri`, `client_id`, `client_secret`; `expires_in` seconds; the refresh token lasts until the
  yearly re-authorisation.

The sandbox serves each page at the connection's auth_base_url under the same path; where the real platform takes
the redirect URL from the app's registration (TikTok), the sandbox's page takes it as `redirect_uri`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from api import platforms, problems


class ExchangeFailed(problems.DomainError):
    status = 502
    code = "authorization_exchange_failed"
    title_en = "The platform refused the authorisation code"
    title_zh = "平台拒绝了授权码"


class CredentialsMissing(problems.Invalid):
    pass


@dataclass(frozen=True, slots=True)
class App:
    """What building a link and exchanging a code need of a connection."""

    platform: str
    market: str
    credentials: Mapping[str, str]
    base_url: str | None
    auth_base_url: str | None


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    grant_expires_at: datetime | None
    scopes: list[str] | None


def _need(app: App, *names: str) -> list[str]:
    missing = [n for n in names if not app.credentials.get(n)]
    if missing:
        params = [
            {"name": f"credentials.{n}", "reason": f"{app.platform} needs it to authorise", "type": "value_error"}
            for n in missing
        ]
        raise CredentialsMissing(
            f"set the connection's credential(s) {', '.join(missing)} first", invalid_params=params
        )
    return [app.credentials[n] for n in names]


def _official_hosts(platform: str) -> set[str]:
    hosts = {urlsplit(platforms.TOKEN_HOSTS[platform]).hostname, urlsplit(platforms.AUTHORIZE_PAGES[platform]).hostname}
    return {h for h in hosts if h}


def is_sandbox(app: App) -> bool:
    """The connection's auth host is not the platform's own: the sandbox (or another emulator)."""
    host = urlsplit(app.auth_base_url).hostname if app.auth_base_url else None
    return host is not None and host not in _official_hosts(app.platform)


def _page(app: App) -> str:
    official = platforms.AUTHORIZE_PAGES[app.platform]
    if is_sandbox(app):
        assert app.auth_base_url is not None
        return app.auth_base_url.rstrip("/") + urlsplit(official).path
    if app.platform == "amazon":
        found = platforms.market("amazon", app.market)
        return official.format(host=found.seller_centre_host if found else "sellercentral.amazon.com")
    if app.platform == "tiktok" and app.market == "US":
        return platforms.TIKTOK_US_AUTHORIZE_PAGE
    return official


def _token_host(app: App) -> str:
    if app.platform == "shopee":
        return (app.auth_base_url or app.base_url or platforms.TOKEN_HOSTS["shopee"]).rstrip("/")
    return (app.auth_base_url or platforms.TOKEN_HOSTS[app.platform]).rstrip("/")


def shopee_sign(partner_key: str, base_string: str) -> str:
    return hmac.new(partner_key.encode(), base_string.encode(), hashlib.sha256).hexdigest()


def lazada_sign(app_secret: str, api_path: str, params: Mapping[str, str]) -> str:
    message = api_path + "".join(f"{name}{params[name]}" for name in sorted(params) if name != "sign")
    return hmac.new(app_secret.encode(), message.encode(), hashlib.sha256).hexdigest().upper()


SHOPEE_AUTH_PATH = "/api/v2/shop/auth_partner"
SHOPEE_TOKEN_PATH = "/api/v2/auth/token/get"
LAZADA_TOKEN_PATH = "/auth/token/create"


def authorize_url(app: App, state: str, redirect_uri: str, now: datetime | None = None) -> str:
    """The link that sends the seller to the platform's authorisation page and back to `redirect_uri`."""
    page, sandbox = _page(app), is_sandbox(app)
    query: dict[str, str]
    if app.platform == "tiktok":
        (service_id,) = _need(app, "service_id")
        query = {"service_id": service_id, "state": state}
        if sandbox:
            # The real page takes the redirect from the app's registration; the sandbox's takes it here, with the
            # shop that authorises.
            query["redirect_uri"] = redirect_uri
            query.update({"shop_cipher": app.credentials["shop_cipher"]} if app.credentials.get("shop_cipher") else {})
    elif app.platform == "shopee":
        partner_id, partner_key = _need(app, "partner_id", "partner_key")
        timestamp = str(int((now or datetime.now(UTC)).timestamp()))
        sign = shopee_sign(partner_key, f"{partner_id}{SHOPEE_AUTH_PATH}{timestamp}")
        # Shopee hands the state back only inside the redirect URL.
        redirect = f"{redirect_uri}?{urlencode({'state': state})}"
        query = {"partner_id": partner_id, "timestamp": timestamp, "sign": sign, "redirect": redirect}
        if sandbox and app.credentials.get("shop_id"):
            query["shop_id"] = app.credentials["shop_id"]  # sandbox-only: which of the partner's shops logs in
    elif app.platform == "lazada":
        (app_key,) = _need(app, "app_key")
        query = {
            "response_type": "code",
            "force_auth": "true",
            "redirect_uri": redirect_uri,
            "client_id": app_key,
            "state": state,
            "country": app.market.lower(),
        }
    else:
        (application_id,) = _need(app, "application_id")
        query = {"application_id": application_id, "state": state, "version": "beta"}
        if sandbox:
            query["redirect_uri"] = redirect_uri
            query.update({"seller_id": app.credentials["seller_id"]} if app.credentials.get("seller_id") else {})
    return f"{page}?{urlencode(query)}"


async def exchange(
    http: httpx.AsyncClient, app: App, params: Mapping[str, str], redirect_uri: str, now: datetime | None = None
) -> Tokens:
    """The token pair for the code the callback brought (`params` is its query)."""
    now = now or datetime.now(UTC)
    try:
        if app.platform == "tiktok":
            return await _tiktok(http, app, params)
        if app.platform == "shopee":
            return await _shopee(http, app, params, now)
        if app.platform == "lazada":
            return await _lazada(http, app, params, now)
        return await _amazon(http, app, params, redirect_uri, now)
    except httpx.HTTPError as exc:
        raise ExchangeFailed(f"the {app.platform} token endpoint did not answer: {type(exc).__name__}") from exc


def _code(params: Mapping[str, str], name: str = "code") -> str:
    code = params.get(name, "")
    if not code:
        raise problems.BadRequest(f"the callback carries no {name}: the seller did not authorise")
    return code


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ExchangeFailed(f"the token endpoint answered HTTP {response.status_code} without a JSON object")
    return body


def _at(seconds: Any, now: datetime) -> datetime | None:
    return now + timedelta(seconds=int(seconds)) if isinstance(seconds, int | float) and seconds > 0 else None


def _grant(platform: str, now: datetime) -> datetime | None:
    lifetime = platforms.GRANT_LIFETIME.get(platform)
    return now + lifetime if lifetime else None


async def _tiktok(http: httpx.AsyncClient, app: App, params: Mapping[str, str]) -> Tokens:
    app_key, app_secret = _need(app, "app_key", "app_secret")
    query = {"app_key": app_key, "app_secret": app_secret, "auth_code": _code(params), "grant_type": "authorized_code"}
    body = _json(await http.get(f"{_token_host(app)}/api/v2/token/get", params=query))
    data = body.get("data")
    if body.get("code") != 0 or not isinstance(data, dict) or not data.get("access_token"):
        raise ExchangeFailed(f"TikTok Shop answered {body.get('code')}: {body.get('message')}")

    def unix(value: Any) -> datetime | None:
        return datetime.fromtimestamp(value, UTC) if isinstance(value, int | float) and value > 0 else None

    refresh_expires = unix(data.get("refresh_token_expire_in"))
    scopes = data.get("granted_scopes")
    return Tokens(
        access_token=str(data["access_token"]),
        refresh_token=str(data["refresh_token"]) if data.get("refresh_token") else None,
        access_expires_at=unix(data.get("access_token_expire_in")),
        refresh_expires_at=refresh_expires,
        grant_expires_at=refresh_expires,  # the grant lasts as long as the seller granted: the refresh token's life
        scopes=[str(s) for s in scopes] if isinstance(scopes, list) else None,
    )


async def _shopee(http: httpx.AsyncClient, app: App, params: Mapping[str, str], now: datetime) -> Tokens:
    partner_id, partner_key, shop_id = _need(app, "partner_id", "partner_key", "shop_id")
    if params.get("shop_id") and params["shop_id"] != shop_id:
        raise problems.BadRequest(f"the seller authorised Shopee shop {params['shop_id']}, this shop is {shop_id}")
    timestamp = str(int(time.time()))
    query = {
        "partner_id": partner_id,
        "timestamp": timestamp,
        "sign": shopee_sign(partner_key, f"{partner_id}{SHOPEE_TOKEN_PATH}{timestamp}"),
    }
    payload = {"code": _code(params), "shop_id": int(shop_id), "partner_id": int(partner_id)}
    body = _json(await http.post(f"{_token_host(app)}{SHOPEE_TOKEN_PATH}", params=query, json=payload))
    if body.get("error") or not body.get("access_token"):
        raise ExchangeFailed(f"Shopee answered {body.get('error')}: {body.get('message')}")
    refresh_lifetime = platforms.REFRESH_TOKEN_LIFETIME["shopee"]
    return Tokens(
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
        access_expires_at=_at(body.get("expire_in"), now),
        refresh_expires_at=now + refresh_lifetime if refresh_lifetime else None,
        grant_expires_at=_grant("shopee", now),
        scopes=None,
    )


async def _lazada(http: httpx.AsyncClient, app: App, params: Mapping[str, str], now: datetime) -> Tokens:
    app_key, app_secret = _need(app, "app_key", "app_secret")
    query = {
        "app_key": app_key,
        "timestamp": str(int(now.timestamp() * 1000)),
        "sign_method": "sha256",
        "code": _code(params),
    }
    query["sign"] = lazada_sign(app_secret, LAZADA_TOKEN_PATH, query)
    body = _json(await http.post(f"{_token_host(app)}{LAZADA_TOKEN_PATH}", params=query))
    if str(body.get("code", "0")) != "0" or not body.get("access_token"):
        raise ExchangeFailed(f"Lazada answered {body.get('code')}: {body.get('message')}")
    return Tokens(
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
        access_expires_at=_at(body.get("expires_in"), now),
        refresh_expires_at=_at(body.get("refresh_expires_in"), now),
        grant_expires_at=None,
        scopes=None,
    )


async def _amazon(
    http: httpx.AsyncClient, app: App, params: Mapping[str, str], redirect_uri: str, now: datetime
) -> Tokens:
    client_id, client_secret, seller_id = _need(app, "client_id", "client_secret", "seller_id")
    partner = params.get("selling_partner_id")
    if partner and partner != seller_id:
        raise problems.BadRequest(f"the seller {partner} authorised, this shop is seller {seller_id}")
    form = {
        "grant_type": "authorization_code",
        "code": _code(params, "spapi_oauth_code"),
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "client_secret": client_secret,
    }
    body = _json(await http.post(f"{_token_host(app)}/auth/o2/token", data=form))
    if response_error := body.get("error"):
        raise ExchangeFailed(f"Login with Amazon answered {response_error}: {body.get('error_description')}")
    if not body.get("access_token"):
        raise ExchangeFailed("Login with Amazon answered no access token")
    return Tokens(
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
        access_expires_at=_at(body.get("expires_in"), now),
        refresh_expires_at=None,
        grant_expires_at=_grant("amazon", now),
        scopes=None,
    )
