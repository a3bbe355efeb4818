"""Seller authorisation: the link per platform (parsed: parameters and signature), and the callback completed
against the sandbox served on loopback (tokens stored, health ok); reused, forged and expired states refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.shops.oauth import state as oauth_state
from sandbox.scenario import DEFAULT_SCENARIO
from tests.sandbox.conftest import RunningSandbox
from tests.shops.conftest import Tenant

PLATFORM_SHOPS = {"tiktok": "tiktok-us", "shopee": "shopee-my", "lazada": "lazada-my", "amazon": "amazon-us"}


@pytest.fixture(scope="module")
def running_sandbox() -> Iterator[RunningSandbox]:
    running = RunningSandbox(json.loads(DEFAULT_SCENARIO.read_text(encoding="utf-8"))).start()
    yield running
    running.stop()


def sandbox_entry(sandbox: RunningSandbox, platform: str) -> dict[str, Any]:
    shops = httpx.get(f"{sandbox.url}/_sandbox/shops").json()
    shops = shops["shops"]
    entry: dict[str, Any] = next(s for s in shops if s["platform"] == platform and not s.get("faults_revoked"))
    wanted = PLATFORM_SHOPS[platform]
    entry = next((s for s in shops if s["id"] == wanted), entry)
    credentials = entry["credentials"]
    if platform == "tiktok":
        credentials["service_id"] = credentials["app_key"]
    if platform == "amazon":
        credentials["application_id"] = credentials["client_id"]
    # Start from a connection without tokens, as a shop not yet authorised.
    return entry | {"access_token": None, "refresh_token": None, "access_expires_at": None}


async def connected_shop(
    tenant: Tenant, sandbox: RunningSandbox, platform: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    entry = sandbox_entry(sandbox, platform)
    shop = await tenant.shop(platform, entry["market"])
    put = await tenant.client.put(f"/v1/shops/{shop['id']}/connection", json=entry, headers=tenant.admin)
    assert put.status_code == 200, put.text
    return shop, entry


async def authorise(tenant: Tenant, shop: dict[str, Any]) -> str:
    """The authorize URL, opened on the sandbox: the callback URL it redirects to (path and query)."""
    answer = await tenant.client.get(f"/v1/shops/{shop['id']}/authorize-url", headers=tenant.admin)
    assert answer.status_code == 200, answer.text
    async with httpx.AsyncClient() as browser:
        page = await browser.get(answer.json()["url"], follow_redirects=False)
    assert page.status_code == 302, page.text
    location = urlsplit(page.headers["location"])
    assert location.path == f"/v1/oauth/{shop['platform']}/callback"
    return f"{location.path}?{location.query}"


@pytest.mark.parametrize("platform", ["tiktok", "shopee", "lazada", "amazon"])
async def test_the_callback_stores_the_platform_s_tokens_and_the_connection_is_healthy(
    tenant: Tenant, running_sandbox: RunningSandbox, platform: str
) -> None:
    shop, _ = await connected_shop(tenant, running_sandbox, platform)
    callback = await authorise(tenant, shop)

    done = await tenant.client.get(callback)
    connection = (await tenant.client.get(f"/v1/shops/{shop['id']}/connection", headers=tenant.admin)).json()
    again = await tenant.client.get(callback)

    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"http://127.0.0.1:8000/connections?authorized={shop['id']}"
    assert connection["has_access_token"] and connection["has_refresh_token"], connection
    assert connection["health"] == "ok" and connection["missing_scopes"] == []
    assert connection["access_expires_at"] is not None and connection["last_success_at"] is not None
    assert again.status_code == 400 and again.json()["code"] == "oauth_state_invalid"


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def test_each_platform_s_link_carries_its_parameters_and_signature(
    tenant: Tenant, running_sandbox: RunningSandbox, settings: Any
) -> None:
    urls: dict[str, str] = {}
    entries: dict[str, dict[str, Any]] = {}
    for platform in ("tiktok", "shopee", "lazada", "amazon"):
        shop, entries[platform] = await connected_shop(tenant, running_sandbox, platform)
        answer = await tenant.client.get(f"/v1/shops/{shop['id']}/authorize-url", headers=tenant.admin)
        urls[platform] = answer.json()["url"]
    callback = "http://127.0.0.1:8000/v1/oauth/{}/callback"

    tiktok = _query(urls["tiktok"])
    assert urlsplit(urls["tiktok"]).path == "/tiktok-auth/open/authorize"
    assert tiktok["service_id"] == entries["tiktok"]["credentials"]["app_key"]
    assert tiktok["redirect_uri"] == callback.format("tiktok")
    claims = oauth_state.verify(settings.secret_key, tiktok["state"])
    assert claims.tenant_id == tenant.id and claims.expires_at <= datetime.now(UTC) + timedelta(minutes=10)

    shopee, credentials = _query(urls["shopee"]), entries["shopee"]["credentials"]
    assert urlsplit(urls["shopee"]).path == "/shopee/api/v2/shop/auth_partner"
    base = f"{credentials['partner_id']}/api/v2/shop/auth_partner{shopee['timestamp']}"
    expected = hmac.new(credentials["partner_key"].encode(), base.encode(), hashlib.sha256).hexdigest()
    assert shopee["partner_id"] == credentials["partner_id"] and shopee["sign"] == expected
    assert shopee["redirect"].startswith(callback.format("shopee") + "?state=")

    lazada = _query(urls["lazada"])
    assert urlsplit(urls["lazada"]).path == "/lazada-auth/oauth/authorize"
    assert (lazada["response_type"], lazada["force_auth"]) == ("code", "true")
    assert lazada["client_id"] == entries["lazada"]["credentials"]["app_key"]
    assert lazada["redirect_uri"] == callback.format("lazada") and lazada["state"]

    amazon = _query(urls["amazon"])
    assert urlsplit(urls["amazon"]).path == "/lwa/apps/authorize/consent"
    assert amazon["application_id"] == entries["amazon"]["credentials"]["client_id"]
    assert amazon["version"] == "beta" and amazon["state"]


async def test_the_real_platform_pages_when_the_connection_is_not_the_sandbox(tenant: Tenant) -> None:
    links = {}
    credentials = {
        "tiktok": ({"app_key": "k", "app_secret": "s", "shop_cipher": "c", "service_id": "7100"}, "UK"),
        "lazada": ({"app_key": "100200", "app_secret": "s"}, "MY"),
        "amazon": (
            {"client_id": "c", "client_secret": "s", "seller_id": "A1", "application_id": "amzn1.sp.solution.x"},
            "UK",
        ),
        "shopee": ({"partner_id": "2001887", "partner_key": "k", "shop_id": "1"}, "MY"),
    }
    for platform, (creds, market) in credentials.items():
        shop = await tenant.shop(platform, market)
        put = await tenant.client.put(
            f"/v1/shops/{shop['id']}/connection", json={"credentials": creds}, headers=tenant.admin
        )
        assert put.status_code == 200, put.text
        links[platform] = (
            await tenant.client.get(f"/v1/shops/{shop['id']}/authorize-url", headers=tenant.admin)
        ).json()["url"]

    assert links["tiktok"].startswith("https://services.tiktokshop.com/open/authorize?service_id=7100&state=")
    assert links["lazada"].startswith(
        "https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true&redirect_uri="
    )
    assert links["amazon"].startswith(
        "https://sellercentral.amazon.co.uk/apps/authorize/consent?application_id=amzn1.sp.solution.x&state="
    )
    assert links["amazon"].endswith("&version=beta")
    assert links["shopee"].startswith("https://partner.shopeemobile.com/api/v2/shop/auth_partner?partner_id=2001887&")


async def test_forged_expired_and_foreign_states_are_refused_and_change_nothing(
    tenant: Tenant, running_sandbox: RunningSandbox, settings: Any
) -> None:
    shop, _ = await connected_shop(tenant, running_sandbox, "lazada")
    callback = await authorise(tenant, shop)
    query = _query("http://x" + callback)
    claims = oauth_state.verify(settings.secret_key, query["state"])

    forged = oauth_state.sign("not-our-key", claims)
    expired = oauth_state.sign(
        settings.secret_key,
        oauth_state.StateClaims(tenant.id, claims.shop_id, claims.nonce, datetime.now(UTC) - timedelta(seconds=1)),
    )
    unknown_nonce = oauth_state.sign(
        settings.secret_key, oauth_state.StateClaims(tenant.id, claims.shop_id, uuid.uuid4(), claims.expires_at)
    )
    answers = [
        await tenant.client.get("/v1/oauth/lazada/callback", params={"code": query["code"], "state": s})
        for s in (forged, expired, unknown_nonce, "garbage", query["state"][:-2] + "00")
    ]
    wrong_platform = await tenant.client.get("/v1/oauth/shopee/callback", params=query)
    connection = (await tenant.client.get(f"/v1/shops/{shop['id']}/connection", headers=tenant.admin)).json()
    still_good = await tenant.client.get(callback)

    assert [a.status_code for a in answers] == [400] * 5
    assert all(a.json()["code"] == "oauth_state_invalid" for a in answers)
    assert wrong_platform.status_code == 400
    assert not connection["has_access_token"]
    assert still_good.status_code == 303
