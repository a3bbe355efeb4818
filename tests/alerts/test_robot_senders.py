"""The senders against a local receiver answering as the robots do: payloads, signatures, and verdicts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from api.alerts.channels.message import Mentions
from api.alerts.channels.send import send_alert
from api.alerts.channels.transport import outbound_client
from tests.alerts.conftest import DINGTALK_OK, FEISHU_OK, WECOM_OK, Receiver, alert, public_resolver

WECOM_PATH = "/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_PATH = "/robot/send?access_token=TOKEN"
FEISHU_PATH = "/open-apis/bot/v2/hook/0f7c6c8e-1111-2222-3333-444455556666"
DINGTALK_SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with outbound_client() as client:
        yield client


async def test_wecom_gets_markdown_with_userid_mentions_then_a_text_mentioning_phones(
    receiver: Receiver, client: httpx.AsyncClient
) -> None:
    result = await send_alert("wecom", receiver.url(WECOM_PATH), alert(), client=client, allow_private=True)
    assert result.ok, result
    assert (result.status, result.code, result.body) == (200, "0", WECOM_OK.decode())
    markdown, text = (orjson.loads(r.body) for r in receiver.requests)
    assert receiver.requests[0].query == {"key": "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"}
    assert markdown["msgtype"] == "markdown"
    content = markdown["markdown"]["content"]
    assert content.startswith('### <font color="warning">[严重] Shopee 价格推送失败激增</font>')
    assert "> 60 分钟内 128 个错误，超过阈值 100" in content
    assert "- 价格未生效: 80" in content and "- Shopee MY 旗舰店: 70" in content
    assert "[在看板中查看](https://openclaw.example.com/board?type=PRICE_NOT_EFFECTIVE" in content
    assert content.endswith("<@zhangsan>")
    assert text == {
        "msgtype": "text",
        "text": {"content": "[严重] Shopee 价格推送失败激增", "mentioned_mobile_list": ["13800001111"]},
    }


async def test_wecom_errcode_in_a_200_answer_is_a_failure(receiver: Receiver, client: httpx.AsyncClient) -> None:
    # Body from a real 93000 answer (alert-channels.md §1, [I-93000]).
    invalid = b'{"errcode":93000,"errmsg":"invalid webhook url, hint: [1755605200056773468916791], from ip: 172.212.167.87, more info at https://open.work.weixin.qq.com/devtool/query?e=93000"}'
    receiver.answers = [(200, invalid)]
    url = receiver.url(WECOM_PATH)
    result = await send_alert("wecom", url, alert(mentions=Mentions()), client=client, allow_private=True)
    assert (result.ok, result.status, result.code, result.retryable) == (False, 200, "93000", False)
    assert "invalid webhook url" in result.body
    receiver.answers = [(200, b'{"errcode":45009,"errmsg":"api freq out of limit"}')]
    result = await send_alert("wecom", url, alert(mentions=Mentions()), client=client, allow_private=True)
    assert (result.ok, result.code, result.retryable) == (False, "45009", True)


async def test_a_500_is_a_retryable_failure(receiver: Receiver, client: httpx.AsyncClient) -> None:
    receiver.answers = [(500, b"<html>Internal Server Error</html>")]
    result = await send_alert("dingtalk", receiver.url(DINGTALK_PATH), alert(), client=client, allow_private=True)
    assert (result.ok, result.status, result.retryable, result.code) == (False, 500, True, None)
    assert result.error == "HTTP 500"


async def test_dingtalk_markdown_is_signed_in_the_query_and_keeps_the_access_token(
    receiver: Receiver, client: httpx.AsyncClient
) -> None:
    receiver.default = (200, DINGTALK_OK)
    url = receiver.url(DINGTALK_PATH)
    result = await send_alert("dingtalk", url, alert(), client=client, allow_private=True, secret=DINGTALK_SECRET)
    assert result.ok, result
    (request,) = receiver.requests
    assert request.query["access_token"] == "TOKEN"
    # The receiver's check, as DingTalk does it: recompute from the timestamp and the decoded sign.
    timestamp = request.query["timestamp"]
    assert abs(int(timestamp) - time.time() * 1000) < 60_000
    expected = hmac.new(DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256)
    assert request.query["sign"] == base64.b64encode(expected.digest()).decode()
    body = orjson.loads(request.body)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "[严重] Shopee 价格推送失败激增"
    assert body["markdown"]["text"].startswith("### [严重] Shopee 价格推送失败激增\n> 60 分钟内 128 个错误")
    assert body["markdown"]["text"].endswith("@13800001111 @zhangsan")
    assert body["at"] == {"atMobiles": ["13800001111"], "atUserIds": ["zhangsan"], "isAtAll": False}


async def test_dingtalk_throttling_is_retryable(receiver: Receiver, client: httpx.AsyncClient) -> None:
    receiver.answers = [(200, b'{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}')]
    result = await send_alert("dingtalk", receiver.url(DINGTALK_PATH), alert(), client=client, allow_private=True)
    assert (result.ok, result.code, result.retryable) == (False, "130101", True)
    receiver.answers = [
        (
            200,
            b'{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}',
        )
    ]
    result = await send_alert("dingtalk", receiver.url(DINGTALK_PATH), alert(), client=client, allow_private=True)
    assert (result.ok, result.code, result.retryable) == (False, "310000", False)


async def test_feishu_card_is_signed_in_the_body(receiver: Receiver, client: httpx.AsyncClient) -> None:
    receiver.default = (200, FEISHU_OK)
    url = receiver.url(FEISHU_PATH)
    message = alert(mentions=Mentions(user_ids=("ou_7d8a6e6df7621556ce0d21922b676706ccs",)))
    result = await send_alert("feishu", url, message, client=client, allow_private=True, secret="demo_feishu_secret")
    assert result.ok, result
    body = orjson.loads(receiver.requests[0].body)
    key = f"{body['timestamp']}\ndemo_feishu_secret".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "interactive"
    card = body["card"]
    assert card["header"] == {
        "title": {"tag": "plain_text", "content": "[严重] Shopee 价格推送失败激增"},
        "template": "red",
    }
    text = card["elements"][0]["text"]
    assert text["tag"] == "lark_md"
    assert text["content"].startswith("60 分钟内 128 个错误，超过阈值 100\n范围: Shopee MY · 价格未生效")
    assert text["content"].endswith("<at id=ou_7d8a6e6df7621556ce0d21922b676706ccs></at>")
    button = card["elements"][1]["actions"][0]
    assert button["url"] == message.board_url


async def test_feishu_error_codes_fail_even_with_http_200(receiver: Receiver, client: httpx.AsyncClient) -> None:
    receiver.answers = [
        (
            200,
            b'{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}',
        ),
        (200, b'{"StatusCode":9499,"StatusMessage":"Bad Request"}'),
        (200, b'{"code":11232,"msg":"frequency limited","data":{}}'),
    ]
    url = receiver.url(FEISHU_PATH)
    results = [await send_alert("feishu", url, alert(), client=client, allow_private=True) for _ in range(3)]
    assert [(r.ok, r.code, r.retryable) for r in results] == [
        (False, "19021", False),
        (False, "9499", False),
        (False, "11232", True),
    ]


async def test_webhook_is_signed_over_timestamp_and_body(receiver: Receiver, client: httpx.AsyncClient) -> None:
    receiver.default = (204, b"")
    result = await send_alert(
        "webhook", receiver.url("/hooks/openclaw"), alert(), client=client, allow_private=True, secret="whsec_demo"
    )
    assert result.ok, result
    (request,) = receiver.requests
    timestamp = request.headers["x-openclaw-timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(b"whsec_demo", timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-openclaw-signature"] == f"sha256={expected}"
    body = orjson.loads(request.body)
    assert body["type"] == "openclaw.alert" and body["reason"] == alert().reason
    assert body["top_shops"][0] == {"key": "shop-1", "label": "Shopee MY 旗舰店", "count": 70}
    receiver.default = (404, b"not here")
    result = await send_alert("webhook", receiver.url("/gone"), alert(), client=client, allow_private=True)
    assert (result.ok, result.status, result.retryable) == (False, 404, False)


async def test_the_sender_connects_to_the_checked_address_and_keeps_the_host_name(
    receiver: Receiver, client: httpx.AsyncClient
) -> None:
    receiver.default = (200, b"{}")
    url = f"http://alerts.receiver.test:{receiver.port}/hook"
    result = await send_alert(
        "webhook", url, alert(), client=client, allow_private=True, resolver=public_resolver("127.0.0.1")
    )
    assert result.ok, result
    assert receiver.requests[0].headers["host"] == f"alerts.receiver.test:{receiver.port}"


async def test_a_closed_port_is_a_retryable_failure(client: httpx.AsyncClient) -> None:
    result = await send_alert("webhook", "http://127.0.0.1:9/hook", alert(), client=client, allow_private=True)
    assert (result.ok, result.status, result.retryable) == (False, None, True)
    assert result.error.startswith("ConnectError")
