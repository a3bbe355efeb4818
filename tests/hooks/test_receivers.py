"""The platforms' notifications through the receiver: signatures as each platform computes them, replays and
duplicates refused, and what each notification does to the board and the connection."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlalchemy import func, select

from api.db import use_tenant
from api.hooks.models import PlatformNotification
from tests.conftest import Seeder
from tests.hooks.conftest import LISTINGS, HookTenant, fixture, sign

BANS = {
    "tiktok": ("product_audit_failure", "PRODUCT_AUDIT_FAILURE", "violate listing rules"),
    "shopee": ("banned_item", "BANNED", "License Reason"),
    "lazada": ("product_qc_locked", "Lock", "You have violated the Prohibited and Controlled Products Policy"),
    "amazon": ("listings_item_issues_change_error", "LISTING_SUPPRESSED", "enforcement actions LISTING_SUPPRESSED"),
}
CLEARS = {
    "tiktok": "product_audit_approved",
    "shopee": "banned_item_lifted",
    "lazada": "product_qc_approved",
    "amazon": "listings_item_issues_change_cleared",
}
DEAUTHS = {
    "tiktok": ("seller_deauthorization", "SELLER_DEAUTHORIZATION", "is deauthorized from your APP by merchant"),
    "shopee": ("shop_authorization_canceled", "SHOP_AUTHORIZATION_CANCELED", "authorization is canceled"),
    "lazada": ("token_expiration_alert", "AUTHORIZATION_TOKEN_EXPIRATION", "expired at"),
}
PLATFORMS = ["tiktok", "shopee", "lazada", "amazon"]


def _deauth_body(platform: str) -> dict[str, object]:
    name = DEAUTHS[platform][0]
    if platform == "lazada":  # the token alert with its expiry already past: the authorisation is gone
        body = fixture(platform, name)
        body["data"] = {**body["data"], "auth_expiry_time": int(time.time()) - 60, "seller_id": "500176629136"}  # type: ignore[dict-item]
        return body
    return fixture(platform, name)


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_banned_listing_becomes_listing_rejected_with_the_platforms_reason(
    hooks: HookTenant, platform: str
) -> None:
    await hooks.connect(platform)
    name, code, words = BANS[platform]

    response = await hooks.post(platform, fixture(platform, name))

    assert response.status_code == 200, response.text
    receipt = response.json()
    sku = LISTINGS[platform][0]
    assert receipt | {"id": None} == {
        "id": None, "duplicate": False, "kind": receipt["kind"], "effect": "listing_rejected", "outcome": "applied",
        "health": None, "skus": [sku], "events": 1, "resolved": 0,
    }  # fmt: skip
    [group] = await hooks.groups(platform, "LISTING_REJECTED")
    assert (group.sku, group.platform_error_code, group.status, group.count) == (sku, code, "open", 1)
    assert words in (group.latest_message or "")


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_cleared_listing_resolves_its_open_listing_rejected_group(hooks: HookTenant, platform: str) -> None:
    await hooks.connect(platform)
    assert (await hooks.post(platform, fixture(platform, BANS[platform][0]))).status_code == 200

    response = await hooks.post(platform, fixture(platform, CLEARS[platform]))

    assert response.status_code == 200, response.text
    assert (response.json()["effect"], response.json()["resolved"]) == ("listing_cleared", 1)
    [group] = await hooks.groups(platform, "LISTING_REJECTED")
    assert (group.status, group.resolution, group.handled_by) == ("handled", "auto_resolved", "system")


@pytest.mark.parametrize("platform", ["tiktok", "shopee", "lazada"])
async def test_a_deauthorisation_expires_the_connection_with_one_auth_expired(hooks: HookTenant, platform: str) -> None:
    await hooks.connect(platform)
    _, code, words = DEAUTHS[platform]

    response = await hooks.post(platform, _deauth_body(platform))

    assert response.status_code == 200, response.text
    assert (response.json()["effect"], response.json()["health"]) == ("auth_expired", "expired")
    assert await hooks.health(platform) == "expired"
    [group] = await hooks.groups(platform, "AUTH_EXPIRED")
    assert (group.count, group.platform_error_code, group.operation) == (1, code, "auth")
    assert words in (group.latest_message or "")


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_bad_signature_is_refused_and_changes_nothing(hooks: HookTenant, platform: str) -> None:
    await hooks.connect(platform)
    before = await hooks.counts()

    response = await hooks.post(platform, fixture(platform, BANS[platform][0]), secret="not-the-shops-secret")

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "bad_signature"
    assert await hooks.counts() == before


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_body_changed_after_signing_is_refused(hooks: HookTenant, platform: str) -> None:
    await hooks.connect(platform)
    raw = json.dumps(fixture(platform, BANS[platform][0])).encode()
    headers = sign(platform, "http://testserver" + hooks.path(platform), raw)

    response = await hooks.post_raw(platform, raw.replace(b"}", b" }", 1), headers)

    assert (response.status_code, response.json()["code"]) == (401, "bad_signature")


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_an_old_notification_is_refused_as_a_replay(hooks: HookTenant, platform: str) -> None:
    await hooks.connect(platform)
    two_days_ago = int(time.time()) - 2 * 86400
    if platform == "amazon":
        response = await hooks.post(platform, fixture(platform, BANS[platform][0]), at=two_days_ago)
    else:
        response = await hooks.post(platform, fixture(platform, BANS[platform][0], timestamp=two_days_ago))

    assert (response.status_code, response.json()["code"]) == (401, "stale_notification")
    assert (await hooks.counts())["notifications"] == 0


async def test_a_notification_from_the_future_is_refused(hooks: HookTenant) -> None:
    await hooks.connect("tiktok")
    later = int(time.time()) + 3600

    response = await hooks.post("tiktok", fixture("tiktok", "product_audit_failure", timestamp=later))

    assert (response.status_code, response.json()["code"]) == (400, "notification_in_future")


async def test_lazada_timestamps_in_milliseconds_are_read_as_such(hooks: HookTenant) -> None:
    await hooks.connect("lazada")
    body = fixture("lazada", "product_qc_locked", timestamp=int(time.time() * 1000))

    assert (await hooks.post("lazada", body)).status_code == 200


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_duplicate_answers_200_and_changes_nothing(hooks: HookTenant, platform: str) -> None:
    await hooks.connect(platform)
    body = fixture(platform, BANS[platform][0])
    first = await hooks.post(platform, body)
    assert first.status_code == 200, first.text
    before = await hooks.counts()

    again = await hooks.post(platform, body)

    assert again.status_code == 200, again.text
    assert again.json()["duplicate"] is True and again.json()["id"] == first.json()["id"]
    assert await hooks.counts() == before
    [group] = await hooks.groups(platform, "LISTING_REJECTED")
    assert group.count == 1


async def test_the_same_notification_id_with_another_body_is_a_duplicate(hooks: HookTenant) -> None:
    """TikTok's retries carry the same tts_notification_id (the body's timestamp may differ)."""
    await hooks.connect("tiktok")
    body = fixture("tiktok", "product_audit_failure")
    assert (await hooks.post("tiktok", body)).json()["duplicate"] is False

    retry = await hooks.post("tiktok", {**body, "timestamp": body["timestamp"] + 120})

    assert retry.json()["duplicate"] is True


async def test_a_deauthorisation_repeated_under_a_new_id_records_nothing_more(hooks: HookTenant) -> None:
    await hooks.connect("tiktok")
    assert (await hooks.post("tiktok", fixture("tiktok", "seller_deauthorization"))).status_code == 200
    assert (await hooks.post("tiktok", fixture("tiktok", "seller_deauthorization",
                                               tts_notification_id="7327112393057379999"))).status_code == 200  # fmt: skip

    [group] = await hooks.groups("tiktok", "AUTH_EXPIRED")
    assert group.count == 1 and await hooks.health("tiktok") == "expired"


async def test_an_expiry_warning_after_the_deauthorisation_leaves_it_expired(hooks: HookTenant) -> None:
    await hooks.connect("tiktok")
    await hooks.post("tiktok", fixture("tiktok", "seller_deauthorization"))

    warning = await hooks.post("tiktok", fixture("tiktok", "upcoming_authorization_expiration"))

    assert (warning.json()["outcome"], await hooks.health("tiktok")) == ("ignored", "expired")


async def test_an_upcoming_expiry_marks_the_connection_expiring(hooks: HookTenant) -> None:
    await hooks.connect("tiktok")

    response = await hooks.post("tiktok", fixture("tiktok", "upcoming_authorization_expiration"))

    assert (response.json()["effect"], response.json()["outcome"]) == ("auth_expiring", "applied")
    assert await hooks.health("tiktok") == "expiring"
    # Entering `expiring` raises its one event, naming the end (the sample's end is past: two days from now).
    (group,) = await hooks.groups("tiktok", "AUTH_EXPIRED")
    assert group.platform_error_code == "AUTHORIZATION_EXPIRING"
    repeated = fixture("tiktok", "upcoming_authorization_expiration", tts_notification_id="7327112393057371999")
    again = await hooks.post("tiktok", repeated)
    assert again.json()["outcome"] == "applied" and len(await hooks.groups("tiktok", "AUTH_EXPIRED")) == 1


async def test_an_unknown_notification_type_is_stored_and_ignored(hooks: HookTenant) -> None:
    await hooks.connect("tiktok")
    body = fixture("tiktok", "product_audit_failure", type=1, data={"order_id": "576461413038785752"})

    response = await hooks.post("tiktok", body)

    assert response.status_code == 200
    assert (response.json()["effect"], response.json()["outcome"]) == ("ignored", "ignored")
    assert await hooks.counts() == {"events": 0, "notifications": 1}


async def test_a_listing_no_sku_is_bound_to_is_stored_as_unbound(hooks: HookTenant) -> None:
    await hooks.connect("shopee")
    body = fixture("shopee", "banned_item")
    body["data"]["item_id"] = 99999999999

    response = await hooks.post("shopee", body)

    assert (response.status_code, response.json()["outcome"]) == (200, "unbound")
    assert (await hooks.counts())["events"] == 0


async def test_unknown_shop_and_another_platforms_shop_are_404(hooks: HookTenant) -> None:
    shop_id = await hooks.connect("tiktok")
    body = json.dumps(fixture("tiktok", "seller_deauthorization")).encode()

    unknown = await hooks.client.post(f"/v1/hooks/tiktok/{uuid.uuid4()}", content=body)
    other = await hooks.client.post(f"/v1/hooks/shopee/{shop_id}", content=body)

    assert unknown.status_code == other.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")


async def test_malformed_json_is_400_and_a_wrong_shape_422(hooks: HookTenant) -> None:
    await hooks.connect("lazada")
    raw = b'{"seller_id": "500176629136", "message_type": '
    path = "http://testserver" + hooks.path("lazada")

    broken = await hooks.post_raw("lazada", raw, sign("lazada", path, raw))
    shapeless = await hooks.post("lazada", {"seller_id": "500176629136", "message_type": "one", "timestamp": 1})

    assert (broken.status_code, broken.json()["code"]) == (400, "bad_request")
    assert (shapeless.status_code, shapeless.json()["code"]) == (422, "validation_failed")


async def test_a_notification_about_another_shop_of_the_same_app_is_refused(hooks: HookTenant) -> None:
    """One app secret signs every shop's notifications: the body must name this shop."""
    await hooks.connect("tiktok")

    response = await hooks.post("tiktok", fixture("tiktok", "seller_deauthorization", shop_id="7494000000000000001"))

    assert response.status_code == 422
    assert await hooks.health("tiktok") != "expired"


async def test_shopee_signs_the_public_callback_url(hooks: HookTenant, app: object) -> None:
    """Behind a proxy the request URL is not the one Shopee called: the public base URL setting names it."""
    app.state.settings.hooks_public_base_url = "https://openclaw.example.com"  # type: ignore[attr-defined]
    await hooks.connect("shopee")
    raw = json.dumps(fixture("shopee", "banned_item")).encode()

    as_received = await hooks.post_raw("shopee", raw, sign("shopee", "http://testserver" + hooks.path("shopee"), raw))
    public = await hooks.post_raw(
        "shopee", raw, sign("shopee", "https://openclaw.example.com" + hooks.path("shopee"), raw)
    )

    assert as_received.status_code == 401 and public.status_code == 200


async def test_amazon_needs_the_forwarders_secret_on_the_connection(hooks: HookTenant) -> None:
    await hooks.connect("amazon", without=("notification_secret",))

    response = await hooks.post("amazon", fixture("amazon", "listings_item_issues_change_error"))

    assert response.status_code == 401
    assert "notification_secret" in response.json()["detail"]


async def test_amazon_accepts_either_signature_while_a_secret_is_rotated(hooks: HookTenant) -> None:
    await hooks.connect("amazon")
    raw = json.dumps(fixture("amazon", "listings_item_status_change")).encode()
    good = sign("amazon", "", raw)["X-OpenClaw-Signature"]
    stamp, v1 = good.split(",")

    response = await hooks.post_raw("amazon", raw, {"X-OpenClaw-Signature": f"{stamp},v1=00ff,{v1}"})

    assert response.status_code == 200, response.text
    assert response.json()["effect"] == "listing_cleared"


async def test_another_tenant_sees_none_of_the_notifications(hooks: HookTenant, seed: Seeder) -> None:
    """Row-level security on platform_notifications: the second wall behind the tenant filter."""
    await hooks.connect("tiktok")
    assert (await hooks.post("tiktok", fixture("tiktok", "seller_deauthorization"))).status_code == 200
    other = await seed.tenant()

    async with hooks.sessions() as session:
        await use_tenant(session, other)
        seen = await session.scalar(select(func.count()).select_from(PlatformNotification))
    assert seen == 0 and (await hooks.counts())["notifications"] == 1
