"""/v1/alert-rules over the API: admins only, channels checked and never returned, test-send with the channel's
own answer, deliveries listed."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from api.config import Settings
from tests.alerts.conftest import DINGTALK_OK, Receiver
from tests.conftest import Seeder

SECRET = "SEC0123456789abcdef0123456789abcdef"
KEY = "a1b2c3d4-0000-4000-8000-feedfacecafe"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"allow_private_webhooks": True})  # the receiver is on loopback


def rule_body(receiver: Receiver, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Stock sync failures",
        "condition": {"kind": "count", "threshold": 50, "window_minutes": 1440},
        "filters": {"error_type": ["INVENTORY_SYNC_FAILED"], "platform": ["shopee"]},
        "channels": [
            {"kind": "wecom", "url": receiver.url(f"/cgi-bin/webhook/send?key={KEY}")},
            {"kind": "dingtalk", "url": receiver.url("/robot/send?access_token=tok123456"), "secret": SECRET},
        ],
        "cooldown_minutes": 30,
        "quiet_hours": {"start": "22:00", "end": "08:00"},
        "digest_hour": 9,
    }
    return {**body, **overrides}


async def test_an_admin_creates_lists_changes_and_deletes_a_rule_without_ever_seeing_secrets(
    client: httpx.AsyncClient, seed: Seeder, receiver: Receiver
) -> None:
    admin = await seed.login(await seed.tenant())
    created = await client.post("/v1/alert-rules", json=rule_body(receiver), headers=admin)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule["condition"] == {"kind": "count", "threshold": 50, "window_minutes": 1440}
    assert rule["quiet_hours"] == {"start": "22:00", "end": "08:00"} and rule["digest_hour"] == 9
    wecom, dingtalk = rule["channels"]
    assert wecom["target_hint"].startswith("127.0.0.1 …") and wecom["has_secret"] is False
    assert dingtalk["has_secret"] is True
    for answer in (created, await client.get("/v1/alert-rules", headers=admin),
                   await client.get(f"/v1/alert-rules/{rule['id']}", headers=admin),
                   await client.get("/v1/audit", headers=admin)):  # fmt: skip
        assert SECRET not in answer.text and KEY not in answer.text and "tok123456" not in answer.text

    changed = await client.patch(
        f"/v1/alert-rules/{rule['id']}", json={"cooldown_minutes": 5, "quiet_hours": None}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["cooldown_minutes"] == 5 and changed.json()["quiet_hours"] is None
    assert changed.json()["channels"] == rule["channels"]  # not given: kept

    taken = await client.post("/v1/alert-rules", json=rule_body(receiver), headers=admin)
    assert taken.status_code == 409
    assert (await client.delete(f"/v1/alert-rules/{rule['id']}", headers=admin)).status_code == 204
    assert (await client.get(f"/v1/alert-rules/{rule['id']}", headers=admin)).status_code == 404


async def test_operators_and_viewers_cannot_touch_alert_rules(
    client: httpx.AsyncClient, seed: Seeder, receiver: Receiver
) -> None:
    tenant = await seed.tenant()
    for role in ("operator", "viewer"):
        headers = await seed.login(tenant, role)
        assert (await client.get("/v1/alert-rules", headers=headers)).status_code == 403
        assert (await client.post("/v1/alert-rules", json=rule_body(receiver), headers=headers)).status_code == 403
        assert (await client.get("/v1/alert-deliveries", headers=headers)).status_code == 403


@pytest.mark.parametrize(
    ("channel", "field", "reason"),
    [
        ({"kind": "wecom"}, "channels.0", "needs `url`"),
        ({"kind": "email", "url": "https://example.com/x"}, "channels.0", "needs `to`"),
        ({"kind": "wecom", "url": "ftp://qyapi.weixin.qq.com/x"}, "channels[0].url", "wecom target"),
        ({"kind": "webhook", "url": "http://169.254.169.254/latest/meta-data"}, "channels[0].url", "metadata"),
        ({"kind": "email", "to": ["not-an-address"]}, "channels[0].to", "email"),
    ],
)
async def test_a_bad_channel_is_a_422_naming_it_and_nothing_is_stored(
    client: httpx.AsyncClient, seed: Seeder, receiver: Receiver, channel: dict[str, Any], field: str, reason: str
) -> None:
    admin = await seed.login(await seed.tenant())
    answer = await client.post(
        "/v1/alert-rules", json=rule_body(receiver, channels=[channel]), headers={**admin, "Accept-Language": "en"}
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    named = {p["name"]: p["reason"] for p in answer.json()["invalid_params"]}
    assert any(name.startswith(field) and reason in why for name, why in named.items()), named
    assert (await client.get("/v1/alert-rules", headers=admin)).json()["items"] == []


async def test_an_unknown_shop_in_the_filters_is_a_422(
    client: httpx.AsyncClient, seed: Seeder, receiver: Receiver
) -> None:
    admin = await seed.login(await seed.tenant())
    body = rule_body(receiver, filters={"shop_id": [str(uuid.uuid4())]})
    answer = await client.post("/v1/alert-rules", json=body, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["invalid_params"][0]["name"] == "filters.shop_id[0]"


async def test_test_send_returns_each_channels_answer_and_records_them(
    client: httpx.AsyncClient, seed: Seeder, receiver: Receiver
) -> None:
    admin = await seed.login(await seed.tenant())
    rule = (await client.post("/v1/alert-rules", json=rule_body(receiver), headers=admin)).json()
    # WeCom refuses with its errcode in a 200 answer (an invalid key), DingTalk accepts.
    receiver.answers = [(200, b'{"errcode":93000,"errmsg":"invalid webhook url"}'), (200, DINGTALK_OK)]

    answer = await client.post(f"/v1/alert-rules/{rule['id']}/test", headers={**admin, "Accept-Language": "en"})

    assert answer.status_code == 200, answer.text
    wecom, dingtalk = answer.json()["results"]
    assert (wecom["ok"], wecom["status"], wecom["code"]) == (False, 200, "93000")
    assert "invalid webhook url" in wecom["body"]
    assert (dingtalk["ok"], dingtalk["code"]) == (True, "0")
    first, second = receiver.requests
    assert first.query["key"] == KEY and b"Test message" in first.body
    assert second.query["access_token"] == "tok123456" and "sign" in second.query and "timestamp" in second.query

    deliveries = (await client.get("/v1/alert-deliveries", params={"rule_id": rule["id"]}, headers=admin)).json()
    by_channel = {d["channel_kind"]: d for d in deliveries["items"]}
    assert by_channel["wecom"]["status"] == "failed" and by_channel["wecom"]["response_code"] == "93000"
    assert by_channel["dingtalk"]["status"] == "sent" and by_channel["dingtalk"]["kind"] == "test"
    assert KEY not in str(deliveries) and SECRET not in str(deliveries)


async def test_deliveries_page_with_a_cursor(client: httpx.AsyncClient, seed: Seeder, receiver: Receiver) -> None:
    admin = await seed.login(await seed.tenant())
    rule = (await client.post("/v1/alert-rules", json=rule_body(receiver), headers=admin)).json()
    receiver.default = (200, DINGTALK_OK)
    for _ in range(2):
        await client.post(f"/v1/alert-rules/{rule['id']}/test", headers=admin)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/alert-deliveries", params=params, headers=admin)).json()
        seen += [d["id"] for d in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert len(seen) == len(set(seen)) == 4
    forged = await client.get("/v1/alert-deliveries", params={"cursor": "abc.def"}, headers=admin)
    assert forged.status_code == 422
