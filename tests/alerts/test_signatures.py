"""Signing vectors: the literals were computed independently with `openssl dgst -sha256 -hmac` (alert-channels.md
§2 and §3 for DingTalk and Feishu; the webhook one for this suite), and each is recomputed here with hmac."""

from __future__ import annotations

import base64
import hashlib
import hmac

import httpx

from api.alerts.channels import dingtalk, feishu, webhook

DINGTALK_SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"


def test_dingtalk_vector() -> None:
    raw = dingtalk.sign(DINGTALK_SECRET, 1700000000000)
    assert raw == "bTgY2yDbep+wesS7jKiNj+srsHoADES4+C4f8LCHFtU="
    independent = hmac.new(DINGTALK_SECRET.encode(), b"1700000000000\n" + DINGTALK_SECRET.encode(), hashlib.sha256)
    assert raw == base64.b64encode(independent.digest()).decode()
    # Merged into the query once: access_token kept, the sign percent-encoded exactly once.
    url = httpx.URL("https://oapi.dingtalk.com/robot/send?access_token=TOKEN").copy_merge_params(
        dingtalk.signed_params(DINGTALK_SECRET, 1700000000000)
    )
    assert str(url) == (
        "https://oapi.dingtalk.com/robot/send?access_token=TOKEN&timestamp=1700000000000"
        "&sign=bTgY2yDbep%2BwesS7jKiNj%2BsrsHoADES4%2BC4f8LCHFtU%3D"
    )
    assert dingtalk.signed_params(None) == {}


def test_feishu_vector() -> None:
    assert feishu.sign("demo_feishu_secret", 1700000000) == "+m3gFByQZ+hQvteie2nAns9QEa4QPj/llY9O9oepnBE="
    independent = hmac.new(b"1700000000\ndemo_feishu_secret", b"", hashlib.sha256).digest()
    assert feishu.sign("demo_feishu_secret", 1700000000) == base64.b64encode(independent).decode()


def test_webhook_vector() -> None:
    body = b'{"type":"openclaw.alert"}'
    expected = "sha256=e2b6cfd70df4d100b19146acfa351c8df0e09bb61e8748183cda7dbee72ee40f"
    assert webhook.signature("whsec_demo", 1700000000, body) == expected
    assert webhook.signed_headers("whsec_demo", body, 1700000000) == {
        "X-OpenClaw-Timestamp": "1700000000",
        "X-OpenClaw-Signature": expected,
    }
    assert webhook.signed_headers(None, body, 1700000000) == {"X-OpenClaw-Timestamp": "1700000000"}
